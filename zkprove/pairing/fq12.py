"""The top of BN254's tower, Fq12 = Fq6[w]/(w^2 - v), where pairing values live.

An element a0 + a1*w is a tuple of two Fq6 tuples (:mod:`.fq6`); as an array
it is ``uint64[2, 3, 2, 4]`` (w-index, v-index, u-index, limb). Since
w^2 = v and v^3 = xi, w^6 = xi = 9 + u: the Fq2 coefficient of v^j w^i sits
at w^(i + 2j).

* Multiplication is Karatsuba over Fq6 (18 Fq2 multiplications) and squaring
  the complex method (12), as in Devegili et al. (ePrint 2006/471).
* :func:`mul_by_034` multiplies by a line value c0 + c3*w + c4*v*w, the
  shape a D-type twist gives (13 Fq2 multiplications instead of 18).
* The Frobenius map x -> x^p conjugates each Fq2 coefficient and scales the
  one at w^m by xi^(m(p-1)/6) (Beuchat et al., "High-speed software
  implementation of the optimal ate pairing over Barreto-Naehrig curves",
  Pairing 2010, section 4).
* :func:`cyclotomic_square` squares elements of the cyclotomic subgroup
  (those with x^(p^6+1) = 1, i.e. after the easy part of the final
  exponentiation) with 6 Fq2 multiplications: Granger and Scott, "Faster
  squaring in the cyclotomic subgroup of sixth degree extensions", PKC 2010.
  There the inverse is the conjugate a0 - a1*w.
"""

import numpy as np
from numba import njit

from zkprove.field import fq2
from zkprove.field.params import P

from . import fq6

ONE = (fq6.ONE, fq6.ZERO)


