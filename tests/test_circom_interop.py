"""Interop with circom2 + snarkjs: their files load and check here, ours pass their checks,
and our gadgets cost no more constraints than circomlib's compiled by circom2.

circom2 runs once per circuit per session (a few seconds each); everything
else reuses the artifacts. The whole module skips when node or the tools are absent.
"""

import json
import warnings
from pathlib import Path

import pytest
from helpers.node import compile_circom, node_marks, r1cs_info, snarkjs
from test_merkle import Member
from test_poseidon import HashCheck

from zkprove import Circuit, Secret
from zkprove.dsl import UnsatisfiedConstraint
from zkprove.field.params import R
from zkprove.formats import PROVENANCE, read_r1cs, read_wtns, write_r1cs, write_wtns
from zkprove.formats.binfile import BinFile
from zkprove.gadgets import MerkleTree, poseidon_hash

pytestmark = node_marks("snarkjs", "circom2")

CIRCOM_SOURCES = Path(__file__).parent / "circom"

#: circom2 2.2.3 --O2 on circomlib 2.0.5, as measured by `snarkjs r1cs info`
#: (default --O1 leaves linear constraints: 517, 835 and 8336).
CIRCOM_O2 = {"poseidon2": 240, "poseidon5": 321, "merkle16": 3872, "num2bits32": 32, "lessthan32": 33, "iszero": 2}


class Num2Bits32(Circuit):
    x: Secret

    def define(self, api):
        api.to_bits(self.x, 32)


class LessThan32(Circuit):
    a: Secret
    b: Secret

    def define(self, api):
        api.less_than(self.a, self.b, 32)


class IsZero(Circuit):
    x: Secret

    def define(self, api):
        api.is_zero(self.x)


OURS = {
    "poseidon2": lambda: HashCheck(2),
    "poseidon5": lambda: HashCheck(5),
    "merkle16": lambda: Member(16),
    "num2bits32": Num2Bits32,
    "lessthan32": LessThan32,
    "iszero": IsZero,
}


@pytest.fixture(scope="module")
def circom_build(tmp_path_factory):
    """Compile a circuit from tests/circom with --O2 on first use; paths of its artifacts."""
    out = tmp_path_factory.mktemp("circom")
    built: dict[str, dict[str, Path]] = {}

    def build(name: str) -> dict[str, Path]:
        if name not in built:
            built[name] = compile_circom(CIRCOM_SOURCES / f"{name}.circom", out / name, "--O2")
        return built[name]

    return build


def witness(build: dict[str, Path], inputs: dict, tmp_path: Path) -> Path:
    """snarkjs wtns calculate on the circuit's wasm."""
    (tmp_path / "input.json").write_text(json.dumps({k: _strings(v) for k, v in inputs.items()}))
    snarkjs("wtns", "calculate", str(build["wasm"]), str(tmp_path / "input.json"), str(tmp_path / "w.wtns"))
    return tmp_path / "w.wtns"


def _strings(value):
    return [_strings(v) for v in value] if isinstance(value, list) else str(value)


@pytest.mark.parametrize("name", ["poseidon2", "poseidon5", "merkle16"])
def test_constraint_counts_no_worse_than_circom(name, circom_build, record_property):
    theirs = r1cs_info(circom_build(name)["r1cs"])["Constraints"]
    assert theirs == CIRCOM_O2[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the bare gadget circuits leave outputs unused
        ours = OURS[name]().compile(strict=False).n_constraints
    record_property("constraints", {"zkprove": ours, "circom2 --O2": theirs})
    print(f"{name}: zkprove {ours}, circom2 --O2 {theirs}")
    assert ours <= theirs


@pytest.mark.slow
@pytest.mark.parametrize("name", ["num2bits32", "lessthan32", "iszero"])
def test_dsl_basics_no_worse_than_circom(name, circom_build):
    theirs = r1cs_info(circom_build(name)["r1cs"])["Constraints"]
    assert theirs == CIRCOM_O2[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert OURS[name]().compile(strict=False).n_constraints <= theirs


def test_circom_files_load_and_check(circom_build, tmp_path):
    build = circom_build("poseidon2")
    cs = read_r1cs(build["r1cs"])
    values = read_wtns(witness(build, {"inputs": [1, 2]}, tmp_path))
    assert (cs.n_constraints, cs.n_pub_out, cs.n_prv_in) == (240, 1, 2)
    assert values[1] == poseidon_hash([1, 2])
    cs.check(values)
    values[100] = (values[100] + 1) % R
    with pytest.raises(UnsatisfiedConstraint):
        cs.check(values)


def test_circom_merkle_path_matches_our_tree(circom_build, tmp_path):
    """Same path-bit convention: circom's root output is our tree's root."""
    build = circom_build("merkle16")
    tree = MerkleTree(16, [3, 1, 4, 1, 5, 9, 2, 6])
    path = tree.path(5)
    inputs = {"leaf": 9, "pathElements": list(path.elements), "pathIndices": list(path.bits)}
    values = read_wtns(witness(build, inputs, tmp_path))
    read_r1cs(build["r1cs"]).check(values)
    assert values[1] == tree.root


def test_rewriting_a_circom_file_reproduces_its_sections(circom_build, tmp_path):
    original = circom_build("poseidon2")["r1cs"].read_bytes()
    write_r1cs(read_r1cs(original), tmp_path / "again.r1cs")
    ours = BinFile((tmp_path / "again.r1cs").read_bytes(), "r1cs", b"r1cs", 1)
    theirs = BinFile(original, "r1cs", b"r1cs", 1)
    for section in (1, 2, 3):
        (a,), (b,) = ours.sections[section], theirs.sections[section]
        assert ours.data[a.offset : a.offset + a.size] == theirs.data[b.offset : b.offset + b.size]


def test_our_wtns_is_byte_identical_to_snarkjs(circom_build, tmp_path):
    produced = witness(circom_build("poseidon2"), {"inputs": [7, 8]}, tmp_path)
    write_wtns(read_wtns(produced), tmp_path / "ours.wtns")
    assert (tmp_path / "ours.wtns").read_bytes() == produced.read_bytes()


def test_snarkjs_accepts_our_files_and_rejects_a_bad_witness(tmp_path):
    cs = Member(4).compile()
    tree = MerkleTree(4, [5, 6, 7])
    path = tree.path(2)
    values = cs.solve(leaf=7, elements=list(path.elements), bits=list(path.bits), root=tree.root).values
    write_r1cs(cs, tmp_path / "member.r1cs")
    write_wtns(values, tmp_path / "good.wtns")
    assert PROVENANCE in BinFile((tmp_path / "member.r1cs").read_bytes(), "r1cs", b"r1cs", 1).sections
    info = r1cs_info(tmp_path / "member.r1cs")
    assert (info["Constraints"], info["Wires"], info["Public Inputs"]) == (cs.n_constraints, cs.n_wires, 1)
    assert "WITNESS IS CORRECT" in snarkjs("wtns", "check", str(tmp_path / "member.r1cs"), str(tmp_path / "good.wtns"))
    values[-1] = (values[-1] + 1) % R
    write_wtns(values, tmp_path / "bad.wtns")
    with pytest.raises(Exception, match="WITNESS IS NOT CORRECT"):
        snarkjs("wtns", "check", str(tmp_path / "member.r1cs"), str(tmp_path / "bad.wtns"))
