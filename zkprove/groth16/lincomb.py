"""Sparse linear combinations of points: out_k = sum_t c_t * P_(base_t) over the terms t of output k.

Phase 2 builds each wire's query points from the Lagrange-basis points:
[u_i(tau)] = sum_j A[j][i] [L_j(tau)], one term per non-zero entry of the
QAP matrix column i (BGM17, phase 2; snarkjs ``zkey new``). The number
of terms is the matrices' non-zero count, and most coefficients are small
(1, 2, -1), so a double-and-add per term whose leading zero bits cost
nothing beats an MSM per output (:func:`zkprove.curve.kernels.signed_sum`).
A coefficient above (r - 1)/2 is applied as -(r - c), which turns the
common -1 into a single addition.

The kernel runs outputs in parallel; it serves G1 and G2 through the curve
package's element-type dispatch.
"""

import numpy as np
from numba import njit, prange

from zkprove.curve import Group
from zkprove.curve.kernels import signed_sum, store_jacobian
from zkprove.field import Fr
from zkprove.field.chunks import CHUNKS, chunk_start
from zkprove.field.params import R


@njit(cache=True)
def _combine_outputs(bases, indptr, base_index, scalars, negate, out, lo, hi):
    for k in range(lo, hi):
        store_jacobian(out, k, signed_sum(bases, base_index, scalars, negate, indptr[k], indptr[k + 1]))


@njit(cache=True, parallel=True)
def _combine(bases, indptr, base_index, scalars, negate, out):
    """out[k] = sum over terms t in [indptr[k], indptr[k+1]) of +-scalars[t] * bases[base_index[t]]."""
    n = out.shape[0]
    for c in prange(CHUNKS):
        _combine_outputs(bases, indptr, base_index, scalars, negate, out, chunk_start(c, n), chunk_start(c + 1, n))


def combine(group: Group, bases: np.ndarray, output: np.ndarray, base: np.ndarray, coeffs: np.ndarray, n_outputs: int) -> np.ndarray:
    """Affine ``out[k] = sum of coeffs[t] * bases[base[t]]`` over the terms t with ``output[t] == k``.

    ``bases``: affine points; ``output``, ``base``: int64 per term;
    ``coeffs``: Montgomery-form Fr ``uint64[terms, 4]``. Outputs without terms are infinity.
    """
    order = np.argsort(output, kind="stable")
    counts = np.bincount(output, minlength=n_outputs)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    values = Fr.to_ints(coeffs[order]) if len(order) else []
    negate = np.array([v > (R - 1) // 2 for v in values], dtype=np.bool_)
    scalars = Fr.standard_limbs([R - v if flip else v for v, flip in zip(values, negate)])
    out = np.empty((n_outputs, 3) + group.element_shape, np.uint64)
    _combine(group.to_affine(bases), indptr, np.ascontiguousarray(base[order], dtype=np.int64), scalars, negate, out)
    return group.to_affine(out)
