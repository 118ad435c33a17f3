"""The ceremony's building blocks: hash to G2, proofs of knowledge, batched claims,
the group iNTT, sparse point combinations, and the file formats."""

import random

import numpy as np
import pytest
from py_ecc import optimized_bn128 as bn

from zkprove.curve import G1, G2
from zkprove.field import Fr
from zkprove.field.params import P, R
from zkprove.formats.binfile import FormatError
from zkprove.ceremony import phase1, phase2
from zkprove.ceremony.encoding import points_from_bytes, points_to_bytes
from zkprove.ceremony.group_ntt import lagrange_points
from zkprove.groth16.lincomb import combine
from zkprove.ceremony.pok import (
    G2_COFACTOR,
    KnowledgeProof,
    fq2_sqrt,
    hash_to_g2,
    prove_knowledge,
)
from zkprove.ceremony.ratio import Claim, first_false
from zkprove.ceremony.transcript import (
    Phase1Step,
    Phase2Step,
    phase1_bytes,
    phase2_bytes,
    read_phase1,
    read_phase2,
)
from zkprove.groth16.qap import lagrange_basis_at
from zkprove.poly import EvaluationDomain

TRANSCRIPT = bytes(range(64))


def g1(k: int) -> np.ndarray:
    return G1.scalar_mul(G1.generator(), [k % R])[0]


def g2(k: int) -> np.ndarray:
    return G2.scalar_mul(G2.generator(), [k % R])[0]


def test_twist_order_and_cofactor():
    # |E'(Fq2)| = (p + 1 - t)(p - 1 + t) with t = p + 1 - r, i.e. r * (2p - r).
    t = P + 1 - R
    assert (P + 1 - t) * (P - 1 + t) == R * G2_COFACTOR


def test_hash_to_g2_is_deterministic_in_g2_and_domain_separated():
    a = hash_to_g2(b"tau", b"message")
    assert np.array_equal(a, hash_to_g2(b"tau", b"message"))
    assert G2.in_subgroup(a[None])[0] and a.any()
    assert not np.array_equal(a, hash_to_g2(b"alpha", b"message"))
    assert not np.array_equal(a, hash_to_g2(b"tau", b"message!"))


def test_proof_of_knowledge_verifies_and_binds_secret_and_transcript():
    proof = prove_knowledge(987654321, b"tau", TRANSCRIPT)
    r = proof.challenge(b"tau", TRANSCRIPT)
    assert proof.problem() is None
    assert first_false([proof.claim("x", r)]) is None
    assert first_false([proof.claim("x", proof.challenge(b"tau", TRANSCRIPT[::-1]))]) is not None
    wrong = KnowledgeProof(proof.s_g1, proof.sx_g1, G2.scalar_mul(r[None], [987654322])[0])
    assert first_false([wrong.claim("x", r)]).what == "x: proof of knowledge"
    zero = KnowledgeProof(proof.s_g1, G1.infinity()[0], G2.infinity()[0])
    assert "secret 0" in zero.problem()


def test_batched_claims_name_the_first_false_one():
    true_claims = [Claim(f"ok{k}", g1(k + 2), g2(5), g1(5), g2(k + 2)) for k in range(3)]
    false_claim = Claim("bad", g1(2), g2(3), g1(3), g2(3))
    assert first_false(true_claims) is None
    assert first_false(true_claims[:1] + [false_claim] + true_claims[1:]).what == "bad"
    assert first_false([Claim("inf", G1.infinity()[0], g2(3), G1.infinity()[0], g2(4))]) is None


@pytest.mark.parametrize("group", [G1, G2], ids=["G1", "G2"])
@pytest.mark.parametrize("n", [1, 2, 8])
def test_group_intt_gives_the_lagrange_basis(group, n):
    tau = random.Random(n).randrange(2, R)
    powers = group.scalar_mul(group.generator(), [pow(tau, i, R) for i in range(n)])
    expected = Fr.to_ints(lagrange_basis_at(EvaluationDomain.of(n), tau))
    assert np.array_equal(lagrange_points(group, powers), group.scalar_mul(group.generator(), expected))


