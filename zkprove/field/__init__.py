"""BN254 prime fields Fr and Fq as ``uint64[n, 4]`` Montgomery arrays (numba kernels).

``Fr``, ``Fq`` and ``PrimeField`` load on first use (PEP 562), so code that
only needs the moduli (the DSL works on Python ints) never imports numba.
"""

from .params import P, R

__all__ = ["Fq", "Fr", "P", "PrimeField", "R"]


def __getattr__(name: str):
    if name in ("Fq", "Fr", "PrimeField"):
        from . import prime_field

        return getattr(prime_field, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
