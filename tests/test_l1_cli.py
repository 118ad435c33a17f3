"""``zkprove verify`` and ``zkprove export``: exit codes, output, and no tracebacks."""

import json
from random import Random

import pytest
from helpers.simulator import Trapdoor
from typer.testing import CliRunner

from zkprove.cli import app
from zkprove.formats.snarkjs_json import read_proof, read_public, write_proof, write_public, write_verifying_key
from zkprove.l1.curve import R
from zkprove.l1.encoding import encode_calldata

runner = CliRunner()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("l1_cli")
    rng = Random(4)
    trapdoor = Trapdoor.sample(2, rng)
    write_verifying_key(folder / "vk.json", trapdoor.verifying_key())
    write_proof(folder / "proof.json", trapdoor.prove([33, 11], rng))
    write_public(folder / "public.json", [33, 11])
    return folder


def _invoke(*args):
    """Run the CLI; any exception other than a clean exit would be a traceback for the user."""
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def test_verify_valid_proof_prints_gas_and_exits_0(files):
    result = _invoke("verify", files / "vk.json", files / "proof.json", files / "public.json")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "valid"
    assert lines[1].startswith("gas: ") and "precompiles 193,300" in lines[1]
    assert lines[2] == "calldata: 324 bytes"


def test_verify_json_report(files):
    """``--json -``: the JSON alone on stdout, the text on stderr (zkprove.cli.paths)."""
    result = _invoke("verify", files / "vk.json", files / "proof.json", files / "public.json", "--json", "-")
    document = json.loads(result.stdout)
    assert document["ok"] and document["calldata_bytes"] == 324
    assert document["gas"]["total"] == sum(v for k, v in document["gas"].items() if k != "total")
    assert result.stderr.splitlines()[0] == "valid"


def test_verify_json_to_a_file_keeps_the_text_and_needs_force_to_overwrite(files, tmp_path):
    args = ("verify", files / "vk.json", files / "proof.json", files / "public.json", "--json", tmp_path / "r.json")
    result = _invoke(*args)
    assert result.exit_code == 0 and result.stdout.splitlines()[0] == "valid"
    assert json.loads((tmp_path / "r.json").read_text())["ok"] is True
    again = _invoke(*args)
    assert again.exit_code == 2 and "--force" in again.output
    assert _invoke(*args, "--force").exit_code == 0


def test_verify_invalid_proof_exits_1_with_the_reason(files, tmp_path):
    write_public(tmp_path / "public.json", [33, 11 + R])
    result = _invoke("verify", files / "vk.json", files / "proof.json", tmp_path / "public.json")
    assert result.exit_code == 1
    assert result.output.startswith("invalid: public input 1 is not in [0, r)")


@pytest.mark.parametrize("content", ['{"pi_a": [', '{"protocol": "groth16"}', "[1, 2]"])
def test_verify_unusable_input_exits_2_without_a_traceback(files, tmp_path, content):
    (tmp_path / "proof.json").write_text(content)
    result = _invoke("verify", files / "vk.json", tmp_path / "proof.json", files / "public.json")
    assert result.exit_code == 2
    assert result.output.startswith("error: ")


def test_export_calldata_prints_exactly_the_transaction_data(files):
    result = _invoke("export", "calldata", files / "proof.json", files / "public.json")
    expected = encode_calldata(read_proof(files / "proof.json"), read_public(files / "public.json"))
    assert result.exit_code == 0 and result.output == "0x" + expected.hex() + "\n"


def test_export_snarkjs_decodes_calldata_back_to_files(files, tmp_path):
    calldata = _invoke("export", "calldata", files / "proof.json", files / "public.json").output.strip()
    result = _invoke("export", "snarkjs", calldata, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "proof.json").read_text() == (files / "proof.json").read_text()
    assert read_public(tmp_path / "public.json") == [33, 11]
    assert _invoke("export", "snarkjs", "0x1234", "-o", tmp_path).exit_code == 2


def test_export_solidity_writes_a_contract(files, tmp_path):
    result = _invoke("export", "solidity", files / "vk.json", "-o", tmp_path / "Verifier.sol", "--name", "Rollup")
    assert result.exit_code == 0, result.output
    source = (tmp_path / "Verifier.sol").read_text()
    assert "contract Rollup {" in source and "uint256[2] calldata input" in source
    assert _invoke("export", "solidity", tmp_path / "missing.json", "-o", tmp_path / "x.sol").exit_code == 2


def test_verify_on_the_py_ecc_reference_gives_the_same_verdicts(files, tmp_path):
    args = ["verify", files / "vk.json", files / "proof.json", files / "public.json", "--arithmetic"]
    assert _invoke(*args, "py_ecc").output == _invoke(*args, "native").output
    write_public(tmp_path / "wrong.json", [34, 11])
    wrong = ["verify", files / "vk.json", files / "proof.json", tmp_path / "wrong.json", "--arithmetic", "py_ecc"]
    assert _invoke(*wrong).exit_code == 1
    bad = _invoke(*args, "gmpy")
    assert bad.exit_code == 2 and "choose native or py_ecc" in bad.output
