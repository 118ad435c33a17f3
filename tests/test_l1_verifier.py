"""The single L1 verifier: completeness on simulated proofs, soundness on every tampering."""

import dataclasses
from random import Random

import pytest
from helpers.simulator import Trapdoor, g1_mul, g2_mul, g2_point_outside_subgroup

from zkprove.groth16.data import G1_INFINITY
from zkprove.l1.curve import P, R
from zkprove.l1.gas import GasEstimate, verify_gas
from zkprove.l1.verifier import VALID, key_error, pairing_holds, verify

INPUTS = [33, 11]


@pytest.fixture(scope="module")
def setup():
    rng = Random(2024)
    trapdoor = Trapdoor.sample(len(INPUTS), rng)
    return trapdoor, trapdoor.verifying_key(), trapdoor.prove(INPUTS, rng)


def test_simulated_proof_is_accepted_with_gas_and_calldata(setup):
    _, vk, proof = setup
    report = verify(vk, INPUTS, proof)
    assert (report.ok, report.reason) == (True, VALID)
    assert report.calldata_bytes == 4 + 32 * 10
    assert report.gas.precompiles == 2 * (6_000 + 150) + 45_000 + 4 * 34_000 == 193_300
    assert report.gas.base == 21_000


def test_gas_is_close_to_the_snarkjs_reference():
    # docs/verifier.md, section "Gas": a snarkjs verifier with 2 public inputs used 221,051 gas as a transaction.
    calldata = b"\x01" * (4 + 32 * 10)
    assert abs(verify_gas(calldata, 2).total - 221_051) < 0.05 * 221_051


def test_calldata_gas_counts_zero_and_nonzero_bytes():
    assert verify_gas(b"\0\0\x01", 0).calldata == 4 + 4 + 16


@pytest.mark.parametrize(
    "public, reason",
    [
        ([33], "expected 2 public inputs, got 1"),
        ([33, 11, 0], "expected 2 public inputs, got 3"),
        ([33, 11 + R], "public input 1 is not in [0, r)"),
        ([-1, 11], "public input 0 is not in [0, r)"),
    ],
)
def test_public_input_count_and_range_are_checked(setup, public, reason):
    _, vk, proof = setup
    report = verify(vk, public, proof)
    assert not report.ok and report.reason.startswith(reason)


def test_input_plus_r_would_pass_the_pairing_but_is_rejected(setup):
    """x and x + r agree in the exponent; only the range check stops the alias."""
    _, vk, proof = setup
    assert pairing_holds(vk, [33 + R, 11], proof)
    report = verify(vk, [33 + R, 11], proof)
    assert not report.ok and "not in [0, r)" in report.reason and report.gas is not None


def test_unencodable_call_has_no_gas(setup):
    _, vk, proof = setup
    for public in ([33], [33, 2**256]):
        assert verify(vk, public, proof).gas is None


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("a", lambda p: (p.a[0] + P, p.a[1]), "proof.a: coordinate x is not below the base field modulus p"),
        ("c", lambda p: (p.c[0], p.c[1] + P), "proof.c: coordinate y is not below the base field modulus p"),
        ("b", lambda p: ((p.b[0][0], p.b[0][1] + P), p.b[1]), "proof.b: coordinate x.im is not below"),
        ("a", lambda p: (1, 3), "proof.a: not on the curve"),
        ("b", lambda p: (p.b[0][::-1], p.b[1][::-1]), "proof.b: not on the twist curve"),
        ("b", lambda p: g2_point_outside_subgroup(), "proof.b: not in the order-r subgroup"),
    ],
)
def test_malformed_points_are_named(setup, field, value, reason):
    _, vk, proof = setup
    report = verify(vk, INPUTS, dataclasses.replace(proof, **{field: value(proof)}))
    assert not report.ok and report.reason.startswith(reason)


@pytest.mark.parametrize(
    "field, value",
    [("a", g1_mul(5)), ("b", g2_mul(5)), ("c", g1_mul(5)), ("a", G1_INFINITY)],
    ids=["a", "b", "c", "a-infinity"],
)
def test_any_replaced_element_fails_the_pairing(setup, field, value):
    _, vk, proof = setup
    report = verify(vk, INPUTS, dataclasses.replace(proof, **{field: value}))
    assert not report.ok and report.reason.startswith("pairing check failed")


def test_wrong_public_input_fails_the_pairing(setup):
    _, vk, proof = setup
    report = verify(vk, [34, 11], proof)
    assert not report.ok and report.reason.startswith("pairing check failed")


def test_a_proof_for_another_key_is_rejected(setup):
    trapdoor, vk, _ = setup
    other = dataclasses.replace(trapdoor, delta=trapdoor.delta + 1)
    assert not verify(vk, INPUTS, other.prove(INPUTS, Random(1))).ok


def test_keys_with_a_random_gamma_and_no_public_inputs_work():
    rng = Random(7)
    trapdoor = Trapdoor.sample(0, rng, gamma_is_generator=False)
    report = verify(trapdoor.verifying_key(), [], trapdoor.prove([], rng))
    assert report.ok and report.calldata_bytes == 4 + 32 * 8
    assert report.gas == GasEstimate(base=21_000, calldata=report.gas.calldata, precompiles=181_000, contract=1_770)


def test_broken_keys_are_named(setup):
    _, vk, proof = setup
    assert key_error(vk) is None
    broken = [
        (dataclasses.replace(vk, ic=[]), "IC is empty"),
        (dataclasses.replace(vk, ic=[vk.ic[0], (1, 3), vk.ic[2]]), "verifying key IC[1]: not on the curve"),
        (dataclasses.replace(vk, gamma_g2=g2_point_outside_subgroup()), "verifying key gamma: not in the order-r"),
        (dataclasses.replace(vk, alpha_g1=(P, 0)), "verifying key alpha: coordinate x"),
    ]
    for key, reason in broken:
        report = verify(key, INPUTS, proof)
        assert not report.ok and reason in report.reason
