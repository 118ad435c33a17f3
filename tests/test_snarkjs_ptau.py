"""snarkjs .ptau files in zkprove: the contribution hashes, and the refusals of setup --ptau (docs/formats.md)."""

import re
from pathlib import Path

import pytest
from helpers.node import node_marks, snarkjs
from typer.testing import CliRunner

from helpers.circuits import Cubic
from zkprove.cli import app
from zkprove.curve import G1
from zkprove.formats.ptau_file import PtauFile, format_hash
from zkprove.formats.r1cs_file import write_r1cs

pytestmark = node_marks("snarkjs")
runner = CliRunner()


@pytest.fixture(scope="module")
def tiny_ptau(small_ptau) -> Path:
    """A prepared 2^1 ptau: too small for a circuit of domain 8."""
    work = small_ptau.parent
    snarkjs("powersoftau", "new", "bn128", "1", work / "tiny_0.ptau")
    snarkjs("powersoftau", "contribute", work / "tiny_0.ptau", work / "tiny_1.ptau", "-n=tiny", "-e=tiny entropy")
    snarkjs("powersoftau", "prepare", "phase2", work / "tiny_1.ptau", work / "tiny.ptau")
    return work / "tiny.ptau"


def test_contribution_hashes_are_those_snarkjs_powersoftau_verify_prints(small_ptau):
    printed = re.sub(r"\[INFO\]\s+snarkJS: ", "", snarkjs("powersoftau", "verify", small_ptau))
    with PtauFile(small_ptau) as pot:
        assert (pot.power, pot.prepared) == (8, True)
        (contribution,) = pot.contributions()
    assert contribution.name == "tests"
    assert f"Next Challenge: \n{format_hash(contribution.next_challenge)}" in printed
    assert f"Response Hash:\n{format_hash(contribution.response_hash)}" in printed
    assert format_hash(contribution.response_hash) != format_hash(contribution.next_challenge)


def test_the_lagrange_sections_hold_the_basis_of_each_domain(small_ptau):
    with PtauFile(small_ptau) as pot:
        one = pot.lagrange_bases(1)
        assert (one.tau_g1 == G1.generator()).all()  # L_0 = 1 on the domain of size 1
        four = pot.lagrange_bases(4)
        total = four.tau_g1[0]
        for point in four.tau_g1[1:]:
            total = G1.add(total[None], point[None])[0]
        assert (total == G1.generator()[0]).all()  # sum_j L_j(tau) = 1 on every domain


def _cubic_r1cs(tmp_path: Path) -> Path:
    write_r1cs(Cubic.compile(), tmp_path / "cubic.r1cs")
    return tmp_path / "cubic.r1cs"


def test_setup_refuses_a_ptau_too_small_for_the_circuit_naming_both_sizes(tiny_ptau, tmp_path):
    result = runner.invoke(app, ["setup", str(_cubic_r1cs(tmp_path)), "--ptau", str(tiny_ptau), "-o", str(tmp_path / "k")])
    assert result.exit_code == 2, result.output
    assert "the circuit needs 2^3" in result.output and "pot has 2^1" in result.output
    assert not (tmp_path / "k").exists()


def test_setup_refuses_an_unprepared_ptau_and_says_how_to_prepare_it(small_ptau, tmp_path):
    unprepared = small_ptau.parent / "pot_1.ptau"
    with PtauFile(unprepared) as pot:
        assert not pot.prepared
    result = runner.invoke(app, ["setup", str(_cubic_r1cs(tmp_path)), "--ptau", str(unprepared), "-o", str(tmp_path / "k")])
    assert result.exit_code == 2, result.output
    assert "no Lagrange sections" in result.output and "snarkjs powersoftau prepare phase2" in result.output
