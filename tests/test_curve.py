"""G1/G2 arithmetic, conversions and validation against py_ecc, edge cases included."""

import random

import numpy as np
import py_ecc.bn128 as bn128
import py_ecc.optimized_bn128 as optimized
import pytest
from py_ecc.fields import bn128_FQ2 as FQ2

from zkprove.curve import G1, G2
from zkprove.curve.subgroup import SEED
from zkprove.field.params import P, R

GROUPS = [(G1, bn128.G1), (G2, bn128.G2)]
IDS = ["G1", "G2"]


def twist_point_outside_g2() -> tuple:
    """A py_ecc point on the G2 twist but not in the r-order subgroup (x = 1 + 0u)."""

    def mul(a, b):
        return ((a[0] * b[0] - a[1] * b[1]) % P, (a[0] * b[1] + a[1] * b[0]) % P)

    def sqrt(a):  # p = 3 mod 4: square roots through the norm
        norm = (a[0] ** 2 + a[1] ** 2) % P
        n = pow(norm, (P + 1) // 4, P)
        for s in (n, P - n):
            t = (a[0] + s) * pow(2, -1, P) % P
            x0 = pow(t, (P + 1) // 4, P)
            if x0 and mul((x0, a[1] * pow(2 * x0, -1, P) % P), (x0, a[1] * pow(2 * x0, -1, P) % P)) == a:
                return (x0, a[1] * pow(2 * x0, -1, P) % P)
        return None

    b2 = tuple(int(c) for c in bn128.b2.coeffs)
    for x0 in range(1, 100):
        x = (x0, 0)
        rhs = mul(mul(x, x), x)
        y = sqrt(((rhs[0] + b2[0]) % P, (rhs[1] + b2[1]) % P))
        if y:
            return (FQ2(list(x)), FQ2(list(y)))
    raise AssertionError("no twist point found")


def twist_cofactor() -> int:
    trace = 6 * SEED**2 + 1
    return (P + 1 - trace) * (P - 1 + trace) // R


def random_points(generator, n: int, rng: random.Random) -> list:
    return [bn128.multiply(generator, rng.randrange(1, R)) for _ in range(n)]


@pytest.mark.parametrize("group,generator", GROUPS, ids=IDS)
def test_generator_and_round_trips(group, generator):
    assert group.to_py_ecc(group.generator()) == [generator]
    points = [generator, None, bn128.neg(generator), bn128.double(generator)]
    arr = group.from_py_ecc(points)
    assert arr.shape == (4, 2) + group.element_shape
    assert not arr[1].any(), "infinity is encoded as all-zero affine limbs"
    assert group.to_py_ecc(arr) == points
    as_optimized = group.to_py_ecc(arr, optimized=True)
    assert optimized.is_inf(as_optimized[1])
    base = optimized.G1 if group is G1 else optimized.G2
    expected = [optimized.multiply(base, k) for k in (1, 0, R - 1, 2)]
    assert all(optimized.eq(a, b) for a, b in zip(as_optimized, expected))
    assert np.array_equal(group.from_py_ecc(as_optimized), arr)


@pytest.mark.parametrize("group,generator", GROUPS, ids=IDS)
def test_from_optimized_projective_normalizes(group, generator):
    base = optimized.G1 if group is G1 else optimized.G2
    projective = optimized.multiply(base, 5)  # z != 1 in general
    expected = group.from_py_ecc([bn128.multiply(generator, 5)])
    assert np.array_equal(group.from_py_ecc([projective]), expected)


@pytest.mark.parametrize("group,generator", GROUPS, ids=IDS)
def test_add_double_neg_edge_cases(group, generator):
    rng = random.Random(1)
    p, q = random_points(generator, 2, rng)
    left = [p, p, p, None, p, None, q]
    right = [q, p, bn128.neg(p), p, None, None, bn128.neg(q)]
    a, b = group.from_py_ecc(left), group.from_py_ecc(right)
    expected = [bn128.add(x, y) for x, y in zip(left, right)]
    assert group.to_py_ecc(group.add(a, b)) == expected, "affine + affine"
    ja, jb = group.to_jacobian(a), group.to_jacobian(b)
    assert group.to_py_ecc(group.add(ja, b)) == expected, "Jacobian + affine (mixed)"
    assert group.to_py_ecc(group.add(a, jb)) == expected, "affine + Jacobian (mixed, swapped)"
    assert group.to_py_ecc(group.add(ja, jb)) == expected, "Jacobian + Jacobian"
    assert group.add(ja, jb).shape[1] == 3
    assert group.to_py_ecc(group.double(a)) == [bn128.double(x) if x else None for x in left]
    assert group.to_py_ecc(group.double(ja)) == [bn128.double(x) if x else None for x in left]
    assert group.to_py_ecc(group.neg(a)) == [bn128.neg(x) if x else None for x in left]
    assert group.to_py_ecc(group.neg(ja)) == [bn128.neg(x) if x else None for x in left]


@pytest.mark.parametrize("group,generator", GROUPS, ids=IDS)
def test_scalar_mul(group, generator):
    rng = random.Random(2)
    points = random_points(generator, 3, rng) + [None]
    scalars = [0, 1, R - 1, rng.randrange(R), 2, rng.randrange(R)]
    bases = points + points[:2]
    arr = group.from_py_ecc(bases)
    expected = [bn128.multiply(p, k) if p else None for p, k in zip(bases, scalars)]
    assert group.to_py_ecc(group.scalar_mul(arr, scalars)) == expected
    limbs = np.array([[(k >> (64 * i)) & (2**64 - 1) for i in range(4)] for k in scalars], dtype=np.uint64)
    assert group.to_py_ecc(group.scalar_mul(group.to_jacobian(arr), limbs)) == expected
    broadcast = group.scalar_mul(group.generator(), [3, 0])
    assert group.to_py_ecc(broadcast) == [bn128.multiply(generator, 3), None]


@pytest.mark.parametrize("group", [G1, G2], ids=IDS)
def test_batch_to_affine_across_chunks(group):
    """Infinity scattered among 200 points (several thread chunks) survives batch inversion."""
    scalars = [0 if k % 7 == 0 else k for k in range(200)]
    jac = group.scalar_mul(group.to_jacobian(group.generator()), scalars)
    assert jac.shape[1] == 3
    affine = group.to_affine(jac)
    expected = group.scalar_mul(group.generator(), scalars)
    assert np.array_equal(affine, expected)
    assert np.array_equal(group.to_affine(group.to_jacobian(affine)), affine)
    assert group.is_on_curve(affine).all()


def test_g2_subgroup_membership():
    outside = twist_point_outside_g2()
    assert bn128.is_on_curve(outside, bn128.b2) and bn128.multiply(outside, R) is not None
    cleared = bn128.multiply(outside, twist_cofactor())
    assert bn128.multiply(cleared, R) is None
    arr = np.concatenate([G2.generator(), G2.from_py_ecc([cleared]), _raw_g2(outside), G2.infinity()])
    assert G2.is_on_curve(arr).tolist() == [True, True, True, True]
    assert G2.in_subgroup(arr).tolist() == [True, True, False, True]
    with pytest.raises(ValueError, match="point 2 is not in the G2 subgroup"):
        G2.validate(arr)
    with pytest.raises(ValueError, match="point 0 is not in the G2 subgroup"):
        G2.from_py_ecc([outside])


def _raw_g2(point) -> np.ndarray:
    """An affine G2 array of a twist point, bypassing validation."""
    from zkprove.field import fq2

    return fq2.from_ints([[int(c) for c in point[0].coeffs], [int(c) for c in point[1].coeffs]]).reshape(1, 2, 2, 4)


@pytest.mark.parametrize("group", [G1, G2], ids=IDS)
def test_bad_inputs_name_the_problem(group):
    good = group.scalar_mul(group.generator(), [1, 2, 3])
    with pytest.raises(ValueError, match="dtype uint64"):
        group.validate(good.astype(np.int64))
    with pytest.raises(ValueError, match="shape"):
        group.validate(good[:, :, :3] if group is G1 else good[:, :, 0])
    with pytest.raises(ValueError, match="numpy array"):
        group.validate(good.tolist())
    unreduced = good.copy()
    unreduced[1, 0].flat[:4] = np.uint64(2**64 - 1)
    with pytest.raises(ValueError, match="point 1 has a coordinate >= p"):
        group.validate(unreduced)
    off_curve = good.copy()
    off_curve[2, 1] = good[1, 1]
    with pytest.raises(ValueError, match="point 2 is not on the"):
        group.validate(off_curve)
    with pytest.raises(ValueError, match="point 2 is not on the"):
        group.add(good, off_curve)
    with pytest.raises(ValueError, match="different lengths"):
        group.add(good, good[:2])
    with pytest.raises(ValueError, match="3 points but 2 scalars"):
        group.scalar_mul(good, [1, 2])
    with pytest.raises(ValueError, match="scalar 1"):
        group.scalar_mul(good, [1, R, 2])
    with pytest.raises(ValueError, match="scalar 0"):
        group.scalar_mul(good, [-1, 1, 2])
    with pytest.raises(ValueError, match="point 1 is not a py_ecc point"):
        group.from_py_ecc([None, "junk"])
    with pytest.raises(ValueError, match="point 0 is not on the"):
        group.from_py_ecc([(bn128.G1[0], bn128.G1[0])] if group is G1 else [(bn128.G2[0], bn128.G2[0])])


def test_g1_rejects_g2_arrays():
    with pytest.raises(ValueError, match="shape"):
        G1.validate(G2.generator())
