"""Baby Jubjub (EIP-2494) against circomlibjs vectors, and its in-circuit gadgets against the plain model."""

import json
from pathlib import Path

import pytest
from helpers.dsl import tamper_hint

from zkprove import Circuit, Public, Secret
from zkprove.dsl import UnsatisfiedConstraint, evaluate
from zkprove.field.params import R
from zkprove.gadgets import babyjubjub as bj

VECTORS = json.loads((Path(__file__).parent / "vectors" / "eddsa_circomlibjs.json").read_text())


def point(p):
    return int(p[0]), int(p[1])


def test_constants_match_circomlibjs():
    assert point(VECTORS["base8"]) == bj.BASE8 and point(VECTORS["generator"]) == bj.GENERATOR
    assert int(VECTORS["suborder"]) == bj.SUBORDER and bj.ORDER == 8 * bj.SUBORDER
    assert bj.mul(bj.GENERATOR, 8) == bj.BASE8
    assert bj.in_subgroup(bj.BASE8) and not bj.in_subgroup(bj.GENERATOR)  # G has order 8l
    assert bj.on_curve(bj.IDENTITY) and not bj.on_curve((1, 1)) and not bj.on_curve((0, 1 + R))


@pytest.mark.parametrize("case", VECTORS["add"])
def test_add_vectors(case):
    assert bj.add(point(case["p"]), point(case["q"])) == point(case["sum"])


@pytest.mark.parametrize("case", VECTORS["mul"])
def test_mul_vectors(case):
    k = int(case["k"])
    assert bj.mul(bj.BASE8, k) == point(case["base8_k"])
    assert bj.mul(bj.GENERATOR, k) == point(case["generator_k"])


P = bj.mul(bj.GENERATOR, 12345)  # a point outside the subgroup: the gadgets must not need one
Q = bj.mul(bj.BASE8, 678)


def test_circuit_add_and_double():
    def gadget(api, p, q):
        return bj.point_add(api, p, q), bj.point_double(api, p)

    for p, q in ((P, Q), (Q, Q), (bj.IDENTITY, P), (P, bj.IDENTITY)):
        added, doubled = evaluate(gadget, list(p), list(q))
        assert tuple(added) == bj.add(p, q) and tuple(doubled) == bj.add(p, p)


@pytest.mark.parametrize("k", [0, 1, 2, 5, 2**64 + 3, bj.SUBORDER - 1, 2**253 + 12345])
def test_circuit_scalar_multiplications(k):
    bits = [(k >> i) & 1 for i in range(254)]
    assert tuple(evaluate(lambda api, b, p: bj.scalar_mul(api, b, p), bits, list(P))) == bj.mul(P, k)
    assert tuple(evaluate(lambda api, b: bj.fixed_base_mul(api, b, bj.BASE8), bits)) == bj.mul(bj.BASE8, k)
    odd = bits[:253]  # an odd bit count ends in a 1-bit window
    assert tuple(evaluate(lambda api, b: bj.fixed_base_mul(api, b, bj.BASE8), odd)) == bj.mul(bj.BASE8, k % 2**253)


class Sum(Circuit):
    """Knows curve points p, q with p + q == total."""

    p: Secret[2]
    q: Secret[2]
    total: Public[2]

    def define(self, api):
        bj.assert_on_curve(api, self.p)
        bj.assert_on_curve(api, self.q)
        for coordinate, expected in zip(bj.point_add(api, self.p, self.q), self.total):
            api.assert_equal(coordinate, expected)


def test_costs_and_bad_witnesses():
    cs = Sum.compile()
    assert cs.n_constraints == 3 + 3 + 6 + 2
    total = list(bj.add(P, Q))
    cs.check(cs.solve(p=list(P), q=list(Q), total=total).values)
    with pytest.raises(UnsatisfiedConstraint) as bad:
        cs.solve(p=[P[0], P[1] + 1], q=list(Q), total=total)
    assert bad.value.gadget == "babyjub_on_curve"
    tamper_hint(cs, "_quotient", lambda num, den: 7, occurrence=0)  # a prover lying about the sum
    with pytest.raises(UnsatisfiedConstraint) as bad:
        cs.solve(p=list(P), q=list(Q), total=total)
    assert bad.value.gadget == "babyjub_add"
