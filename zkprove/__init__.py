"""zkprove: circuits in Python, Groth16 over BN254, an L1-exact verifier.

``from zkprove import Circuit, Public, Secret`` gives the circuit DSL. The
names load on first use (PEP 562), so ``import zkprove`` itself stays light.
"""

from typing import Any

__all__ = ["Circuit", "Public", "Secret"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import dsl

        return getattr(dsl, name)
    raise AttributeError(f"module 'zkprove' has no attribute {name!r}")
