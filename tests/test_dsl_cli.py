"""``zkprove r1cs info`` on a circuit reference and on an .r1cs file."""

from typer.testing import CliRunner

from circuits.chains import MulChain
from zkprove.cli.r1cs import app


def run(*args: str) -> str:
    result = CliRunner().invoke(app, ["info", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_info_on_a_circuit_reference():
    out = run("circuits.chains:PoseidonChain", "--param", "n_hashes=2")
    assert "475" in out and "poseidon3" in out and "474" in out


def test_info_on_an_r1cs_file(tmp_path):
    from zkprove.formats.r1cs_file import write_r1cs

    path = tmp_path / "mul.r1cs"
    write_r1cs(MulChain(10).compile(), path)
    out = run(str(path))
    assert "constraints" in out and "10" in out and "main" in out


def test_bad_param():
    result = CliRunner().invoke(app, ["info", "circuits.chains:MulChain", "--param", "n"])
    assert result.exit_code != 0


def test_info_reports_constraints_per_unit_of_work():
    out = run("circuits.rollup:TransferBatch", "--param", "T=2", "--param", "depth=4")
    per_tx = next(line for line in out.splitlines() if "constraints per transaction" in line)
    total = next(line for line in out.splitlines() if line.strip("│ ").startswith("constraints "))
    constraints = int(total.split("│")[2].strip())
    assert abs(constraints / 2 - int(per_tx.split("│")[2].strip().replace(",", ""))) <= 0.5
