"""BN254 points as the EVM sees them: the validity rules and the bridge to py_ecc.

EIP-196 (ecAdd 0x06, ecMul 0x07) and EIP-197 (pairing 0x08) make a call fail
when a coordinate is >= p, when a point is not on its curve, or, for G2, when
it lies outside the order-r subgroup. (G1 has cofactor 1, so every point on
the curve is in the subgroup.) All-zero coordinates mean the point at
infinity. :func:`g1_error` and :func:`g2_error` say which rule a point breaks,
in words a user can act on; the precompile models and the verifier share them.

Points are the plain-int affine tuples of :mod:`zkprove.groth16.data`;
py_ecc's ``optimized_bn128`` works on projective (x, y, z) tuples of field
elements, and the ``to_py_ecc_*`` / ``from_py_ecc_*`` functions convert.
"""

from functools import lru_cache

from py_ecc import optimized_bn128 as bn

from zkprove.field.params import P, R
from zkprove.groth16.data import G1, G1_INFINITY, G2, G2_INFINITY

__all__ = [
    "P",
    "R",
    "g1_error",
    "g2_error",
    "to_py_ecc_g1",
    "to_py_ecc_g2",
    "from_py_ecc_g1",
    "from_py_ecc_g2",
]

assert P == bn.field_modulus and R == bn.curve_order, "BN254 moduli disagree with py_ecc"


def _coordinate_error(names: tuple[str, ...], values: tuple[int, ...]) -> str | None:
    for name, value in zip(names, values):
        if not 0 <= value < P:
            return f"coordinate {name} is not below the base field modulus p"
    return None


def g1_error(point: G1) -> str | None:
    """Why the ecAdd/ecMul/pairing precompiles would reject this G1 point, or None."""
    problem = _coordinate_error(("x", "y"), point)
    if problem is None and point != G1_INFINITY and not bn.is_on_curve(to_py_ecc_g1(point), bn.b):
        problem = "not on the curve y^2 = x^3 + 3"
    return problem


def g2_error(point: G2) -> str | None:
    """Why the pairing precompile (EIP-197) would reject this G2 point, or None."""
    (x_re, x_im), (y_re, y_im) = point
    return _g2_error((x_re, x_im), (y_re, y_im))


@lru_cache(maxsize=1024)
def _g2_error(x: tuple[int, int], y: tuple[int, int]) -> str | None:
    """:func:`g2_error` on the coordinates re-packed as tuples (hashable whatever sequences
    the caller passed), remembered: the subgroup check is a full 254-bit scalar
    multiplication in py_ecc (about 65 ms), and a verifier meets the same
    points again and again (the key's beta, gamma and delta in every pairing check, a
    proof's B in the pre-check and again in the pairing input). The answer depends on
    the point alone, so remembering it changes no verdict.
    """
    problem = _coordinate_error(("x.re", "x.im", "y.re", "y.im"), x + y)
    if problem is not None or (x, y) == G2_INFINITY:
        return problem
    projective = to_py_ecc_g2((x, y))
    if not bn.is_on_curve(projective, bn.b2):
        return "not on the twist curve y^2 = x^3 + 3/(9+i)"
    if not bn.is_inf(bn.multiply(projective, R)):
        return "not in the order-r subgroup of G2"
    return None


def to_py_ecc_g1(point: G1) -> tuple:
    """py_ecc projective point for an affine G1 point (infinity included)."""
    if point == G1_INFINITY:
        return bn.Z1
    x, y = point
    return (bn.FQ(x), bn.FQ(y), bn.FQ.one())


def to_py_ecc_g2(point: G2) -> tuple:
    """py_ecc projective point for an affine G2 point; FQ2 takes [re, im] too."""
    if point == G2_INFINITY:
        return bn.Z2
    x, y = point
    return (bn.FQ2(list(x)), bn.FQ2(list(y)), bn.FQ2.one())


def from_py_ecc_g1(point: tuple) -> G1:
    """Affine plain-int G1 point for a py_ecc projective one."""
    if bn.is_inf(point):
        return G1_INFINITY
    x, y = bn.normalize(point)
    return (int(x), int(y))


def from_py_ecc_g2(point: tuple) -> G2:
    """Affine plain-int G2 point for a py_ecc projective one."""
    if bn.is_inf(point):
        return G2_INFINITY
    x, y = bn.normalize(point)
    return ((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1])))
