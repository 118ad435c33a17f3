"""The precompile models on both arithmetics (numba and py_ecc), and the inputs EIP-196/197 make them refuse."""

import pytest
from helpers.simulator import g1_mul, g2_mul, g2_point_outside_subgroup
from hypothesis import given, settings
from hypothesis import strategies as st

from zkprove.groth16.data import G1_INFINITY, G2_INFINITY
from zkprove.l1.arithmetic import NATIVE, PY_ECC
from zkprove.l1.curve import P, R, g1_error, g2_error
from zkprove.l1.encoding import pack_words, pairing_input, unpack_words
from zkprove.l1.precompiles import PrecompileError, ec_add, ec_mul, ec_pairing

OFF_CURVE_G1 = (1, 3)
ONE, ZERO = pack_words((1,)), pack_words((0,))
both_arithmetics = pytest.mark.parametrize("arithmetic", [NATIVE, PY_ECC], ids=lambda a: a.name)


@both_arithmetics
def test_ec_add_and_ec_mul_agree_with_py_ecc(arithmetic):
    p, q = g1_mul(5), g1_mul(7)
    assert unpack_words(ec_add(pack_words(p + q), arithmetic)) == list(g1_mul(12))
    assert unpack_words(ec_mul(pack_words(p + (3,)), arithmetic)) == list(g1_mul(15))


@both_arithmetics
def test_infinity_is_all_zeros_and_behaves_as_identity(arithmetic):
    p = g1_mul(5)
    assert unpack_words(ec_add(pack_words(p + G1_INFINITY), arithmetic)) == list(p)
    assert unpack_words(ec_add(pack_words(p + (p[0], P - p[1])), arithmetic)) == [0, 0]
    assert unpack_words(ec_mul(pack_words(p + (0,)), arithmetic)) == [0, 0]
    assert unpack_words(ec_mul(pack_words(p + (R,)), arithmetic)) == [0, 0], "the scalar is not reduced, and r*P is infinity"


@both_arithmetics
def test_short_input_is_zero_padded_and_extra_bytes_ignored(arithmetic):
    p = g1_mul(5)
    assert ec_add(pack_words(p), arithmetic) == pack_words(p), "missing second point reads as infinity"
    assert ec_mul(pack_words(p + (2,)) + b"extra", arithmetic) == pack_words(g1_mul(10))


@both_arithmetics
def test_g1_validity_rules(arithmetic):
    assert g1_error(g1_mul(3), arithmetic) is None and g1_error(G1_INFINITY, arithmetic) is None
    x, y = g1_mul(3)
    assert "modulus p" in g1_error((x + P, y), arithmetic)
    assert "not on the curve" in g1_error(OFF_CURVE_G1, arithmetic)
    for bad in (pack_words(OFF_CURVE_G1 + (1, 2)), pack_words((x, y + P, 1, 2))):
        with pytest.raises(PrecompileError):
            ec_add(bad, arithmetic)
    with pytest.raises(PrecompileError, match="not on the curve"):
        ec_mul(pack_words(OFF_CURVE_G1 + (1,)), arithmetic)


@both_arithmetics
def test_g2_validity_rules(arithmetic):
    q = g2_mul(3)
    (x_re, x_im), y = q
    assert g2_error(q, arithmetic) is None and g2_error(G2_INFINITY, arithmetic) is None
    assert "modulus p" in g2_error(((x_re, x_im + P), y), arithmetic)
    assert "twist" in g2_error(((x_im, x_re), y), arithmetic), "swapped Fq2 order is off the curve"
    assert "subgroup" in g2_error(g2_point_outside_subgroup(), arithmetic)


@both_arithmetics
def test_pairing_check_accepts_a_balanced_product_and_refuses_bad_input(arithmetic):
    p, q = g1_mul(6), g2_mul(35)
    assert ec_pairing(b"", arithmetic) == ONE
    assert ec_pairing(pairing_input([(p, q), ((p[0], P - p[1]), q)]), arithmetic) == ONE
    assert ec_pairing(pairing_input([(p, q), (p, q)]), arithmetic) == ZERO
    with pytest.raises(PrecompileError, match="192-byte"):
        ec_pairing(b"\0" * 191, arithmetic)
    with pytest.raises(PrecompileError, match="pair 1 G2 point: not in the order-r subgroup"):
        ec_pairing(pairing_input([(p, q), (p, g2_point_outside_subgroup())]), arithmetic)
    with pytest.raises(PrecompileError, match="pair 0 G1 point"):
        ec_pairing(pairing_input([(OFF_CURVE_G1, q)]), arithmetic)


@both_arithmetics
def test_pairing_with_infinity_is_one(arithmetic):
    assert ec_pairing(pairing_input([(G1_INFINITY, g2_mul(2)), (g1_mul(2), G2_INFINITY)]), arithmetic) == ONE


@both_arithmetics
def test_bilinearity_through_the_models(arithmetic):
    """e(ab*G1, G2) * e(-a*G1, b*G2) = 1."""
    a, b = 11, 13
    assert ec_pairing(pairing_input([(g1_mul(a * b), g2_mul(1)), (g1_mul(-a), g2_mul(b))]), arithmetic) == ONE


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.sampled_from(["add", "mul", "pairing"]))
def test_arbitrary_bytes_give_an_answer_or_a_precompile_error(data, which):
    """Nothing but PrecompileError leaves the native models, and the answer matches py_ecc's."""
    call = {"add": ec_add, "mul": ec_mul, "pairing": ec_pairing}[which]
    outcomes = []
    for arithmetic in (NATIVE, PY_ECC) if which != "pairing" else (NATIVE,):
        try:
            outcomes.append(call(data, arithmetic))
        except PrecompileError as error:
            outcomes.append(str(error))
    assert len(set(outcomes)) == 1


@both_arithmetics
def test_pairing_refuses_coordinates_at_or_above_p(arithmetic):
    p, q = g1_mul(6), g2_mul(35)
    (x_re, x_im), y = q
    with pytest.raises(PrecompileError, match="pair 0 G1 point: coordinate x is not below"):
        ec_pairing(pairing_input([((p[0] + P, p[1]), q)]), arithmetic)
    with pytest.raises(PrecompileError, match="pair 1 G2 point: coordinate x.im is not below"):
        ec_pairing(pairing_input([(p, q), (p, ((x_re, x_im + P), y))]), arithmetic)


def test_recurring_pairs_keep_their_answers():
    """The native arithmetic keeps Miller values of pairs met twice and prepared lines of G2 points;
    the third and later checks of the same pairs, true or false, answer as the first did."""
    p, q, other = g1_mul(6), g2_mul(35), g1_mul(7)
    balanced = pairing_input([(p, q), ((p[0], P - p[1]), q)])
    unbalanced = pairing_input([(p, q), (other, q)])
    mixed = pairing_input([(p, q), ((other[0], P - other[1]), q)])
    for _ in range(4):
        assert ec_pairing(balanced, NATIVE) == ONE
        assert ec_pairing(unbalanced, NATIVE) == ZERO
        assert ec_pairing(mixed, NATIVE) == ZERO
    assert ec_pairing(mixed, PY_ECC) == ZERO
