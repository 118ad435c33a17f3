"""``zkprove rollup demo``: the end-to-end run as a command."""

from typer.testing import CliRunner

from circuits.cli import app


def test_demo_proves_and_verifies_every_batch():
    result = CliRunner().invoke(app, ["demo", "--batches", "2", "--batch-size", "1", "--depth", "4", "--accounts", "3", "--seed", "3"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # rich wraps lines at the terminal width
    assert "per transaction" in text and "all proofs valid on L1: True" in text
    assert "roots chain from genesis: True" in text


def test_demo_checks_its_parameters():
    result = CliRunner().invoke(app, ["demo", "--depth", "4", "--accounts", "17"])
    assert result.exit_code != 0
