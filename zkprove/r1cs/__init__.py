"""Rank-1 constraint systems: the compiled form of a circuit."""

from .system import ConstraintSystem, SparseMatrix, UnsatisfiedConstraint
from .witness import Witness

__all__ = ["ConstraintSystem", "SparseMatrix", "UnsatisfiedConstraint", "Witness"]
