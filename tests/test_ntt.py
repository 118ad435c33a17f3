"""The radix-2 NTT over Fr against galois, a naive DFT and Horner evaluation.

galois is the independent oracle. Its field is built with
``primitive_element=5, verify=False`` (the default factors r - 1 for minutes)
and transforms go through ``np.fft.fft`` / ``np.fft.ifft`` on that field's
arrays: ``galois.ntt`` itself always rebuilds GF(r) with default arguments.
galois computes on Python objects, so oracle sizes stay <= 2^8.
"""

import galois
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkprove.field import Fr, R
from zkprove.field.params import limbs_to_int
from zkprove.poly import COSET_GENERATOR, EvaluationDomain
from zkprove.poly.domain import TWO_ADIC_ROOT_OF_UNITY, TWO_ADICITY
from zkprove.poly.ntt import bit_reversed_indices, coset_intt, coset_ntt, intt, ntt, poly_mul

GF = galois.GF(R, primitive_element=5, verify=False)

#: Values that stress limb carries and reduction: 0, 1, r - 1 and neighbours.
EDGES = [0, 1, 2, R - 1, R - 2, (R - 1) // 2, 2**64 - 1, 2**64, 2**192, 2**254 % R]
MONTGOMERY_R_INV = pow(2, -256, R)
element = st.one_of(st.sampled_from(EDGES), st.integers(0, R - 1))


def vectors(max_log: int) -> st.SearchStrategy[list[int]]:
    """Lists of Fr ints with a power-of-two length 2^0 .. 2^max_log."""
    return st.integers(0, max_log).flatmap(lambda k: st.lists(element, min_size=1 << k, max_size=1 << k))


def naive_dft(values: list[int], root: int) -> list[int]:
    """O(n^2) evaluation of sum_j values[j] * root^(ij) for every i."""
    n = len(values)
    return [sum(v * pow(root, i * j, R) for j, v in enumerate(values)) % R for i in range(n)]


def horner(coefficients: list[int], x: int) -> int:
    result = 0
    for c in reversed(coefficients):
        result = (result * x + c) % R
    return result


# -- the domain ----------------------------------------------------------------


def test_two_adic_root_has_exact_order_2_28():
    assert pow(TWO_ADIC_ROOT_OF_UNITY, 1 << TWO_ADICITY, R) == 1
    assert pow(TWO_ADIC_ROOT_OF_UNITY, 1 << (TWO_ADICITY - 1), R) == R - 1


def test_coset_generator_is_outside_every_domain():
    """5^(2^28) != 1, so 5^n != 1 for every supported n: g*H and H never meet."""
    assert pow(COSET_GENERATOR, 1 << TWO_ADICITY, R) != 1


@pytest.mark.parametrize("log_n", range(13))
def test_domain_root_has_exact_order_n(log_n):
    """omega^n = 1 and omega^(n/2) = -1, so its order is n and no smaller power of two."""
    n = 1 << log_n
    omega = EvaluationDomain.of(n).omega
    assert pow(omega, n, R) == 1
    if n > 1:
        assert pow(omega, n // 2, R) == R - 1


def test_domain_constants():
    d = EvaluationDomain.of(8)
    assert d.omega == int(GF.primitive_root_of_unity(8))
    assert d.omega * d.omega_inv % R == 1
    assert d.size_inv * 8 % R == 1
    assert d.coset_generator == COSET_GENERATOR == 5
    assert d.coset_generator * d.coset_generator_inv % R == 1
    assert d.vanishing_on_coset() == (pow(5, 8, R) - 1) % R != 0
    assert EvaluationDomain.of(8) is d


@pytest.mark.parametrize("log_n", [1, 3, 8])
def test_twiddle_table_rows(log_n):
    """Stage s holds omega_2^(s+1)^j, j < 2^s, at rows 2^s - 1 ...; table has n - 1 rows."""
    d = EvaluationDomain.of(1 << log_n)
    assert not d.twiddles.flags.writeable, "the cached table must be read-only"
    table = [limbs_to_int(row) * MONTGOMERY_R_INV % R for row in d.twiddles]
    assert len(table) == d.size - 1
    for stage in range(log_n):
        half = 1 << stage
        root = pow(d.omega, d.size // (2 * half), R)
        assert table[half - 1 : 2 * half - 1] == [pow(root, j, R) for j in range(half)]


def test_vanishing_on_coset_matches_direct_evaluation():
    d = EvaluationDomain.of(16)
    for i in (0, 1, 7, 15):
        x = d.coset_generator * d.element(i) % R
        assert (pow(x, 16, R) - 1) % R == d.vanishing_on_coset()


def test_other_coset_generator_omega_2n_like_snarkjs():
    omega_2n = EvaluationDomain.of(16).omega
    d = EvaluationDomain.of(8, coset_generator=omega_2n)
    coefficients = list(range(3, 11))
    got = Fr.to_ints(coset_ntt(Fr.from_ints(coefficients), d))
    assert got == [horner(coefficients, omega_2n * d.element(i) % R) for i in range(8)]
    assert d.vanishing_on_coset() == R - 2  # omega_2n^n = -1


# -- transforms against oracles ------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(vectors(4))
def test_ntt_matches_naive_dft(values):
    d = EvaluationDomain.of(len(values))
    a = Fr.from_ints(values)
    assert Fr.to_ints(ntt(a)) == naive_dft(values, d.omega)
    assert Fr.to_ints(intt(a)) == [v * d.size_inv % R for v in naive_dft(values, d.omega_inv)]


@settings(max_examples=15, deadline=None)
@given(vectors(8))
def test_ntt_and_intt_match_galois(values):
    a = Fr.from_ints(values)
    x = GF(values)
    assert Fr.to_ints(ntt(a)) == [int(v) for v in np.fft.fft(x)]
    assert Fr.to_ints(intt(a)) == [int(v) for v in np.fft.ifft(x)]


@settings(max_examples=20, deadline=None)
@given(vectors(5))
def test_coset_ntt_is_horner_on_the_coset(values):
    d = EvaluationDomain.of(len(values))
    points = [d.coset_generator * d.element(i) % R for i in range(d.size)]
    evaluations = coset_ntt(Fr.from_ints(values))
    assert Fr.to_ints(evaluations) == [horner(values, x) for x in points]
    assert Fr.to_ints(coset_intt(evaluations)) == values


@settings(max_examples=30, deadline=None)
@given(vectors(9))
def test_round_trips(values):
    a = Fr.from_ints(values)
    before = a.copy()
    assert np.array_equal(intt(ntt(a)), a)
    assert np.array_equal(ntt(intt(a)), a)
    assert np.array_equal(coset_intt(coset_ntt(a)), a)
    assert np.array_equal(coset_ntt(coset_intt(a)), a)
    assert np.array_equal(a, before), "transforms must not write to their input"


@pytest.mark.parametrize("log_n", [12, 13, 16, 17])
def test_round_trip_across_passes(log_n):
    """Sizes past one cache block take the later passes (and their edge cases)."""
    rng = np.random.default_rng(log_n)
    values = [int(x) for x in rng.integers(0, 2**63, 1 << log_n)]
    values[:3] = [R - 1, 0, 1]
    a = Fr.from_ints(values)
    assert np.array_equal(intt(ntt(a)), a)
    assert np.array_equal(coset_intt(coset_ntt(a)), a)


@pytest.mark.parametrize("log_n", [13, 17])
def test_large_ntt_spot_checks_against_horner(log_n):
    """Past one block (2^13: one later pass; 2^17: two) check evaluations directly."""
    n = 1 << log_n
    rng = np.random.default_rng(log_n)
    values = [int(x) for x in rng.integers(0, 2**63, n)]
    d = EvaluationDomain.of(n)
    out = Fr.to_ints(ntt(Fr.from_ints(values)))
    coset = Fr.to_ints(coset_ntt(Fr.from_ints(values)))
    for i in (0, 1, 4095, 4096, n // 2 + 3, n - 1):
        assert out[i] == horner(values, d.element(i))
        assert coset[i] == horner(values, d.coset_generator * d.element(i) % R)


def test_size_one_and_two():
    a = Fr.from_ints([R - 1])
    for f in (ntt, intt):
        assert Fr.to_ints(f(a)) == [R - 1]
    assert Fr.to_ints(coset_ntt(a)) == [R - 1]  # a constant polynomial
    assert Fr.to_ints(ntt(Fr.from_ints([3, R - 1]))) == [2, 4]  # p(1), p(-1) of 3 - X
    assert Fr.to_ints(coset_ntt(Fr.from_ints([3, 1]))) == [8, (3 - 5) % R]  # p(5), p(-5) of 3 + X


def test_ntt_of_delta_and_constant():
    n = 64
    delta = Fr.from_ints([1] + [0] * (n - 1))
    assert Fr.to_ints(ntt(delta)) == [1] * n
    assert Fr.to_ints(intt(Fr.from_ints([1] * n))) == [1] + [0] * (n - 1)


@settings(max_examples=15, deadline=None)
@given(st.lists(element, min_size=1, max_size=70), st.lists(element, min_size=1, max_size=70))
def test_poly_mul_matches_galois(left, right):
    expected = galois.Poly(GF(left[::-1])) * galois.Poly(GF(right[::-1]))
    got = Fr.to_ints(poly_mul(Fr.from_ints(left), Fr.from_ints(right)))
    assert len(got) == len(left) + len(right) - 1
    # galois.Poly drops leading zeros; compare as padded coefficient lists.
    want = [int(c) for c in expected.coeffs[::-1]]
    assert got == want + [0] * (len(got) - len(want))


def test_quotient_by_vanishing_on_coset():
    """The Groth16 shape: (A*B - C) / Z on the coset is a polynomial of degree < n - 1."""
    n = 16
    d = EvaluationDomain.of(2 * n)
    rng = np.random.default_rng(3)
    q = [int(x) for x in rng.integers(0, 2**63, n - 1)]
    qz = [0] * (2 * n)  # q * (X^n - 1)
    for i, c in enumerate(q):
        qz[i] = (qz[i] - c) % R
        qz[i + n] = (qz[i + n] + c) % R
    evaluations = Fr.to_ints(coset_ntt(Fr.from_ints(qz), d))
    z_points = [(pow(d.coset_generator * d.element(i), n, R) - 1) % R for i in range(2 * n)]
    quotient = [e * pow(z, -1, R) % R for e, z in zip(evaluations, z_points)]
    assert Fr.to_ints(coset_intt(Fr.from_ints(quotient), d)) == q + [0] * (n + 1)


# -- bad input -------------------------------------------------------------------


@pytest.mark.parametrize("transform", [ntt, intt, coset_ntt, coset_intt])
@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((4, 4), dtype=np.int64), "uint64"),
        (np.zeros((4, 4), dtype=np.float64), "uint64"),
        ([[0, 0, 0, 0]], "numpy array"),
        (np.zeros((4, 3), dtype=np.uint64), r"shape \(n, 4\)"),
        (np.zeros(16, dtype=np.uint64), r"shape \(n, 4\)"),
        (np.zeros((3, 4), dtype=np.uint64), "power of two, got 3"),
        (np.zeros((0, 4), dtype=np.uint64), "power of two, got 0"),
    ],
)
def test_bad_input_raises_value_error(transform, bad, message):
    with pytest.raises(ValueError, match=message):
        transform(bad)


def test_read_only_strided_and_fortran_inputs_work():
    base = Fr.from_ints(range(16))
    read_only = base[::2].copy()
    read_only.setflags(write=False)
    for a in (read_only, base[::2], np.asfortranarray(base[:8])):
        assert np.array_equal(intt(ntt(a)), np.ascontiguousarray(a))


@pytest.mark.parametrize("transform", [ntt, intt, coset_ntt, coset_intt])
def test_non_canonical_element_is_named(transform):
    a = Fr.from_ints([1, 2, 3, 4, 5, 6, 7, 8])
    a[5] = np.array(Fr.spec.modulus, dtype=np.uint64)  # exactly r
    a[6] = np.uint64(2**64 - 1)
    with pytest.raises(ValueError, match="values 5 is not reduced"):
        transform(a)


def test_size_limits():
    with pytest.raises(ValueError, match="exceeds 2\\^28"):
        EvaluationDomain.of(1 << 29)
    with pytest.raises(ValueError, match="power of two, got 6"):
        EvaluationDomain.of(6)
    with pytest.raises(ValueError, match="must be an int, got float"):
        EvaluationDomain.of(2.0)


def test_domain_mismatch_and_bad_coset_generator():
    with pytest.raises(ValueError, match="domain has size 8"):
        ntt(Fr.from_ints([1, 2, 3, 4]), EvaluationDomain.of(8))
    with pytest.raises(ValueError, match="must not lie in H"):
        EvaluationDomain.of(8, coset_generator=EvaluationDomain.of(8).omega)
    with pytest.raises(ValueError, match="must not lie in H"):
        EvaluationDomain.of(8, coset_generator=0)


def test_poly_mul_bad_input():
    with pytest.raises(ValueError, match="left must have at least one coefficient"):
        poly_mul(np.zeros((0, 4), dtype=np.uint64), Fr.from_ints([1]))
    with pytest.raises(ValueError, match="right 0 is not reduced"):
        poly_mul(Fr.from_ints([1]), np.full((1, 4), 2**64 - 1, dtype=np.uint64))


@pytest.mark.slow
def test_round_trip_2_20():
    rng = np.random.default_rng(20)
    a = Fr.from_ints(int(x) for x in rng.integers(0, 2**63, 1 << 20))
    assert np.array_equal(intt(ntt(a)), a)
    assert np.array_equal(coset_intt(coset_ntt(a)), a)


@pytest.mark.parametrize("log_n", [0, 1, 3, 10])
def test_bit_reversed_indices_reverse_the_low_bits_and_are_an_involution(log_n):
    order = bit_reversed_indices(log_n)
    expected = [int(format(i, f"0{log_n}b")[::-1] or "0", 2) for i in range(1 << log_n)]
    assert order.tolist() == expected
    assert order[order].tolist() == list(range(1 << log_n))