def test_sparse_combination_handles_signs_repeats_and_empty_outputs():
    bases = G1.scalar_mul(G1.generator(), [3, 5, 7])
    coeffs = [1, R - 1, 2**200, R - 3, 9]
    output = np.array([0, 0, 2, 2, 2], np.int64)
    base = np.array([0, 1, 2, 0, 0], np.int64)
    out = combine(G1, bases, output, base, Fr.from_ints(coeffs), 4)
    expected = [3 - 5, 0, 7 * 2**200 - 9 + 27, 0]
    assert np.array_equal(out, np.stack([g1(e) if e else G1.infinity()[0] for e in expected]))


# -- file formats ------------------------------------------------------------------


@pytest.fixture(scope="module")
def phase1_step() -> Phase1Step:
    after, contribution = phase1.contribute(phase1.Accumulator.initial(2), phase1.Secrets(3, 5, 7))
    return Phase1Step(1, "zoë", after, contribution)


def test_phase1_file_round_trips_exactly(phase1_step):
    data = phase1_bytes(phase1_step)
    back = read_phase1(data)
    assert (back.index, back.name) == (1, "zoë")
    for name in ("tau_g1", "tau_g2", "alpha_tau_g1", "beta_tau_g1", "beta_g2"):
        assert np.array_equal(getattr(back.accumulator, name), getattr(phase1_step.accumulator, name))
    assert phase1_bytes(back) == data
    initial = Phase1Step(0, "initial", phase1.Accumulator.initial(1), None)
    assert phase1_bytes(read_phase1(phase1_bytes(initial))) == phase1_bytes(initial)


def test_phase2_proof_file_round_trips_exactly():
    step = Phase2Step(3, "dave", phase2.Contribution(prove_knowledge(5, phase2.DOMAIN, TRANSCRIPT)))
    data = phase2_bytes(step)
    assert phase2_bytes(read_phase2(data)) == data


def _section_offset(data: bytes, type_id: int) -> int:
    """Absolute offset of a section's content in an iden3 container."""
    pos = 12
    while True:
        size = int.from_bytes(data[pos + 4 : pos + 12], "little")
        if int.from_bytes(data[pos : pos + 4], "little") == type_id:
            return pos + 12
        pos += 12 + size


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (lambda d: d[:-1], "runs past the end"),
        (lambda d: b"zkpX" + d[4:], "magic"),
        (lambda d: d[:4] + (2).to_bytes(4, "little") + d[8:], "version 2"),
    ],
    ids=["truncated", "magic", "version"],
)
def test_bad_phase1_containers_are_named(phase1_step, corrupt, message):
    with pytest.raises(FormatError, match=message):
        read_phase1(corrupt(phase1_bytes(phase1_step)))


def test_point_off_the_curve_names_its_field(phase1_step):
    data = bytearray(phase1_bytes(phase1_step))
    data[_section_offset(bytes(data), 3) + 128 + 5] ^= 1  # tau_g2[1], x coordinate
    with pytest.raises(FormatError, match=r"tau_g2: point 1 is not on the G2 curve"):
        read_phase1(bytes(data))


def test_coordinate_above_p_names_its_field(phase1_step):
    data = bytearray(phase1_bytes(phase1_step))
    start = _section_offset(bytes(data), 4) + 64
    data[start : start + 32] = (P + 1).to_bytes(32, "little")
    with pytest.raises(FormatError, match=r"alpha_tau_g1: point 1 has a coordinate >= p"):
        read_phase1(bytes(data))




def test_points_encoding_round_trips_infinity():
    points = np.concatenate([G1.infinity(), G1.generator()])
    assert np.array_equal(points_from_bytes(G1, points_to_bytes(G1, points), "x"), points)


def test_g2_point_outside_the_subgroup_is_rejected(phase1_step):
    x = next(bn.FQ2([k, 1]) for k in range(1, 100) if fq2_sqrt(bn.FQ2([k, 1]) ** 3 + bn.b2) is not None)
    y = fq2_sqrt(x**3 + bn.b2)
    assert not bn.is_inf(bn.multiply((x, y, bn.FQ2.one()), R))
    raw = b"".join(int(c).to_bytes(32, "little") for c in (*x.coeffs, *y.coeffs))
    data = bytearray(phase1_bytes(phase1_step))
    start = _section_offset(bytes(data), 6)
    data[start : start + 128] = raw
    with pytest.raises(FormatError, match=r"beta_g2: point 0 is not in the G2 subgroup"):
        read_phase1(bytes(data))
