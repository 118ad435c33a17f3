"""The cubic extension Fq6 = Fq2[v]/(v^3 - xi), xi = 9 + u, the middle floor of BN254's tower.

An element b0 + b1*v + b2*v^2 is a tuple of three Fq2 tuples (see
:mod:`zkprove.field.fq2`). Formulas from Devegili, O hEigeartaigh, Scott
and Dahab, "Multiplication and squaring on pairing-friendly fields" (ePrint
2006/471): Karatsuba multiplication (6 Fq2 multiplications), the CH-SQR2
squaring (2 multiplications and 3 squarings), and the inversion of Scott's
"Implementing cryptographic pairings" (2007), one Fq2 inversion.

The sparse products :func:`mul_by_01` and :func:`mul_by_fq2` serve the Miller
loop's line evaluations, whose Fq12 form has only three non-zero Fq2
coefficients (see :func:`.fq12.mul_by_034`).
"""

from numba import njit

from zkprove.field import fq2

ZERO = (fq2.ZERO, fq2.ZERO, fq2.ZERO)
ONE = (fq2.ONE, fq2.ZERO, fq2.ZERO)


@njit(cache=True)
def mul_fq2_by_xi(a):
    """a * (9 + u) = (9*a0 - a1) + (a0 + 9*a1)*u, with additions only."""
    a2 = fq2.double(a)
    a8 = fq2.double(fq2.double(a2))
    nine = fq2.add(a8, a)
    return fq2.add(nine, (fq2.neg(a)[1], a[0]))


@njit(cache=True)
def add(a, b):
    """a + b."""
    return (fq2.add(a[0], b[0]), fq2.add(a[1], b[1]), fq2.add(a[2], b[2]))


@njit(cache=True)
def sub(a, b):
    """a - b."""
    return (fq2.sub(a[0], b[0]), fq2.sub(a[1], b[1]), fq2.sub(a[2], b[2]))


@njit(cache=True)
def neg(a):
    """-a."""
    return (fq2.neg(a[0]), fq2.neg(a[1]), fq2.neg(a[2]))


@njit(cache=True)
def double(a):
    """2a."""
    return (fq2.double(a[0]), fq2.double(a[1]), fq2.double(a[2]))


@njit(cache=True)
def mul_by_v(a):
    """a * v = xi*b2 + b0*v + b1*v^2 (v is the non-residue of Fq12 over Fq6)."""
    return (mul_fq2_by_xi(a[2]), a[0], a[1])


@njit(cache=True)
def mul(a, b):
    """a * b by Karatsuba over the three coefficients (6 Fq2 multiplications)."""
    aa = fq2.mul(a[0], b[0])
    bb = fq2.mul(a[1], b[1])
    cc = fq2.mul(a[2], b[2])
    t1 = fq2.sub(fq2.sub(fq2.mul(fq2.add(a[1], a[2]), fq2.add(b[1], b[2])), bb), cc)
    t2 = fq2.sub(fq2.sub(fq2.mul(fq2.add(a[0], a[1]), fq2.add(b[0], b[1])), aa), bb)
    t3 = fq2.sub(fq2.sub(fq2.mul(fq2.add(a[0], a[2]), fq2.add(b[0], b[2])), aa), cc)
    return (fq2.add(mul_fq2_by_xi(t1), aa), fq2.add(t2, mul_fq2_by_xi(cc)), fq2.add(t3, bb))


@njit(cache=True)
def square(a):
    """a^2 by CH-SQR2 (Chung and Hasan 2007, as given by Devegili et al.)."""
    s0 = fq2.square(a[0])
    s1 = fq2.double(fq2.mul(a[0], a[1]))
    s2 = fq2.square(fq2.add(fq2.sub(a[0], a[1]), a[2]))
    s3 = fq2.double(fq2.mul(a[1], a[2]))
    s4 = fq2.square(a[2])
    return (
        fq2.add(mul_fq2_by_xi(s3), s0),
        fq2.add(mul_fq2_by_xi(s4), s1),
        fq2.sub(fq2.sub(fq2.add(fq2.add(s1, s2), s3), s0), s4),
    )


@njit(cache=True)
def mul_by_fq2(a, k):
    """a * k for k in Fq2."""
    return (fq2.mul(a[0], k), fq2.mul(a[1], k), fq2.mul(a[2], k))


@njit(cache=True)
def mul_by_01(a, c0, c1):
    """a * (c0 + c1*v): the sparse product of a line evaluation (5 Fq2 multiplications)."""
    aa = fq2.mul(a[0], c0)
    bb = fq2.mul(a[1], c1)
    t1 = fq2.add(mul_fq2_by_xi(fq2.mul(a[2], c1)), aa)
    t2 = fq2.sub(fq2.sub(fq2.mul(fq2.add(c0, c1), fq2.add(a[0], a[1])), aa), bb)
    t3 = fq2.add(fq2.mul(a[2], c0), bb)
    return (t1, t2, t3)


@njit(cache=True)
def inv(a):
    """a^-1 through one Fq2 inversion; the caller must exclude zero."""
    c0 = fq2.sub(fq2.square(a[0]), mul_fq2_by_xi(fq2.mul(a[1], a[2])))
    c1 = fq2.sub(mul_fq2_by_xi(fq2.square(a[2])), fq2.mul(a[0], a[1]))
    c2 = fq2.sub(fq2.square(a[1]), fq2.mul(a[0], a[2]))
    norm = fq2.add(fq2.mul(a[0], c0), mul_fq2_by_xi(fq2.add(fq2.mul(a[2], c1), fq2.mul(a[1], c2))))
    t = fq2.inv(norm)
    return (fq2.mul(c0, t), fq2.mul(c1, t), fq2.mul(c2, t))


@njit(cache=True)
def equal(a, b):
    """Coefficient-wise equality of reduced elements."""
    return fq2.equal(a[0], b[0]) and fq2.equal(a[1], b[1]) and fq2.equal(a[2], b[2])
