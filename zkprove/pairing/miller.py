"""The optimal ate Miller loop of BN254, for many pairs at once.

For P in G1 and Q in G2 the optimal ate pairing (Vercauteren, "Optimal
pairings", IEEE Trans. Inf. Theory 2010) is

    e(P, Q) = (f_{6x+2,Q}(P) * l_{[6x+2]Q, pi(Q)}(P) * l_{[6x+2]Q + pi(Q), -pi^2(Q)}(P))^((p^12-1)/r)

with x the BN seed and pi the p-power Frobenius on the twist. The loop
walks the signed (non-adjacent) digits of 6x + 2 from the top: each step
squares f, doubles R and multiplies f by the tangent line at R; a non-zero
digit then adds +-Q and multiplies by the chord. :func:`multi_miller_loop`
runs k pairs through one loop so that they share its 64 squarings of f,
which is what makes a product of pairings cheaper than separate pairings.
The loop runs in two phases: :func:`prepare_lines` computes every line's
coefficients from Q alone, :func:`evaluate_lines` evaluates them at the P's
and multiplies them into f.

R is kept in homogeneous projective coordinates on the twist and the line
coefficients come out of the doubling and addition steps of Costello,
Lange and Naehrig, "Faster pairing computations on curves with high-degree
twists" (PKC 2010), in the form of Aranha, Karabina, Longa, Gebotys and
Lopez, "Faster explicit formulas for computing pairings over ordinary
curves" (Eurocrypt 2011). The BN254 twist of EIP-197 is a D-type twist
(b' = 3/xi) whose untwisting map is (x, y) -> (x w^2, y w^3), so a line
through points of the twist, evaluated at P = (xP, yP), is the sparse Fq12
value c0*yP + c3*xP*w + c4*w^3 (:func:`.fq12.mul_by_034`; w^3 = v*w).
Line values are only determined up to factors in proper subfields (here
Fq2), which the final exponentiation removes.

Points come in affine Montgomery arrays, infinity as (0, 0) (the layout of
:mod:`zkprove.curve`). A pair with either point at infinity contributes 1.
Inputs must already be valid: on their curves and, for G2, in the order-r
subgroup (the L1 precompile model checks this before calling here).
"""

import numpy as np
from numba import njit

from zkprove.curve import points as pt
from zkprove.curve.kernels import load_affine
from zkprove.curve.subgroup import SEED, psi
from zkprove.field import fq2
from zkprove.field.params import P

from . import fq12


def signed_digits(n: int) -> tuple[int, ...]:
    """The non-adjacent form of n > 0, least significant digit first (digits in {-1, 0, 1})."""
    digits = []
    while n:
        digit = (2 - n % 4) if n % 2 else 0
        digits.append(digit)
        n = (n - digit) // 2
    return tuple(digits)


#: 6x + 2 for the BN254 seed x, the optimal ate loop length.
ATE_LOOP = 6 * SEED + 2
ATE_DIGITS = signed_digits(ATE_LOOP)
#: Lines per pair: a tangent per loop step, a chord per non-zero digit, the two Frobenius chords.
N_LINES = (len(ATE_DIGITS) - 1) + sum(1 for d in ATE_DIGITS[:-1] if d) + 2
_TWO_INV = fq2.constant(pow(2, -1, P), 0)[0]
_B2_TIMES_3 = fq2.constant(*(3 * v % P for v in (27 * pow(82, -1, P), -3 * pow(82, -1, P))))
assert sum(d << i for i, d in enumerate(ATE_DIGITS)) == ATE_LOOP


@njit(cache=True)
def _halve(a):
    return fq2.mul_by_fq(a, _TWO_INV)


@njit(cache=True)
def doubling_step(r):
    """(2R, (c0, c3, c4)) for homogeneous R = (X, Y, Z): the tangent line's coefficients."""
    x, y, z = r
    a = _halve(fq2.mul(x, y))
    b = fq2.square(y)
    c = fq2.square(z)
    e = fq2.mul(_B2_TIMES_3, c)
    f = fq2.add(fq2.double(e), e)
    g = _halve(fq2.add(b, f))
    h = fq2.sub(fq2.square(fq2.add(y, z)), fq2.add(b, c))
    j = fq2.square(x)
    e_sq = fq2.square(e)
    doubled = (
        fq2.mul(a, fq2.sub(b, f)),
        fq2.sub(fq2.square(g), fq2.add(fq2.double(e_sq), e_sq)),
        fq2.mul(b, h),
    )
    return doubled, (fq2.neg(h), fq2.add(fq2.double(j), j), fq2.sub(e, b))


