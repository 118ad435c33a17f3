"""Fixed-base scalar multiplication: one point times many scalars, through a window table.

Key generation multiplies the generators of G1 and G2 by hundreds of
thousands of scalars. With a window width c and W = ceil(254 / c) windows,
a table holds T[k][j] = j · 2^(c·k) · P (affine) for every window k and
digit j < 2^c; then [s]P = sum_k T[k][digit_k(s)] costs at most W mixed
additions and no doublings, against ~254 doublings and ~127 additions for
double-and-add. This is the fixed-base windowing of arkworks
(ark-ec ``scalar_mul::fixed_base::FixedBase``) and libsnark (``batch_exp``).

The width minimises the work W·2^c (building the table) + W·n (n scalars).
The point formulas are the curve package's (:mod:`zkprove.curve.points`),
so one kernel serves G1 and G2.
"""

import numpy as np
from numba import njit, prange

from zkprove.curve import Group, scalar_limbs
from zkprove.curve import points as pt
from zkprove.curve.field_ops import load
from zkprove.curve.kernels import load_affine, store_jacobian
from zkprove.field.chunks import CHUNKS, chunk_start

#: Scalars are below r < 2^254.
SCALAR_BITS = 254
MAX_WINDOW_BITS = 16


def window_bits(n: int) -> int:
    """The table width c in [2, 16] that minimises windows(c) * (2^c + n)."""
    return min(range(2, MAX_WINDOW_BITS + 1), key=lambda c: -(-SCALAR_BITS // c) * ((1 << c) + n))


@njit(cache=True)
def _table_window(base, c, k, out):
    """Rows k * 2^c + j of the table: j * B_k with B_k = 2^(c*k) * base (Jacobian)."""
    window_base = pt.from_affine(load_affine(base, 0))
    for _ in range(c * k):
        window_base = pt.double(window_base)
    acc = pt.infinity_like(window_base[0])
    size = 1 << c
    for j in range(size):
        store_jacobian(out, k * size + j, acc)
        acc = pt.add(acc, window_base)


@njit(cache=True, parallel=True)
def _build_table(base, c, windows, out):
    """out[k * 2^c + j] = j * 2^(c*k) * base (Jacobian) for k < windows, j < 2^c; windows in parallel."""
    for k in prange(windows):
        _table_window(base, c, k, out)


@njit(cache=True)
def _mul_chunk(table, c, windows, scalars, out, lo, hi):
    size = 1 << c
    mask = np.uint64(size - 1)
    infinity = pt.infinity_like(load(table[0, 0]))
    for i in range(lo, hi):
        acc = infinity
        for k in range(windows):
            bit = k * c
            limb, shift = bit // 64, bit % 64
            chunk = scalars[i, limb] >> np.uint64(shift)
            if shift + c > 64 and limb < 3:
                chunk |= scalars[i, limb + 1] << np.uint64(64 - shift)
            digit = np.int64(chunk & mask)
            if digit:
                acc = pt.add_mixed(acc, load_affine(table, k * size + digit))
        store_jacobian(out, i, acc)


@njit(cache=True, parallel=True)
def _mul(table, c, windows, scalars, out):
    """out[i] = sum_k table[k * 2^c + digit_k(scalars[i])] (Jacobian), scalars in parallel chunks."""
    n = scalars.shape[0]
    for t in prange(CHUNKS):
        _mul_chunk(table, c, windows, scalars, out, chunk_start(t, n), chunk_start(t + 1, n))


def fixed_base_mul(group: Group, base: np.ndarray, scalars: np.ndarray) -> np.ndarray:
    """[scalars[i]] base for every i, as an affine ``(n, 2, ...)`` array.

    ``base``: a one-point affine array of ``group``; ``scalars``: standard-form
    (not Montgomery) ``uint64[n, 4]`` limbs below r, or Python ints.
    """
    base = group.validate(base, "base")
    if base.shape[:2] != (1, 2):
        raise ValueError(f"base must be one affine point, shape (1, 2, ...), got {base.shape}")
    limbs = scalar_limbs(scalars)
    element = base.shape[2:]
    c = window_bits(len(limbs))
    windows = -(-SCALAR_BITS // c)
    jacobian_table = np.empty((windows << c, 3) + element, np.uint64)
    _build_table(base, c, windows, jacobian_table)
    table = group.to_affine(jacobian_table)
    out = np.empty((len(limbs), 3) + element, np.uint64)
    if len(limbs):
        _mul(table, c, windows, limbs, out)
    return group.to_affine(out)
