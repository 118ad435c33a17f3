"""zkprove: circuits in Python, Groth16 over BN254, an L1-exact verifier.

``from zkprove import Circuit, Public, Secret`` gives the circuit DSL. The
names load on first use (PEP 562), so ``import zkprove`` itself stays light.
``zkprove.__version__`` is the installed distribution's version, whose one
source is ``pyproject.toml``; a source tree used without installing it (only
on ``PYTHONPATH``) has no metadata and reports ``0+unknown``.
"""

from importlib.metadata import PackageNotFoundError, version
from typing import Any

__all__ = ["Circuit", "Public", "Secret", "__version__"]

try:
    __version__ = version("zkprove")
except PackageNotFoundError:
    __version__ = "0+unknown"


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import dsl

        return getattr(dsl, name)
    raise AttributeError(f"module 'zkprove' has no attribute {name!r}")
