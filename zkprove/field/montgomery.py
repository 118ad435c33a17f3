"""Montgomery arithmetic on one field element held as a tuple of 4 uint64.

These are the scalar building blocks every hot kernel inlines: a field
element is a ``UniTuple(uint64, 4)`` (little-endian limbs, Montgomery form),
so LLVM keeps it in registers. The field is chosen by the ``spec`` argument
(a :class:`~zkprove.field.params.FieldSpec`); passing a module-level spec
lets LLVM fold its constants.

Multiplication is CIOS (Koc, Acar, Kaliski, "Analyzing and comparing
Montgomery multiplication algorithms", IEEE Micro 1996) in the variant that
skips the top carry word when the modulus leaves the highest bit spare
(used by gnark; true for both BN254 primes).
"""

import numpy as np
from numba import njit

from .u128 import adc, mac, sbb

ZERO = (np.uint64(0), np.uint64(0), np.uint64(0), np.uint64(0))


@njit(cache=True)
def _select(mask, a, b):
    """a where mask is all ones, b where it is zero: a branch-free choice (no misprediction on data)."""
    return (a & mask) | (b & ~mask)


@njit(cache=True)
def _subtract_if_ge(t0, t1, t2, t3, q):
    """Reduce a value in [0, 2q) to [0, q), without a data-dependent branch."""
    d0, b = sbb(t0, q[0], np.uint64(0))
    d1, b = sbb(t1, q[1], b)
    d2, b = sbb(t2, q[2], b)
    d3, b = sbb(t3, q[3], b)
    keep = np.uint64(0) - b
    return (_select(keep, t0, d0), _select(keep, t1, d1), _select(keep, t2, d2), _select(keep, t3, d3))


@njit(cache=True)
def _cios_round(t, a, bi, q, inv):
    """One outer iteration of CIOS: t = (t + a*bi + m*q) / 2^64."""
    t0, t1, t2, t3 = t
    carry_a, t0 = mac(a[0], bi, t0, np.uint64(0))[::-1]
    m = t0 * inv
    carry_m = mac(m, q[0], t0, np.uint64(0))[1]
    carry_a, t1 = mac(a[1], bi, t1, carry_a)[::-1]
    carry_m, t0 = mac(m, q[1], t1, carry_m)[::-1]
    carry_a, t2 = mac(a[2], bi, t2, carry_a)[::-1]
    carry_m, t1 = mac(m, q[2], t2, carry_m)[::-1]
    carry_a, t3 = mac(a[3], bi, t3, carry_a)[::-1]
    carry_m, t2 = mac(m, q[3], t3, carry_m)[::-1]
    t3 = carry_a + carry_m
    return (t0, t1, t2, t3)


@njit(cache=True)
def mul(a, b, spec):
    """Montgomery product a*b*R^-1 mod q."""
    q = spec.modulus
    t = ZERO
    t = _cios_round(t, a, b[0], q, spec.inv)
    t = _cios_round(t, a, b[1], q, spec.inv)
    t = _cios_round(t, a, b[2], q, spec.inv)
    t = _cios_round(t, a, b[3], q, spec.inv)
    return _subtract_if_ge(t[0], t[1], t[2], t[3], q)


@njit(cache=True)
def square(a, spec):
    """a^2 in Montgomery form."""
    return mul(a, a, spec)


@njit(cache=True)
def add(a, b, spec):
    """a + b mod q (both reduced; no overflow since q < 2^255)."""
    s0, c = adc(a[0], b[0], np.uint64(0))
    s1, c = adc(a[1], b[1], c)
    s2, c = adc(a[2], b[2], c)
    s3, c = adc(a[3], b[3], c)
    return _subtract_if_ge(s0, s1, s2, s3, spec.modulus)


@njit(cache=True)
def sub(a, b, spec):
    """a - b mod q: q is added back, masked by the borrow, without a data-dependent branch."""
    d0, w = sbb(a[0], b[0], np.uint64(0))
    d1, w = sbb(a[1], b[1], w)
    d2, w = sbb(a[2], b[2], w)
    d3, w = sbb(a[3], b[3], w)
    mask = np.uint64(0) - w
    q = spec.modulus
    d0, c = adc(d0, q[0] & mask, np.uint64(0))
    d1, c = adc(d1, q[1] & mask, c)
    d2, c = adc(d2, q[2] & mask, c)
    d3, c = adc(d3, q[3] & mask, c)
    return (d0, d1, d2, d3)


@njit(cache=True)
def is_zero(a):
    """True for the zero element (zero is zero in Montgomery form too)."""
    return (a[0] | a[1] | a[2] | a[3]) == 0


@njit(cache=True)
def neg(a, spec):
    """-a mod q, with -0 = 0."""
    if is_zero(a):
        return a
    return sub(spec.modulus, a, spec)


@njit(cache=True)
def double(a, spec):
    """2a mod q."""
    return add(a, a, spec)


@njit(cache=True)
def equal(a, b):
    """Limb-wise equality of two reduced elements."""
    return a[0] == b[0] and a[1] == b[1] and a[2] == b[2] and a[3] == b[3]


@njit(cache=True)
def pow_limbs(a, exponent, spec):
    """a^e for an exponent given as 4 little-endian limbs (left-to-right binary)."""
    result = spec.one
    for limb_index in range(3, -1, -1):
        limb = exponent[limb_index]
        for bit in range(63, -1, -1):
            result = mul(result, result, spec)
            if (limb >> np.uint64(bit)) & np.uint64(1):
                result = mul(result, a, spec)
    return result


@njit(cache=True)
def inv(a, spec):
    """a^-1 by Fermat's little theorem; the caller must exclude zero."""
    return pow_limbs(a, spec.q_minus_2, spec)


@njit(cache=True)
def to_montgomery(a, spec):
    """Standard-form limbs to Montgomery form: a*R mod q."""
    return mul(a, spec.r2, spec)


@njit(cache=True)
def from_montgomery(a, spec):
    """Montgomery form to standard-form limbs: a*R^-1 mod q."""
    return mul(a, (np.uint64(1), np.uint64(0), np.uint64(0), np.uint64(0)), spec)
