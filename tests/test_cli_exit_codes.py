"""The CLI's error discipline (zkprove.cli.errors) and the Python verify's promise never to raise on bad values."""

import dataclasses
from random import Random

import numpy as np
import pytest
from helpers.simulator import Trapdoor
from typer.testing import CliRunner

import zkprove.cli.l1 as cli_l1
from zkprove.cli import app
from zkprove.cli.errors import EXIT_INTERNAL, EXIT_UNUSABLE
from zkprove.formats.snarkjs_json import write_verifying_key
from zkprove.groth16.data import Proof
from zkprove.l1.verifier import key_error, verify

runner = CliRunner()
TRAPDOOR = Trapdoor.sample(1, Random(5))
VK = TRAPDOOR.verifying_key()
PROOF = TRAPDOOR.prove([9], Random(6))


def _boom(*_):
    raise KeyError("a bug")


def test_an_internal_error_exits_3_with_one_line_and_a_debug_hint(monkeypatch):
    monkeypatch.setattr(cli_l1, "read_verifying_key", _boom)
    result = runner.invoke(app, ["verify", "vk.json", "proof.json", "public.json"])
    assert result.exit_code == EXIT_INTERNAL
    assert result.output.strip().splitlines() == [
        "internal error: KeyError: 'a bug' (a bug in zkprove; rerun with zkprove --debug for the traceback)"
    ]


@pytest.mark.parametrize("switch", [["--debug"], []], ids=["--debug", "ZKPROVE_DEBUG"])
def test_debug_prints_the_traceback_and_keeps_the_code(monkeypatch, switch):
    monkeypatch.setattr(cli_l1, "read_verifying_key", _boom)
    env = {} if switch else {"ZKPROVE_DEBUG": "1"}
    result = runner.invoke(app, [*switch, "verify", "a", "b", "c"], env=env)
    assert result.exit_code == EXIT_INTERNAL
    assert "Traceback" in result.output and "_boom" in result.output


def test_help_documents_the_exit_codes():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for fragment in ("Exit codes: 0 success", "1 a verdict of invalid", "2 unusable input", "3 internal error"):
        assert fragment in " ".join(result.output.replace("│", " ").split()), fragment


def test_outputs_are_checked_before_the_work(tmp_path):
    write_verifying_key(tmp_path / "vk.json", VK)
    sol = tmp_path / "v.sol"
    export = ["export", "solidity", str(tmp_path / "vk.json"), "-o"]
    missing = runner.invoke(app, [*export, str(tmp_path / "no" / "v.sol")])
    assert missing.exit_code == EXIT_UNUSABLE and "does not exist" in missing.output
    sol.write_text("keep me")
    refused = runner.invoke(app, [*export, str(sol)])
    assert refused.exit_code == EXIT_UNUSABLE and "--force" in refused.output and sol.read_text() == "keep me"
    assert runner.invoke(app, [*export, str(sol), "--force"]).exit_code == 0 and "contract" in sol.read_text()
    (tmp_path / "file").write_text("")
    setup = runner.invoke(app, ["setup", "helpers.circuits:Cubic", "-o", str(tmp_path / "file")])
    assert setup.exit_code == EXIT_UNUSABLE and "not a folder" in setup.output


BAD_PROOF_VALUES = [
    ("a string", "proof.a.x: expected an integer, got str", {"a": ("1", PROOF.a[1])}),
    ("a float", "proof.c.y: expected an integer, got float", {"c": (PROOF.c[0], 2.0)}),
    ("None", "proof.b.x: expected a sequence, got NoneType", {"b": (None, PROOF.b[1])}),
    ("a bool", "proof.a.y: expected an integer, got bool", {"a": (PROOF.a[0], True)}),
    ("three coordinates", "proof.a: expected 2 elements, got 3", {"a": (*PROOF.a, 1)}),
    ("negative", "proof.c.x: -4 is negative", {"c": (-4, PROOF.c[1])}),
    ("bytes", "proof.b.y.re", {"b": (PROOF.b[0], (b"\x01", PROOF.b[1][1]))}),
]


@pytest.mark.parametrize("what, reason, fields", BAD_PROOF_VALUES, ids=[b[0] for b in BAD_PROOF_VALUES])
def test_verify_reports_malformed_proof_values(what, reason, fields):
    proof = Proof(**{**vars(PROOF), **fields})
    report = verify(VK, [9], proof)
    assert not report.ok and reason in report.reason and report.gas is None


@pytest.mark.parametrize(
    "public, reason",
    [("9", "public inputs: expected a sequence, got str"), ([9.0], "public input 0: expected an integer, got float"),
     ([None], "public input 0: expected an integer"), (None, "public inputs: expected a sequence"),
     ([False], "got bool"), ([-9], "public input 0 is not in [0, r): -9"), ({9: 9}, "expected a sequence, got dict")],
)
def test_verify_reports_malformed_public_inputs(public, reason):
    report = verify(VK, public, PROOF)
    assert not report.ok and reason in report.reason


def test_verify_reports_a_key_or_proof_of_the_wrong_type():
    assert "expected a VerifyingKey, got dict" in verify({}, [9], PROOF).reason
    assert "expected a Proof, got tuple" in verify(VK, [9], (PROOF.a, PROOF.b, PROOF.c)).reason
    bad_ic = dataclasses.replace(VK, ic=[(1, 2, 3), VK.ic[1]])
    assert "verifying key IC[0]: expected 2 elements, got 3" in verify(bad_ic, [9], PROOF).reason
    assert "verifying key IC[0]" in key_error(bad_ic)


def test_numpy_integers_and_lists_are_accepted_as_ints_and_tuples():
    listed = Proof(a=list(PROOF.a), b=[list(PROOF.b[0]), np.array(PROOF.b[1], dtype=object)], c=PROOF.c)
    assert verify(VK, [np.int64(9)], listed).ok
