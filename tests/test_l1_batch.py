"""Batch verification: one pairing check for n proofs, and naming the bad one."""

import dataclasses
from random import Random

import pytest
from helpers.simulator import Trapdoor, g1_mul
from hypothesis import given
from hypothesis import strategies as st
from py_ecc import optimized_bn128 as bn

import zkprove.l1.batch as batch_module
from zkprove.groth16.data import G1, Proof
from zkprove.l1.batch import batch_pairing_holds, batch_weights, find_failing, verify_batch
from zkprove.l1.curve import R, from_py_ecc_g1, to_py_ecc_g1
from zkprove.l1.gas import batch_precompile_gas, pairing_gas

N_PROOFS = 3


@pytest.fixture(scope="module")
def batch():
    rng = Random(99)
    trapdoor = Trapdoor.sample(2, rng)
    inputs = [[i + 1, 7 * i] for i in range(N_PROOFS)]
    return trapdoor.verifying_key(), [trapdoor.prove(x, rng) for x in inputs], inputs


def test_a_valid_batch_passes(batch):
    vk, proofs, inputs = batch
    report = verify_batch(vk, proofs, inputs)
    assert report.ok and report.bad == ()
    assert report.precompile_gas == batch_precompile_gas(N_PROOFS, 2)
    assert report.precompile_gas < N_PROOFS * (2 * 6_150 + pairing_gas(4))


def test_one_wrong_input_fails_the_batch_and_is_named(batch):
    vk, proofs, inputs = batch
    wrong = [list(x) for x in inputs]
    wrong[1][0] += 1
    report = verify_batch(vk, proofs, wrong)
    assert not report.ok and report.bad == (1,)
    assert report.reason.startswith("proof 1: pairing check failed")
    assert report.reasons[0] == report.reasons[2] == "valid" and report.reasons[1].startswith("pairing check failed")


def test_malformed_proofs_are_named_before_any_pairing(batch):
    vk, proofs, inputs = batch
    tampered = list(proofs)
    tampered[2] = dataclasses.replace(proofs[2], c=(1, 3))
    bad_inputs = [inputs[0], [inputs[1][0], R], inputs[2]]
    report = verify_batch(vk, tampered, bad_inputs)
    assert report.bad == (1, 2)
    assert report.reason == "proof 1: public input 1 is not in [0, r): " + str(R)


def _shift_c(proof: Proof, point: G1) -> Proof:
    return dataclasses.replace(proof, c=from_py_ecc_g1(bn.add(to_py_ecc_g1(proof.c), to_py_ecc_g1(point))))


def test_errors_that_cancel_without_weights_fail_with_them(batch, monkeypatch):
    """C_0 + D and C_1 - D leave the plain sum of the C terms unchanged; only the weights catch it."""
    vk, proofs, inputs = batch
    d = g1_mul(12345)
    shifted = [_shift_c(proofs[0], d), _shift_c(proofs[1], g1_mul(-12345)), proofs[2]]
    assert not batch_pairing_holds(vk, shifted, inputs)
    monkeypatch.setattr(batch_module, "batch_weights", lambda proofs, inputs: [1] * len(proofs))
    assert batch_pairing_holds(vk, shifted, inputs)


def test_weights_are_deterministic_and_bind_every_proof(batch):
    _, proofs, inputs = batch
    weights = batch_weights(proofs, inputs)
    assert weights == batch_weights(proofs, inputs)
    assert len(set(weights)) == N_PROOFS and all(0 < w < R for w in weights)
    changed = [inputs[0], inputs[1], [inputs[2][0] + 1, inputs[2][1]]]
    assert all(a != b for a, b in zip(weights, batch_weights(proofs, changed)))


@given(st.lists(st.booleans(), min_size=1, max_size=40).filter(any))
def test_halving_finds_exactly_the_false_proofs_with_few_checks(false):
    checks = []

    def holds(subset):
        checks.append(len(subset))
        return not any(false[i] for i in subset)

    assert find_failing(range(len(false)), holds) == [i for i, f in enumerate(false) if f]
    if sum(false) == 1:
        assert len(checks) <= 2 * max(1, (len(false) - 1).bit_length())


def test_mismatched_or_empty_batches_are_refused(batch):
    vk, proofs, inputs = batch
    assert not verify_batch(vk, proofs, inputs[:2]).ok
    assert "one or more proofs" in verify_batch(vk, [], []).reason


@pytest.mark.slow
def test_a_larger_batch_with_one_bad_proof_in_the_middle():
    rng = Random(5)
    trapdoor = Trapdoor.sample(3, rng)
    inputs = [[rng.randrange(R) for _ in range(3)] for _ in range(8)]
    proofs = [trapdoor.prove(x, rng) for x in inputs]
    vk = trapdoor.verifying_key()
    assert verify_batch(vk, proofs, inputs).ok
    proofs[5] = trapdoor.prove(inputs[4], rng)
    assert verify_batch(vk, proofs, inputs).bad == (5,)


def test_malformed_values_in_a_batch_are_reasons_not_exceptions():
    rng = Random(21)
    trapdoor = Trapdoor.sample(1, rng)
    vk = trapdoor.verifying_key()
    good = trapdoor.prove([5], rng)
    broken = Proof(a=("x", 1), b=good.b, c=good.c)
    report = verify_batch(vk, [good, broken, good], [[5], [5], ["five"]])
    assert not report.ok and report.bad == (1, 2)
    assert report.reasons[0] == "valid"
    assert "proof.a" in report.reasons[1] and "public input 0" in report.reasons[2]
    assert "expected a VerifyingKey" in verify_batch("not a key", [good], [[5]]).reason
