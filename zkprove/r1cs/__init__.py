"""Rank-1 constraint systems: the compiled form of a circuit."""

from .system import ConstraintSystem, SparseMatrix, UnsatisfiedConstraint, Witness, first_unsatisfied

__all__ = ["ConstraintSystem", "SparseMatrix", "UnsatisfiedConstraint", "Witness", "first_unsatisfied"]
