"""Phase 2, per circuit: the initial key from the powers of tau, delta updates, and their checks.

Bowe, Gabizon and Miers, ePrint 2017/1050, the per-circuit phase, with snarkjs's
conventions (gamma = 1, i.e. gamma_g2 is the G2 generator, since gamma
cannot be updated without another round).

:func:`initialize` is deterministic: from a phase-1 accumulator and a
constraint system it computes the Lagrange-basis points (:mod:`.group_ntt`)
and from them every query point (:mod:`.lincomb`), with delta = 1. Anyone
can recompute it, which is how the verifier checks the starting key.

A contribution draws d, sets delta' = d*delta in G1 and G2, divides every
h_query and l_query point by d, and proves knowledge of d bound to the
digest of the key it updated. :func:`check` turns it into claims: the
proof, delta_g1' = d * delta_g1 (against the proof's [d*r]_2), delta_g2'
matching delta_g1', and h_query and l_query each scaled by the same 1/d
(e(sum w_i P'_i, delta'_2) = e(sum w_i P_i, delta_2) for random w_i).
Every other field must equal the previous key's, byte for byte.
"""

from dataclasses import dataclass, replace

import numpy as np

from zkprove.curve import G1, G2
from zkprove.field.params import R
from zkprove.r1cs.system import ConstraintSystem
from zkprove.timing import StepTimer

from zkprove.groth16.keys import ProvingKey, g2_to_ints
from zkprove.groth16.lagrange_keys import LagrangeBases, keys_from_lagrange
from zkprove.groth16.qap import QAP
from .encoding import digest, points_to_bytes
from .group_ntt import lagrange_points
from .phase1 import Accumulator
from .pok import KnowledgeProof, prove_knowledge, random_scalar
from .ratio import Claim, weighted_sums

#: Domain separator of the delta secret's proof of knowledge.
DOMAIN = b"zkprove/ceremony/phase2/delta"
#: The fields a contribution changes; every other one must stay as it was.
UPDATED = ("delta_g1", "delta_g2", "h_query", "l_query")
_UNCHANGED = ("alpha_g1", "beta_g1", "beta_g2", "a_query", "b_g1_query", "b_g2_query")


def initialize(acc: Accumulator, cs: ConstraintSystem, timer: StepTimer | None = None) -> ProvingKey:
    """The delta = 1 key for ``cs`` from the phase-1 powers (deterministic; see the module doc)."""
    timer = timer if timer is not None else StepTimer()
    qap = QAP.of(cs)
    n = qap.domain_size
    if n > acc.size:
        raise ValueError(f"the circuit needs a domain of 2^{n.bit_length() - 1}, phase 1 has powers for 2^{acc.power}")
    with timer.step("lagrange"):
        bases = LagrangeBases(
            tau_g1=lagrange_points(G1, acc.tau_g1[:n]),
            tau_g2=lagrange_points(G2, acc.tau_g2[:n]),
            alpha_tau_g1=lagrange_points(G1, acc.alpha_tau_g1[:n]),
            beta_tau_g1=lagrange_points(G1, acc.beta_tau_g1[:n]),
            alpha_g1=acc.alpha_tau_g1[0], beta_g1=acc.beta_tau_g1[0], beta_g2=acc.beta_g2,
        )
    h_query = G1.add(acc.tau_g1[n : 2 * n - 1], G1.neg(acc.tau_g1[: n - 1]))
    return keys_from_lagrange(qap, bases, h_query, timer)


def key_digest(pk: ProvingKey) -> bytes:
    """The transcript hash a contribution's proof binds to: the circuit and every point of the key."""
    parts = [pk.qap.digest.encode()]
    for name in _UNCHANGED + UPDATED:
        group = G2 if "g2" in name else G1
        parts.append(points_to_bytes(group, getattr(pk, name).reshape((-1, 2) + group.element_shape)))
    vk = pk.vk
    coordinates = [*vk.alpha_g1, *_flat(vk.beta_g2), *_flat(vk.gamma_g2), *_flat(vk.delta_g2), *(c for p in vk.ic for c in p)]
    parts.append(b"".join(c.to_bytes(32, "little") for c in coordinates))
    return digest(b"zkprove/ceremony/phase2/key", *parts)


