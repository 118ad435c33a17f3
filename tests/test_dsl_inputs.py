"""Input values: one parser for ``cs.solve`` and ``inputs.json``; and the Python questions a Var refuses."""

import json

import pytest
from typer.testing import CliRunner

from zkprove.cli import app
from zkprove.cli.errors import EXIT_UNUSABLE
from zkprove.dsl import (
    Circuit, CircuitError, InputError, Public, Record, Secret, Signal, VarMisuse, evaluate, parse_inputs,
)
from zkprove.dsl.inputs import MAX_INPUT_DEPTH, MAX_VALUE_CHARS, parse_value
from zkprove.field.params import R


class Transfer(Record):
    to: Signal
    amount: Signal


class Ledger(Circuit):
    """The sum of the transfers' amounts is public; each amount fits in 32 bits."""

    total: Public
    transfers: Secret[Transfer, 3]

    def define(self, api):
        for transfer in self.transfers:
            api.assert_in_range(transfer.amount, 32)
            api.assert_nonzero(transfer.to)
        api.assert_equal(api.add(0, 0, *(t.amount for t in self.transfers)), self.total)


GOOD = {"total": 60, "transfers": [{"to": 1, "amount": 10}, {"to": 2, "amount": 20}, {"to": 3, "amount": 30}]}


@pytest.fixture(scope="module")
def ledger():
    return Ledger.compile()


@pytest.mark.parametrize("text, value", [
    ("0", 0), ("007", 7), ("12345678901234567890", 12345678901234567890), ("0x1f", 31), ("0xABCdef", 0xABCDEF),
    ("-1", R - 1), (str(R - 1), R - 1), (hex(R - 1), R - 1), (True, 1), (False, 0), (-5, R - 5),
])
def test_accepted_values(text, value):
    assert parse_value(text, "x") == value


@pytest.mark.parametrize("bad, message", [
    (str(R), "outside"), (hex(R), "outside"), (-R, "outside"), (R + 5, "outside"), (1 << 300, "outside"),
    ("1.5", "decimal or 0x-hex"), ("", "decimal or 0x-hex"), ("0x", "decimal or 0x-hex"),
    ("+5", "decimal or 0x-hex"), (" 5", "decimal or 0x-hex"), ("-0x5", "decimal or 0x-hex"),
    ("0b101", "decimal or 0x-hex"), ("1_000", "decimal or 0x-hex"), ("1" * (MAX_VALUE_CHARS + 1), "characters"),
    (1.0, "got float"), (None, "got NoneType"), (b"1", "got bytes"),
])
def test_refused_values_name_the_input(bad, message):
    with pytest.raises(InputError, match=f"input transfers\\[2\\].amount.*{message}|{message}.*transfers"):
        parse_value(bad, "transfers[2].amount")


def test_solve_reads_strings_as_the_cli_does(ledger):
    strings = parse_inputs(json.loads(json.dumps(GOOD, default=str)))
    as_text = {"total": "0x3c", "transfers": [{"to": "1", "amount": "10"}, {"to": "0x2", "amount": "20"},
                                              {"to": 3, "amount": "030"}]}
    expected = ledger.solve(**GOOD).values
    assert ledger.solve(**as_text).values == expected
    assert ledger.solve(**parse_inputs(as_text)).values == expected == ledger.solve(**strings).values


def test_solve_errors_name_the_input_path(ledger):
    bad = json.loads(json.dumps(GOOD))
    bad["transfers"][2]["amount"] = "12.5"
    with pytest.raises(InputError, match=r"input transfers\[2\]\.amount must be a decimal or 0x-hex"):
        ledger.solve(**bad)
    with pytest.raises(InputError, match=r"input transfers\[2\]\.amount must be"):
        parse_inputs(bad)
    bad["transfers"][2]["amount"] = str(R)
    with pytest.raises(InputError, match=r"input transfers\[2\]\.amount = 0x30644e.* outside \(-r, r\)"):
        ledger.solve(**bad)


