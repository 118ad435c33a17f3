"""Interop with snarkjs: its proofs and keys pass our L1 verifier, and ours pass snarkjs.

A small circom circuit (``tests/circom/l1_product.circom``: c = a * b, b
public) is compiled by circom2, set up with ``pot12_final.ptau`` plus one
phase-2 contribution (so delta is not the generator) and proved by snarkjs.
"""

import json
import re
from pathlib import Path
from random import Random

import pytest
from helpers.evm import Chain, compile_contract, requires_evm
from helpers.node import ToolError, compile_circom, node_marks, snarkjs
from helpers.simulator import Trapdoor

from zkprove.formats.snarkjs_json import (
    proof_from_json,
    read_proof,
    read_public,
    read_verifying_key,
    verifying_key_to_json,
    write_proof,
    write_public,
    write_verifying_key,
)
from zkprove.groth16.data import Proof
from zkprove.l1.curve import P
from zkprove.l1.encoding import encode_calldata, unpack_words
from zkprove.l1.solidity import render_verifier
from zkprove.l1.verifier import verify

pytestmark = node_marks("snarkjs", "circom2")

CIRCUIT = Path(__file__).parent / "circom" / "l1_product.circom"


@pytest.fixture(scope="module")
def artifacts(small_ptau, tmp_path_factory):
    work = tmp_path_factory.mktemp("l1_snarkjs")
    built = compile_circom(CIRCUIT, work)
    snarkjs("groth16", "setup", built["r1cs"], small_ptau, work / "p0.zkey")
    snarkjs("zkey", "contribute", work / "p0.zkey", work / "p1.zkey", "-n=zkprove", "-e=l1 interop test entropy")
    snarkjs("zkey", "export", "verificationkey", work / "p1.zkey", work / "vk.json")
    (work / "input.json").write_text(json.dumps({"a": 3, "b": 11}))
    proof_files = (work / "proof.json", work / "public.json")
    snarkjs("groth16", "fullprove", work / "input.json", built["wasm"], work / "p1.zkey", *proof_files)
    return work


def _tampered_proof(artifacts: Path, edit) -> Proof:
    document = json.loads((artifacts / "proof.json").read_text())
    edit(document)
    return proof_from_json(document)


def test_snarkjs_proof_passes(artifacts):
    vk = read_verifying_key(artifacts / "vk.json")
    public = read_public(artifacts / "public.json")
    assert public == [33, 11]
    report = verify(vk, public, read_proof(artifacts / "proof.json"))
    assert report.ok, report.reason


def test_snarkjs_proof_with_a_wrong_public_input_fails(artifacts):
    vk = read_verifying_key(artifacts / "vk.json")
    report = verify(vk, [34, 11], read_proof(artifacts / "proof.json"))
    assert not report.ok and report.reason.startswith("pairing check failed")


def _swap_g2_order(document):
    document["pi_b"][0].reverse()
    document["pi_b"][1].reverse()


def _a_x_plus_p(document):
    document["pi_a"][0] = str(int(document["pi_a"][0]) + P)


def _c_off_curve(document):
    document["pi_c"][1] = str(int(document["pi_c"][1]) + 1)


@pytest.mark.parametrize(
    "edit, reason",
    [
        (_swap_g2_order, "proof.b: not on the twist curve"),
        (_a_x_plus_p, "proof.a: coordinate x is not below the base field modulus p"),
        (_c_off_curve, "proof.c: not on the curve"),
    ],
    ids=["swapped-g2-order", "coordinate-ge-p", "off-curve"],
)
def test_tampered_snarkjs_proofs_are_rejected(artifacts, edit, reason):
    vk = read_verifying_key(artifacts / "vk.json")
    report = verify(vk, [33, 11], _tampered_proof(artifacts, edit))
    assert not report.ok and report.reason.startswith(reason)


def test_our_key_writer_reproduces_snarkjs_key_including_alphabeta(artifacts):
    document = json.loads((artifacts / "vk.json").read_text())
    assert verifying_key_to_json(read_verifying_key(artifacts / "vk.json")) == document


def test_our_calldata_is_what_snarkjs_exports_for_solidity(artifacts):
    exported = snarkjs("zkey", "export", "soliditycalldata", artifacts / "public.json", artifacts / "proof.json")
    theirs = [int(h, 16) for h in re.findall(r"0x[0-9a-fA-F]+", exported)]
    ours = encode_calldata(read_proof(artifacts / "proof.json"), read_public(artifacts / "public.json"))
    assert unpack_words(ours[4:]) == theirs


def test_snarkjs_accepts_our_files_and_rejects_a_wrong_input(tmp_path):
    rng = Random(8)
    trapdoor = Trapdoor.sample(2, rng)
    write_verifying_key(tmp_path / "vk.json", trapdoor.verifying_key())
    write_proof(tmp_path / "proof.json", trapdoor.prove([33, 11], rng))
    write_public(tmp_path / "public.json", [33, 11])
    files = (tmp_path / "vk.json", tmp_path / "public.json", tmp_path / "proof.json")
    assert "OK!" in snarkjs("groth16", "verify", *files)
    write_public(tmp_path / "public.json", [34, 11])
    with pytest.raises(ToolError, match="Invalid proof"):
        snarkjs("groth16", "verify", *files)


@requires_evm
def test_snarkjs_and_our_contracts_agree_on_the_evm(artifacts):
    """Our calldata drives snarkjs's own verifier contract, and our contract for the same key."""
    snarkjs("zkey", "export", "solidityverifier", artifacts / "p1.zkey", artifacts / "SnarkjsVerifier.sol")
    theirs = Chain(compile_contract((artifacts / "SnarkjsVerifier.sol").read_text(), "Groth16Verifier"))
    ours = Chain(compile_contract(render_verifier(read_verifying_key(artifacts / "vk.json")), "Groth16Verifier"))
    proof = read_proof(artifacts / "proof.json")
    good, bad = encode_calldata(proof, [33, 11]), encode_calldata(proof, [34, 11])
    for chain in (theirs, ours):
        assert chain.call(good).returned_true
        assert not chain.call(bad).returned_true
    assert abs(ours.call(good).gas_used - theirs.call(good).gas_used) < 0.05 * theirs.call(good).gas_used
