"""Fr and Fq array arithmetic against Python ints, on random values and the edges."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkprove.field import Fq, Fr
from zkprove.field.params import FQ_SPEC, FR_SPEC, P, R, int_to_limbs, limbs_to_int

FIELDS = [Fr, Fq]


def edge_values(q: int) -> list[int]:
    return [0, 1, 2, q - 1, q - 2, (q - 1) // 2, 1 << 64, (1 << 128) - 1, 1 << 253]


def elements(q: int):
    return st.lists(st.one_of(st.integers(0, q - 1), st.sampled_from(edge_values(q))), min_size=1, max_size=40)


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_constants_match_py_ecc(field):
    from py_ecc import bn128

    assert (P, R) == (bn128.field_modulus, bn128.curve_order)
    spec = FR_SPEC if field is Fr else FQ_SPEC
    assert limbs_to_int(spec.one) == (1 << 256) % field.modulus


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_arithmetic_matches_python_ints(field, data):
    q = field.modulus
    xs = data.draw(elements(q))
    ys = data.draw(st.lists(st.integers(0, q - 1), min_size=len(xs), max_size=len(xs)))
    a, b = field.from_ints(xs), field.from_ints(ys)
    assert field.to_ints(a) == xs
    assert field.to_ints(field.add(a, b)) == [(x + y) % q for x, y in zip(xs, ys)]
    assert field.to_ints(field.sub(a, b)) == [(x - y) % q for x, y in zip(xs, ys)]
    assert field.to_ints(field.mul(a, b)) == [x * y % q for x, y in zip(xs, ys)]
    assert field.to_ints(field.neg(a)) == [-x % q for x in xs]
    assert field.to_ints(field.square(a)) == [x * x % q for x in xs]


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_edge_cases(field):
    q = field.modulus
    xs = edge_values(q)
    a = field.from_ints(xs)
    table = [(x, y) for x in xs for y in xs]
    left = field.from_ints([x for x, _ in table])
    right = field.from_ints([y for _, y in table])
    assert field.to_ints(field.mul(left, right)) == [x * y % q for x, y in table]
    assert field.to_ints(field.add(left, right)) == [(x + y) % q for x, y in table]
    assert field.to_ints(field.sub(left, right)) == [(x - y) % q for x, y in table]
    assert field.to_ints(field.neg(a))[0] == 0  # -0 = 0, not q
    nonzero = field.from_ints(xs[1:])
    assert field.to_ints(field.inv(nonzero)) == [pow(x, -1, q) for x in xs[1:]]


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
@pytest.mark.parametrize("n", [1, 2, 255, 256, 1000, 4099])
def test_batch_inverse_matches_single_inverse(field, n):
    rng = np.random.default_rng(n)
    xs = [int(rng.integers(1, 2**62)) * int(rng.integers(1, 2**62)) % field.modulus or 1 for _ in range(n)]
    xs[0] = field.modulus - 1
    a = field.from_ints(xs)
    assert np.array_equal(field.batch_inv(a), field.inv(a))
    assert field.to_ints(field.batch_inv(a)) == [pow(x, -1, field.modulus) for x in xs]


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_pow(field):
    q = field.modulus
    xs = [0, 1, 2, q - 1, 12345]
    a = field.from_ints(xs)
    for e in [0, 1, 2, 5, q - 2, q - 1, (q - 1) // 2, 2**300 + 7]:
        assert field.to_ints(field.pow(a, e)) == [pow(x, e, q) for x in xs], e


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
@pytest.mark.parametrize("byteorder", ["big", "little"])
def test_byte_round_trip(field, byteorder):
    xs = [0, 1, field.modulus - 1, 0xDEADBEEF << 100]
    encoded = field.to_bytes(field.from_ints(xs), byteorder)
    assert encoded == b"".join(x.to_bytes(32, byteorder) for x in xs)
    assert field.to_ints(field.from_bytes(encoded, byteorder)) == xs


def test_standard_limbs_layout():
    x = (5 << 192) | (4 << 128) | (3 << 64) | 2
    assert Fr.standard_limbs([x]).tolist() == [[2, 3, 4, 5]]
    assert tuple(int(v) for v in int_to_limbs(x)) == (2, 3, 4, 5)


@pytest.mark.parametrize(
    "values, message",
    [
        ([1, R], "value 1 is"),
        ([1, 2, -1], "value 2 is -1"),
        ([0, 1.5], "value 1 is a float"),
        ([2**256], "value 0 is"),
    ],
)
def test_from_ints_rejects_out_of_range(values, message):
    with pytest.raises(ValueError, match=message):
        Fr.from_ints(values)


def test_validate_names_the_problem():
    good = Fr.from_ints([1, 2, 3])
    with pytest.raises(ValueError, match="dtype uint64"):
        Fr.mul(good.astype(np.int64), good)
    with pytest.raises(ValueError, match=r"shape \(n, 4\)"):
        Fr.mul(good.reshape(-1), good)
    with pytest.raises(ValueError, match="different lengths"):
        Fr.add(good, good[:2])
    unreduced = good.copy()
    unreduced[2] = np.array(int_to_limbs(R), dtype=np.uint64)
    with pytest.raises(ValueError, match="right operand 2 is not reduced below the Fr modulus"):
        Fr.add(good, unreduced)
    with pytest.raises(ValueError, match="element 1 is zero"):
        Fq.batch_inv(Fq.from_ints([3, 0, 4]))
    with pytest.raises(ValueError, match="not a multiple of 32"):
        Fr.from_bytes(b"\x00" * 33)
    with pytest.raises(ValueError, match="byteorder"):
        Fr.to_bytes(good, "middle")
    with pytest.raises(ValueError, match="non-negative"):
        Fr.pow(good, -1)


def test_empty_arrays():
    empty = Fr.from_ints([])
    assert empty.shape == (0, 4)
    assert Fr.to_ints(Fr.mul(empty, empty)) == []
    assert Fr.to_ints(Fr.batch_inv(empty)) == []


def test_read_only_and_strided_inputs_are_accepted():
    a = Fr.from_ints([5, 6, 7, 8])
    frozen = a.copy()
    frozen.setflags(write=False)
    assert Fr.to_ints(Fr.mul(frozen, frozen)) == [25, 36, 49, 64]
    assert Fr.to_ints(a[::2]) == [5, 7]
