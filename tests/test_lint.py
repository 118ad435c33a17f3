"""The under-constrained lint on deliberately buggy circuits, and its fixed twins."""

import warnings

import pytest

from helpers.dsl import line_of, tamper_hint
from zkprove.dsl import Circuit, Public, Secret, UnderConstrained
from zkprove.field.params import R


def inverse_or_zero(x: int) -> int:
    return pow(x, -1, R) if x else 0


def low_bits(x: int) -> list[int]:
    return [(x >> i) & 1 for i in range(4)]


class RawIsZero(Circuit):
    """circomlib's IsZero written with a raw hint: out = 1 - x*inv and x*out = 0."""

    x: Secret
    out: Public

    def define(self, api):
        inv = api.hint(inverse_or_zero, self.x)
        out = 1 - self.x * inv
        api.assert_equal(self.x * out, 0)
        api.assert_equal(out, self.out)


class RawIsZeroMissingCheck(Circuit):
    """The same without x*out = 0: a prover sets inv = 0 and claims any x is zero."""

    x: Secret
    out: Public

    def define(self, api):
        inv = api.hint(inverse_or_zero, self.x)  # buggy-iszero
        api.assert_equal(1 - self.x * inv, self.out)


class UncheckedComparison(Circuit):
    """a < b on 16 bits without range-checking a and b: a = r - 1 "is less" than anything."""

    a: Secret
    b: Secret

    def define(self, api):
        api.assert_in_range(self.b, 16)
        api.assert_equal(api.less_than(self.a, self.b, 16), 1)  # unchecked-cmp


class CheckedComparison(UncheckedComparison):
    def define(self, api):
        api.assert_in_range(self.a, 16)
        super().define(api)


class UnusedSecret(Circuit):
    a: Secret
    b: Secret
    c: Public

    def define(self, api):
        api.assert_equal(self.a * self.a, self.c)


class BitsWithoutBooleans(Circuit):
    """A hinted 4-bit decomposition whose bits are only recomposed: bits can be any field values."""

    x: Secret

    def define(self, api):
        bits = api.hint(low_bits, self.x, n_outputs=4)  # linear-bits
        api.assert_equal(sum(b * (1 << i) for i, b in enumerate(bits)), self.x)


class BitsWithBooleans(Circuit):
    x: Secret

    def define(self, api):
        bits = api.hint(low_bits, self.x, n_outputs=4)
        for bit in bits:
            api.assert_bool(bit)
        api.assert_equal(sum(b * (1 << i) for i, b in enumerate(bits)), self.x)


class UnusedHint(Circuit):
    x: Secret

    def define(self, api):
        api.assert_bool(self.x)
        api.hint(inverse_or_zero, self.x)  # unused-hint


def findings(circuit_class) -> list:
    with pytest.raises(UnderConstrained) as err:
        circuit_class.compile()
    return err.value.findings


def test_correct_circuits_pass():
    for circuit_class in (RawIsZero, CheckedComparison, BitsWithBooleans):
        assert circuit_class.compile().findings == []
    cs = RawIsZero.compile()
    assert cs.n_constraints == 3
    assert cs.solve(x=0, out=1).public == [1] and cs.solve(x=5, out=0).public == [0]


def test_iszero_missing_its_second_constraint():
    (f,) = findings(RawIsZeroMissingCheck)
    assert f.rule == "unchecked-hint" and "inverse_or_zero" in f.message
    assert f.where.endswith(line_of(__file__, "buggy-iszero"))
    with pytest.warns(UserWarning):
        cs = RawIsZeroMissingCheck.compile(strict=False)  # the bug it prevents: a false proof
    tamper_hint(cs, "inverse_or_zero", lambda x: 0)
    assert cs.solve(x=5, out=1).public == [1]


def test_comparison_missing_range_check():
    (f,) = findings(UncheckedComparison)
    assert f.rule == "unchecked-range" and "input a" in f.message
    assert f.where == f"less_than, {line_of(__file__, 'unchecked-cmp')}"
    with pytest.warns(UserWarning):
        cs = UncheckedComparison.compile(strict=False)  # r - 1 < 5 "holds"
    cs.check(cs.solve(a=R - 1, b=5).values)


def test_unused_secret_input():
    (f,) = findings(UnusedSecret)
    assert f.rule == "unused-input" and "secret input b" in f.message


def test_bits_without_boolean_checks():
    (f,) = findings(BitsWithoutBooleans)
    assert f.rule == "linear-hint" and f.where.endswith(line_of(__file__, "linear-bits"))


def test_unused_hint_output():
    rules = {f.rule for f in findings(UnusedHint)}
    assert rules == {"unused-hint"}


def test_non_strict_turns_errors_into_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cs = UnusedSecret.compile(strict=False)
    assert [f.rule for f in cs.findings] == ["unused-input"]
    assert any("secret input b" in str(w.message) for w in caught)


def test_unused_public_input_is_a_warning():
    class UnusedPublic(Circuit):
        a: Secret
        p: Public

        def define(self, api):
            api.assert_bool(self.a)

    with pytest.warns(UserWarning, match="public input p"):
        cs = UnusedPublic.compile()
    assert not cs.findings[0].error