def test_parse_inputs_keeps_the_shape_and_caps_the_depth():
    assert parse_inputs({"a": ["1", ["0x2", {"b": -1}]]}) == {"a": [1, [2, {"b": R - 1}]]}
    deep = 1
    for _ in range(MAX_INPUT_DEPTH + 1):
        deep = [deep]
    with pytest.raises(InputError, match="nested more than"):
        parse_inputs({"a": deep})


@pytest.fixture(scope="module")
def ledger_key(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ledger")
    result = CliRunner().invoke(app, ["setup", "test_dsl_inputs:Ledger", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def _prove_from(folder, document):
    (folder / "inputs.json").write_text(json.dumps(document))
    return CliRunner().invoke(app, [
        "prove", "--pk", str(folder / "proving_key.npz"), "--inputs", str(folder / "inputs.json"),
        "--circuit", "test_dsl_inputs:Ledger", "-o", str(folder / "proof.json"),
        "--public", str(folder / "public.json"), "--force"])


def test_cli_reads_inputs_json_with_the_same_parser(ledger_key):
    good = {"total": "60", "transfers": [{"to": "0x1", "amount": 10}, {"to": "2", "amount": "20"},
                                         {"to": "-3", "amount": "30"}]}
    result = _prove_from(ledger_key, good)
    assert result.exit_code == 0, result.output
    assert json.loads((ledger_key / "public.json").read_text()) == ["60"]
    bad = json.loads(json.dumps(good))
    bad["transfers"][1]["amount"] = "2e1"
    result = _prove_from(ledger_key, bad)
    assert result.exit_code == EXIT_UNUSABLE
    assert "input transfers[1].amount must be a decimal or 0x-hex integer" in result.output
    assert "Traceback" not in result.output


# -- a Var answers no Python question about its value --------------------------------

@pytest.mark.parametrize("question, advice", [
    (lambda x: x == 3, "api.is_equal(a, b)"), (lambda x: 3 == x, "api.assert_equal(a, b)"),
    (lambda x: x != 3, "api.is_equal"), (lambda x: x < 3, "api.less_than(a, b, n)"),
    (lambda x: x <= 3, "api.less_or_equal(a, b, n)"), (lambda x: x > 3, "api.less_than(b, a, n)"),
    (lambda x: 3 < x, "api.less_than(b, a, n)"), (lambda x: x >= 3, "api.less_or_equal(b, a, n)"),
    (lambda x: x == x * x, "api.assert_equal"), (lambda x: bool(x), "api.select"), (lambda x: not x, "api.select"),
])
def test_comparisons_refuse_with_the_api_call_to_use(question, advice):
    with pytest.raises(VarMisuse, match=advice.replace("(", r"\(").replace(")", r"\)")) as caught:
        evaluate(lambda api, x: question(x), 1)
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, CircuitError)
    assert "test_dsl_inputs.py:" in str(caught.value)


class Branchy(Circuit):
    """The bug the refusal catches: ``if self.a == 3`` used to be False and drop the branch."""

    a: Secret
    b: Public

    def define(self, api):
        if self.a == 3:
            api.assert_equal(self.b, 1)
        api.assert_equal(self.a * self.a, self.b)


def test_a_branch_on_a_var_fails_the_compile_and_the_cli_says_why():
    with pytest.raises(VarMisuse, match="api.is_equal"):
        Branchy.compile()
    result = CliRunner().invoke(app, ["r1cs", "info", "test_dsl_inputs:Branchy"])
    assert result.exit_code == EXIT_UNUSABLE
    assert "api.is_equal(a, b)" in result.output and "Traceback" not in result.output


def test_vars_stay_hashable_and_other_objects_compare_by_identity():
    def use_as_keys(api, x, y):
        table = {x: 1, y: 2}
        assert x in table and x in {x} and x in [x] and x != None  # noqa: E711
        assert api.mul(x, y, 1) is not None
        return [table[y], api.mul(x, y)]

    assert evaluate(use_as_keys, 3, 4) == [2, 12]
