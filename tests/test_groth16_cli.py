"""``zkprove setup`` and ``zkprove prove``: files in, files out, exit codes, and snarkjs's verdict."""

import json
import subprocess
import sys

import pytest
from helpers.circuits import INPUTS, ThreePublic
from helpers.node import ToolError, requires_node, snarkjs
from typer.testing import CliRunner

from zkprove.cli import app
from zkprove.cli.errors import EXIT_INVALID, EXIT_UNUSABLE
from zkprove.formats.r1cs_file import write_r1cs
from zkprove.formats.snarkjs_json import read_proof, read_public, read_verifying_key
from zkprove.formats.wtns_file import write_wtns
from zkprove.l1.verifier import verify

CIRCUIT = "helpers.circuits:ThreePublic"

runner = CliRunner()


def _invoke(*args):
    """Run the CLI; any exception other than a clean exit would be a traceback for the user."""
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("groth16_cli")
    result = _invoke("setup", CIRCUIT, "-o", folder / "keys")
    assert result.exit_code == 0, result.output
    assert "production" in result.output
    (folder / "inputs.json").write_text(json.dumps({k: str(v) for k, v in INPUTS[ThreePublic].items()}))
    return folder


def _verified(folder, proof="proof.json", public="public.json"):
    vk = read_verifying_key(folder / "keys" / "verification_key.json")
    return verify(vk, read_public(folder / public), read_proof(folder / proof)).ok


@pytest.fixture(scope="module")
def proved(keys):
    """The output of ``zkprove prove --inputs ... --circuit ... --profile`` into the keys' folder."""
    return _invoke("prove", "--pk", keys / "keys" / "proving_key.npz", "--inputs", keys / "inputs.json",
                   "--circuit", CIRCUIT, "-o", keys / "proof.json", "--public", keys / "public.json", "--profile")


def test_prove_from_inputs_and_a_circuit_reference(keys, proved):
    result = proved
    assert result.exit_code == 0, result.output
    assert "msm" in result.output and "quotient" in result.output
    assert read_public(keys / "public.json") == [3, 15, 10]
    assert _verified(keys)


def test_setup_keeps_the_verdict_on_its_key(keys):
    record = json.loads((keys / "keys" / "proving_key.npz.checked").read_text())
    assert record["key_format"] == "npz" and record["size"] == (keys / "keys" / "proving_key.npz").stat().st_size


#: Modules ``zkprove prove`` from a .zkey must not import: other commands' code, and heavy imports it has no use for.
NOT_FOR_PROVE = ("zkprove.ceremony", "zkprove.dsl", "zkprove.gadgets", "zkprove.l1.solidity", "zkprove.l1.batch",
                 "scipy.linalg", "py_ecc.bn128", "py_ecc.optimized_bn128.")


def test_prove_imports_only_what_proving_needs(tmp_path):
    """A fresh interpreter runs ``zkprove prove KEY W.wtns proof.json public.json`` and lists its modules."""
    cs = ThreePublic.compile()
    write_wtns(cs.solve(**INPUTS[ThreePublic]).values, tmp_path / "w.wtns")
    assert _invoke("setup", CIRCUIT, "--zkey", "-o", tmp_path / "keys").exit_code == 0
    script = ("import sys; from typer.testing import CliRunner; from zkprove.cli import app; "
              "result = CliRunner().invoke(app, ['prove', *sys.argv[1:]]); "
              "assert result.exit_code == 0, result.output; print(' '.join(sys.modules))")
    files = [tmp_path / "keys" / "circuit.zkey", *(tmp_path / name for name in ("w.wtns", "proof.json", "public.json"))]
    loaded = subprocess.run([sys.executable, "-c", script, *map(str, files)], capture_output=True, text=True,
                            check=True).stdout.split()
    assert _verified(tmp_path)
    assert [m for m in loaded if m.startswith(NOT_FOR_PROVE)] == []


def test_setup_from_r1cs_and_prove_from_wtns(tmp_path):
    cs = ThreePublic.compile()
    write_r1cs(cs, tmp_path / "c.r1cs")
    write_wtns(cs.solve(**INPUTS[ThreePublic]).values, tmp_path / "w.wtns")
    assert _invoke("setup", tmp_path / "c.r1cs", "-o", tmp_path / "keys").exit_code == 0
    result = _invoke("prove", "--pk", tmp_path / "keys" / "proving_key.npz", "--witness", tmp_path / "w.wtns",
                     "-o", tmp_path / "proof.json", "--public", tmp_path / "public.json")
    assert result.exit_code == 0, result.output
    assert _verified(tmp_path)


def test_unsatisfying_witness_exits_1_naming_the_constraint(keys, tmp_path):
    values = ThreePublic.compile().solve(**INPUTS[ThreePublic]).values
    write_wtns([v + 1 if i == 2 else v for i, v in enumerate(values)], tmp_path / "bad.wtns")
    result = _invoke("prove", "--pk", keys / "keys" / "proving_key.npz", "--witness", tmp_path / "bad.wtns",
                     "-o", tmp_path / "proof.json", "--public", tmp_path / "public.json")
    assert result.exit_code == EXIT_INVALID
    assert "is not satisfied" in result.output
    assert not (tmp_path / "proof.json").exists()


@pytest.mark.parametrize("case", ["no witness", "not a key", "wrong circuit"])
def test_unusable_input_exits_2(keys, tmp_path, case):
    pk = keys / "keys" / "proving_key.npz"
    out = ["-o", tmp_path / "proof.json", "--public", tmp_path / "public.json"]
    if case == "no witness":
        args = ["--pk", pk]
    elif case == "not a key":
        (tmp_path / "junk.npz").write_text("junk")
        args = ["--pk", tmp_path / "junk.npz", "--inputs", keys / "inputs.json", "--circuit", CIRCUIT]
    else:
        (tmp_path / "cubic.json").write_text(json.dumps({"x": 3, "y": 35}))
        args = ["--pk", pk, "--inputs", tmp_path / "cubic.json", "--circuit", "helpers.circuits:Cubic"]
    result = _invoke("prove", *args, *out)
    assert result.exit_code == EXIT_UNUSABLE, result.output
    assert "error" in result.output.lower() and "Traceback" not in result.output


@requires_node("snarkjs")
def test_snarkjs_accepts_our_proof_and_key(keys, proved):
    """Interop: our proof, public inputs and verifying key as snarkjs JSON pass ``snarkjs groth16 verify``."""
    assert proved.exit_code == 0, proved.output
    vk, public, proof = (keys / "keys" / "verification_key.json", keys / "public.json", keys / "proof.json")
    assert "OK" in snarkjs("groth16", "verify", vk, public, proof)
    (keys / "wrong.json").write_text(json.dumps(["3", "15", "11"]))
    with pytest.raises(ToolError, match="Invalid proof"):
        snarkjs("groth16", "verify", vk, keys / "wrong.json", proof)
