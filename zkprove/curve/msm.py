"""Multi-scalar multiplication sum_i s_i * P_i by Pippenger's bucket method.

The kernels serve G1 and G2 alike (element-type dispatch, see
:mod:`.field_ops`). The steps, for n affine bases and scalars in [0, r):

1. **Signed digits** (:func:`signed_digits`). A scalar above (r-1)/2 is
   replaced by r - s with the point negated, so magnitudes stay below
   2^253 and the scalars -1 = r - 1 and 1 both touch a single bucket. The
   scalar is cut into c-bit windows; a digit d > 2^(c-1) becomes d - 2^c
   and carries 1 into the next window, so digits lie in (-2^(c-1), 2^(c-1)]
   and each window needs only 2^(c-1) buckets, a negative digit adding
   the negated point. Zero scalars and bases at infinity give all-zero
   digits and are never touched again.
2. **Buckets, batch-affine** (:func:`_windows_of_thread`). Per window, a counting
   sort groups the signed points by bucket; then rounds of pairwise affine
   additions halve every bucket's list, all additions of a round sharing
   one field inversion (Montgomery's trick: about 6 multiplications per
   addition instead of 11 for a mixed Jacobian one). This is the
   batch-affine approach of Aztec's barretenberg and gnark. Skewed inputs
   (all scalars 1) just take more, smaller rounds.
3. **Bucket sums**: sum_k k*B_k as a running sum from the top bucket down
   (2 additions per bucket, Jacobian).
4. **Windows** are combined with c doublings each (Horner).

Windows are independent, so steps 2-3 run in parallel, each thread taking
every T-th window with one scratch allocation (n points) reused across its
windows. Cost model for c: windows * (points + 4 * buckets).
"""

import numba
import numpy as np
from numba import njit, prange

from zkprove.field.chunks import CHUNKS, chunk_start
from zkprove.field.params import R, int_to_limbs
from zkprove.field.u128 import sbb

from . import points as pt
from .field_ops import finv, fmul_inline, fone_like, load, store
from .kernels import load_affine, store_affine, store_jacobian

