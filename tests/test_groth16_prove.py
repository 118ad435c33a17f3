"""Groth16 dev setup and prover: proofs pass the L1 verifier, and every wrong input is refused."""

import warnings
from random import Random

import pytest
from helpers.circuits import INPUTS, Cubic, NoPublic, ThreePublic
from py_ecc import optimized_bn128 as bn

from circuits.chains import MulChain, mul_chain_reference
from zkprove import groth16
from zkprove.groth16 import prover
from zkprove.groth16.data import Proof
from zkprove.l1.curve import from_py_ecc_g1, to_py_ecc_g1
from zkprove.l1.verifier import PAIRING_FAILED, verify
from zkprove.r1cs.system import UnsatisfiedConstraint
from zkprove.timing import StepTimer

MUL_CHAIN_N = 2**10 - 2  # with its one public input, exactly a 2^10 domain


def _keys(cs, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
        return groth16.setup(cs, rng=Random(seed))


@pytest.fixture(scope="module")
def cubic():
    cs = Cubic.compile()
    pk, vk = _keys(cs, 1)
    return cs, pk, vk, cs.solve(**INPUTS[Cubic])


def test_setup_warns_about_toxic_waste():
    with pytest.warns(groth16.ToxicWasteWarning, match="toxic waste"):
        groth16.setup(NoPublic.compile(), rng=Random(0))


@pytest.mark.parametrize("circuit", [Cubic, ThreePublic, NoPublic])
def test_proofs_verify_on_l1(circuit):
    cs = circuit.compile()
    pk, vk = _keys(cs, 2)
    witness = cs.solve(**INPUTS[circuit])
    assert vk.n_public == cs.n_public
    report = verify(vk, witness.public, groth16.prove(pk, witness))
    assert report.ok, report.reason


def test_mul_chain_proof_verifies_with_every_step_timed():
    cs = MulChain.compile(n=MUL_CHAIN_N)
    pk, vk = _keys(cs, 3)
    assert pk.domain_size == 2**10
    witness = cs.solve(a=7, out=mul_chain_reference(7, MUL_CHAIN_N))
    timer = StepTimer()
    proof = groth16.prove(pk, witness, cs=cs, timer=timer)
    assert verify(vk, witness.public, proof).ok
    steps = timer.as_dict()
    for name in ("witness", "reduce", "quotient", "quotient.intt", "quotient.coset_ntt", "quotient.coset_intt",
                 "msm.a", "msm.b_g2", "msm.b_g1", "msm.c", "blind"):
        assert name in steps


def test_wrong_public_inputs_are_rejected():
    cs = ThreePublic.compile()
    pk, vk = _keys(cs, 4)
    witness = cs.solve(**INPUTS[ThreePublic])
    proof = groth16.prove(pk, witness)
    wrong = list(witness.public)
    wrong[2] += 1
    assert verify(vk, wrong, proof).reason == PAIRING_FAILED


def _shifted(point):
    """point + G1: a valid curve point that is not the one the prover made."""
    return from_py_ecc_g1(bn.add(to_py_ecc_g1(point), bn.G1))


@pytest.mark.parametrize("part", ["a", "c"])
def test_tampered_proofs_are_rejected(cubic, part):
    _, pk, vk, witness = cubic
    proof = groth16.prove(pk, witness)
    tampered = Proof(**{**vars(proof), part: _shifted(getattr(proof, part))})
    assert verify(vk, witness.public, tampered).reason == PAIRING_FAILED


def test_a_proof_under_another_key_is_rejected(cubic):
    cs, pk, _, witness = cubic
    _, other_vk = _keys(cs, 5)
    assert verify(other_vk, witness.public, groth16.prove(pk, witness)).reason == PAIRING_FAILED


def test_blinding_is_fresh_per_proof(cubic):
    _, pk, vk, witness = cubic
    first, second = groth16.prove(pk, witness), groth16.prove(pk, witness)
    assert first.a != second.a and first.b != second.b and first.c != second.c
    assert verify(vk, witness.public, first).ok and verify(vk, witness.public, second).ok
    assert groth16.prove(pk, witness, rng=Random(9)) == groth16.prove(pk, witness, rng=Random(9))


@pytest.fixture
def no_msm(monkeypatch):
    """Fail the test if the prover reaches any MSM."""

    def forbidden(*args):
        raise AssertionError("the prover ran an MSM on a witness it should have refused")

    monkeypatch.setattr(prover, "_msm", forbidden)
    monkeypatch.setattr(prover, "_combine", forbidden)


def _broken(cubic):
    values = list(cubic[3].values)
    values[3] += 1  # x^2, the first product's output
    return values


def test_unsatisfying_witness_is_refused_with_the_dsl_diagnostic(cubic, no_msm):
    cs, pk, _, _ = cubic
    values = _broken(cubic)
    with pytest.raises(UnsatisfiedConstraint) as refused:
        groth16.prove(pk, values, cs=cs)
    assert refused.value.index == cs.first_unsatisfied(values)
    assert refused.value.location.startswith(__file__.replace("test_groth16_prove", "helpers/circuits"))
    assert str(refused.value) == str(_check_error(cs, values))


def _check_error(cs, values):
    with pytest.raises(UnsatisfiedConstraint) as caught:
        cs.check(values)
    return caught.value


def test_unsatisfying_witness_is_refused_from_the_key_alone(cubic, no_msm):
    cs, pk, _, _ = cubic
    values = _broken(cubic)
    with pytest.raises(UnsatisfiedConstraint, match=f"constraint {cs.first_unsatisfied(values)} is not satisfied"):
        groth16.prove(pk, values)


@pytest.mark.parametrize(
    ("edit", "message"),
    [(lambda v: v[:-1], "values"), (lambda v: [2] + v[1:], "wire 0"), (lambda v: v[:1] + [-1] + v[2:], "outside")],
)
def test_malformed_witness_is_refused(cubic, no_msm, edit, message):
    _, pk, _, witness = cubic
    with pytest.raises(ValueError, match=message):
        groth16.prove(pk, edit(list(witness.values)))


def test_a_key_for_another_circuit_is_named(cubic):
    _, pk, _, _ = cubic
    other = ThreePublic.compile()
    with pytest.raises(groth16.WrongKey):
        groth16.prove(pk, other.solve(**INPUTS[ThreePublic]), cs=other)
