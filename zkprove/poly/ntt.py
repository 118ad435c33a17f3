"""Radix-2 number-theoretic transforms over Fr on ``uint64[n, 4]`` arrays.

Inputs and outputs are Montgomery-form arrays of shape (n, 4), n a power of
two, in natural order. Every transform is out-of-place: it returns a new
array and never writes to its input. Internally one in-place pipeline serves
all four transforms:

1. ``scale_by_powers`` copies the input, multiplying element i by g^i for a
   coset evaluation; for an inverse it reads index (n - i) mod n instead,
   since NTT(x[-i]) = n * INTT(x). That is how forward and inverse share
   one butterfly kernel and one twiddle table.
2. :func:`_bit_reverse` permutes in place.
3. :func:`_dit` runs the iterative Cooley-Tukey decimation-in-time stages
   (Cormen et al., "Introduction to Algorithms", 3rd ed., section 30.3).
4. For an inverse, ``scale_by_powers`` multiplies element i by n^-1 (times
   g^-i for a coset interpolation).

Memory and threads: the stages go in a few passes over the array. The first
pass runs stages 0..11 on each block of 2^12 consecutive rows (128 KiB, in
L2); each later pass runs 4 more stages on sub-transforms of 16 runs of 256
consecutive rows, so a 2^20 transform reads the array 3 times rather than
20. The independent blocks / sub-transforms of a pass are the numba
``prange`` tasks, spread over all threads. A step with a single task
(n <= 2^12 for the stages) runs on the calling thread: under load, waking
the thread pool for a tiny array can cost an OS time slice.
"""

import numpy as np
from numba import njit, prange

from zkprove.field.arrays import load, store
from zkprove.field.montgomery import add, mul, sub
from zkprove.field.params import FR_SPEC
from zkprove.field.prime_field import Fr

from .domain import EvaluationDomain, check_size, scale_by_powers

#: log2 of the block size the cache-resident first stages work on.
_LOG_BLOCK = 12
#: log2 of the longest run of consecutive rows in a later pass's sub-transform.
_LOG_RUN = 8
#: Rows per bit-reversal task; smaller arrays are permuted without threads.
_SERIAL_ROWS = 1 << 14

_U1 = np.uint64(1)
_U2 = np.uint64(2)
_U4 = np.uint64(4)
_U8 = np.uint64(8)
_U16 = np.uint64(16)
_U32 = np.uint64(32)
_M1 = np.uint64(0x55555555)
_M2 = np.uint64(0x33333333)
_M4 = np.uint64(0x0F0F0F0F)
_M8 = np.uint64(0x00FF00FF)
_M16 = np.uint64(0x0000FFFF)


@njit(cache=True)
def _reverse_bits(index, bits):
    """The low ``bits`` bits of index (bits <= 32) in reverse order.

    Swaps ever larger bit groups with masks (Warren, "Hacker's Delight",
    section 7-1), then drops the 32 - bits low zeros.
    """
    x = np.uint64(index)
    x = ((x >> _U1) & _M1) | ((x & _M1) << _U1)
    x = ((x >> _U2) & _M2) | ((x & _M2) << _U2)
    x = ((x >> _U4) & _M4) | ((x & _M4) << _U4)
    x = ((x >> _U8) & _M8) | ((x & _M8) << _U8)
    x = ((x >> _U16) & _M16) | ((x & _M16) << _U16)
    return np.int64(x >> (_U32 - np.uint64(bits)))


@njit(cache=True)
def _fill_bit_reversed(out, log_n):
    for i in range(out.shape[0]):
        out[i] = _reverse_bits(i, log_n)


def bit_reversed_indices(log_n: int) -> np.ndarray:
    """int64 array whose entry i is i with its low ``log_n`` bits reversed (log_n <= 32).

    The permutation the transforms apply in place (:func:`_bit_reverse`),
    for callers that permute other rows, such as the ceremony's points.
    """
    out = np.empty(1 << log_n, np.int64)
    _fill_bit_reversed(out, log_n)
    return out


@njit(cache=True)
def _bit_reverse_rows(a, log_n, start, stop):
    """Swap each row i in [start, stop) with row reverse(i) when i < reverse(i)."""
    for i in range(start, stop):
        j = _reverse_bits(i, log_n)
        if i < j:
            for limb in range(4):
                a[i, limb], a[j, limb] = a[j, limb], a[i, limb]


