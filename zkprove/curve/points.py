"""Point formulas for the BN254 curves y^2 = x^3 + b, written once for G1 and G2.

One point at a time, Jacobian and affine; the array kernels in
:mod:`.kernels` and :mod:`.msm` loop over these.

Both curves have a = 0 and differ only in the base field (Fq for G1, Fq2 for
G2) and in b; :mod:`.field_ops` dispatches the field arithmetic on the
element type, and :func:`curve_b` picks b the same way.

Inside kernels a Jacobian point is a tuple ``(X, Y, Z)`` of field elements
standing for the affine point (X/Z^2, Y/Z^3); an affine point is ``(x, y)``.

**Point at infinity.** Jacobian: any point with Z = 0 (we produce
(1, 1, 0)). Affine: (0, 0), which lies on neither curve because b != 0, so
it cannot collide with a real point. Every function here accepts infinity
on either side and handles P + P and P + (-P).

Formulas from the Explicit-Formulas Database (hyperelliptic.org/EFD,
g1p/auto-shortw-jacobian-0): dbl-2009-l (2M + 5S), add-2007-bl
(11M + 5S), madd-2007-bl (7M + 4S). The affine addition used with batch
inversion is the textbook chord-and-tangent rule (lambda = (y2 - y1)/(x2 - x1),
or 3x^2/2y when doubling), split into the denominator and the rest so that
callers can invert many denominators at once (Montgomery's trick); being
the MSM's hot loop, it uses the inlined products of :mod:`.field_ops`.
"""

import numpy as np
from numba import njit, types
from numba.extending import overload

from zkprove.field import fq2
from zkprove.field.params import P

from .field_ops import (
    fadd,
    fdouble,
    fequal,
    finv,
    fis_zero,
    fmul,
    fmul_inline,
    fneg,
    fone_like,
    fsquare,
    fsquare_inline,
    fsub,
    fzero_like,
)

#: G1's b = 3 in Montgomery form.
B1 = fq2.constant(3, 0)[0]
#: G2's b = 3 / (9 + u) = (27 - 3u) / 82, the D-type sextic twist (EIP-197).
B2 = fq2.constant(27 * pow(82, -1, P), -3 * pow(82, -1, P))


def curve_b(x):
    """The curve constant b in the field of ``x`` (callable only from jitted code)."""
    raise NotImplementedError("curve_b is callable only from numba-compiled code")


@overload(curve_b)
def _curve_b(x):
    if isinstance(x, types.UniTuple) and x.count == 4:
        return lambda x: B1
    if isinstance(x, types.UniTuple) and x.count == 2:
        return lambda x: B2
    return None


@njit(cache=True)
def infinity_like(x):
    """The Jacobian point at infinity (1, 1, 0) over the field of ``x``."""
    one = fone_like(x)
    return (one, one, fzero_like(x))


@njit(cache=True)
def is_infinity(p):
    """True for a Jacobian point with Z = 0."""
    return fis_zero(p[2])


@njit(cache=True)
def is_affine_infinity(p):
    """True for the affine encoding (0, 0) of infinity."""
    return fis_zero(p[0]) and fis_zero(p[1])


@njit(cache=True)
def from_affine(p):
    """Affine (x, y) to Jacobian (x, y, 1); (0, 0) to (1, 1, 0)."""
    if is_affine_infinity(p):
        return infinity_like(p[0])
    return (p[0], p[1], fone_like(p[0]))


@njit(cache=True)
def to_affine_with(p, z_inv):
    """Affine form of a finite Jacobian point given 1/Z (from a batch inversion)."""
    z_inv2 = fsquare(z_inv)
    return (fmul(p[0], z_inv2), fmul(p[1], fmul(z_inv2, z_inv)))


@njit(cache=True)
def to_affine(p):
    """Affine form of one Jacobian point, (0, 0) for infinity (one inversion)."""
    if is_infinity(p):
        zero = fzero_like(p[0])
        return (zero, zero)
    return to_affine_with(p, finv(p[2]))


@njit(cache=True)
def neg(p):
    """-P for a Jacobian point (infinity stays infinity)."""
    return (p[0], fneg(p[1]), p[2])


@njit(cache=True)
def neg_affine(p):
    """-P for an affine point; (0, 0) stays (0, 0)."""
    return (p[0], fneg(p[1]))


@njit(cache=True)
def double(p):
    """2P by dbl-2009-l; doubling infinity (Z = 0) gives Z3 = 0."""
    a = fsquare(p[0])
    b = fsquare(p[1])
    c = fsquare(b)
    d = fdouble(fsub(fsub(fsquare(fadd(p[0], b)), a), c))
    e = fadd(fdouble(a), a)
    x3 = fsub(fsquare(e), fdouble(d))
    eight_c = fdouble(fdouble(fdouble(c)))
    y3 = fsub(fmul(e, fsub(d, x3)), eight_c)
    z3 = fdouble(fmul(p[1], p[2]))
    return (x3, y3, z3)