#: xi^(m(p-1)/6) for m = 1..5, Montgomery form: the Frobenius factor of the coefficient at w^m.
_GAMMA = tuple(fq2.constant(*fq2.power_of_ints((9, 1), m * (P - 1) // 6)) for m in range(1, 6))
_GAMMA1, _GAMMA2, _GAMMA3, _GAMMA4, _GAMMA5 = _GAMMA


@njit(cache=True)
def mul(a, b):
    """a * b: aa + v*bb + ((a0 + a1)(b0 + b1) - aa - bb) w with aa = a0 b0, bb = a1 b1."""
    aa = fq6.mul(a[0], b[0])
    bb = fq6.mul(a[1], b[1])
    cross = fq6.mul(fq6.add(a[0], a[1]), fq6.add(b[0], b[1]))
    return (fq6.add(aa, fq6.mul_by_v(bb)), fq6.sub(fq6.sub(cross, aa), bb))


@njit(cache=True)
def square(a):
    """a^2 = (a0 + a1)(a0 + v a1) - t - v t + 2t w with t = a0 a1."""
    t = fq6.mul(a[0], a[1])
    c0 = fq6.mul(fq6.add(a[0], a[1]), fq6.add(a[0], fq6.mul_by_v(a[1])))
    return (fq6.sub(fq6.sub(c0, t), fq6.mul_by_v(t)), fq6.double(t))


@njit(cache=True)
def conjugate(a):
    """a0 - a1 w = a^(p^6); the inverse of a cyclotomic-subgroup element."""
    return (a[0], fq6.neg(a[1]))


@njit(cache=True)
def inv(a):
    """a^-1 = (a0 - a1 w) / (a0^2 - v a1^2); the caller must exclude zero."""
    norm = fq6.sub(fq6.square(a[0]), fq6.mul_by_v(fq6.square(a[1])))
    t = fq6.inv(norm)
    return (fq6.mul(a[0], t), fq6.neg(fq6.mul(a[1], t)))


@njit(cache=True)
def mul_by_034(a, c0, c3, c4):
    """a * (c0 + (c3 + c4 v) w), the product with a line value of a D-type twist (13 Fq2 products)."""
    aa = fq6.mul_by_fq2(a[0], c0)
    bb = fq6.mul_by_01(a[1], c3, c4)
    cross = fq6.mul_by_01(fq6.add(a[0], a[1]), fq2.add(c0, c3), c4)
    return (fq6.add(fq6.mul_by_v(bb), aa), fq6.sub(fq6.sub(cross, aa), bb))


@njit(cache=True)
def frobenius(a):
    """a^p: conjugate every coefficient, scale the one at w^m by xi^(m(p-1)/6)."""
    b0, b1 = a
    return (
        (fq2.conjugate(b0[0]), fq2.mul(fq2.conjugate(b0[1]), _GAMMA2), fq2.mul(fq2.conjugate(b0[2]), _GAMMA4)),
        (fq2.mul(fq2.conjugate(b1[0]), _GAMMA1), fq2.mul(fq2.conjugate(b1[1]), _GAMMA3),
         fq2.mul(fq2.conjugate(b1[2]), _GAMMA5)),
    )


@njit(cache=True)
def _square_pair(x, y):
    """(x + y s)^2 in Fq4 = Fq2[s]/(s^2 - xi): (x^2 + xi y^2, (x + y)^2 - x^2 - y^2), three Fq2 squarings."""
    x2 = fq2.square(x)
    y2 = fq2.square(y)
    return fq2.add(x2, fq6.mul_fq2_by_xi(y2)), fq2.sub(fq2.sub(fq2.square(fq2.add(x, y)), x2), y2)


@njit(cache=True)
def _three_minus_two(t, z):
    """3t - 2z."""
    return fq2.add(fq2.double(fq2.sub(t, z)), t)


@njit(cache=True)
def _three_plus_two(t, z):
    """3t + 2z."""
    return fq2.add(fq2.double(fq2.add(t, z)), t)


@njit(cache=True)
def cyclotomic_square(a):
    """a^2 for a in the cyclotomic subgroup, by Granger and Scott's Fq4 decomposition."""
    z0, z4, z3 = a[0]
    z2, z1, z5 = a[1]
    t0, t1 = _square_pair(z0, z1)
    t2, t3 = _square_pair(z2, z3)
    t4, t5 = _square_pair(z4, z5)
    return (
        (_three_minus_two(t0, z0), _three_minus_two(t2, z4), _three_minus_two(t4, z3)),
        (_three_plus_two(fq6.mul_fq2_by_xi(t5), z2), _three_plus_two(t1, z1), _three_plus_two(t3, z5)),
    )


@njit(cache=True)
def equal(a, b):
    """Coefficient-wise equality of reduced elements."""
    return fq6.equal(a[0], b[0]) and fq6.equal(a[1], b[1])


@njit(cache=True)
def is_one(a):
    """True for the identity of Fq12 (and of the pairing group GT)."""
    return equal(a, ONE)


@njit(cache=True)
def load(row):
    """The element stored in a ``uint64[2, 3, 2, 4]`` array."""
    return (
        ((_fq(row, 0, 0, 0), _fq(row, 0, 0, 1)), (_fq(row, 0, 1, 0), _fq(row, 0, 1, 1)),
         (_fq(row, 0, 2, 0), _fq(row, 0, 2, 1))),
        ((_fq(row, 1, 0, 0), _fq(row, 1, 0, 1)), (_fq(row, 1, 1, 0), _fq(row, 1, 1, 1)),
         (_fq(row, 1, 2, 0), _fq(row, 1, 2, 1))),
    )


@njit(cache=True)
def load_fq2(row):
    """The Fq2 element stored in a ``uint64[2, 4]`` array."""
    return ((row[0, 0], row[0, 1], row[0, 2], row[0, 3]), (row[1, 0], row[1, 1], row[1, 2], row[1, 3]))


@njit(cache=True)
def _fq(row, i, j, k):
    return (row[i, j, k, 0], row[i, j, k, 1], row[i, j, k, 2], row[i, j, k, 3])


@njit(cache=True)
def store(row, a):
    """Write an element into a ``uint64[2, 3, 2, 4]`` array."""
    for i in range(2):
        for j in range(3):
            for k in range(2):
                limbs = a[i][j][k]
                row[i, j, k, 0], row[i, j, k, 1], row[i, j, k, 2], row[i, j, k, 3] = limbs


def to_ints(row: np.ndarray) -> list[int]:
    """The 12 Fq coefficients of an element array, in (w, v, u) order, as plain integers."""
    return fq2.fq_to_ints(row.reshape(-1, 4))


def from_ints(values: list[int]) -> np.ndarray:
    """Inverse of :func:`to_ints`: 12 integers in [0, p) to an element array."""
    return fq2.fq_from_ints(values).reshape(2, 3, 2, 4)