@njit(cache=True, parallel=True)
def _bit_reverse(a, log_n):
    """Bit-reversal permutation of the rows of a, in place (each pair swapped once)."""
    n = a.shape[0]
    if n <= _SERIAL_ROWS:
        _bit_reverse_rows(a, log_n, 0, n)
        return
    for chunk in prange(n // _SERIAL_ROWS):
        _bit_reverse_rows(a, log_n, chunk * _SERIAL_ROWS, (chunk + 1) * _SERIAL_ROWS)


@njit(cache=True)
def _stage_group(a, twiddles, first, last, base, lo_start, lo_stop):
    """Stages first..last-1 on the rows base + m * 2^first + lo, in place.

    m runs over 2^(last - first) values and lo over [lo_start, lo_stop), with
    lo < 2^first and base a multiple of 2^last. A stage-s butterfly pairs
    rows that differ only in bit s, so for these stages those rows form an
    independent sub-transform. Butterfly (top, top + 2^s) uses the twiddle
    w = omega_2^(s+1)^j, j = top mod 2^s: (u, v) -> (u + w*v, u - w*v),
    skipping the product when j = 0 (w = 1; n of the (n/2) log n products).
    """
    for stage in range(first, last):
        span = 1 << (stage - first)
        for mid_block in range(0, 1 << (last - first), 2 * span):
            for m in range(span):
                offset = base + ((mid_block + m) << first)
                for lo in range(lo_start, lo_stop):
                    top = offset + lo
                    bottom = top + (span << first)
                    u = load(a, top)
                    v = load(a, bottom)
                    j = (m << first) + lo
                    if j != 0:
                        v = mul(v, load(twiddles, (1 << stage) - 1 + j), FR_SPEC)
                    store(a, top, add(u, v, FR_SPEC))
                    store(a, bottom, sub(u, v, FR_SPEC))


@njit(cache=True, parallel=True)
def _dit(a, twiddles, log_n):
    """All log_n Cooley-Tukey stages on bit-reversed input, in place.

    A pass runs stages first..last-1 as independent sub-transforms (see
    :func:`_stage_group`), one parallel task each: a task owns one run of
    2^log_run consecutive values of lo and one base, 2^_LOG_BLOCK rows in
    all. The first pass (first = 0) has runs of one row, so a task is a
    block of 2^12 consecutive rows; later ones have runs of 2^_LOG_RUN rows
    and 2^(12 - _LOG_RUN) = 16 of them, i.e. 4 stages per pass.
    """
    if log_n <= _LOG_BLOCK:  # one task: skip the thread pool's wake-up and barrier
        _stage_group(a, twiddles, 0, log_n, 0, 0, 1)
        return
    first = 0
    while first < log_n:
        log_run = min(first, _LOG_RUN)
        last = min(log_n, first + _LOG_BLOCK - log_run)
        runs = 1 << (first - log_run)
        for task in prange((a.shape[0] >> last) * runs):
            lo = (task % runs) << log_run
            base = (task // runs) << last
            _stage_group(a, twiddles, first, last, base, lo, lo + (1 << log_run))
        first = last


def _transform(values: np.ndarray, domain: EvaluationDomain | None, inverse: bool, coset: bool) -> np.ndarray:
    """The shared pipeline of the four public transforms (see module doc)."""
    values = Fr.validate(values, "values")
    try:
        log_n = check_size(values.shape[0])
    except ValueError as error:
        raise ValueError(f"values: {error}") from None
    if domain is None:
        domain = EvaluationDomain.of(values.shape[0])
    elif domain.size != values.shape[0]:
        raise ValueError(f"values has {values.shape[0]} elements but the domain has size {domain.size}")
    one = FR_SPEC.one
    out = np.empty(values.shape, dtype=np.uint64)
    pre_base = domain.coset_generator_limbs if coset and not inverse else one
    scale_by_powers(values, out, one, pre_base, inverse)
    _bit_reverse(out, log_n)
    _dit(out, domain.twiddles, log_n)
    if inverse:
        post_base = domain.coset_generator_inv_limbs if coset else one
        scale_by_powers(out, out, domain.size_inv_limbs, post_base, False)
    return out


def ntt(coefficients: np.ndarray, domain: EvaluationDomain | None = None) -> np.ndarray:
    """Evaluations p(omega^i), i < n, of the polynomial with these n coefficients."""
    return _transform(coefficients, domain, inverse=False, coset=False)


def intt(evaluations: np.ndarray, domain: EvaluationDomain | None = None) -> np.ndarray:
    """Coefficients of the degree < n polynomial with p(omega^i) = evaluations[i]."""
    return _transform(evaluations, domain, inverse=True, coset=False)


def coset_ntt(coefficients: np.ndarray, domain: EvaluationDomain | None = None) -> np.ndarray:
    """Evaluations p(g * omega^i), i < n, on the coset g*H (g = domain.coset_generator)."""
    return _transform(coefficients, domain, inverse=False, coset=True)


def coset_intt(evaluations: np.ndarray, domain: EvaluationDomain | None = None) -> np.ndarray:
    """Coefficients of the degree < n polynomial with p(g * omega^i) = evaluations[i]."""
    return _transform(evaluations, domain, inverse=True, coset=True)


def poly_mul(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Coefficients of left * right (lowest degree first), computed via NTT.

    Inputs are coefficient arrays of any non-zero lengths; the product has
    len(left) + len(right) - 1 coefficients (an NTT of the next power of two).
    """
    factors = [Fr.validate(left, "left"), Fr.validate(right, "right")]
    for name, factor in zip(("left", "right"), factors):
        if factor.shape[0] == 0:
            raise ValueError(f"{name} must have at least one coefficient")
    length = factors[0].shape[0] + factors[1].shape[0] - 1
    size = 1 << (length - 1).bit_length()
    evaluations = []
    for factor in factors:
        padded = np.zeros((size, 4), dtype=np.uint64)
        padded[: factor.shape[0]] = factor
        evaluations.append(ntt(padded))
    return intt(Fr.mul(*evaluations))[:length]
