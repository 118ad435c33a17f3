"""GLV scalar multiplication on G1 against py_ecc and the plain double-and-add."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit
from py_ecc import optimized_bn128 as bn

from zkprove.curve import G1
from zkprove.curve import points as pt
from zkprove.curve.glv import BETA, HALF_BITS, LAMBDA, glv_mul, split, split_limbs
from zkprove.curve.kernels import load_affine, store_affine
from zkprove.field.params import P, R, int_to_limbs
from zkprove.groth16.keys import g1_to_ints
from zkprove.l1.arithmetic import from_py_ecc_g1

EDGE_SCALARS = [0, 1, 2, R - 1, R, R + 1, LAMBDA, R - LAMBDA, (1 << 256) - 1, 1 << 128, (1 << 128) - 1]


@njit(cache=True)
def _both(points, halves, limbs, out):
    p = load_affine(points, 0)
    store_affine(out, 0, pt.to_affine(glv_mul(p, halves)))
    store_affine(out, 1, pt.to_affine(pt.scalar_mul(p, (limbs[0], limbs[1], limbs[2], limbs[3]))))


def products(point: np.ndarray, k: int) -> tuple[list, list]:
    out = np.empty((2, 2, 4), np.uint64)
    _both(point, split_limbs(k), np.array(int_to_limbs(k % (1 << 256)), np.uint64), out)
    return g1_to_ints(out[0]), g1_to_ints(out[1])


def test_the_endomorphism_is_multiplication_by_lambda():
    x, y = bn.normalize(bn.multiply(bn.G1, 987654321))
    phi = (bn.FQ(int(x) * BETA % P), y, bn.FQ.one())
    assert bn.eq(phi, bn.multiply(bn.multiply(bn.G1, 987654321), LAMBDA))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, (1 << 256) - 1))
def test_split_is_a_short_decomposition(k):
    k1, k2 = split(k)
    assert (k1 + k2 * LAMBDA - k) % R == 0
    assert abs(k1) < 1 << HALF_BITS and abs(k2) < 1 << HALF_BITS


@settings(max_examples=30, deadline=None)
@given(st.one_of(st.integers(0, (1 << 256) - 1), st.sampled_from(EDGE_SCALARS)), st.integers(1, R - 1))
def test_glv_matches_double_and_add_and_py_ecc(k, base):
    point = G1.from_py_ecc([bn.multiply(bn.G1, base)])
    fast, plain = products(point, k)
    assert fast == plain
    assert fast == from_py_ecc_g1(bn.multiply(bn.G1, base * k % R))


def test_glv_of_infinity_is_infinity():
    assert products(G1.infinity(1), 12345) == ((0, 0), (0, 0))
