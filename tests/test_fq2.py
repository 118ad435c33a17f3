"""Fq2 kernels against py_ecc's FQ2 (u^2 = -1, real part first)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc.fields import bn128_FQ2 as FQ2

from zkprove.field import fq2, wide
from zkprove.field.params import FQ_SPEC, P, int_to_limbs, limbs_to_int

_R_INV = pow(1 << 256, -1, P)
elements = st.tuples(st.integers(0, P - 1), st.integers(0, P - 1))
nonzero = elements.filter(lambda e: e != (0, 0))
edge_values = st.sampled_from([(0, 0), (1, 0), (0, 1), (P - 1, P - 1), (P - 1, 0), (0, P - 1)])


def kernel(value: tuple[int, int]) -> tuple:
    """A pair of ints as the kernel's tuple of Montgomery limb tuples."""
    return fq2.constant(*value)


def ints(result: tuple) -> tuple[int, int]:
    """A kernel result (boxed to Python ints) back to a pair of ints."""
    return tuple(limbs_to_int(part) * _R_INV % P for part in result)


def ref(value: tuple[int, int]) -> FQ2:
    return FQ2(list(value))


def ref_ints(value: FQ2) -> tuple[int, int]:
    return tuple(int(c) for c in value.coeffs)


@settings(max_examples=60, deadline=None)
@given(st.one_of(elements, edge_values), st.one_of(elements, edge_values))
def test_binary_ops_match_py_ecc(a, b):
    assert ints(fq2.add(kernel(a), kernel(b))) == ref_ints(ref(a) + ref(b))
    assert ints(fq2.sub(kernel(a), kernel(b))) == ref_ints(ref(a) - ref(b))
    assert ints(fq2.mul(kernel(a), kernel(b))) == ref_ints(ref(a) * ref(b))


@settings(max_examples=60, deadline=None)
@given(st.one_of(elements, edge_values))
def test_unary_ops_match_py_ecc(a):
    assert ints(fq2.neg(kernel(a))) == ref_ints(-ref(a))
    assert ints(fq2.square(kernel(a))) == ref_ints(ref(a) * ref(a))
    assert ints(fq2.double(kernel(a))) == ref_ints(ref(a) + ref(a))
    assert ints(fq2.conjugate(kernel(a))) == (a[0], (-a[1]) % P)
    assert bool(fq2.is_zero(kernel(a))) == (a == (0, 0))


@settings(max_examples=40, deadline=None)
@given(nonzero)
def test_inverse(a):
    assert ints(fq2.inv(kernel(a))) == ref_ints(ref((1, 0)) / ref(a))


@settings(max_examples=30, deadline=None)
@given(elements, elements.map(lambda e: e[0]))
def test_mul_by_base_field_and_equal(a, k):
    k_limbs = fq2.constant(k, 0)[0]
    assert ints(fq2.mul_by_fq(kernel(a), k_limbs)) == ref_ints(ref(a) * k)
    assert fq2.equal(kernel(a), kernel(a))
    assert not fq2.equal(kernel(a), kernel(((a[0] + 1) % P, a[1])))


def test_constants():
    assert ints(fq2.ONE) == (1, 0)
    assert ints(fq2.ZERO) == (0, 0)


def test_array_round_trip():
    values = [(0, 0), (1, 2), (P - 1, 5)]
    arr = fq2.from_ints(values)
    assert arr.shape == (3, 2, 4) and arr.dtype == np.uint64
    assert fq2.to_ints(arr) == values


def test_from_ints_rejects_unreduced():
    with pytest.raises(ValueError):
        fq2.from_ints([(0, 0), (P, 1)])


@settings(max_examples=100, deadline=None)
@given(st.one_of(elements, edge_values), st.one_of(elements, edge_values))
def test_lazy_reduced_product_is_canonical(a, b):
    """Both parts of a product come out fully reduced (below p), as equality tests need."""
    assert all(limbs_to_int(part) < P for part in fq2.mul(kernel(a), kernel(b)))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, P - 1), st.integers(0, P - 1), st.integers(0, P * (1 << 256) - 1))
def test_wide_product_and_reduction_match_python_ints(x, y, t):
    """product is exact, reduce is REDC into [0, p) for any t < p * 2^256, sub_mod stays congruent and in range."""
    def limbs8(value):
        return int_to_limbs(value % (1 << 256)) + int_to_limbs(value >> 256)

    def value8(limbs):
        return limbs_to_int(limbs[:4]) + (limbs_to_int(limbs[4:]) << 256)

    assert value8(wide.product(int_to_limbs(x), int_to_limbs(y))) == x * y
    assert limbs_to_int(wide.reduce(limbs8(t), FQ_SPEC)) == t * _R_INV % P
    difference = value8(wide.sub_mod(limbs8(x * x), limbs8(y * y), FQ_SPEC.modulus))
    assert difference % P == (x * x - y * y) % P and 0 <= difference < P << 256
