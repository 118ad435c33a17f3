"""snarkjs .zkey keys in zkprove: read, write, prove from, and make (docs/formats.md).

A self-contained circom2 circuit is set up by snarkjs from the test-made
2^8 ptau (:func:`helpers.node.small_ptau`); zkprove proves from its .zkey and
both verifiers accept, while a wrong witness, a tampered proof and a
tampered public input are refused. ``zkprove setup --ptau`` must write
snarkjs's file byte for byte, and our dev ``--zkey`` keys must serve snarkjs.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.node import ToolError, compile_circom, node_marks, snarkjs
from typer.testing import CliRunner

from zkprove.cli import app
from zkprove.formats.snarkjs_json import read_proof, read_public, read_verifying_key, write_public
from zkprove.formats.wtns_file import read_wtns, write_wtns
from zkprove.formats.zkey_file import read_zkey, zkey_bytes
from zkprove.groth16 import prove
from zkprove.l1.verifier import verify

pytestmark = node_marks("snarkjs", "circom2")
CIRCUIT = Path(__file__).parent / "circom" / "zkey_chain.circom"
RAPIDSNARK = Path(os.environ.get("ZKPROVE_RAPIDSNARK", "/work/shared/bin/rapidsnark-prover"))
runner = CliRunner()


@pytest.fixture(scope="module")
def chain(small_ptau, tmp_path_factory):
    """The circuit's r1cs and witness, snarkjs's uncontributed and contributed zkeys and the latter's vk."""
    folder = tmp_path_factory.mktemp("chain")
    built = compile_circom(CIRCUIT, folder)
    (folder / "input.json").write_text(json.dumps({"x": 3, "c": 5}))
    snarkjs("wtns", "calculate", built["wasm"], folder / "input.json", folder / "w.wtns")
    snarkjs("groth16", "setup", built["r1cs"], small_ptau, folder / "c0.zkey")
    snarkjs("zkey", "contribute", folder / "c0.zkey", folder / "c1.zkey", "-n=first", "-e=zkey test entropy")
    snarkjs("zkey", "export", "verificationkey", folder / "c1.zkey", folder / "vk.json")
    return {"folder": folder, "r1cs": built["r1cs"], "wtns": folder / "w.wtns", "zkey0": folder / "c0.zkey",
            "zkey": folder / "c1.zkey", "vk": folder / "vk.json"}


def _cli(*argv) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in argv])
    return result.exit_code, result.output


def _snarkjs_accepts(vk: Path, public: Path, proof: Path) -> bool:
    try:
        return "OK" in snarkjs("groth16", "verify", vk, public, proof)
    except ToolError as error:
        assert "Invalid proof" in str(error) or "commitments are not valid" in str(error), error
        return False


def test_read_then_write_gives_snarkjs_files_back_byte_for_byte(chain):
    for name in ("zkey0", "zkey"):
        key = read_zkey(chain[name], allow_degenerate=True)
        assert zkey_bytes(key) == chain[name].read_bytes(), name
    contributed = read_zkey(chain["zkey"])
    assert contributed.n_contributions == 1 and contributed.vk == read_verifying_key(chain["vk"])


def test_zkprove_proves_from_a_snarkjs_zkey_and_both_verifiers_agree(chain, tmp_path):
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    code, output = _cli("prove", chain["zkey"], chain["wtns"], proof, public)
    assert code == 0, output
    assert _snarkjs_accepts(chain["vk"], public, proof)
    vk, values = read_verifying_key(chain["vk"]), read_public(public)
    assert verify(vk, values, read_proof(proof)).ok
    write_public(tmp_path / "wrong.json", [values[0], values[1] + 1])
    assert not _snarkjs_accepts(chain["vk"], tmp_path / "wrong.json", proof)
    assert not verify(vk, [values[0], values[1] + 1], read_proof(proof)).ok
    document = json.loads(proof.read_text())
    document["pi_a"][0] = str(int(document["pi_a"][0]) ^ 1)
    (tmp_path / "tampered.json").write_text(json.dumps(document))
    assert not _snarkjs_accepts(chain["vk"], public, tmp_path / "tampered.json")
    assert not verify(vk, values, read_proof(tmp_path / "tampered.json")).ok
    key = read_zkey(chain["zkey"])
    other = prove(key.pk, read_wtns(chain["wtns"]))
    assert verify(vk, values, other).ok and other != read_proof(proof)  # fresh blinding each time


