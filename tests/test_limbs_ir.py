"""The MSM's inlined products (zkprove/field/limbs_ir.py) against Python integers and the called products."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from zkprove.field import fq2
from zkprove.field import montgomery as fq
from zkprove.field.limbs_ir import fq2_mul, fq2_square, mont_mul
from zkprove.field.params import FQ_SPEC, P, limbs_to_int

_R = 1 << 256
_R_INV = pow(_R, -1, P)
values = st.one_of(st.integers(0, P - 1), st.sampled_from([0, 1, 2, P - 1, P - 2, (P - 1) // 2, _R % P]))
pairs = st.tuples(values, values)


@njit(cache=True)
def _mont_mul(a, b):
    return mont_mul(a, b, FQ_SPEC.modulus, FQ_SPEC.inv)


@njit(cache=True)
def _fq2_mul(a, b):
    return fq2_mul(a, b, FQ_SPEC.modulus, FQ_SPEC.inv)


@njit(cache=True)
def _fq2_square(a):
    return fq2_square(a, FQ_SPEC.modulus, FQ_SPEC.inv)


def mont(x: int) -> tuple:
    """x in [0, p) as Montgomery limbs."""
    return fq2.constant(x, 0)[0]


def value(limbs) -> int:
    """Montgomery limbs back to an int, insisting they are fully reduced."""
    raw = limbs_to_int(limbs)
    assert raw < P, "result not reduced below p"
    return raw * _R_INV % P


@settings(max_examples=150, deadline=None)
@given(values, values)
def test_mont_mul_matches_python_ints_and_the_called_product(x, y):
    result = _mont_mul(mont(x), mont(y))
    assert value(result) == x * y % P
    assert tuple(result) == tuple(fq.mul(mont(x), mont(y), FQ_SPEC))


@settings(max_examples=150, deadline=None)
@given(pairs, pairs)
def test_fq2_mul_and_square_match_python_ints(a, b):
    """(a0 + a1 u)(b0 + b1 u) with u^2 = -1; the square also against the called Fq2 square."""
    ka, kb = fq2.constant(*a), fq2.constant(*b)
    real, imag = _fq2_mul(ka, kb)
    assert (value(real), value(imag)) == ((a[0] * b[0] - a[1] * b[1]) % P, (a[0] * b[1] + a[1] * b[0]) % P)
    real, imag = _fq2_square(ka)
    assert (value(real), value(imag)) == ((a[0] ** 2 - a[1] ** 2) % P, 2 * a[0] * a[1] % P)
    assert _fq2_square(ka) == fq2.square(ka)


def test_a_wrong_product_is_told_apart():
    """The check above can fail: 2 * 3 is not 7, and an unreduced result (p itself) is refused."""
    assert value(_mont_mul(mont(2), mont(3))) != 7
    with pytest.raises(AssertionError, match="not reduced"):
        value(FQ_SPEC.modulus)
