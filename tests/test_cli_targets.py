"""The CLI as a new user meets it: circuit targets from any directory, the lint as a gate for keys,
``r1cs export`` and ``wtns calculate`` (checked by snarkjs), wrong kinds of file, ``--version``."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.node import requires_node, snarkjs
from typer.testing import CliRunner

import zkprove
from zkprove.cli import app
from zkprove.cli.errors import EXIT_INVALID, EXIT_UNUSABLE
from zkprove.formats.r1cs_file import read_r1cs
from zkprove.formats.wtns_file import read_wtns, write_wtns

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

CIRCUITS = '''\
from zkprove import Circuit, Public, Secret

from ..helpers import cube


class Cubic(Circuit):
    x: Secret
    y: Public

    def define(self, api):
        api.assert_equal(self.y, cube(self.x) + self.x + 5)


class Loose(Circuit):
    """z is in no constraint: a prover may put anything there."""

    x: Secret
    z: Secret
    y: Public

    def define(self, api):
        api.assert_equal(self.y, self.x * self.x)
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A user's project: mypkg/sub/circ.py imports ``..helpers`` relatively; the test runs from its root."""
    sub = tmp_path / "mypkg" / "sub"
    sub.mkdir(parents=True)
    (tmp_path / "mypkg" / "__init__.py").write_text("")
    (sub / "__init__.py").write_text("")
    (tmp_path / "mypkg" / "helpers.py").write_text("def cube(x):\n    return x * x * x\n")
    (sub / "circ.py").write_text(CIRCUITS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", ".", str(tmp_path))])
    for name in [m for m in sys.modules if m == "mypkg" or m.startswith("mypkg.")]:
        monkeypatch.delitem(sys.modules, name)
    return tmp_path


def _invoke(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _cli(*args, cwd, env=None):
    """The ``zkprove`` command in a fresh process, as a user runs it (zkprove found, the project not)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "zkprove", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("spelling", ["mypkg.sub.circ:Cubic", "mypkg/sub/circ.py:Cubic", "./mypkg/sub/circ.py:Cubic"])
def test_both_spellings_load_from_the_project_without_pythonpath(project, spelling):
    result = _invoke("r1cs", "info", spelling)
    assert result.exit_code == 0, result.output
    assert "constraints" in result.output and "main" in result.output


def test_a_file_target_loads_from_another_directory(project, tmp_path_factory, monkeypatch):
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    result = _invoke("r1cs", "info", project / "mypkg" / "sub" / "circ.py:Cubic")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("target, message", [
    ("mypkg.sub.nothere:Cubic", "No module named 'mypkg.sub.nothere'"),
    ("mypkg/sub/nothere.py:Cubic", "no file mypkg/sub/nothere.py"),
    ("mypkg.sub.circ:Nope", "mypkg.sub.circ has no 'Nope'"),
    ("mypkg.helpers:cube", "is not a circuit class"),
])
def test_a_bad_target_is_named_with_exit_2(project, target, message):
    result = _invoke("r1cs", "info", target)
    assert result.exit_code == EXIT_UNUSABLE and message in result.output, result.output


def test_a_file_whose_name_is_taken_is_refused_naming_the_clash(project):
    (project / "json.py").write_text("class C:\n    pass\n")
    result = _invoke("r1cs", "info", "json.py:C")
    assert result.exit_code == EXIT_UNUSABLE and "already taken" in result.output


def test_setup_refuses_an_underconstrained_circuit_unless_allowed(project):
    refused = _invoke("setup", "mypkg.sub.circ:Loose", "-o", project / "keys")
    assert refused.exit_code == EXIT_UNUSABLE
    assert "[unused-input] secret input z appears in no constraint" in refused.output
    assert "--allow-underconstrained" in refused.output and not (project / "keys").exists()
    allowed = _invoke("setup", "mypkg.sub.circ:Loose", "-o", project / "keys", "--allow-underconstrained")
    assert allowed.exit_code == 0, allowed.output
    assert "warning: mypkg.sub.circ:Loose is under-constrained" in allowed.stderr
    assert (project / "keys" / "proving_key.npz").exists()


def test_r1cs_export_refuses_an_underconstrained_circuit_too(project):
    result = _invoke("r1cs", "export", "mypkg.sub.circ:Loose", "-o", project / "c.r1cs")
    assert result.exit_code == EXIT_UNUSABLE and "unused-input" in result.output
    assert not (project / "c.r1cs").exists()


def test_export_and_calculate_write_what_the_readers_take_back(project):
    assert _invoke("r1cs", "export", "mypkg/sub/circ.py:Cubic", "-o", "c.r1cs").exit_code == 0
    (project / "input.json").write_text(json.dumps({"x": "3", "y": "0x23"}))
    result = _invoke("wtns", "calculate", "mypkg/sub/circ.py:Cubic", "input.json", "-o", "w.wtns")
    assert result.exit_code == 0, result.output
    cs, values = read_r1cs(project / "c.r1cs"), read_wtns(project / "w.wtns")
    assert cs.n_constraints == 3 and len(values) == cs.n_wires and values[:3] == [1, 35, 3]
    assert _invoke("wtns", "calculate", "mypkg.sub.circ:Cubic", "input.json", "-o", "w.wtns").exit_code == 2


def test_calculate_names_the_violated_constraint_and_writes_nothing(project):
    (project / "bad.json").write_text(json.dumps({"x": 3, "y": 36}))
    result = _invoke("wtns", "calculate", "mypkg.sub.circ:Cubic", "bad.json", "-o", "w.wtns")
    assert result.exit_code == EXIT_INVALID
    assert "constraint 2 is not satisfied: gadget main at" in result.output and "circ.py:11" in result.output
    assert "y=36" in result.output and not (project / "w.wtns").exists()


@pytest.mark.parametrize("content, message", [
    ({"x": 3}, "missing input y"), ({"x": 3, "y": 35, "q": 1}, "unexpected inputs: ['q']"),
    ([3, 35], "expected a JSON object"), ({"x": "three", "y": 35}, "input x must be a decimal or 0x-hex integer"),
])
def test_calculate_refuses_malformed_inputs_with_exit_2(project, content, message):
    (project / "in.json").write_text(json.dumps(content))
    result = _invoke("wtns", "calculate", "mypkg.sub.circ:Cubic", "in.json", "-o", "w.wtns")
    assert result.exit_code == EXIT_UNUSABLE and message in result.output, result.output


def test_calculate_needs_a_circuit_class(project):
    assert _invoke("r1cs", "export", "mypkg.sub.circ:Cubic", "-o", "c.r1cs").exit_code == 0
    (project / "in.json").write_text(json.dumps({"x": 3, "y": 35}))
    result = _invoke("wtns", "calculate", "c.r1cs", "in.json", "-o", "w.wtns")
    assert result.exit_code == EXIT_UNUSABLE and "no witness solver" in result.output


@requires_node("snarkjs")
def test_snarkjs_reads_the_exported_r1cs_and_checks_the_witness(project):
    assert _invoke("r1cs", "export", "mypkg.sub.circ:Cubic", "-o", "c.r1cs").exit_code == 0
    (project / "input.json").write_text(json.dumps({"x": 3, "y": 35}))
    assert _invoke("wtns", "calculate", "mypkg.sub.circ:Cubic", "input.json", "-o", "w.wtns").exit_code == 0
    info = snarkjs("r1cs", "info", project / "c.r1cs")
    assert "# of Constraints: 3" in info and "# of Public Inputs: 1" in info
    assert "WITNESS IS CORRECT" in snarkjs("wtns", "check", project / "c.r1cs", project / "w.wtns")
    values = read_wtns(project / "w.wtns")
    write_wtns([v + 1 if i == 4 else v for i, v in enumerate(values)], project / "bad.wtns")
    with pytest.raises(Exception, match="WITNESS IS NOT CORRECT|Constraint doesn't match"):
        snarkjs("wtns", "check", project / "c.r1cs", project / "bad.wtns")


def _wrong_kinds(folder: Path) -> dict[str, Path]:
    write_wtns([1, 2, 3], folder / "w.wtns")
    zkey = b"zkey" + (1).to_bytes(4, "little") + (10).to_bytes(4, "little") + bytes(range(200))
    kinds = {"wtns": "w.wtns", "zkey": "k.zkey", "random": "r.bin", "json": "x.json", "empty": "e", "folder": "d"}
    (folder / "k.zkey").write_bytes(zkey)
    (folder / "r.bin").write_bytes(bytes((i * 131 + 7) % 256 for i in range(300)))
    (folder / "x.json").write_text(json.dumps({"protocol": "groth16", "runs": 3}))
    (folder / "e").write_bytes(b"")
    (folder / "d").mkdir()
    return {kind: folder / name for kind, name in kinds.items()}


COMMANDS_READING_A_FILE = {
    "r1cs info": lambda f, t: ["r1cs", "info", f],
    "r1cs export": lambda f, t: ["r1cs", "export", f, "-o", t / "o.r1cs"],
    "setup": lambda f, t: ["setup", f, "-o", t / "keys"],
    "prove --pk": lambda f, t: ["prove", "--pk", f, "--witness", t / "w.wtns", "-o", t / "p.json", "--public",
                                t / "q.json"],
    "wtns calculate": lambda f, t: ["wtns", "calculate", "helpers.circuits:Cubic", f, "-o", t / "o.wtns"],
    "verify": lambda f, t: ["verify", f, f, f],
    "export solidity": lambda f, t: ["export", "solidity", f, "-o", t / "v.sol"],
    "export calldata": lambda f, t: ["export", "calldata", f, f],
    "ceremony verify": lambda f, t: ["ceremony", "verify", f],
    "ceremony contribute": lambda f, t: ["ceremony", "contribute", f],
    "bench answer": lambda f, t: ["bench", "answer", f, "-o", t / "answer"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS_READING_A_FILE))
def test_a_file_of_the_wrong_kind_gets_one_line_and_exit_2(tmp_path, command):
    """A .wtns, a .zkey, random bytes, a JSON, an empty file, a folder: never a traceback."""
    for kind, path in _wrong_kinds(tmp_path).items():
        result = _invoke(*COMMANDS_READING_A_FILE[command](path, tmp_path))
        lines = result.output.strip().splitlines()
        assert result.exit_code in (EXIT_INVALID, EXIT_UNUSABLE), (kind, result.output)
        assert len(lines) == 1 and "Traceback" not in result.output, (kind, result.output)


def test_r1cs_info_on_a_wtns_names_the_magic(tmp_path):
    result = _invoke("r1cs", "info", _wrong_kinds(tmp_path)["wtns"])
    assert result.exit_code == EXIT_UNUSABLE
    assert result.output.strip() == "error: r1cs: file header at offset 0: magic b'wtns', expected b'r1cs'"


def test_version_everywhere(project):
    result = _invoke("--version")
    assert result.exit_code == 0 and result.output.strip() == f"zkprove {zkprove.__version__}"
    process = _cli("--version", cwd=project)
    assert process.returncode == 0 and process.stdout.strip() == result.output.strip()
    assert (Path(zkprove.__file__).parent / "py.typed").is_file()


def test_python_m_zkprove_runs_a_command_from_the_project(project):
    process = _cli("r1cs", "info", "mypkg.sub.circ:Cubic", cwd=project)
    assert process.returncode == 0, process.stderr
    assert "constraints" in process.stdout
    refused = _cli("setup", "mypkg.sub.circ:Loose", "-o", "keys", cwd=project)
    assert refused.returncode == EXIT_UNUSABLE and "Traceback" not in refused.stderr
    assert "unused-input" in refused.stderr
