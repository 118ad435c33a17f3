"""Double-width (512-bit) products and one Montgomery reduction: lazy reduction for the extension fields.

A Montgomery product (:func:`.montgomery.mul`) multiplies and reduces in
one pass. A sum or difference of products needs only one reduction, after
the products are combined at full width: that is the lazy reduction of
Aranha, Karabina, Longa, Gebotys and Lopez, "Faster explicit formulas for
computing pairings over ordinary curves" (Eurocrypt 2011, section 3). An Fq2
product a0 b0 - a1 b1 + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) u then costs
three 256x256-bit products and two reductions instead of three full
Montgomery products.

A wide value is a tuple of 8 little-endian uint64 limbs. :func:`reduce`
takes any t < q * 2^256 (Montgomery's REDC, separated operand scanning:
Koc, Acar and Kaliski 1996) and returns t * 2^-256 mod q, fully reduced.
"""

import numpy as np
from numba import njit

from .u128 import adc, mac, sbb

_Z = np.uint64(0)


@njit(cache=True)
def _row(a, bi, t0, t1, t2, t3):
    """(t0..t3) + a * bi as five limbs."""
    t0, c = mac(a[0], bi, t0, _Z)
    t1, c = mac(a[1], bi, t1, c)
    t2, c = mac(a[2], bi, t2, c)
    t3, c = mac(a[3], bi, t3, c)
    return t0, t1, t2, t3, c


@njit(cache=True)
def product(a, b):
    """The full 512-bit product a * b of two 4-limb values (schoolbook, 16 multiply-accumulates)."""
    r0, t1, t2, t3, t4 = _row(a, b[0], _Z, _Z, _Z, _Z)
    r1, t2, t3, t4, t5 = _row(a, b[1], t1, t2, t3, t4)
    r2, t3, t4, t5, t6 = _row(a, b[2], t2, t3, t4, t5)
    r3, r4, r5, r6, r7 = _row(a, b[3], t3, t4, t5, t6)
    return (r0, r1, r2, r3, r4, r5, r6, r7)


@njit(cache=True)
def add_narrow(a, b):
    """a + b on 4 limbs, not reduced (the caller keeps the sum below 2^256, e.g. two values below q)."""
    s0, c = adc(a[0], b[0], _Z)
    s1, c = adc(a[1], b[1], c)
    s2, c = adc(a[2], b[2], c)
    s3, c = adc(a[3], b[3], c)
    return (s0, s1, s2, s3)


@njit(cache=True)
def sub(a, b):
    """(a - b mod 2^512, borrow): the borrow is 1 when b > a."""
    d0, w = sbb(a[0], b[0], _Z)
    d1, w = sbb(a[1], b[1], w)
    d2, w = sbb(a[2], b[2], w)
    d3, w = sbb(a[3], b[3], w)
    d4, w = sbb(a[4], b[4], w)
    d5, w = sbb(a[5], b[5], w)
    d6, w = sbb(a[6], b[6], w)
    d7, w = sbb(a[7], b[7], w)
    return (d0, d1, d2, d3, d4, d5, d6, d7), w


@njit(cache=True)
def sub_mod(a, b, q):
    """a - b, plus q * 2^256 when b > a: congruent to a - b mod q, and below q * 2^256 when a, b are."""
    d, borrow = sub(a, b)
    mask = _Z - borrow
    h4, c = adc(d[4], q[0] & mask, _Z)
    h5, c = adc(d[5], q[1] & mask, c)
    h6, c = adc(d[6], q[2] & mask, c)
    h7, c = adc(d[7], q[3] & mask, c)
    return (d[0], d[1], d[2], d[3], h4, h5, h6, h7)


@njit(cache=True)
def _fold(t, i, q, inv):
    """One REDC step: add m * q * 2^(64 i), with m chosen so that limb i becomes zero; the carry out
    of limb i + 4 comes back separately."""
    m = t[i] * inv
    _, c = mac(m, q[0], t[i], _Z)
    t1, c = mac(m, q[1], t[i + 1], c)
    t2, c = mac(m, q[2], t[i + 2], c)
    t3, c = mac(m, q[3], t[i + 3], c)
    return t1, t2, t3, c


@njit(cache=True)
def reduce(t, spec):
    """t * 2^-256 mod q for a wide t < q * 2^256, in [0, q) (Montgomery's REDC on 8 limbs)."""
    q, inv = spec.modulus, spec.inv
    t1, t2, t3, c = _fold(t, 0, q, inv)
    t4, high = adc(t[4], c, _Z)
    t = (_Z, t1, t2, t3, t4, t[5], t[6], t[7])
    t2, t3, t4, c = _fold(t, 1, q, inv)
    t5, high = adc(t[5], c, high)
    t = (_Z, _Z, t2, t3, t4, t5, t[6], t[7])
    t3, t4, t5, c = _fold(t, 2, q, inv)
    t6, high = adc(t[6], c, high)
    t = (_Z, _Z, _Z, t3, t4, t5, t6, t[7])
    t4, t5, t6, c = _fold(t, 3, q, inv)
    t7, _ = adc(t[7], c, high)
    d0, b = sbb(t4, q[0], _Z)
    d1, b = sbb(t5, q[1], b)
    d2, b = sbb(t6, q[2], b)
    d3, b = sbb(t7, q[3], b)
    keep = _Z - b
    return ((t4 & keep) | (d0 & ~keep), (t5 & keep) | (d1 & ~keep), (t6 & keep) | (d2 & ~keep),
            (t7 & keep) | (d3 & ~keep))
