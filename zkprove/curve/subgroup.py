"""G2 subgroup membership through the untwist-Frobenius-twist endomorphism psi.

The twist E'(Fq2) has order r * h with a 254-bit cofactor h, so a point on
the curve need not lie in the r-order group G2 that the pairing (and the
EIP-197 precompile) accepts. Multiplying by r works but costs a 254-bit
scalar multiplication. Instead we use the test of Dai, Lin, Zhao and Zhou,
"Fast subgroup membership testings for G1, G2 and GT on pairing-friendly
curves" (ePrint 2022/348, section 5.1), valid for BN254 because its seed x
satisfies x != 4 mod 13 and x != 92 mod 97:

    P in G2  <=>  [x+1]P + psi([x]P) + psi^2([x]P) == psi^3([2x]P),

a 63-bit scalar multiplication. psi(x, y) = (conj(x) * xi^((p-1)/3),
conj(y) * xi^((p-1)/2)) with xi = 9 + u (Galbraith and Scott, ePrint
2008/117); on Jacobian coordinates Z is conjugated too.
"""

from numba import njit, prange

from zkprove.field import fq2
from zkprove.field.chunks import CHUNKS, chunk_start
from zkprove.field.params import P, int_to_limbs

from . import points as pt
from .kernels import load_affine

#: The BN254 seed x: p = 36x^4 + 36x^3 + 24x^2 + 6x + 1 and r = p - 6x^2.
SEED = 4965661367192848881
_SEED_LIMBS = int_to_limbs(SEED)
_PSI_X = fq2.constant(*fq2.power_of_ints((9, 1), (P - 1) // 3))
_PSI_Y = fq2.constant(*fq2.power_of_ints((9, 1), (P - 1) // 2))
assert P == 36 * SEED**4 + 36 * SEED**3 + 24 * SEED**2 + 6 * SEED + 1
assert SEED % 13 != 4 and SEED % 97 != 92, "the conditions of ePrint 2022/348"


@njit(cache=True)
def psi(p):
    """The endomorphism psi on a Jacobian G2 point."""
    return (
        fq2.mul(fq2.conjugate(p[0]), _PSI_X),
        fq2.mul(fq2.conjugate(p[1]), _PSI_Y),
        fq2.conjugate(p[2]),
    )


@njit(cache=True)
def in_g2(p):
    """True if the affine twist point p lies in the r-order subgroup (p on the curve)."""
    xp = pt.scalar_mul(p, _SEED_LIMBS)
    lhs = pt.add(pt.add(pt.add_mixed(xp, p), psi(xp)), psi(psi(xp)))
    rhs = psi(psi(psi(pt.double(xp))))
    return pt.equal(lhs, rhs)


@njit(cache=True)
def _in_g2_chunk(aff, out, lo, hi):
    for i in range(lo, hi):
        out[i] = in_g2(load_affine(aff, i))


@njit(cache=True, parallel=True)
def in_g2_batch(aff, out):
    """out[i] = affine G2 point aff[i] (on the curve) lies in the subgroup."""
    n = aff.shape[0]
    for c in prange(CHUNKS):
        _in_g2_chunk(aff, out, chunk_start(c, n), chunk_start(c + 1, n))
