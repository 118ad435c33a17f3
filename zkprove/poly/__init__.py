"""Polynomials over Fr: the radix-2 evaluation domain and the NTT.

The transforms live in :mod:`zkprove.poly.ntt` (``ntt.ntt``, ``ntt.intt``,
``ntt.coset_ntt``, ``ntt.coset_intt``, ``ntt.poly_mul``); the package keeps
``ntt`` bound to that module rather than to the function of the same name.
"""

from . import ntt
from .domain import COSET_GENERATOR, EvaluationDomain

__all__ = ["COSET_GENERATOR", "EvaluationDomain", "ntt"]