def test_a_wrong_witness_is_refused_with_exit_1_and_writes_nothing(chain, tmp_path):
    values = read_wtns(chain["wtns"])
    values[5] = (values[5] + 1) % (2**254)
    write_wtns(values, tmp_path / "bad.wtns")
    code, output = _cli("prove", chain["zkey"], tmp_path / "bad.wtns", tmp_path / "p.json", tmp_path / "pub.json")
    assert code == 1 and "does not satisfy the circuit" in output and "no C matrix" in output, output
    assert not (tmp_path / "p.json").exists()


def test_keys_are_told_apart_by_magic_and_both_command_lines_work(chain, tmp_path):
    out = ["-o", tmp_path / "p.json", "--public", tmp_path / "pub.json"]
    code, output = _cli("prove", "--pk", chain["zkey"], "--witness", chain["wtns"], *out)
    assert code == 0, output
    shutil.copy(chain["zkey"], tmp_path / "key.npz")
    code, output = _cli("prove", "--pk", tmp_path / "key.npz", "--witness", chain["wtns"], *out, "--force")
    assert code == 0, output
    code, output = _cli("prove", chain["wtns"], chain["wtns"], tmp_path / "a.json", tmp_path / "b.json")
    assert code == 2 and "a witness (.wtns), not a proving key" in output, output
    code, output = _cli("prove", chain["zkey0"], chain["wtns"], tmp_path / "a.json", tmp_path / "b.json")
    assert code == 2 and "delta = gamma" in output, output


def test_setup_from_ptau_equals_snarkjs_byte_for_byte_and_passes_zkey_verify(small_ptau, chain, tmp_path):
    code, output = _cli("setup", chain["r1cs"], "--ptau", small_ptau, "-o", tmp_path)
    assert code == 0, output
    assert "contribution #1: tests" in output and "response hash" in output and "circuit hash" in output
    assert (tmp_path / "circuit.zkey").read_bytes() == chain["zkey0"].read_bytes()
    assert "ZKey Ok!" in snarkjs("zkey", "verify", chain["r1cs"], small_ptau, tmp_path / "circuit.zkey")


def test_our_dev_zkey_serves_snarkjs_export_and_verify(chain, tmp_path):
    code, output = _cli("setup", chain["r1cs"], "--zkey", "-o", tmp_path)
    assert code == 0, output
    snarkjs("zkey", "export", "verificationkey", tmp_path / "circuit.zkey", tmp_path / "vk.json")
    assert read_verifying_key(tmp_path / "vk.json") == read_verifying_key(tmp_path / "verification_key.json")
    code, output = _cli("prove", tmp_path / "circuit.zkey", chain["wtns"], tmp_path / "p.json", tmp_path / "pub.json")
    assert code == 0, output
    assert _snarkjs_accepts(tmp_path / "vk.json", tmp_path / "pub.json", tmp_path / "p.json")
    assert not _snarkjs_accepts(chain["vk"], tmp_path / "pub.json", tmp_path / "p.json")  # another key


@pytest.mark.skipif(not RAPIDSNARK.exists(), reason=f"no rapidsnark prover at {RAPIDSNARK} (set ZKPROVE_RAPIDSNARK)")
def test_rapidsnark_proves_from_our_zkey_and_our_verifier_accepts(chain, tmp_path):
    assert _cli("setup", chain["r1cs"], "--zkey", "-o", tmp_path)[0] == 0
    subprocess.run([str(RAPIDSNARK), tmp_path / "circuit.zkey", chain["wtns"], tmp_path / "p.json", tmp_path / "pub.json"],
                   check=True, capture_output=True, timeout=120)
    vk, values = read_verifying_key(tmp_path / "verification_key.json"), read_public(tmp_path / "pub.json")
    assert verify(vk, values, read_proof(tmp_path / "p.json")).ok
    assert not verify(vk, [values[0] + 1, values[1]], read_proof(tmp_path / "p.json")).ok
