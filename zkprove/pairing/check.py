"""The pairing on point arrays: products of pairings, and the check that such a product is 1.

G1 points are affine Montgomery arrays ``uint64[k, 2, 4]`` and G2 points
``uint64[k, 2, 2, 4]`` (real part first), infinity as (0, 0), the layout
of :mod:`zkprove.curve`; a value of GT or Fq12 is a ``uint64[2, 3, 2, 4]``
array (:mod:`.fq12`). The points must be valid group elements (on their
curves, G2 points in the order-r subgroup): the functions here do not
check, the callers do (the L1 precompile model with the precompile's own
rules, :meth:`zkprove.curve.Group.validate` for arrays).
"""

import numpy as np
from numba import njit

from . import fq12
from .final_exp import final_exponentiation as _final_exponentiation
from .miller import N_LINES, evaluate_lines, multi_miller_loop, prepare_lines


@njit(cache=True)
def _product_is_one(g1, g2):
    return fq12.is_one(_final_exponentiation(multi_miller_loop(g1, g2)))


@njit(cache=True)
def _prepared_product_is_one(g1, lines, miller_values):
    f = evaluate_lines(g1, lines)
    for i in range(miller_values.shape[0]):
        f = fq12.mul(f, fq12.load(miller_values[i]))
    return fq12.is_one(_final_exponentiation(f))


@njit(cache=True)
def _prepare_into(g2, out):
    prepare_lines(g2, 0, out)


@njit(cache=True)
def _miller_into(g1, g2, out):
    fq12.store(out, multi_miller_loop(g1, g2))


@njit(cache=True)
def _final_exponentiation_into(f, out):
    fq12.store(out, _final_exponentiation(fq12.load(f)))


def _pairs(g1: np.ndarray, g2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    g1 = np.ascontiguousarray(g1, dtype=np.uint64).reshape(-1, 2, 4)
    g2 = np.ascontiguousarray(g2, dtype=np.uint64).reshape(-1, 2, 2, 4)
    if len(g1) != len(g2):
        raise ValueError(f"pairing: {len(g1)} G1 points but {len(g2)} G2 points")
    return g1, g2


def pairing_check(g1: np.ndarray, g2: np.ndarray) -> bool:
    """True when prod_i e(g1[i], g2[i]) = 1: k Miller loops sharing their squarings, one final exponentiation.

    The empty product is 1, so no pairs give True, as precompile 0x08 answers.
    """
    return bool(_product_is_one(*_pairs(g1, g2)))


def prepared_lines(q: np.ndarray) -> np.ndarray:
    """The Miller loop's line coefficients for one finite G2 point, ``uint64[N_LINES, 3, 2, 4]``.

    Preparing depends on Q alone; keep the result for a point that recurs
    (a verifying key's) and pass it to :func:`prepared_pairing_check`.
    """
    out = np.empty((N_LINES, 3, 2, 4), np.uint64)
    _prepare_into(np.ascontiguousarray(q, dtype=np.uint64).reshape(1, 2, 2, 4), out)
    return out


def prepared_pairing_check(g1: np.ndarray, lines: np.ndarray, miller_values: np.ndarray) -> bool:
    """True when prod_j e(g1[j], Q_j) * final_exp(prod_i miller_values[i]) = 1.

    ``lines[j]`` are the :func:`prepared_lines` of Q_j (finite points only: a
    pair with infinity contributes 1 and is left out by the caller), and
    ``miller_values`` are :func:`miller_loop` values of further pairs, kept
    from earlier calls. One final exponentiation for the whole product.
    """
    g1 = np.ascontiguousarray(g1, dtype=np.uint64).reshape(-1, 2, 4)
    lines = np.ascontiguousarray(lines, dtype=np.uint64).reshape(-1, N_LINES, 3, 2, 4)
    if len(g1) != len(lines):
        raise ValueError(f"pairing: {len(g1)} G1 points but {len(lines)} prepared G2 points")
    values = np.ascontiguousarray(miller_values, dtype=np.uint64).reshape(-1, 2, 3, 2, 4)
    return bool(_prepared_product_is_one(g1, lines, values))


def miller_loop(g1: np.ndarray, g2: np.ndarray) -> np.ndarray:
    """The product of the pairs' Miller loop values, before the final exponentiation."""
    out = np.empty((2, 3, 2, 4), np.uint64)
    _miller_into(*_pairs(g1, g2), out)
    return out


def final_exponentiation(f: np.ndarray) -> np.ndarray:
    """f^((p^12 - 1)/r) for a non-zero Fq12 array."""
    out = np.empty((2, 3, 2, 4), np.uint64)
    _final_exponentiation_into(np.ascontiguousarray(f, dtype=np.uint64), out)
    return out


def pairing(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """e(p, q), the reduced optimal ate pairing of one G1 and one G2 point, as an Fq12 array."""
    return final_exponentiation(miller_loop(p, q))