@njit(cache=True)
def addition_step(r, q):
    """(R + Q, (c0, c3, c4)) for homogeneous R and affine Q: the chord's coefficients."""
    x, y, z = r
    theta = fq2.sub(y, fq2.mul(q[1], z))
    lam = fq2.sub(x, fq2.mul(q[0], z))
    c = fq2.square(theta)
    d = fq2.square(lam)
    e = fq2.mul(lam, d)
    f = fq2.mul(z, c)
    g = fq2.mul(x, d)
    h = fq2.sub(fq2.add(e, f), fq2.double(g))
    added = (fq2.mul(lam, h), fq2.sub(fq2.mul(theta, fq2.sub(g, h)), fq2.mul(e, y)), fq2.mul(z, e))
    return added, (lam, fq2.neg(theta), fq2.sub(fq2.mul(theta, q[0]), fq2.mul(lam, q[1])))


@njit(cache=True)
def _times_line(f, line, p):
    """f times the line with coefficients ``line`` evaluated at the G1 point p."""
    return fq12.mul_by_034(f, fq2.mul_by_fq(line[0], p[1]), fq2.mul_by_fq(line[1], p[0]), line[2])


@njit(cache=True)
def _frobenius_point(q):
    """pi(Q) on the twist, from the psi map of :mod:`zkprove.curve.subgroup` (Z = 1)."""
    image = psi((q[0], q[1], fq2.ONE))
    return (image[0], image[1])


@njit(cache=True)
def _store_line(out, k, line):
    for c in range(3):
        for part in range(2):
            out[k, c, part, 0], out[k, c, part, 1], out[k, c, part, 2], out[k, c, part, 3] = line[c][part]


@njit(cache=True)
def _load_line(lines, k):
    return (fq12.load_fq2(lines[k, 0]), fq12.load_fq2(lines[k, 1]), fq12.load_fq2(lines[k, 2]))


@njit(cache=True)
def prepare_lines(g2, i, out):
    """The line coefficients of Q = g2[i] for every step of the loop, in order, into ``out[N_LINES, 3, 2, 4]``.

    They depend on Q alone (the G1 point enters only when a line is
    evaluated), so a G2 point met again, such as a verifying key's, is
    prepared once (arkworks' ``G2Prepared``).
    """
    q = load_affine(g2, i)
    r = (q[0], q[1], fq2.ONE)
    k = 0
    for index in range(len(ATE_DIGITS) - 2, -1, -1):
        r, line = doubling_step(r)
        _store_line(out, k, line)
        k += 1
        digit = ATE_DIGITS[index]
        if digit != 0:
            r, line = addition_step(r, q if digit > 0 else (q[0], fq2.neg(q[1])))
            _store_line(out, k, line)
            k += 1
    q1 = _frobenius_point(q)
    q2 = _frobenius_point(q1)
    r, line = addition_step(r, q1)
    _store_line(out, k, line)
    _, line = addition_step(r, (q2[0], fq2.neg(q2[1])))
    _store_line(out, k + 1, line)


@njit(cache=True)
def evaluate_lines(g1, lines):
    """prod_j f_{Q_j}(P_j) from P_j = g1[j] and the prepared lines[j] of Q_j; the pairs share every squaring."""
    f = fq12.ONE
    k = 0
    for index in range(len(ATE_DIGITS) - 2, -1, -1):
        if index != len(ATE_DIGITS) - 2:
            f = fq12.square(f)
        steps = 2 if ATE_DIGITS[index] != 0 else 1
        for _ in range(steps):
            for j in range(g1.shape[0]):
                f = _times_line(f, _load_line(lines[j], k), load_affine(g1, j))
            k += 1
    for _ in range(2):
        for j in range(g1.shape[0]):
            f = _times_line(f, _load_line(lines[j], k), load_affine(g1, j))
        k += 1
    return f


@njit(cache=True)
def multi_miller_loop(g1, g2):
    """prod_i f_i(P_i) over the pairs (g1[i], g2[i]), before the final exponentiation; pairs with a point
    at infinity contribute 1."""
    keep = np.empty(g1.shape[0], np.int64)
    count = 0
    for i in range(g1.shape[0]):
        if not (pt.is_affine_infinity(load_affine(g1, i)) or pt.is_affine_infinity(load_affine(g2, i))):
            keep[count] = i
            count += 1
    lines = np.empty((count, N_LINES, 3, 2, 4), np.uint64)
    for j in range(count):
        prepare_lines(g2, keep[j], lines[j])
    return evaluate_lines(g1[keep[:count]], lines)
