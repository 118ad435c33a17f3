"""Every API call: constraint cost, good witnesses (solve + check) and bad ones."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.dsl import cost, tamper_hint
from zkprove.dsl import Circuit, CircuitError, Public, Secret, UnsatisfiedConstraint, evaluate
from zkprove.field.params import R

fr = st.integers(0, R - 1)
EDGES = [0, 1, 2, R - 1]


def prove(circuit_class, **inputs):
    """ProverSucceeded: compile, solve, and check every constraint of the witness."""
    cs = circuit_class.compile()
    w = cs.solve(**inputs)
    cs.check(w.values)
    return w


# -- costs (circomlib compiled by circom2 in parentheses) -----------------

@pytest.mark.parametrize("n", [1, 2, 8, 64, 253])
def test_to_bits_costs_n(n):  # Num2Bits(n) = n
    assert cost(lambda api, x: api.to_bits(x, n)) == n


@pytest.mark.parametrize("n", [1, 8, 32, 252])
def test_less_than_costs_n_plus_1(n):  # LessThan(n) = n + 1
    assert cost(lambda api, a, b: api.less_than(a, b, n), 2) == n + 1
    assert cost(lambda api, a, b: api.less_or_equal(a, b, n), 2) == n + 1


def test_fixed_costs():
    assert cost(lambda api, x: api.is_zero(x)) == 2  # IsZero = 2
    assert cost(lambda api, a, b: api.is_equal(a, b), 2) == 2  # IsEqual = 2
    assert cost(lambda api, a, b: api.add(api.sub(a, b), api.neg(a), 3 * a + b / 5 - 1), 2) == 0
    assert cost(lambda api, a, b: a * b, 2) == 1
    assert cost(lambda api, x: x ** 5) == 3  # Poseidon S-box
    assert cost(lambda api, a, b, c: api.mul(a, b, c), 3) == 2
    assert cost(lambda api, x: api.mul(x, 7) * 3) == 0
    assert cost(lambda api, x: api.inverse(x)) == 1
    assert cost(lambda api, x: api.assert_nonzero(x)) == 1
    assert cost(lambda api, a, b: api.div(a, b), 2) == 2
    assert cost(lambda api, b: api.div(1, b)) == 1
    assert cost(lambda api, a, b: api.assert_equal(a, b), 2) == 1
    assert cost(lambda api, a, b, c: api.assert_equal(a * b, c), 3) == 1  # folds like a*b === c
    assert cost(lambda api, x: api.assert_bool(x)) == 1
    assert cost(lambda api, x: api.assert_in_range(x, 16)) == 16


def test_known_facts_make_checks_free():
    def bits_then_checks(api, x):
        bits = api.to_bits(x, 8)
        for b in bits:
            api.assert_bool(b)
        api.from_bits(bits)
        api.assert_in_range(x, 8)
        api.assert_in_range(x, 9)
    assert cost(bits_then_checks) == 8

    def merkle_mux(api, bit, a, b):  # a mux in a Merkle path: 1 constraint per side
        api.assert_bool(bit)
        api.select(bit, a, b), api.select(bit, b, a)
    assert cost(merkle_mux, 3) == 3
    assert cost(lambda api, c, a, b: api.select(c, a, b), 3) == 2  # + the boolean check of c
    assert cost(lambda api, c: api.select(c, 5, 2) + api.select(c, 1, 0)) == 1  # constant branches fold


# -- semantics against plain Python ----------------------------------------

@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 253), data=st.data())
def test_to_bits_from_bits_roundtrip(n, data):
    x = data.draw(st.integers(0, (1 << n) - 1))
    bits = evaluate(lambda api, v: api.to_bits(v, n), x)
    assert bits == [(x >> i) & 1 for i in range(n)]
    assert evaluate(lambda api, bs: api.from_bits(bs), bits) == x


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 252), data=st.data())
def test_comparisons_match_python(n, data):
    a, b = data.draw(st.integers(0, (1 << n) - 1)), data.draw(st.integers(0, (1 << n) - 1))
    assert evaluate(lambda api, x, y: api.less_than(x, y, n), a, b) == int(a < b)
    assert evaluate(lambda api, x, y: api.less_or_equal(x, y, n), a, b) == int(a <= b)
    assert evaluate(lambda api, x, y: api.less_than(x, y, n), a, a) == 0


@settings(max_examples=40, deadline=None)
@given(a=fr, b=fr, c=st.sampled_from([0, 1]))
def test_arithmetic_select_and_equality_match_python(a, b, c):
    assert evaluate(lambda api, x, y: [x + y, x - y, -x, x * y, 3 * x - 7, x ** 5], a, b) == [
        (a + b) % R, (a - b) % R, -a % R, a * b % R, (3 * a - 7) % R, pow(a, 5, R)]
    assert evaluate(lambda api, k, x, y: api.select(k, x, y), c, a, b) == (a if c else b)
    assert evaluate(lambda api, x, y: api.is_equal(x, y), a, b) == int(a == b)
    assert evaluate(lambda api, x: api.is_equal(x, x + 0), a) == 1
    if b:
        assert evaluate(lambda api, x, y: [x / y, api.inverse(y)], a, b) == [a * pow(b, -1, R) % R, pow(b, -1, R)]


@pytest.mark.parametrize("x", EDGES)
def test_edges(x):
    assert evaluate(lambda api, v: api.is_zero(v), x) == int(x == 0)
    assert evaluate(lambda api, v: v * v, x) == x * x % R
    if x:
        assert evaluate(lambda api, v: api.inverse(v), x) * x % R == 1
    assert evaluate(lambda api, v: api.to_bits(v, 2), x % 4) == [x % 4 & 1, x % 4 >> 1]


def test_constants_fold_and_fail_at_compile_time():
    assert evaluate(lambda api: [api.to_bits(5, 3), api.is_zero(0), api.select(1, 4, 5), api.inverse(2) * 2]) == [
        [1, 0, 1], 1, 4, 1]
    for bad in (lambda api: api.to_bits(8, 3), lambda api: api.inverse(0), lambda api: api.div(1, 0),
                lambda api: api.assert_equal(1, 2), lambda api: api.assert_bool(2), lambda api: api.select(2, 0, 1)):
        with pytest.raises(CircuitError):
            evaluate(bad)
    with pytest.raises(ValueError):
        evaluate(lambda api, x: api.to_bits(x, 254), 1)
    with pytest.raises(TypeError, match="truth value"):
        evaluate(lambda api, x: 1 if x else 0, 1)


# -- bad witnesses must fail, naming the gadget ------------------------------

class Bits(Circuit):
    x: Secret
    low: Public

    def define(self, api):
        api.assert_equal(api.to_bits(self.x, 8)[0], self.low)


class Less(Circuit):
    a: Secret
    b: Secret

    def define(self, api):
        api.assert_in_range(self.a, 16)
        api.assert_in_range(self.b, 16)
        api.assert_equal(api.less_than(self.a, self.b, 16), 1)


class NonZero(Circuit):
    x: Secret
    zero: Public

    def define(self, api):
        api.assert_nonzero(self.x)
        api.assert_equal(api.is_zero(self.x), self.zero)


class Mux(Circuit):
    c: Secret
    a: Secret
    out: Public

    def define(self, api):
        api.assert_equal(api.select(self.c, self.a, 0), self.out)


def failing(circuit_class, **inputs) -> UnsatisfiedConstraint:
    cs = circuit_class.compile()
    with pytest.raises(UnsatisfiedConstraint) as err:
        cs.solve(**inputs)
    return err.value


def test_good_witnesses():
    assert prove(Bits, x=255, low=1).public == [1]
    prove(Less, a=3, b=65535)
    prove(NonZero, x=R - 1, zero=0)
    assert prove(Mux, c=1, a=9, out=9).public == [9]
    prove(Mux, c=0, a=9, out=0)


def test_out_of_range_and_false_statements_fail():
    assert failing(Bits, x=256, low=0).gadget == "to_bits"
    assert failing(Bits, x=R - 1, low=0).gadget == "to_bits"
    assert failing(Less, a=5, b=5).gadget == "main"  # the assertion that a < b
    assert failing(Less, a=1 << 16, b=5).gadget == "assert_in_range"
    assert failing(NonZero, x=0, zero=1).gadget == "assert_nonzero"
    assert failing(Mux, c=2, a=9, out=9).gadget == "select"
    assert failing(Mux, c=1, a=9, out=0).gadget == "main"


def test_cheating_hints_fail():
    cs = Bits.compile()
    tamper_hint(cs, "bits", lambda x: [1 - ((x >> i) & 1) for i in range(7)])
    with pytest.raises(UnsatisfiedConstraint, match="to_bits"):
        cs.solve(x=5, low=0)
    cs = NonZero.compile()
    tamper_hint(cs, "_inverse_or_zero", lambda x: 0)  # is_zero claims a nonzero x is zero
    with pytest.raises(UnsatisfiedConstraint) as err:
        cs.solve(x=3, zero=1)
    assert err.value.gadget == "assert_nonzero"
    cs = Less.compile()
    tamper_hint(cs, "bits", lambda x: [0] * 16, occurrence=2)  # claims b <= a
    with pytest.raises(UnsatisfiedConstraint) as err:
        cs.solve(a=1, b=2)
    assert err.value.gadget == "less_than"


def test_product_folds_only_while_unused():
    def escaped(api, x, y, z):
        t = x * y
        s = t + 1  # t's wire escapes into s, so the assertion must keep its own constraint
        api.assert_equal(t, z)
        api.assert_equal(s, z + 1)
    assert cost(escaped, 3) == 3

    def folded_then_reused(api, x, y, z):
        t = x * y
        api.assert_equal(t, z)  # folds into x*y = z; t now reads as z
        return t + 1
    assert cost(folded_then_reused, 3) == 1
    assert evaluate(folded_then_reused, 3, 4, 12) == 13


def test_hint_errors_name_the_hint():
    from zkprove.dsl import HintError

    with pytest.raises(HintError, match="returned 1 values, expected 2"):
        evaluate(lambda api, x: api.hint(lambda v: [v], x, n_outputs=2), 1)
    with pytest.raises(HintError, match="ZeroDivisionError"):
        evaluate(lambda api, x: api.hint(lambda v: 1 // v, x), 0)
