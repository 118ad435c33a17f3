"""Parallel numba kernels that apply Montgomery operations to ``uint64[n, 4]`` arrays.

Each kernel takes the scalar operation (a njit function from
:mod:`~zkprove.field.montgomery`) as an argument, so one loop serves every
operation, and a small integer field id instead of the spec itself: numba's
parallel regions cannot capture a nested-tuple argument, so the spec is
looked up inside the serial chunk function.
"""

import numpy as np
from numba import njit, prange

from . import montgomery as mont
from .params import FQ_SPEC, FR_SPEC

FIELD_R = 0
FIELD_Q = 1
_CHUNKS = 64


@njit(cache=True)
def spec_of(field_id):
    """The FieldSpec for a field id (FIELD_R or FIELD_Q)."""
    return FR_SPEC if field_id == FIELD_R else FQ_SPEC


@njit(cache=True)
def load(arr, i):
    """Element i of a ``(n, 4)`` array as a limb tuple."""
    return (arr[i, 0], arr[i, 1], arr[i, 2], arr[i, 3])


@njit(cache=True)
def store(arr, i, x):
    """Write a limb tuple into row i of a ``(n, 4)`` array."""
    arr[i, 0] = x[0]
    arr[i, 1] = x[1]
    arr[i, 2] = x[2]
    arr[i, 3] = x[3]


@njit(cache=True)
def _unary_chunk(op, a, out, lo, hi, field_id):
    spec = spec_of(field_id)
    for i in range(lo, hi):
        store(out, i, op(load(a, i), spec))


@njit(cache=True)
def _binary_chunk(op, a, b, out, lo, hi, field_id):
    spec = spec_of(field_id)
    for i in range(lo, hi):
        store(out, i, op(load(a, i), load(b, i), spec))


@njit(cache=True, parallel=True)
def map_unary(op, a, out, field_id):
    """out[i] = op(a[i]) for every row, split across threads."""
    n = a.shape[0]
    for c in prange(_CHUNKS):
        _unary_chunk(op, a, out, c * n // _CHUNKS, (c + 1) * n // _CHUNKS, field_id)


@njit(cache=True, parallel=True)
def map_binary(op, a, b, out, field_id):
    """out[i] = op(a[i], b[i]) for every row, split across threads."""
    n = a.shape[0]
    for c in prange(_CHUNKS):
        _binary_chunk(op, a, b, out, c * n // _CHUNKS, (c + 1) * n // _CHUNKS, field_id)


@njit(cache=True)
def _pow_chunk(a, exponent, out, lo, hi, field_id):
    spec = spec_of(field_id)
    for i in range(lo, hi):
        store(out, i, mont.pow_limbs(load(a, i), exponent, spec))


@njit(cache=True, parallel=True)
def map_pow(a, exponent, out, field_id):
    """out[i] = a[i]^e for an exponent given as 4 limbs."""
    n = a.shape[0]
    for c in prange(_CHUNKS):
        _pow_chunk(a, exponent, out, c * n // _CHUNKS, (c + 1) * n // _CHUNKS, field_id)


@njit(cache=True)
def _batch_inverse_chunk(a, out, lo, hi, field_id):
    """Montgomery's trick on rows [lo, hi): one inversion and 3(hi-lo) products."""
    spec = spec_of(field_id)
    if hi <= lo:
        return
    acc = spec.one
    for i in range(lo, hi):
        store(out, i, acc)
        acc = mont.mul(acc, load(a, i), spec)
    acc = mont.inv(acc, spec)
    for i in range(hi - 1, lo - 1, -1):
        x = load(a, i)
        store(out, i, mont.mul(acc, load(out, i), spec))
        acc = mont.mul(acc, x, spec)


@njit(cache=True, parallel=True)
def batch_inverse(a, out, field_id):
    """Invert every (non-zero) row; one Fermat inversion per chunk (P. Montgomery, 1987)."""
    n = a.shape[0]
    chunks = min(_CHUNKS, max(1, n // 256))
    for c in prange(chunks):
        _batch_inverse_chunk(a, out, c * n // chunks, (c + 1) * n // chunks, field_id)


@njit(cache=True)
def first_at_least(a, bound):
    """Index of the first row whose 4-limb value is >= bound, or -1."""
    for i in range(a.shape[0]):
        for k in range(3, -1, -1):
            if a[i, k] != bound[k]:
                if a[i, k] > bound[k]:
                    return i
                break
        else:
            return i
    return -1


@njit(cache=True)
def first_zero(a):
    """Index of the first all-zero row, or -1."""
    for i in range(a.shape[0]):
        if mont.is_zero(load(a, i)):
            return i
    return -1


def empty(n: int) -> np.ndarray:
    """An uninitialised ``(n, 4)`` limb array."""
    return np.empty((n, 4), dtype=np.uint64)
