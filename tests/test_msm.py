"""Pippenger MSM against py_ecc's naive sum of s_i * P_i, edge cases and bad inputs."""

import random

import numpy as np
import py_ecc.bn128 as bn128
import py_ecc.optimized_bn128 as optimized
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_curve import _raw_g2, twist_point_outside_g2

from zkprove.curve import G1, G2
from zkprove.curve.msm import MAX_WINDOW_BITS, num_windows, signed_digits, window_bits
from zkprove.field.params import R

IDS = ["G1", "G2"]
GROUPS = [(G1, bn128.G1), (G2, bn128.G2)]
scalar = st.one_of(st.integers(0, R - 1), st.sampled_from([0, 1, 2, R - 1, R - 2, (R - 1) // 2, (R + 1) // 2]))


def limbs(scalars: list[int]) -> np.ndarray:
    return np.array([[(k >> (64 * i)) & (2**64 - 1) for i in range(4)] for k in scalars], dtype=np.uint64).reshape(-1, 4)


def naive(points: list, scalars: list[int]):
    acc = None
    for point, k in zip(points, scalars):
        acc = bn128.add(acc, bn128.multiply(point, k))
    return acc


def random_points(generator, n: int, rng: random.Random) -> list:
    return [bn128.multiply(generator, rng.randrange(1, R)) for _ in range(n)]


@pytest.fixture(scope="module")
def pools():
    """A few random py_ecc points per group, shared by the tests (py_ecc multiply is slow)."""
    rng = random.Random(7)
    return {G1: random_points(bn128.G1, 6, rng), G2: random_points(bn128.G2, 4, rng)}


@settings(max_examples=25, deadline=None)
@given(st.data())
@pytest.mark.parametrize("group", [G1, G2], ids=IDS)
def test_msm_matches_naive_sum(pools, group, data):
    pool = pools[group] + [None]
    n = data.draw(st.integers(1, 6 if group is G1 else 3), label="n")
    points = data.draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n), label="points")
    scalars = data.draw(st.lists(scalar, min_size=n, max_size=n), label="scalars")
    as_limbs = data.draw(st.booleans(), label="limb scalars")
    result = group.msm(group.from_py_ecc(points), limbs(scalars) if as_limbs else scalars)
    assert result.shape == (2,) + group.element_shape
    assert group.to_py_ecc(result[None]) == [naive(points, scalars)]


@pytest.mark.parametrize("group,generator", GROUPS, ids=IDS)
def test_msm_edge_cases(pools, group, generator):
    p, q = pools[group][:2]
    cases = [
        ([p], [0]),
        ([p], [1]),
        ([p], [R - 1]),
        ([p, q], [0, 0]),
        ([p, p, p], [5, 5, R - 5]),  # repeated points, the same bucket
        ([p, bn128.neg(p)], [7, 7]),  # cancels inside a bucket: P + (-P)
        ([p, bn128.neg(p), q], [7, 7, 7]),  # ... then infinity + Q in the next round
        ([p, q, p, q], [1, R - 1, R - 1, 1]),  # mixed +-1 scalars
        ([None, p, None], [3, 4, 0]),
        ([generator] * 5, [R - 1] * 5),
    ]
    for points, scalars in cases:
        got = group.to_py_ecc(group.msm(group.from_py_ecc(points), scalars))
        assert got == naive(points, scalars), (points, scalars)
    assert group.to_py_ecc(group.msm(group.infinity(0), [])) is None


@pytest.mark.parametrize("group", [G1, G2], ids=IDS)
def test_msm_many_points_against_scalar_mul(group):
    """n = 3000: several windows, multi-round buckets and the doubling path (repeated bases).

    The reference sums [s_i]P_i (checked against py_ecc in test_curve) with
    py_ecc's projective addition.
    """
    rng = random.Random(3)
    n = 3000 if group is G1 else 600
    seeds = group.scalar_mul(group.generator(), [rng.randrange(1, R) for _ in range(40)])
    bases = seeds[np.array([rng.randrange(40) for _ in range(n)])]
    scalars = [rng.choice([0, 1, R - 1, rng.randrange(R), rng.randrange(2**20)]) for _ in range(n)]
    terms = group.to_py_ecc(group.scalar_mul(bases, scalars), optimized=True)
    expected = optimized.Z1 if group is G1 else optimized.Z2
    for term in terms:
        expected = optimized.add(expected, term)
    got = group.to_py_ecc(group.msm(bases, scalars)[None], optimized=True)[0]
    assert optimized.eq(got, expected)
    only_bits = [k % 2 for k in range(n)]  # a witness full of bits: one bucket, deep rounds
    terms_bits = [t for t, k in zip(group.to_py_ecc(bases, optimized=True), only_bits) if k]
    expected_bits = optimized.Z1 if group is G1 else optimized.Z2
    for term in terms_bits:
        expected_bits = optimized.add(expected_bits, term)
    assert optimized.eq(group.to_py_ecc(group.msm(bases, only_bits)[None], optimized=True)[0], expected_bits)


def _edge_mix(group, n: int, seed: int):
    """n bases drawn from 40 seeds (so repeated), every 7th at infinity, and scalars mixing 0, 1, r - 1,
    2, small and full-size values; with the expected sum from per-term scalar multiplication and py_ecc."""
    rng = random.Random(seed)
    seeds = group.scalar_mul(group.generator(), [rng.randrange(1, R) for _ in range(40)])
    bases = seeds[np.array([rng.randrange(40) for _ in range(n)])]
    bases[::7] = 0
    scalars = [rng.choice([0, 1, R - 1, 2, rng.randrange(2**16), rng.randrange(R)]) for _ in range(n)]
    expected = optimized.Z1 if group is G1 else optimized.Z2
    for term in group.to_py_ecc(group.scalar_mul(bases, scalars), optimized=True):
        expected = optimized.add(expected, term)
    return bases, scalars, expected


@pytest.mark.parametrize("group,k", [(G1, 11), (G2, 7)], ids=IDS)
def test_msm_sizes_around_powers_of_two(group, k):
    """n = 2^k - 1, 2^k, 2^k + 1 with repeated bases, bases at infinity and 0, 1, r - 1 scalars."""
    for n in (2**k - 1, 2**k, 2**k + 1):
        bases, scalars, expected = _edge_mix(group, n, seed=n)
        got = group.to_py_ecc(group.msm(bases, scalars)[None], optimized=True)[0]
        assert optimized.eq(got, expected), n


@pytest.mark.slow
@pytest.mark.parametrize("group,k", [(G1, 16), (G2, 12)], ids=IDS)
def test_msm_large_sizes_around_powers_of_two(group, k):
    """The window sizes of proving-key MSMs: n = 2^k - 1 and 2^k + 1."""
    for n in (2**k - 1, 2**k + 1):
        bases, scalars, expected = _edge_mix(group, n, seed=n)
        got = group.to_py_ecc(group.msm(bases, scalars)[None], optimized=True)[0]
        assert optimized.eq(got, expected), n


def test_msm_of_nothing_and_of_only_zeros():
    """n = 0, and n = 1 with a zero scalar or a base at infinity: the point at infinity."""
    for group in (G1, G2):
        assert group.to_py_ecc(group.msm(group.infinity(0), [])) is None
        assert group.to_py_ecc(group.msm(group.generator(), [0])) is None
        assert group.to_py_ecc(group.msm(group.infinity(1), [5])) is None
        assert group.to_py_ecc(group.msm(group.infinity(3), [1, R - 1, 0])) is None


@settings(max_examples=50, deadline=None)
@given(st.lists(scalar, min_size=1, max_size=8), st.integers(1, MAX_WINDOW_BITS))
def test_signed_digits_reconstruct_the_scalar(scalars, c):
    digits = np.empty((num_windows(c), len(scalars)), np.int32)
    signed_digits(limbs(scalars), np.zeros(len(scalars), np.bool_), c, digits)
    assert np.abs(digits).max() <= 2 ** (c - 1)
    for i, k in enumerate(scalars):
        value = sum(int(d) << (c * w) for w, d in enumerate(digits[:, i]))
        assert value % R == k
        assert abs(value) <= (R - 1) // 2


def test_window_bits_is_monotone_and_bounded():
    sizes = [1, 2**4, 2**8, 2**12, 2**16, 2**20, 2**24]
    bits = [window_bits(n) for n in sizes]
    assert bits == sorted(bits) and 1 <= bits[0] and bits[-1] <= MAX_WINDOW_BITS


@pytest.mark.parametrize("group", [G1, G2], ids=IDS)
def test_prepared_bases_are_reused(group):
    points = group.scalar_mul(group.generator(), [1, 2, 3])
    bases = group.prepare(points)
    assert len(bases) == 3
    for scalars in ([1, 1, 1], [0, 5, R - 1]):
        assert np.array_equal(group.msm(bases, scalars), group.msm(points, scalars))
    other = G2 if group is G1 else G1
    with pytest.raises(ValueError, match="prepared for"):
        other.msm(bases, [1, 1, 1])


@pytest.mark.parametrize("group", [G1, G2], ids=IDS)
def test_msm_bad_inputs(group):
    points = group.scalar_mul(group.generator(), [1, 2, 3])
    with pytest.raises(ValueError, match="3 bases but 2 scalars"):
        group.msm(points, [1, 2])
    with pytest.raises(ValueError, match="scalar 2 is"):
        group.msm(points, [1, 2, R])
    with pytest.raises(ValueError, match="scalar 1 is"):
        group.msm(points, [1, -2, 3])
    with pytest.raises(ValueError, match="scalar 0 is a str"):
        group.msm(points, ["1", 2, 3])
    bad_limbs = limbs([1, 2, 3])
    bad_limbs[1] = np.uint64(2**64 - 1)
    with pytest.raises(ValueError, match="scalars 1 is not reduced"):
        group.msm(points, bad_limbs)
    with pytest.raises(ValueError, match="dtype uint64"):
        group.msm(points, limbs([1, 2, 3]).astype(np.int64))
    with pytest.raises(ValueError, match="shape"):
        group.msm(points, limbs([1, 2, 3])[:, :3])
    off_curve = points.copy()
    off_curve[1, 1] = points[0, 1]
    with pytest.raises(ValueError, match="point 1 is not on the"):
        group.prepare(off_curve)
    with pytest.raises(ValueError, match="affine"):
        group.prepare(group.to_jacobian(points))


def test_g2_msm_rejects_bases_outside_the_subgroup():
    bases = np.concatenate([G2.generator(), _raw_g2(twist_point_outside_g2())])
    with pytest.raises(ValueError, match="bases: point 1 is not in the G2 subgroup"):
        G2.msm(bases, [1, 1])


def test_prepared_bases_survive_pickling():
    """Provers receive keys through Ray's object store: prepared bases must still work there."""
    import pickle

    from zkprove.curve import G1

    bases = G1.prepare(G1.scalar_mul(G1.generator(), [1, 2, 3]))
    copied = pickle.loads(pickle.dumps(bases))
    assert copied.group is G1
    assert G1.to_py_ecc(G1.msm(copied, [1, 1, 1])) == G1.to_py_ecc(G1.scalar_mul(G1.generator(), [6]))[0]
