"""Pairing equations e(a, b) = e(c, d), checked in one batch with random weights.

Every check of the ceremony is a "same ratio" claim in the sense of Bowe,
Gabizon and Miers, "Scalable Multi-party Computation for zk-SNARK Parameters
in the Random Beacon Model" (ePrint 2017/1050, "SameRatio"): the pairs
(a, c) in G1 and (d, b) in G2 have the same discrete-log ratio exactly when
e(a, b) = e(c, d). A vector claim ("each point is x times the one before")
becomes a single claim through a random linear combination
(:func:`weighted_sums`, as the paper and snarkjs check a whole vector).

:func:`first_false` checks a list of claims together. With independent
random 128-bit weights w_k it tests

    prod_k e(w_k a_k, b_k) * e(-w_k c_k, d_k) = 1,

grouping terms by their G2 point (the G1 sides of a group are summed with
one small MSM), so that many claims cost one Miller loop per distinct G2
point and a single final exponentiation. GT has prime order r, so if any
claim is false the product is 1 with probability at most 2^-128 over the
weights. Only when the batch fails are the claims re-checked one by one, to
name the first false one.
"""

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from zkprove.curve import G1, Group
from zkprove.field.params import R
from zkprove.pairing import pairing_check

#: Bits of every random weight; a false claim survives with probability about 2^-WEIGHT_BITS.
WEIGHT_BITS = 128

#: prod e(g1[i], g2[i]) == 1 on affine point arrays: :func:`zkprove.pairing.pairing_check`, or its py_ecc reference.
PairingCheck = Callable[[np.ndarray, np.ndarray], bool]


@dataclass(frozen=True)
class Claim:
    """e(a, b) = e(c, d) for affine points a, c in G1 (shape (2, 4)) and b, d in G2 ((2, 2, 4)).

    ``what`` names the claim in words a failure report can quote.
    """

    what: str
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    d: np.ndarray


def random_weights(n: int) -> list[int]:
    """n fresh non-zero random scalars of :data:`WEIGHT_BITS` bits, from the OS's CSPRNG."""
    return [1 + secrets.randbits(WEIGHT_BITS) for _ in range(n)]


def weighted_sums(group: Group, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sum_i w_i left_i, sum_i w_i right_i) for one list of fresh random weights w.

    If right_i = x * left_i for every i then the sums keep that ratio; if
    not, they keep it with probability at most 2^-WEIGHT_BITS. With left =
    P[:-1] and right = P[1:] this tests that P is a sequence of powers.
    """
    if len(left) != len(right):
        raise ValueError(f"weighted_sums: {len(left)} left points but {len(right)} right points")
    weights = random_weights(len(left))
    return group.msm(group.to_affine(left), weights), group.msm(group.to_affine(right), weights)


def holds(claim: Claim, pairing: PairingCheck = pairing_check) -> bool:
    """Check one claim on its own: e(a, b) * e(-c, d) = 1, two Miller loops and a final exponentiation."""
    g1 = np.stack([claim.a, G1.neg(claim.c[None])[0]])
    return pairing(g1, np.stack([claim.b, claim.d]))


def first_false(claims: Sequence[Claim], pairing: PairingCheck = pairing_check) -> Claim | None:
    """The first claim that does not hold, or None when all hold (batched, see the module doc)."""
    if not claims:
        return None
    groups: dict[bytes, tuple[np.ndarray, list[np.ndarray], list[int]]] = {}
    for claim, weight in zip(claims, random_weights(len(claims))):
        for g1, g2, scalar in ((claim.a, claim.b, weight), (claim.c, claim.d, R - weight)):
            _, bases, scalars = groups.setdefault(g2.tobytes(), (g2, [], []))
            bases.append(g1)
            scalars.append(scalar)
    g1_sums = np.stack([G1.msm(np.stack(bases), scalars) for _, bases, scalars in groups.values()])
    if pairing(g1_sums, np.stack([g2 for g2, _, _ in groups.values()])):
        return None
    failed = next((claim for claim in claims if not holds(claim, pairing)), None)
    if failed is None:
        raise AssertionError("the batched pairing check failed but every claim holds on its own")
    return failed
