"""snarkjs JSON: exact field names, the [real, imaginary] G2 order, infinity, and refusals."""

import json
import re
from random import Random

import pytest
from helpers.simulator import Trapdoor
from py_ecc import optimized_bn128 as bn

from zkprove.formats.snarkjs_json import (
    SnarkjsFormatError,
    proof_from_json,
    proof_to_json,
    public_from_json,
    read_proof,
    read_public,
    read_verifying_key,
    verifying_key_from_json,
    write_proof,
    write_public,
    write_verifying_key,
)
from zkprove.groth16.data import G1_INFINITY, G2_INFINITY, Proof
from zkprove.l1.curve import from_py_ecc_g2

# snarkjs's vk_gamma_2 for a key from `snarkjs groth16 setup` (gamma is the G2 generator).
SNARKJS_GAMMA_2 = [
    [
        "10857046999023057135944570762232829481370756359578518086990519993285655852781",
        "11559732032986387107991004021392285783925812861821192530917403151452391805634",
    ],
    [
        "8495653923123431417604973247489272438418190587263600148770280649306958101930",
        "4082367875863433681332203403145435568316851327593401208105741076214120093531",
    ],
    ["1", "0"],
]


@pytest.fixture(scope="module")
def key_and_proof():
    rng = Random(11)
    trapdoor = Trapdoor.sample(2, rng)
    return trapdoor.verifying_key(), trapdoor.prove([5, 6], rng)


def _proof_document(proof: Proof) -> dict:
    return json.loads(json.dumps(proof_to_json(proof)))


def test_g2_is_real_part_first_in_snarkjs_files():
    document = proof_to_json(Proof(a=(1, 2), b=from_py_ecc_g2(bn.G2), c=(1, 2)))
    assert document["pi_b"] == SNARKJS_GAMMA_2
    parsed = proof_from_json({**document, "pi_b": SNARKJS_GAMMA_2})
    assert parsed.b == from_py_ecc_g2(bn.G2)


def test_files_round_trip_with_snarkjs_field_names(tmp_path, key_and_proof):
    vk, proof = key_and_proof
    write_proof(tmp_path / "proof.json", proof)
    write_public(tmp_path / "public.json", [5, 6])
    write_verifying_key(tmp_path / "vk.json", vk)
    assert read_proof(tmp_path / "proof.json") == proof
    assert read_public(tmp_path / "public.json") == [5, 6]
    assert read_verifying_key(tmp_path / "vk.json") == vk
    assert list(json.loads((tmp_path / "proof.json").read_text())) == ["pi_a", "pi_b", "pi_c", "protocol", "curve"]
    assert list(json.loads((tmp_path / "vk.json").read_text())) == [
        "protocol", "curve", "nPublic", "vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2", "vk_alphabeta_12", "IC",
    ]  # fmt: skip
    assert json.loads((tmp_path / "public.json").read_text()) == ["5", "6"]


def test_infinity_is_written_with_z_zero(key_and_proof):
    _, proof = key_and_proof
    document = proof_to_json(Proof(a=G1_INFINITY, b=G2_INFINITY, c=proof.c))
    assert document["pi_a"] == ["0", "1", "0"]
    assert document["pi_b"] == [["0", "0"], ["1", "0"], ["0", "0"]]
    assert proof_from_json(document) == Proof(a=G1_INFINITY, b=G2_INFINITY, c=proof.c)


def test_values_are_taken_as_they_come_for_the_verifier_to_judge(key_and_proof):
    _, proof = key_and_proof
    document = _proof_document(proof)
    document["pi_a"][0] = str(2**256 - 1)
    assert proof_from_json(document).a[0] == 2**256 - 1
    assert public_from_json([3, "4", "0x1F", "0XaB"]) == [3, 4, 31, 171]


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d.pop("pi_b"), "missing field 'pi_b'"),
        (lambda d: d.update(protocol="plonk"), "protocol is 'plonk'"),
        (lambda d: d.update(curve="bls12381"), "curve is 'bls12381'"),
        (lambda d: d["pi_a"].__setitem__(0, "012"), "pi_a[0]: expected a non-negative decimal integer"),
        (lambda d: d["pi_a"].__setitem__(0, "0x" + "1" * 65), "or 0x-hex (at most 64 digits)"),
        (lambda d: d["pi_a"].__setitem__(0, "1" * 79), "(canonical, at most 78 digits)"),
        (lambda d: d["pi_a"].__setitem__(0, "-5"), "pi_a[0]: expected a non-negative decimal integer"),
        (lambda d: d["pi_a"].__setitem__(0, 1.5), "pi_a[0]: expected a non-negative decimal integer"),
        (lambda d: d["pi_a"].__setitem__(0, str(2**256)), "does not fit in 256 bits"),
        (lambda d: d["pi_a"].__setitem__(2, "2"), "expected z = 1 (affine) or z = 0"),
        (lambda d: d["pi_b"].pop(), "pi_b: expected a list of 3"),
        (lambda d: d["pi_b"][2].__setitem__(1, "1"), "expected z = [1, 0] (affine) or [0, 0]"),
    ],
)
def test_malformed_proofs_are_refused_with_the_field(key_and_proof, edit, message):
    _, proof = key_and_proof
    document = _proof_document(proof)
    edit(document)
    with pytest.raises(SnarkjsFormatError, match=re.escape(message)):
        proof_from_json(document)


def test_malformed_keys_and_inputs_are_refused(tmp_path, key_and_proof):
    vk, _ = key_and_proof
    write_verifying_key(tmp_path / "vk.json", vk)
    document = json.loads((tmp_path / "vk.json").read_text())
    with pytest.raises(SnarkjsFormatError, match="nPublic is 3 but IC has 3 points"):
        verifying_key_from_json({**document, "nPublic": 3})
    with pytest.raises(SnarkjsFormatError, match="IC must be a non-empty list"):
        verifying_key_from_json({**document, "IC": []})
    with pytest.raises(SnarkjsFormatError, match="expected a list of public signals"):
        public_from_json({"0": "1"})
    with pytest.raises(SnarkjsFormatError, match="expected a JSON object"):
        proof_from_json([1, 2])


def test_unreadable_files_are_refused(tmp_path):
    (tmp_path / "bad.json").write_text('{"pi_a": [')
    with pytest.raises(SnarkjsFormatError, match="cannot read JSON"):
        read_proof(tmp_path / "bad.json")
    with pytest.raises(SnarkjsFormatError, match="cannot read JSON"):
        read_public(tmp_path / "missing.json")
