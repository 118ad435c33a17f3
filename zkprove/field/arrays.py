"""Parallel numba kernels that apply Montgomery operations to ``uint64[n, 4]`` arrays.

One loop serves every operation: the kernels take a small integer op code and
a field id, not the scalar function and the spec. Both choices dodge numba
limits: a dispatcher passed as an argument defeats ``cache=True`` (every
process compiles anew, and saving to the cache can fail), and a parallel
region cannot capture a nested-tuple argument, so the spec is looked up inside
the serial chunk function (the chunking itself: :mod:`.chunks`).
"""

import numpy as np
from numba import njit, prange

from . import montgomery as mont
from .chunks import CHUNKS, chunk_start
from .params import FQ_SPEC, FR_SPEC

FIELD_R = 0
FIELD_Q = 1


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


NEG, SQUARE, INV, TO_MONTGOMERY, FROM_MONTGOMERY = 0, 1, 2, 3, 4
ADD, SUB, MUL = 0, 1, 2


@njit(cache=True)
def _unary(op, x, spec):
    if op == NEG:
        return mont.neg(x, spec)
    if op == SQUARE:
        return mont.square(x, spec)
    if op == INV:
        return mont.inv(x, spec)
    if op == TO_MONTGOMERY:
        return mont.to_montgomery(x, spec)
    return mont.from_montgomery(x, spec)


@njit(cache=True)
def _binary(op, x, y, spec):
    if op == ADD:
        return mont.add(x, y, spec)
    if op == SUB:
        return mont.sub(x, y, spec)
    return mont.mul(x, y, spec)


@njit(cache=True)
def _unary_chunk(op, a, out, lo, hi, field_id):
    spec = spec_of(field_id)
    for i in range(lo, hi):
        store(out, i, _unary(op, load(a, i), spec))


@njit(cache=True)
def _binary_chunk(op, a, b, out, lo, hi, field_id):
    spec = spec_of(field_id)
    for i in range(lo, hi):
        store(out, i, _binary(op, load(a, i), load(b, i), spec))


@njit(cache=True, parallel=True)
def map_unary(op, a, out, field_id):
    """out[i] = op(a[i]) for every row (op: NEG, SQUARE, INV, TO_/FROM_MONTGOMERY)."""
    n = a.shape[0]
    for c in prange(CHUNKS):
        _unary_chunk(op, a, out, chunk_start(c, n), chunk_start(c + 1, n), field_id)


@njit(cache=True, parallel=True)
def map_binary(op, a, b, out, field_id):
    """out[i] = op(a[i], b[i]) for every row (op: ADD, SUB, MUL)."""
    n = a.shape[0]
    for c in prange(CHUNKS):
        _binary_chunk(op, a, b, out, chunk_start(c, n), chunk_start(c + 1, n), field_id)


@njit(cache=True)
def _pow_chunk(a, exponent, out, lo, hi, field_id):
    spec = spec_of(field_id)
    for i in range(lo, hi):
        store(out, i, mont.pow_limbs(load(a, i), exponent, spec))


@njit(cache=True, parallel=True)
def map_pow(a, exponent, out, field_id):
    """out[i] = a[i]^e for an exponent given as 4 limbs."""
    n = a.shape[0]
    for c in prange(CHUNKS):
        _pow_chunk(a, exponent, out, chunk_start(c, n), chunk_start(c + 1, n), field_id)


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
    tasks = min(CHUNKS, max(1, n // 256))
    for c in prange(tasks):
        _batch_inverse_chunk(a, out, chunk_start(c, n, tasks), chunk_start(c + 1, n, tasks), field_id)


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
