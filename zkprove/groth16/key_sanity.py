"""Verifying keys under which anyone can forge proofs, recognised from the key alone.

A Groth16 proof (A, B, C) is accepted when

    e(A, B) = e(alpha, beta) * e(vk_x, gamma) * e(C, delta),   vk_x = IC0 + sum_i x_i IC_i

(Groth 2016, "On the Size of Pairing-based Non-interactive Arguments",
section 3.2). Soundness rests on alpha, beta, gamma, delta being non-zero
with no relation between them that a prover knows. A file can still carry
a key that no honest setup produces, and for the keys below a proof for
*any* public inputs takes two lines:

======================== ==================================================
key                      forged proof (A, B, C), valid for every vk_x
======================== ==================================================
alpha or beta = O        (vk_x, gamma, O)
gamma = O                (alpha, beta, O): the inputs drop out
gamma = +-delta          (alpha, beta, -+vk_x)
beta = +-gamma           (alpha +- vk_x, beta, O)
beta = +-delta           (vk_x, gamma, -+alpha)
delta = O                refused as well: no honest key has it
======================== ==================================================

so the rule is: **alpha, beta, gamma, delta are not the point at infinity,
and beta, gamma, delta are pairwise distinct up to sign.**

For the inputs: **IC[i] for i >= 1 is not the point at infinity, and no two
of IC[1..n] are equal or opposite.** With IC[i] = O, input i is unbound (a
proof holds for every value of it); with IC[i] = +-IC[j], a proof for
(x_i, x_j) also holds for (x_i + t, x_j -+ t). IC[0] multiplies the
constant 1 and binds no input, so it may be O.

These are exactly the relations a check can see without the trapdoor. A key
with, say, gamma = 2 * delta is as forgeable and cannot be recognised; an
honest setup makes any such relation with negligible probability.
Point validity (on the curve, in the subgroup) is checked elsewhere
(:func:`zkprove.l1.verifier.key_error`); this module compares coordinates only.
"""

from zkprove.field.params import P

from .data import G1, G1_INFINITY, G2, G2_INFINITY, VerifyingKey


def _neg_g1(point: G1) -> G1:
    x, y = point
    return (x, (P - y) % P)


def _neg_g2(point: G2) -> G2:
    x, (y_re, y_im) = point
    return (x, ((P - y_re) % P, (P - y_im) % P))


def degenerate_key_error(vk: VerifyingKey) -> str | None:
    """Why ``vk`` lets anyone forge proofs (see the module doc), or None."""
    for name, point, infinity in (
        ("alpha", vk.alpha_g1, G1_INFINITY), ("beta", vk.beta_g2, G2_INFINITY),
        ("gamma", vk.gamma_g2, G2_INFINITY), ("delta", vk.delta_g2, G2_INFINITY),
    ):
        if point == infinity:
            return f"verifying key {name}: the point at infinity, which no honest setup makes (proofs could be forged)"
    g2_points = (("beta", vk.beta_g2), ("gamma", vk.gamma_g2), ("delta", vk.delta_g2))
    for i, (first, p) in enumerate(g2_points):
        for second, q in g2_points[i + 1 :]:
            if q in (p, _neg_g2(p)):
                sign = "" if q == p else "-"
                return f"verifying key: {second} = {sign}{first}, under which any proof can be forged"
    seen: dict[G1, int] = {}
    for i, point in enumerate(vk.ic[1:], start=1):
        if point == G1_INFINITY:
            return f"verifying key IC[{i}]: the point at infinity, so public input {i - 1} would be unbound"
        other = seen.get(point, seen.get(_neg_g1(point)))
        if other is not None:
            return (f"verifying key IC[{i}]: equal or opposite to IC[{other}], so public inputs "
                    f"{other - 1} and {i - 1} would not be bound separately")
        seen[point] = i
    return None
