"""The numba pairing against py_ecc: the tower, the final exponentiation, the pairing, and its laws.

py_ecc's FQ12 is a polynomial ring Fq[w]/(w^12 - 18 w^6 + 82), a slow,
independent implementation; our tower Fq2[v][w] maps onto it by u = w^6 - 9
and v = w^2 (:func:`to_py_ecc_fq12`), so every tower operation is checked
against plain polynomial arithmetic there.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit
from py_ecc import optimized_bn128 as bn

from zkprove.curve import G1, G2
from zkprove.field.params import P, R
from zkprove.pairing import final_exponentiation, fq12, miller_loop, pairing, pairing_check
from zkprove.pairing import reference
from zkprove.pairing.final_exp import easy_part
from zkprove.pairing.miller import ATE_DIGITS, ATE_LOOP, signed_digits

scalars = st.integers(min_value=1, max_value=R - 1)
elements = st.lists(st.integers(min_value=0, max_value=P - 1), min_size=12, max_size=12)


def to_py_ecc_fq12(arr: np.ndarray) -> bn.FQ12:
    """Our tower element as py_ecc's FQ12: (a + b u) v^j w^i = ((a - 9b) + b w^6) w^(i + 2j)."""
    ints = fq12.to_ints(arr)
    coeffs = [0] * 12
    for i in range(2):
        for j in range(3):
            a, b = ints[(3 * i + j) * 2], ints[(3 * i + j) * 2 + 1]
            coeffs[i + 2 * j] = (coeffs[i + 2 * j] + a - 9 * b) % P
            coeffs[i + 2 * j + 6] = (coeffs[i + 2 * j + 6] + b) % P
    return bn.FQ12(coeffs)


@njit(cache=True)
def _apply(code, a, b, out):
    x, y = fq12.load(a), fq12.load(b)
    if code == 0:
        result = fq12.mul(x, y)
    elif code == 1:
        result = fq12.square(x)
    elif code == 2:
        result = fq12.inv(x)
    elif code == 3:
        result = fq12.frobenius(x)
    elif code == 4:
        result = fq12.conjugate(x)
    else:
        result = fq12.mul_by_034(x, y[0][0], y[1][0], y[1][1])
    fq12.store(out, result)


def apply(code: int, a: np.ndarray, b: np.ndarray | None = None) -> bn.FQ12:
    out = np.empty((2, 3, 2, 4), np.uint64)
    _apply(code, a, a if b is None else b, out)
    return to_py_ecc_fq12(out)


def g1(k: int) -> np.ndarray:
    return G1.from_py_ecc([bn.multiply(bn.G1, k)])


def g2(k: int) -> np.ndarray:
    return G2.from_py_ecc([bn.multiply(bn.G2, k)])


def sparse_line(c0: int, c3: int, c4: int) -> np.ndarray:
    """An element with only the coefficients a line value has (w^0, w^1, w^3) set."""
    values = [0] * 12
    values[0:2], values[6:8], values[8:10] = (c0, (c0 + 1) % P), (c3, 2 * c3 % P), (c4, 3)
    return fq12.from_ints(values)


# -- the tower against py_ecc's polynomial FQ12 --------------------------------------


@settings(max_examples=25, deadline=None)
@given(elements, elements)
def test_fq12_arithmetic_matches_polynomial_arithmetic(a, b):
    x, y = fq12.from_ints(a), fq12.from_ints(b)
    px, py = to_py_ecc_fq12(x), to_py_ecc_fq12(y)
    assert apply(0, x, y) == px * py
    assert apply(1, x) == px * px
    assert apply(3, x) == px**P
    assert apply(4, x) == px ** (P**6)
    if px != bn.FQ12.zero():
        assert apply(2, x) * px == bn.FQ12.one()


@settings(max_examples=15, deadline=None)
@given(elements, st.integers(0, P - 1), st.integers(0, P - 1), st.integers(0, P - 1))
def test_sparse_line_product_equals_the_dense_product(a, c0, c3, c4):
    x, line = fq12.from_ints(a), sparse_line(c0, c3, c4)
    assert apply(5, x, line) == to_py_ecc_fq12(x) * to_py_ecc_fq12(line)


def test_edge_elements_zero_one_and_p_minus_one():
    zero, one = fq12.from_ints([0] * 12), fq12.from_ints([1] + [0] * 11)
    top = fq12.from_ints([P - 1] * 12)
    assert apply(0, top, one) == to_py_ecc_fq12(top)
    assert apply(0, top, zero) == bn.FQ12.zero()
    assert apply(1, top) == to_py_ecc_fq12(top) ** 2
    assert apply(2, one) == bn.FQ12.one()


