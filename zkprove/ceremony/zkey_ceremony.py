"""A phase-2 ceremony on ``.zkey`` files: contribute, beacon and verify, interchangeably with snarkjs.

The key starts as ``zkprove setup --ptau`` (or ``snarkjs groth16 setup``)
writes it, with delta = 1; any mix of ``snarkjs zkey contribute`` and
:func:`contribute_to_zkey`, then a beacon from either tool, moves delta
(:mod:`.zkey_phase2`). :func:`key_problem` is ``snarkjs zkey verify``:
given the initial key recomputed from the circuit and the powers of tau, it
checks the chain of contributions, then that the final key differs from the
initial one only where delta enters, by exactly the chain's delta:

* every field but delta, L (``l_query``, the zkey's "C") and H equal, the
  circuit hash and the constraint matrices included;
* delta_g1 the last contribution's delta_after (the G1 generator when
  there is none), and e(delta_g1, g2) = e(g1, delta_g2);
* L and H divided by delta: e(sum w_i P_i, delta_g2) = e(sum w_i P0_i, g2)
  for the final points P, the initial points P0 and fresh random weights w
  (:func:`zkprove.ceremony.ratio.weighted_sums`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from zkprove.curve import G1, G2
from zkprove.formats.zkey_file import ZkeyFile
from zkprove.groth16.keys import g2_to_ints
from zkprove.groth16.qap import Matrix

from .ratio import Claim, first_false, weighted_sums
from .zkey_phase2 import Beacon, Contribution, chain_problem, contribute, read_record, record_bytes

#: The ProvingKey fields a contribution must leave as they were.
_FIXED_POINTS = ("alpha_g1", "beta_g1", "beta_g2", "a_query", "b_g1_query", "b_g2_query")


@dataclass(frozen=True)
class Verdict:
    """What :func:`key_problem` found: the chain's contributions and the first problem, if any."""

    contributions: list[Contribution]
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def contribute_to_zkey(key: ZkeyFile, name: str = "", beacon: Beacon | None = None,
                       secret: int | None = None) -> tuple[ZkeyFile, Contribution]:
    """The key after one more contribution (a fresh secret, or the beacon's), and that contribution."""
    circuit_hash, previous = read_record(key.mpc)
    pk = key.pk
    update = contribute(circuit_hash, previous, pk.delta_g1, pk.delta_g2, pk.l_query, pk.h_query,
                        name=name, beacon=beacon, secret=secret)
    vk = replace(pk.vk, delta_g2=g2_to_ints(update.delta_g2))
    new_pk = replace(pk, vk=vk, delta_g1=update.delta_g1, delta_g2=update.delta_g2,
                     l_query=update.l_query, h_query=update.h_query)
    mpc = record_bytes(circuit_hash, [*previous, update.contribution])
    return ZkeyFile(new_pk, mpc, key.section_order), update.contribution


def key_problem(key: ZkeyFile, initial: ZkeyFile) -> Verdict:
    """``snarkjs zkey verify``: does ``key`` follow from ``initial`` by its chain of contributions?"""
    circuit_hash, contributions = read_record(key.mpc)
    initial_hash, initial_contributions = read_record(initial.mpc)
    if initial_contributions:
        return Verdict(contributions, "the initial key already has contributions")
    if circuit_hash != initial_hash:
        return Verdict(contributions, "its circuit hash differs from the one the circuit and the powers of tau give")
    problem = _fixed_part_problem(key, initial) or chain_problem(circuit_hash, contributions)
    if problem is None:
        problem = _delta_problem(key, initial, contributions)
    return Verdict(contributions, problem)


def _fixed_part_problem(key: ZkeyFile, initial: ZkeyFile) -> str | None:
    pk, pk0 = key.pk, initial.pk
    sizes, sizes0 = (pk.n_wires, pk.n_public, pk.domain_size), (pk0.n_wires, pk0.n_public, pk0.domain_size)
    if sizes != sizes0:
        return f"(wires, public inputs, domain) {sizes} differ from the circuit's {sizes0}"
    for name in _FIXED_POINTS:
        if not np.array_equal(getattr(pk, name), getattr(pk0, name)):
            return f"its {name} differs from the initial key's"
    if pk.vk.gamma_g2 != pk0.vk.gamma_g2 or list(pk.vk.ic) != list(pk0.vk.ic):
        return "its gamma or IC differs from the initial key's"
    for label in ("a", "b"):
        if not _same_matrix(getattr(pk.qap, label), getattr(pk0.qap, label)):
            return f"its {label.upper()} coefficients differ from the circuit's"
    if len(pk.l_query) != len(pk0.l_query) or len(pk.h_query) != len(pk0.h_query):
        return "its L or H section has the wrong number of points"
    return None


def _same_matrix(m: Matrix, m0: Matrix) -> bool:
    return all(np.array_equal(getattr(m, f), getattr(m0, f)) for f in ("indptr", "wires", "coeffs"))


def _delta_problem(key: ZkeyFile, initial: ZkeyFile, contributions: list[Contribution]) -> str | None:
    pk, pk0 = key.pk, initial.pk
    expected_delta = contributions[-1].delta_after if contributions else G1.generator()[0]
    if not np.array_equal(pk.delta_g1, expected_delta):
        return "its delta_g1 is not the last contribution's delta_after"
    g1, g2 = G1.generator()[0], G2.generator()[0]
    claims = [Claim("delta_g2 matches delta_g1", pk.delta_g1, g2, g1, pk.delta_g2)]
    for label in ("l_query", "h_query"):
        final_sum, initial_sum = weighted_sums(G1, getattr(pk, label), getattr(pk0, label))
        claims.append(Claim(f"every {label} point is the initial one divided by delta", final_sum, pk.delta_g2,
                            initial_sum, g2))
    failed = first_false(claims)
    return None if failed is None else f"{failed.what} does not hold"


__all__ = ["Verdict", "contribute_to_zkey", "key_problem"]
