"""The docs say what the code does: docs/dsl.md's examples run and its cost tables are measured,
every API call and in-circuit gadget is documented, and the code's citations of docs/ name real sections.
"""

import importlib
import inspect
import json
import re
from pathlib import Path

import pytest
from helpers.dsl import cost

from zkprove.dsl import API, parse_inputs
from zkprove.gadgets import babyjubjub, eddsa, merkle

poseidon = importlib.import_module("zkprove.gadgets.poseidon")  # the package's `poseidon` is the function

ROOT = Path(__file__).resolve().parents[1]
DSL_DOC = ROOT / "docs" / "dsl.md"
N = 8  # the n of the API table's cost formulas, as measured here


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.DOTALL | re.MULTILINE)


def table_rows(text: str, first_cell: str) -> dict[str, list[str]]:
    """Markdown table rows whose first cell is `` `first_cell<name>(...)` ``: name -> cells."""
    rows = {}
    for line in text.splitlines():
        match = re.match(rf"\| `{re.escape(first_cell)}(\w+)\(", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in line.strip().strip("|").split("|")]
    return rows


@pytest.fixture(scope="module")
def doc_namespace():
    """The namespace after running every Python block of docs/dsl.md, in order."""
    namespace = {"__name__": "dsl_doc"}
    for i, block in enumerate(blocks(DSL_DOC.read_text(), "python")):
        exec(compile(block, f"docs/dsl.md block {i}", "exec"), namespace)
    return namespace


def test_the_python_examples_run(doc_namespace):
    assert {"Cubic", "Payroll", "Clamp", "divmod7", "Member"} <= set(doc_namespace)


def test_the_inputs_json_example_solves_the_payroll(doc_namespace):
    (document,) = blocks(DSL_DOC.read_text(), "json")
    payroll = doc_namespace["payroll"]
    assert payroll.solve(**parse_inputs(json.loads(document))).values == payroll.solve(**doc_namespace["inputs"]).values


#: How to measure each API call's documented cost on fresh non-constant wires (n = N where it applies).
API_COSTS = {
    "constant": (lambda api: api.constant(5), 0),
    "add": (lambda api, a, b, c: api.add(a, b, c), 3),
    "sub": (lambda api, a, b: api.sub(a, b), 2),
    "neg": (lambda api, a: api.neg(a), 1),
    "mul": (lambda api, a, b: api.mul(a, b), 2),
    "div": (lambda api, a, b: api.div(a, b), 2),
    "inverse": (lambda api, x: api.inverse(x), 1),
    "assert_equal": (lambda api, a, b: api.assert_equal(a, b), 2),
    "assert_nonzero": (lambda api, x: api.assert_nonzero(x), 1),
    "assert_bool": (lambda api, x: api.assert_bool(x), 1),
    "assert_in_range": (lambda api, x: api.assert_in_range(x, N), 1),
    "to_bits": (lambda api, x: api.to_bits(x, N), 1),
    "from_bits": (lambda api, *bits: api.from_bits(bits), N),
    "is_zero": (lambda api, x: api.is_zero(x), 1),
    "is_equal": (lambda api, a, b: api.is_equal(a, b), 2),
    "select": (lambda api, c, a, b: api.select(c, a, b), 3),
    "less_than": (lambda api, a, b: api.less_than(a, b, N), 2),
    "less_or_equal": (lambda api, a, b: api.less_or_equal(a, b, N), 2),
    "hint": (lambda api, x: api.hint(lambda v: v + 1, x), 1),
    "gadget": (lambda api, x: api.gadget("g").__enter__(), 1),
}


def test_every_api_call_is_documented_with_its_measured_cost():
    rows = table_rows(DSL_DOC.read_text(), "api.")
    public = {name for name, _ in inspect.getmembers(API, inspect.isfunction) if not name.startswith("_")}
    assert set(rows) == public == set(API_COSTS)
    for name, (call, n_inputs) in API_COSTS.items():
        documented = eval(rows[name][1], {"n": N})
        assert cost(call, n_inputs) == documented, name


