"""G1 scalar multiplication by the GLV method: two half-length scalars through the endomorphism phi.

BN254's G1 has the endomorphism phi(x, y) = (beta x, y), beta a cube root
of unity in Fq, and phi(P) = lambda P for a cube root of unity lambda mod r.
Gallant, Lambert and Vanstone ("Faster point multiplication on elliptic
curves with efficient endomorphisms", CRYPTO 2001) split any scalar as
k = k1 + k2 lambda (mod r) with |k1|, |k2| about sqrt(r), from a short basis
of the lattice {(a, b) : a + b lambda = 0 mod r} found by the extended
Euclidean algorithm (Hankerson, Menezes and Vanstone, "Guide to Elliptic
Curve Cryptography", algorithms 3.74 and 3.62). Then k P = k1 P + k2 phi(P)
by one joint double-and-add (Shamir's trick): about 128 doublings instead
of 254.
"""

import math

import numpy as np
from numba import njit

from zkprove.field import fq2
from zkprove.field import montgomery as fq
from zkprove.field.params import FQ_SPEC, P, R, int_to_limbs

from . import points as pt

#: beta, a cube root of unity mod p, and the lambda mod r with phi(P) = lambda P on G1 (checked in the tests).
BETA = 2203960485148121921418603742825762020974279258880205651966
LAMBDA = 4407920970296243842393367215006156084916469457145843978461
_BETA = fq2.constant(BETA, 0)[0]
#: Half-scalars stay below this many bits; the kernel's loop length.
HALF_BITS = 128
assert pow(BETA, 3, P) == 1 != BETA and (LAMBDA * LAMBDA + LAMBDA + 1) % R == 0


def _short_basis(n: int, lam: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Two short vectors (a, b) with a + b lam = 0 mod n (extended Euclid, stopped near sqrt(n))."""
    r0, r1, t0, t1 = n, lam, 0, 1
    bound = math.isqrt(n)
    while r1 >= bound:
        q = r0 // r1
        r0, r1, t0, t1 = r1, r0 - q * r1, t1, t0 - q * t1
    r2, t2 = r0 - (r0 // r1) * r1, t0 - (r0 // r1) * t1
    first = (r1, -t1)
    second = min((r0, -t0), (r2, -t2), key=lambda v: v[0] ** 2 + v[1] ** 2)
    return first, second


(_A1, _B1), (_A2, _B2) = _short_basis(R, LAMBDA)


def split(k: int) -> tuple[int, int]:
    """(k1, k2) with k = k1 + k2 lambda mod r and both below 2^128 in absolute value (Babai rounding)."""
    k %= R
    c1 = (2 * _B2 * k + R) // (2 * R)
    c2 = (-2 * _B1 * k + R) // (2 * R)
    k1 = k - c1 * _A1 - c2 * _A2
    k2 = -c1 * _B1 - c2 * _B2
    assert abs(k1) < 1 << HALF_BITS and abs(k2) < 1 << HALF_BITS
    return k1, k2


def split_limbs(k: int) -> np.ndarray:
    """The two half-scalars as ``uint64[2, 4]`` magnitudes with their signs in row 2 (1: negative)."""
    k1, k2 = split(k)
    return np.array([int_to_limbs(abs(k1)), int_to_limbs(abs(k2)), (int(k1 < 0), int(k2 < 0), 0, 0)], np.uint64)


@njit(cache=True)
def _bit(limbs, i):
    return (limbs[i // 64] >> np.uint64(i % 64)) & np.uint64(1)


@njit(cache=True)
def glv_mul(p, halves):
    """k p as a Jacobian point for an affine G1 point p, with ``halves`` from :func:`split_limbs` (k)."""
    p1 = pt.neg_affine(p) if halves[2, 0] else p
    endo = (fq.mul(p[0], _BETA, FQ_SPEC), p[1])
    p2 = pt.neg_affine(endo) if halves[2, 1] else endo
    both = pt.add_mixed(pt.from_affine(p1), p2)
    acc = pt.infinity_like(p[0])
    for i in range(HALF_BITS - 1, -1, -1):
        if not pt.is_infinity(acc):
            acc = pt.double(acc)
        b1, b2 = _bit(halves[0], i), _bit(halves[1], i)
        if b1 and b2:
            acc = pt.add(acc, both)
        elif b1:
            acc = pt.add_mixed(acc, p1)
        elif b2:
            acc = pt.add_mixed(acc, p2)
    return acc
