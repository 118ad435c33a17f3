"""Groth16 interop with snarkjs in the two directions the L1 tests leave open.

* zkprove proves a circuit compiled by circom2 (its ``.r1cs`` and a ``.wtns``
  computed by snarkjs), and ``snarkjs groth16 verify`` accepts the result;
* snarkjs proves a zkprove DSL circuit (our ``.r1cs`` and ``.wtns``), and the
  zkprove L1 verifier accepts the result.
Each direction also shows a wrong public input being refused.
"""

import json
import warnings
from pathlib import Path

import pytest
from helpers.circuits import Cubic
from helpers.node import ToolError, compile_circom, node_marks, snarkjs

from zkprove import groth16
from zkprove.formats.r1cs_file import read_r1cs, write_r1cs
from zkprove.formats.snarkjs_json import (
    SnarkjsFormatError,
    read_proof,
    read_public,
    read_verifying_key,
    write_proof,
    write_public,
    write_verifying_key,
)
from zkprove.formats.wtns_file import read_wtns, write_wtns
from zkprove.l1.verifier import verify

pytestmark = node_marks("snarkjs", "circom2")

CIRCOM_CIRCUIT = Path(__file__).parent / "circom" / "l1_product.circom"


def _dev_setup(cs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
        return groth16.setup(cs)


def test_snarkjs_verifies_our_proof_of_a_circom_circuit(tmp_path):
    built = compile_circom(CIRCOM_CIRCUIT, tmp_path)
    (tmp_path / "input.json").write_text(json.dumps({"a": 6, "b": 7}))
    snarkjs("wtns", "calculate", built["wasm"], tmp_path / "input.json", tmp_path / "w.wtns")
    cs = read_r1cs(built["r1cs"])
    values = read_wtns(tmp_path / "w.wtns")
    pk, vk = _dev_setup(cs)
    proof = groth16.prove(pk, values, cs=cs)
    public = values[1 : 1 + cs.n_public]
    assert public == [42, 7]  # outputs first, then public inputs (iden3 order)
    write_verifying_key(tmp_path / "vk.json", vk)
    write_proof(tmp_path / "proof.json", proof)
    write_public(tmp_path / "public.json", public)
    assert "OK" in snarkjs("groth16", "verify", tmp_path / "vk.json", tmp_path / "public.json", tmp_path / "proof.json")
    write_public(tmp_path / "wrong.json", [43, 7])
    with pytest.raises(ToolError, match="Invalid proof"):
        snarkjs("groth16", "verify", tmp_path / "vk.json", tmp_path / "wrong.json", tmp_path / "proof.json")


def test_our_verifier_accepts_snarkjs_proof_of_our_circuit(small_ptau, tmp_path):
    cs = Cubic.compile()
    witness = cs.solve(x=3, y=35)
    write_r1cs(cs, tmp_path / "cubic.r1cs")
    write_wtns(witness.values, tmp_path / "cubic.wtns")
    snarkjs("groth16", "setup", tmp_path / "cubic.r1cs", small_ptau, tmp_path / "cubic0.zkey")
    # Before any phase-2 contribution snarkjs's key has delta = gamma (both the generator): anyone could forge.
    snarkjs("zkey", "export", "verificationkey", tmp_path / "cubic0.zkey", tmp_path / "vk0.json")
    with pytest.raises(SnarkjsFormatError, match="delta = gamma"):
        read_verifying_key(tmp_path / "vk0.json")
    snarkjs("zkey", "contribute", tmp_path / "cubic0.zkey", tmp_path / "cubic.zkey", "-n=test", "-e=interop test entropy")
    snarkjs("zkey", "export", "verificationkey", tmp_path / "cubic.zkey", tmp_path / "vk.json")
    snarkjs("groth16", "prove", tmp_path / "cubic.zkey", tmp_path / "cubic.wtns", tmp_path / "proof.json", tmp_path / "public.json")
    vk, proof, public = read_verifying_key(tmp_path / "vk.json"), read_proof(tmp_path / "proof.json"), read_public(tmp_path / "public.json")
    assert public == witness.public == [35]
    assert verify(vk, public, proof).ok
    rejected = verify(vk, [36], proof)
    assert not rejected.ok and rejected.reason
