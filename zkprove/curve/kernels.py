"""Parallel array kernels that apply the formulas of :mod:`.points` to point arrays.

Arrays: affine ``(n, 2, *E)`` and Jacobian ``(n, 3, *E)`` with ``E = (4,)``
for G1 (Fq) and ``(2, 4)`` for G2 (Fq2); each kernel compiles once per
field through the element-type dispatch of :mod:`.field_ops`.

Every parallel kernel splits its rows as :mod:`zkprove.field.chunks` describes.
"""

import numpy as np
from numba import njit, prange

from zkprove.field import arrays
from zkprove.field.chunks import CHUNKS, chunk_start

from . import points as pt
from .field_ops import finv, fis_zero, fmul, fone_like, load, store


@njit(cache=True)
def load_affine(arr, i):
    """Row i of an affine array as an ``(x, y)`` tuple."""
    return (load(arr[i, 0]), load(arr[i, 1]))


@njit(cache=True)
def load_jacobian(arr, i):
    """Row i of a Jacobian array as an ``(X, Y, Z)`` tuple."""
    return (load(arr[i, 0]), load(arr[i, 1]), load(arr[i, 2]))


@njit(cache=True)
def store_affine(arr, i, p):
    """Write an ``(x, y)`` tuple into row i."""
    store(arr[i, 0], p[0])
    store(arr[i, 1], p[1])


@njit(cache=True)
def store_jacobian(arr, i, p):
    """Write an ``(X, Y, Z)`` tuple into row i."""
    store(arr[i, 0], p[0])
    store(arr[i, 1], p[1])
    store(arr[i, 2], p[2])


@njit(cache=True)
def _from_affine_chunk(aff, out, lo, hi):
    for i in range(lo, hi):
        store_jacobian(out, i, pt.from_affine(load_affine(aff, i)))


@njit(cache=True, parallel=True)
def from_affine(aff, out):
    """out[i] = aff[i] in Jacobian coordinates ((0, 0) becomes Z = 0)."""
    n = aff.shape[0]
    for c in prange(CHUNKS):
        _from_affine_chunk(aff, out, chunk_start(c, n), chunk_start(c + 1, n))


@njit(cache=True)
def _to_affine_chunk(jac, out, lo, hi):
    """Batch inversion of the non-zero Z in [lo, hi) (Montgomery's trick, 3M per point)."""
    if hi <= lo:
        return
    prefix = np.empty_like(jac[lo:hi, 2])
    acc = fone_like(load(jac[lo, 2]))
    for i in range(lo, hi):
        z = load(jac[i, 2])
        if not fis_zero(z):
            acc = fmul(acc, z)
        store(prefix[i - lo], acc)
    inv_acc = finv(acc)
    for i in range(hi - 1, lo - 1, -1):
        p = load_jacobian(jac, i)
        if pt.is_infinity(p):
            store_affine(out, i, pt.to_affine(p))
            continue
        z_inv = fmul(inv_acc, load(prefix[i - 1 - lo])) if i > lo else inv_acc
        inv_acc = fmul(inv_acc, p[2])
        store_affine(out, i, pt.to_affine_with(p, z_inv))


@njit(cache=True, parallel=True)
def to_affine(jac, out):
    """out[i] = jac[i] in affine coordinates (Z = 0 becomes (0, 0)); one inversion per chunk."""
    n = jac.shape[0]
    for c in prange(CHUNKS):
        _to_affine_chunk(jac, out, chunk_start(c, n), chunk_start(c + 1, n))


@njit(cache=True)
def _add_chunk(p, q, out, lo, hi):
    for i in range(lo, hi):
        store_jacobian(out, i, pt.add(load_jacobian(p, i), load_jacobian(q, i)))


@njit(cache=True, parallel=True)
def add(p, q, out):
    """out[i] = p[i] + q[i], all Jacobian."""
    n = p.shape[0]
    for c in prange(CHUNKS):
        _add_chunk(p, q, out, chunk_start(c, n), chunk_start(c + 1, n))


@njit(cache=True)
def _add_mixed_chunk(p, q, out, lo, hi):
    for i in range(lo, hi):
        store_jacobian(out, i, pt.add_mixed(load_jacobian(p, i), load_affine(q, i)))


@njit(cache=True, parallel=True)
def add_mixed(p, q, out):
    """out[i] = p[i] + q[i] with p, out Jacobian and q affine."""
    n = p.shape[0]
    for c in prange(CHUNKS):
        _add_mixed_chunk(p, q, out, chunk_start(c, n), chunk_start(c + 1, n))


@njit(cache=True)
def _double_chunk(p, out, lo, hi):
    for i in range(lo, hi):
        store_jacobian(out, i, pt.double(load_jacobian(p, i)))


@njit(cache=True, parallel=True)
def double(p, out):
    """out[i] = 2 p[i], Jacobian."""
    n = p.shape[0]
    for c in prange(CHUNKS):
        _double_chunk(p, out, chunk_start(c, n), chunk_start(c + 1, n))


@njit(cache=True)
def _neg_chunk(p, out, lo, hi):
    for i in range(lo, hi):
        store(out[i, 1], pt.neg_affine(load_affine(p, i))[1])


@njit(cache=True, parallel=True)
def neg(p, out):
    """out[i] = -p[i] for affine or Jacobian rows (out must be a copy of p): negates Y."""
    n = p.shape[0]
    for c in prange(CHUNKS):
        _neg_chunk(p, out, chunk_start(c, n), chunk_start(c + 1, n))


@njit(cache=True)
def _scalar_mul_chunk(p, scalars, out, lo, hi):
    for i in range(lo, hi):
        store_jacobian(out, i, pt.scalar_mul(load_affine(p, i), arrays.load(scalars, i)))


@njit(cache=True, parallel=True)
def scalar_mul(p, scalars, out):
    """out[i] = [scalars[i]] p[i]; p affine, out Jacobian, scalars standard-form ``uint64[n, 4]``."""
    n = p.shape[0]
    for c in prange(CHUNKS):
        _scalar_mul_chunk(p, scalars, out, chunk_start(c, n), chunk_start(c + 1, n))


@njit(cache=True)
def _on_curve_chunk(aff, out, lo, hi):
    for i in range(lo, hi):
        out[i] = pt.affine_on_curve(load_affine(aff, i))


@njit(cache=True, parallel=True)
def on_curve(aff, out):
    """out[i] = aff[i] satisfies the curve equation (the (0, 0) infinity counts)."""
    n = aff.shape[0]
    for c in prange(CHUNKS):
        _on_curve_chunk(aff, out, chunk_start(c, n), chunk_start(c + 1, n))


@njit(cache=True)
def signed_sum(bases, base_index, scalars, negate, lo, hi):
    """sum over terms t in [lo, hi) of (-1 if negate[t] else 1) * scalars[t] * bases[base_index[t]].

    Affine ``bases``; standard-form ``scalars`` (``uint64[terms, 4]``); a
    Jacobian result. One double-and-add (:func:`.points.scalar_mul`) per
    term on the calling thread: for a few terms, or terms with small
    scalars, this beats Pippenger, whose setup is paid per sum and whose
    parallel kernels wake the thread pool (under load, an OS time slice each).
    """
    acc = pt.infinity_like(load(bases[0, 0]))
    for t in range(lo, hi):
        term = pt.scalar_mul(load_affine(bases, base_index[t]), arrays.load(scalars, t))
        acc = pt.add(acc, pt.neg(term) if negate[t] else term)
    return acc
