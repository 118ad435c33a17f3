"""The generated Solidity verifier on a real EVM (revm via pyrevm), compiled by solc-js.

Each case is sent to the contract as a transaction with a fixed gas limit,
and the contract's verdict must equal :func:`zkprove.l1.verifier.verify`'s.
Valid calls must cost within 5% of our gas estimate.
"""

import dataclasses
from random import Random

import pytest
from helpers.evm import Chain, compile_contract, requires_evm
from helpers.simulator import Trapdoor, g2_point_outside_subgroup

from zkprove.groth16.data import G1_INFINITY
from zkprove.l1.curve import P, R
from zkprove.l1.encoding import encode_calldata
from zkprove.l1.solidity import DEFAULT_CONTRACT_NAME, render_verifier
from zkprove.l1.verifier import verify

pytestmark = requires_evm


@pytest.fixture(scope="module", params=[0, 1, 3], ids=lambda n: f"{n}-inputs")
def deployed(request):
    rng = Random(request.param)
    trapdoor = Trapdoor.sample(request.param, rng)
    vk = trapdoor.verifying_key()
    inputs = [rng.randrange(R) for _ in range(request.param)]
    chain = Chain(compile_contract(render_verifier(vk), DEFAULT_CONTRACT_NAME))
    return chain, vk, inputs, trapdoor.prove(inputs, rng)


def test_valid_proof_is_accepted_at_the_estimated_gas(deployed):
    chain, vk, inputs, proof = deployed
    result = chain.call(encode_calldata(proof, inputs))
    assert result.returned_true
    report = verify(vk, inputs, proof)
    assert report.ok
    assert abs(result.gas_used - report.gas.total) <= 0.05 * result.gas_used, (result.gas_used, report.gas)


def _cases(proof, inputs):
    (b_x, b_y), (a_x, a_y) = proof.b, proof.a
    yield "a.y + p", dataclasses.replace(proof, a=(a_x, a_y + P)), inputs
    yield "a.x + p", dataclasses.replace(proof, a=(a_x + P, a_y)), inputs
    yield "a at infinity", dataclasses.replace(proof, a=G1_INFINITY), inputs
    yield "b in swapped Fq2 order", dataclasses.replace(proof, b=(b_x[::-1], b_y[::-1])), inputs
    yield "b outside the subgroup", dataclasses.replace(proof, b=g2_point_outside_subgroup()), inputs
    yield "c off the curve", dataclasses.replace(proof, c=(proof.c[0], proof.c[1] + 1)), inputs
    if inputs:
        yield "input + r", proof, [inputs[0] + R] + inputs[1:]
        yield "input + 1", proof, [(inputs[0] + 1) % R] + inputs[1:]


def test_tampered_calls_are_rejected_by_the_contract_and_by_us_alike(deployed):
    chain, vk, inputs, proof = deployed
    for name, tampered, public in _cases(proof, inputs):
        result = chain.call(encode_calldata(tampered, public))
        assert result.success and not result.returned_true, name
        assert not verify(vk, public, tampered).ok, name


def test_a_call_with_the_wrong_input_count_reverts(deployed):
    chain, _, inputs, proof = deployed
    assert not chain.call(encode_calldata(proof, inputs + [1])).success


def test_the_contract_refuses_an_invalid_key():
    vk = Trapdoor.sample(1, Random(0)).verifying_key()
    with pytest.raises(ValueError, match="IC\\[1\\]: not on the curve"):
        render_verifier(dataclasses.replace(vk, ic=[vk.ic[0], (1, 3)]))
    with pytest.raises(ValueError, match="not a valid contract name"):
        render_verifier(vk, "My Verifier")
