"""BN254 prime fields Fr and Fq as ``uint64[n, 4]`` Montgomery arrays (numba kernels)."""

from .params import P, R
from .prime_field import Fq, Fr, PrimeField

__all__ = ["Fq", "Fr", "P", "PrimeField", "R"]