#: Magnitudes after the r - s flip are at most (r-1)/2 < 2^253.
SCALAR_BITS = 253
MAX_WINDOW_BITS = 16
_R_LIMBS = int_to_limbs(R)
_HALF_R_LIMBS = int_to_limbs((R - 1) // 2)


def window_bits(n: int) -> int:
    """The window size c minimizing windows * (n + 4 * 2^(c-1)), in [1, 16]."""
    return min(range(1, MAX_WINDOW_BITS + 1), key=lambda c: num_windows(c) * (n + 4 * (1 << (c - 1))))


def num_windows(c: int) -> int:
    """Windows needed for SCALAR_BITS-bit magnitudes with signed c-bit digits.

    One window past the top bit absorbs the last carry; the top digit is
    then at most 2^(c-1), which our digit range allows, so it never carries.
    """
    return SCALAR_BITS // c + 1


@njit(cache=True)
def _greater(a, b):
    """a > b for 4-limb little-endian integers."""
    for k in range(3, -1, -1):
        if a[k] != b[k]:
            return a[k] > b[k]
    return False


@njit(cache=True)
def _digits_chunk(scalars, skip, c, digits, lo, hi):
    half = np.int64(1) << (c - 1)
    full = np.int64(1) << c
    mask = np.uint64(full - 1)
    windows = digits.shape[0]
    for i in range(lo, hi):
        s = (scalars[i, 0], scalars[i, 1], scalars[i, 2], scalars[i, 3])
        if skip[i] or (s[0] | s[1] | s[2] | s[3]) == 0:
            for w in range(windows):
                digits[w, i] = 0
            continue
        negate = _greater(s, _HALF_R_LIMBS)
        if negate:
            d0, borrow = sbb(_R_LIMBS[0], s[0], np.uint64(0))
            d1, borrow = sbb(_R_LIMBS[1], s[1], borrow)
            d2, borrow = sbb(_R_LIMBS[2], s[2], borrow)
            d3, borrow = sbb(_R_LIMBS[3], s[3], borrow)
            s = (d0, d1, d2, d3)
        carry = np.int64(0)
        for w in range(windows):
            bit = w * c
            limb, shift = bit // 64, bit % 64
            chunk = np.uint64(0)
            if limb < 4:
                chunk = s[limb] >> np.uint64(shift)
                if shift + c > 64 and limb + 1 < 4:
                    chunk |= s[limb + 1] << np.uint64(64 - shift)
            d = np.int64(chunk & mask) + carry
            carry = 0
            if d > half:
                d -= full
                carry = 1
            digits[w, i] = -d if negate else d


@njit(cache=True, parallel=True)
def signed_digits(scalars, skip, c, digits):
    """Fill ``digits[w, i]`` (int32) with the signed c-bit digits of scalar i (see module doc)."""
    n = scalars.shape[0]
    for k in prange(CHUNKS):
        _digits_chunk(scalars, skip, c, digits, chunk_start(k, n), chunk_start(k + 1, n))


@njit(cache=True)
def _bucket_sort(bases, digits, offsets, counts, scratch):
    """Group the signed points of one window by bucket into ``scratch`` (a counting sort).

    On return bucket b holds ``counts[b]`` points from ``scratch[offsets[b]]``;
    the result is the number of points placed.
    """
    counts[:] = 0
    for i in range(digits.shape[0]):
        counts[abs(digits[i])] += 1
    counts[0] = 0
    offsets[1] = 0
    for b in range(1, counts.shape[0]):
        offsets[b + 1] = offsets[b] + counts[b]
    cursor = offsets.copy()
    for i in range(digits.shape[0]):
        d = digits[i]
        if d == 0:
            continue
        b = abs(d)
        p = load_affine(bases, i)
        store_affine(scratch, cursor[b], p if d > 0 else pt.neg_affine(p))
        cursor[b] += 1
    return offsets[counts.shape[0]]


@njit(cache=True)
def _reduce_round(scratch, offsets, counts, denominators, prefix):
    """Halve every bucket with 2+ points by pairwise affine additions; False when none had 2."""
    k = 0
    acc = fone_like(load(scratch[0, 0]))
    for b in range(1, counts.shape[0]):
        start = offsets[b]
        for j in range(counts[b] // 2):
            d = pt.affine_add_denominator(load_affine(scratch, start + 2 * j), load_affine(scratch, start + 2 * j + 1))
            store(denominators[k], d)
            acc = fmul_inline(acc, d)
            store(prefix[k], acc)
            k += 1
    if k == 0:
        return False
    inv_acc = finv(acc)
    for t in range(k - 1, 0, -1):
        d = load(denominators[t])
        store(denominators[t], fmul_inline(inv_acc, load(prefix[t - 1])))
        inv_acc = fmul_inline(inv_acc, d)
    store(denominators[0], inv_acc)
    k = 0
    for b in range(1, counts.shape[0]):
        start, count = offsets[b], counts[b]
        if count < 2:
            continue
        for j in range(count // 2):
            p = load_affine(scratch, start + 2 * j)
            q = load_affine(scratch, start + 2 * j + 1)
            store_affine(scratch, start + j, pt.affine_add_with_inverse(p, q, load(denominators[k])))
            k += 1
        if count % 2:
            store_affine(scratch, start + count // 2, load_affine(scratch, start + count - 1))
        counts[b] = (count + 1) // 2
    return True


@njit(cache=True)
def _windows_of_thread(bases, digits, c, out, first, step):
    """out[w] = sum_i digits[w, i] * bases[i] (Jacobian) for w = first, first + step, ...

    The scratch buffers are allocated once per thread and reused by its windows.
    """
    buckets = 1 << (c - 1)
    n = bases.shape[0]
    scratch = np.empty_like(bases)
    denominators = np.empty_like(bases[: n // 2 + 1, 0])
    prefix = np.empty_like(denominators)
    counts = np.empty(buckets + 1, np.int64)
    offsets = np.empty(buckets + 2, np.int64)
    infinity = pt.infinity_like(load(bases[0, 0]))
    for w in range(first, digits.shape[0], step):
        if _bucket_sort(bases, digits[w], offsets, counts, scratch) > 0:
            while _reduce_round(scratch, offsets, counts, denominators, prefix):
                pass
        running = infinity
        total = infinity
        for b in range(buckets, 0, -1):
            if counts[b]:
                running = pt.add_mixed(running, load_affine(scratch, offsets[b]))
            total = pt.add(total, running)
        store_jacobian(out, w, total)


@njit(cache=True, parallel=True)
def window_sums(bases, digits, c, out, threads):
    """out[w] = the bucket sum of window w (Jacobian); thread t takes windows t, t + threads, ..."""
    for t in prange(threads):
        _windows_of_thread(bases, digits, c, out, t, threads)


@njit(cache=True)
def combine_windows(sums, c, out):
    """out[0] = sum_w 2^(c*w) * sums[w] by Horner's rule (Jacobian)."""
    acc = pt.infinity_like(load(sums[0, 0]))
    for w in range(sums.shape[0] - 1, -1, -1):
        for _ in range(c):
            acc = pt.double(acc)
        acc = pt.add(acc, (load(sums[w, 0]), load(sums[w, 1]), load(sums[w, 2])))
    store_jacobian(out, 0, acc)


def msm_jacobian(bases: np.ndarray, scalars: np.ndarray, skip: np.ndarray) -> np.ndarray:
    """sum_i scalars[i] * bases[i] as a ``(1, 3, *E)`` Jacobian array (all zeros if n = 0).

    Trusts its inputs: affine ``bases`` on the curve (contiguous), scalars
    in [0, r) as standard-form ``uint64[n, 4]``, ``skip[i]`` True for bases
    at infinity. :class:`zkprove.curve.group.Group.msm` validates first.
    """
    n = bases.shape[0]
    elem = bases.shape[2:]
    out = np.zeros((1, 3) + elem, np.uint64)
    if n == 0:
        return out
    c = window_bits(n)
    digits = np.empty((num_windows(c), n), np.int32)
    signed_digits(scalars, skip, c, digits)
    sums = np.empty((digits.shape[0], 3) + elem, np.uint64)
    window_sums(bases, digits, c, sums, min(numba.get_num_threads(), len(digits)))
    combine_windows(sums, c, out)
    return out