@njit(cache=True)
def add(p, q):
    """P + Q for Jacobian points by add-2007-bl, with every special case handled."""
    if is_infinity(p):
        return q
    if is_infinity(q):
        return p
    z1z1 = fsquare(p[2])
    z2z2 = fsquare(q[2])
    u1 = fmul(p[0], z2z2)
    u2 = fmul(q[0], z1z1)
    s1 = fmul(fmul(p[1], q[2]), z2z2)
    s2 = fmul(fmul(q[1], p[2]), z1z1)
    h = fsub(u2, u1)
    r = fdouble(fsub(s2, s1))
    if fis_zero(h):
        if fis_zero(r):
            return double(p)
        return infinity_like(p[0])
    i = fsquare(fdouble(h))
    j = fmul(h, i)
    v = fmul(u1, i)
    x3 = fsub(fsub(fsquare(r), j), fdouble(v))
    y3 = fsub(fmul(r, fsub(v, x3)), fdouble(fmul(s1, j)))
    z3 = fmul(fsub(fsub(fsquare(fadd(p[2], q[2])), z1z1), z2z2), h)
    return (x3, y3, z3)


@njit(cache=True)
def add_mixed(p, q):
    """Jacobian P + affine Q by madd-2007-bl, with every special case handled."""
    if is_affine_infinity(q):
        return p
    if is_infinity(p):
        return (q[0], q[1], fone_like(q[0]))
    z1z1 = fsquare(p[2])
    u2 = fmul(q[0], z1z1)
    s2 = fmul(fmul(q[1], p[2]), z1z1)
    h = fsub(u2, p[0])
    r = fdouble(fsub(s2, p[1]))
    if fis_zero(h):
        if fis_zero(r):
            return double(p)
        return infinity_like(p[0])
    hh = fsquare(h)
    i = fdouble(fdouble(hh))
    j = fmul(h, i)
    v = fmul(p[0], i)
    x3 = fsub(fsub(fsquare(r), j), fdouble(v))
    y3 = fsub(fmul(r, fsub(v, x3)), fdouble(fmul(p[1], j)))
    z3 = fsub(fsub(fsquare(fadd(p[2], h)), z1z1), hh)
    return (x3, y3, z3)


@njit(cache=True)
def scalar_mul(p, scalar):
    """[k]P as a Jacobian point, for an affine P and k as 4 little-endian standard-form limbs.

    Left-to-right double-and-add with mixed additions; leading zero bits
    cost nothing (infinity is not doubled). Not constant time: timing side
    channels are outside this project's scope.
    """
    acc = infinity_like(p[0])
    for limb_index in range(3, -1, -1):
        limb = scalar[limb_index]
        for bit in range(63, -1, -1):
            if not is_infinity(acc):
                acc = double(acc)
            if (limb >> np.uint64(bit)) & np.uint64(1):
                acc = add_mixed(acc, p)
    return acc


@njit(cache=True)
def equal(p, q):
    """Equality of Jacobian points as points (X1 Z2^2 = X2 Z1^2, Y1 Z2^3 = Y2 Z1^3)."""
    if is_infinity(p) or is_infinity(q):
        return is_infinity(p) and is_infinity(q)
    z1z1 = fsquare(p[2])
    z2z2 = fsquare(q[2])
    if not fequal(fmul(p[0], z2z2), fmul(q[0], z1z1)):
        return False
    return fequal(fmul(fmul(p[1], q[2]), z2z2), fmul(fmul(q[1], p[2]), z1z1))


@njit(cache=True)
def affine_on_curve(p):
    """y^2 = x^3 + b for an affine point; the encoding of infinity counts as on the curve."""
    if is_affine_infinity(p):
        return True
    x = p[0]
    return fequal(fsquare(p[1]), fadd(fmul(fsquare(x), x), curve_b(x)))


@njit(cache=True)
def affine_add_denominator(p, q):
    """The value whose inverse :func:`affine_add_with_inverse` needs for P + Q.

    x2 - x1 for a chord, 2y for a tangent, and 1 where no inversion is needed
    (an operand at infinity, or P + (-P)), so a batch inversion never sees 0.
    """
    one = fone_like(p[0])
    if is_affine_infinity(p) or is_affine_infinity(q):
        return one
    if fequal(p[0], q[0]):
        if fequal(p[1], q[1]) and not fis_zero(p[1]):
            return fdouble(p[1])
        return one
    return fsub(q[0], p[0])


@njit(cache=True)
def affine_add_with_inverse(p, q, inverse):
    """Affine P + Q given the inverse of :func:`affine_add_denominator` (P, Q)."""
    if is_affine_infinity(p):
        return q
    if is_affine_infinity(q):
        return p
    if fequal(p[0], q[0]):
        if fequal(p[1], q[1]) and not fis_zero(p[1]):
            x_sq = fsquare(p[0])
            numerator = fadd(fdouble(x_sq), x_sq)
        else:
            zero = fzero_like(p[0])
            return (zero, zero)
    else:
        numerator = fsub(q[1], p[1])
    lam = fmul_inline(numerator, inverse)
    x3 = fsub(fsub(fsquare_inline(lam), p[0]), q[0])
    y3 = fsub(fmul_inline(lam, fsub(p[0], x3)), p[1])
    return (x3, y3)