#: Each gadget measured at the size the table's last column names: (call, fresh inputs, constraints to subtract).
GADGET_COSTS = {
    "poseidon": (lambda api, a, b: poseidon.poseidon(api, [a, b]), 2, 0),
    "poseidon_ex_circuit": (lambda api, a, b: poseidon.poseidon_ex_circuit(api, [a, b], 0, 2), 2, 0),
    "assert_poseidon": (lambda api, a, b, h: poseidon.assert_poseidon(api, [a, b], h), 3, 0),
    "merkle_root": (lambda api, leaf, *x: merkle.merkle_root(api, leaf, list(x[:4]), list(x[4:])), 9, 0),
    "assert_merkle_member": (lambda api, leaf, root, *x: merkle.assert_merkle_member(
        api, leaf, list(x[:4]), list(x[4:]), root), 10, 0),
    "merkle_update": (lambda api, old, new, root, *x: merkle.merkle_update(
        api, old, new, list(x[:4]), list(x[4:]), root), 11, 0),
    "assert_on_curve": (lambda api, x, y: babyjubjub.assert_on_curve(api, (x, y)), 2, 0),
    "point_add": (lambda api, a, b, c, d: babyjubjub.point_add(api, (a, b), (c, d)), 4, 0),
    "point_double": (lambda api, a, b: babyjubjub.point_double(api, (a, b)), 2, 0),
    "select_point": (lambda api, bit, a, b, c, d: babyjubjub.select_point(
        api, api.to_bits(bit, 1)[0], (a, b), (c, d)), 5, 1),
    "scalar_mul": (lambda api, a, b, *bits: babyjubjub.scalar_mul(
        api, [api.to_bits(x, 1)[0] for x in bits], (a, b)), 2 + 8, 8),
    "fixed_base_mul": (lambda api, *bits: babyjubjub.fixed_base_mul(
        api, [api.to_bits(x, 1)[0] for x in bits], babyjubjub.BASE8), 8, 8),
    "to_bits_strict": (lambda api, x: eddsa.to_bits_strict(api, x), 1, 0),
    "assert_eddsa": (lambda api, on, a, b, m, c, d, s: eddsa.assert_eddsa(
        api, api.to_bits(on, 1)[0], (a, b), m, (c, d), s), 7, 1),
}


def test_every_in_circuit_gadget_is_documented_with_its_measured_cost():
    rows = table_rows(DSL_DOC.read_text(), "")
    in_circuit = {name for module in (poseidon, merkle, babyjubjub, eddsa)
                  for name, fn in inspect.getmembers(module, inspect.isfunction)
                  if fn.__module__ == module.__name__ and not name.startswith("_")
                  and next(iter(inspect.signature(fn).parameters), None) == "api"}
    assert set(rows) == in_circuit == set(GADGET_COSTS)
    for name, (call, n_inputs, helpers) in GADGET_COSTS.items():
        documented = int(re.findall(r"\d+", rows[name][-1])[-1])
        assert cost(call, n_inputs) - helpers == documented, name


CITATION = re.compile(r"docs/(\w+)\.md(?:,?\s+section\s+\"([^\"]+)\")?")


def cited_sources():
    for package in ("zkprove", "circuits", "workers", "bench", "tests", "examples"):
        yield from (ROOT / package).rglob("*.py")


def test_code_cites_only_docs_that_exist():
    headings = {}
    for path in cited_sources():
        text = path.read_text()
        assert "design" + ".md" not in text, path
        for page, section in CITATION.findall(text):
            doc = ROOT / "docs" / f"{page}.md"
            assert doc.exists(), (path, page)
            if section:
                titles = headings.setdefault(page, set(re.findall(r"^#+ (.+)$", doc.read_text(), re.MULTILINE)))
                assert section in titles, (path, page, section)


ONE_PROOF_DOC = ROOT / "docs" / "one_proof.md"
#: At most this many files on the path of one proof (issue 12: "a path a newcomer can follow").
MAX_PATH_FILES = 10


def path_files(text: str) -> list[str]:
    """The files of a numbered list whose items begin with a backquoted ``zkprove/...py`` path, in order."""
    return re.findall(r"^\d+\. `(zkprove/[\w/]+\.py)`", text, re.MULTILINE)


def test_the_one_proof_example_proves_and_a_wrong_input_fails():
    namespace = {"__name__": "one_proof_doc"}
    (block,) = blocks(ONE_PROOF_DOC.read_text(), "python")
    exec(compile(block, "docs/one_proof.md", "exec"), namespace)
    assert namespace["report"].ok and namespace["witness"].public == [35]
    wrong = namespace["verify"](namespace["vk"], [36], namespace["proof"])
    assert not wrong.ok and wrong.reason.startswith("pairing check failed")


def test_the_path_of_one_proof_is_short_and_the_readme_lists_it_in_order():
    doc = path_files(ONE_PROOF_DOC.read_text())
    assert 0 < len(doc) <= MAX_PATH_FILES
    assert all((ROOT / name).is_file() for name in doc)
    assert path_files((ROOT / "README.md").read_text()) == doc