@settings(max_examples=5, deadline=None)
@given(elements)
def test_final_exponentiation_matches_py_ecc(a):
    x = fq12.from_ints(a)
    px = to_py_ecc_fq12(x)
    assert to_py_ecc_fq12(final_exponentiation(x)) == bn.final_exponentiate(px)


@njit(cache=True)
def _squares_after_easy_part(a, out_cyclotomic, out_plain):
    t = easy_part(fq12.load(a))
    fq12.store(out_cyclotomic, fq12.cyclotomic_square(t))
    fq12.store(out_plain, fq12.square(t))


def test_cyclotomic_square_equals_square_in_the_cyclotomic_subgroup():
    rng = np.random.default_rng(5)
    for _ in range(3):
        x = fq12.from_ints([int(v) for v in rng.integers(0, 2**62, 12)])
        cyclotomic, plain = np.empty_like(x), np.empty_like(x)
        _squares_after_easy_part(x, cyclotomic, plain)
        assert np.array_equal(cyclotomic, plain)
        assert not np.array_equal(cyclotomic, fq12.from_ints([1] + [0] * 11))


# -- the pairing --------------------------------------------------------------------


def test_loop_digits_are_a_signed_form_of_6x_plus_2():
    assert sum(d << i for i, d in enumerate(ATE_DIGITS)) == ATE_LOOP
    assert all(d in (-1, 0, 1) for d in ATE_DIGITS)
    assert all(not (a and b) for a, b in zip(ATE_DIGITS, ATE_DIGITS[1:])), "non-adjacent form"
    assert signed_digits(7) == (-1, 0, 0, 1)


@settings(max_examples=4, deadline=None)
@given(scalars, scalars)
def test_pairing_equals_py_ecc(a, b):
    ours = to_py_ecc_fq12(pairing(g1(a), g2(b)))
    assert ours == bn.pairing(bn.multiply(bn.G2, b), bn.multiply(bn.G1, a))


@settings(max_examples=30, deadline=None)
@given(scalars, scalars)
def test_bilinearity(a, b):
    """e(aP, bQ) * e(-ab P, Q) = 1, and e(aP, bQ) = e(P, Q)^(ab)."""
    assert pairing_check(np.concatenate([g1(a), g1(R - a * b % R)]), np.concatenate([g2(b), g2(1)]))
    assert not pairing_check(np.concatenate([g1(a), g1(R - a * b % R + 1)]), np.concatenate([g2(b), g2(1)]))


def test_bilinearity_as_powers_of_the_generators_pairing():
    a, b = 123456789, 987654321
    base = to_py_ecc_fq12(pairing(G1.generator(), G2.generator()))
    assert to_py_ecc_fq12(pairing(g1(a), g2(b))) == base ** (a * b)


def test_non_degeneracy_and_order_r():
    value = to_py_ecc_fq12(pairing(G1.generator(), G2.generator()))
    assert value != bn.FQ12.one()
    assert value**R == bn.FQ12.one()


@settings(max_examples=20, deadline=None)
@given(scalars, scalars)
def test_a_point_and_its_negation_cancel(a, b):
    p = g1(a)
    assert pairing_check(np.concatenate([p, G1.neg(p)]), np.concatenate([g2(b), g2(b)]))


def test_infinity_in_any_slot_contributes_one():
    p, q = g1(6), g2(35)
    assert pairing_check(G1.infinity(1), q) and pairing_check(p, G2.infinity(1))
    both = pairing_check(np.concatenate([G1.infinity(1), p, G1.neg(p)]), np.concatenate([q, q, G2.infinity(1)]))
    assert not both, "e(P, O) = 1 leaves e(-P, Q) alone, which is not 1"
    assert pairing_check(np.zeros((0, 2, 4), np.uint64), np.zeros((0, 2, 2, 4), np.uint64)), "empty product"


def test_multi_miller_loop_is_the_product_of_single_loops():
    ps, qs = np.concatenate([g1(3), g1(5), g1(7)]), np.concatenate([g2(11), g2(13), g2(17)])
    together = to_py_ecc_fq12(final_exponentiation(miller_loop(ps, qs)))
    apart = [to_py_ecc_fq12(pairing(ps[i : i + 1], qs[i : i + 1])) for i in range(3)]
    assert together == apart[0] * apart[1] * apart[2]


def test_the_py_ecc_reference_agrees_on_true_and_false_products():
    ps, qs = np.concatenate([g1(6), g1(R - 6)]), np.concatenate([g2(35), g2(35)])
    assert reference.pairing_check(ps, qs) and pairing_check(ps, qs)
    ps[1] = g1(5)[0]
    assert not reference.pairing_check(ps, qs) and not pairing_check(ps, qs)


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="2 G1 points but 1 G2 points"):
        pairing_check(np.concatenate([g1(1), g1(2)]), g2(1))
