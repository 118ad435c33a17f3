"""BN254 points as the EVM sees them: the validity rules, in words a user can act on.

EIP-196 (ecAdd 0x06, ecMul 0x07) and EIP-197 (pairing 0x08) make a call fail
when a coordinate is >= p, when a point is not on its curve, or, for G2, when
it lies outside the order-r subgroup. (G1 has cofactor 1, so every point on
the curve is in the subgroup.) All-zero coordinates mean the point at
infinity. :func:`g1_error` and :func:`g2_error` say which rule a point breaks;
the precompile models and the verifier share them. The curve questions go
to an :class:`~zkprove.l1.arithmetic.Arithmetic` (numba by default, py_ecc as
the reference).

Points are the plain-int affine tuples of :mod:`zkprove.groth16.data`; the
``to_py_ecc_*`` / ``from_py_ecc_*`` bridges to py_ecc's projective tuples
live in :mod:`zkprove.l1.arithmetic` and are re-exported here.
"""

from functools import lru_cache

from zkprove.field.params import P, R
from zkprove.groth16.data import G1, G1_INFINITY, G2, G2_INFINITY
from zkprove.l1.arithmetic import (
    NATIVE,
    Arithmetic,
    from_py_ecc_g1,
    from_py_ecc_g2,
    to_py_ecc_g1,
    to_py_ecc_g2,
)

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


def _coordinate_error(names: tuple[str, ...], values: tuple[int, ...]) -> str | None:
    for name, value in zip(names, values):
        if not 0 <= value < P:
            return f"coordinate {name} is not below the base field modulus p"
    return None


def g1_error(point: G1, arithmetic: Arithmetic = NATIVE) -> str | None:
    """Why the ecAdd/ecMul/pairing precompiles would reject this G1 point, or None."""
    problem = _coordinate_error(("x", "y"), point)
    if problem is None and point != G1_INFINITY and not arithmetic.g1_on_curve(point):
        problem = "not on the curve y^2 = x^3 + 3"
    return problem


def g2_error(point: G2, arithmetic: Arithmetic = NATIVE) -> str | None:
    """Why the pairing precompile (EIP-197) would reject this G2 point, or None."""
    (x_re, x_im), (y_re, y_im) = point
    return _g2_error((x_re, x_im), (y_re, y_im), arithmetic)


@lru_cache(maxsize=1024)
def _g2_error(x: tuple[int, int], y: tuple[int, int], arithmetic: Arithmetic) -> str | None:
    """:func:`g2_error` on the coordinates re-packed as tuples (hashable whatever sequences
    the caller passed), remembered: a verifier meets the same points again and again (the
    key's beta, gamma and delta in every pairing check, a proof's B in the pre-check and
    again in the pairing input), and the subgroup test is the dearest rule (a 64-bit
    scalar multiplication in numba, a 254-bit one in py_ecc). The answer depends on the
    point alone, so remembering it changes no verdict.
    """
    problem = _coordinate_error(("x.re", "x.im", "y.re", "y.im"), x + y)
    if problem is not None or (x, y) == G2_INFINITY:
        return problem
    if not arithmetic.g2_on_twist((x, y)):
        return "not on the twist curve y^2 = x^3 + 3/(9+i)"
    if not arithmetic.g2_in_subgroup((x, y)):
        return "not in the order-r subgroup of G2"
    return None