def _flat(point: tuple[tuple[int, int], tuple[int, int]]) -> tuple[int, ...]:
    return (*point[0], *point[1])


@dataclass(frozen=True)
class Contribution:
    """What a phase-2 contributor publishes besides the new key: the proof of knowledge of d."""

    delta: KnowledgeProof


def contribute(before: ProvingKey, secret: int | None = None) -> tuple[ProvingKey, Contribution]:
    """Multiply delta by a fresh (or, in tests, given) d and divide h_query, l_query by it."""
    d = random_scalar() if secret is None else secret
    d_inv = pow(d, -1, R)
    delta_g1 = G1.scalar_mul(before.delta_g1[None], [d])[0]
    delta_g2 = G2.scalar_mul(before.delta_g2[None], [d])[0]
    after = replace(
        before,
        vk=replace(before.vk, delta_g2=g2_to_ints(delta_g2)),
        delta_g1=delta_g1,
        delta_g2=delta_g2,
        h_query=G1.scalar_mul(before.h_query, [d_inv] * len(before.h_query)),
        l_query=G1.scalar_mul(before.l_query, [d_inv] * len(before.l_query)),
    )
    return after, Contribution(prove_knowledge(d, DOMAIN, key_digest(before)))


def unchanged_problem(before: ProvingKey, after: ProvingKey) -> str | None:
    """Which field changed that a contribution must leave alone, or None."""
    sizes = ("n_wires", "n_public", "domain_size")
    for name in sizes:
        if getattr(after, name) != getattr(before, name):
            return f"{name} changed from {getattr(before, name)} to {getattr(after, name)}"
    if after.qap.digest != before.qap.digest:
        return "the constraint system (QAP) changed"
    for name in _UNCHANGED:
        if not np.array_equal(getattr(after, name), getattr(before, name)):
            return f"{name} changed"
    for name in ("h_query", "l_query"):
        if getattr(after, name).shape != getattr(before, name).shape:
            return f"{name} changed length"
    if replace(after.vk, delta_g2=before.vk.delta_g2) != before.vk:
        return "the verifying key changed beyond delta_g2"
    if after.vk.delta_g2 != g2_to_ints(after.delta_g2):
        return "the verifying key's delta_g2 differs from the proving key's"
    return None


def check(before: ProvingKey, after: ProvingKey, contribution: Contribution) -> tuple[str | None, list[Claim]]:
    """Check one phase-2 contribution: (a structural problem or None, the pairing claims to batch)."""
    problem = unchanged_problem(before, after) or contribution.delta.problem()
    if problem is None:
        problem = _invalid_points(after)
    if problem is not None:
        return problem, []
    proof = contribution.delta
    r = proof.challenge(DOMAIN, key_digest(before))
    g1, g2 = G1.generator()[0], G2.generator()[0]
    claims = [
        proof.claim("delta", r),
        Claim("delta update: the new delta_g1 is the old one times the proven secret", after.delta_g1, r, before.delta_g1, proof.rx_g2),
        Claim("delta_g2 and delta_g1 hold the same delta", after.delta_g1, g2, g1, after.delta_g2),
    ]
    for name in ("h_query", "l_query"):
        if len(getattr(after, name)):
            old, new = weighted_sums(G1, getattr(before, name), getattr(after, name))
            claims.append(Claim(f"{name} is the previous one divided by the proven secret", new, after.delta_g2, old, before.delta_g2))
    return None, claims


def _invalid_points(pk: ProvingKey) -> str | None:
    """Why one of the updated points is not a valid group element, or None."""
    for name in UPDATED:
        group = G2 if "g2" in name else G1
        try:
            group.validate(getattr(pk, name).reshape((-1, 2) + group.element_shape), name)
        except ValueError as error:
            return str(error)
    return None
