"""Poseidon: LFSR-generated constants, circomlibjs vectors (plain and in-circuit), costs, bad witnesses."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkprove import Circuit, Public, Secret
from zkprove.dsl import UnsatisfiedConstraint, evaluate
from zkprove.field.params import R
from zkprove.gadgets import (
    assert_poseidon,
    permute,
    poseidon,
    poseidon_ex,
    poseidon_ex_circuit,
    poseidon_hash,
    poseidon_params,
)
from zkprove.gadgets.poseidon_constants import PARTIAL_ROUNDS

#: circomlibjs's vectors, copied into the repository (provenance in tests/vectors/README.md).
VECTORS = json.loads((Path(__file__).parent / "vectors" / "poseidon_circomlib.json").read_text())
HASHES = [([int(x) for x in v["inputs"]], int(v["output"])) for v in VECTORS["poseidon"]]
EX = [
    ([int(x) for x in v["inputs"]], int(v["initState"]), v["nOuts"], [int(x) for x in v["outputs"]])
    for v in VECTORS["poseidonEx"]
]


def test_vectors_cover_every_width():
    assert {len(inputs) + 1 for inputs, _ in HASHES} == set(PARTIAL_ROUNDS) == set(range(2, 8))


def test_constants_have_the_published_shape():
    """Spot values published in circomlib's poseidon_constants.circom (t = 3: C[0] and M[0][0])."""
    params = poseidon_params(3)
    assert params.round_constants[0] == 0x0EE9A592BA9A9518D05986D656F40C2114C4993C11BB29938D21D47304CD8E6E
    assert params.mds[0][0] == 0x109B7F411BA0E4C9B2B70CAF5C36A7B194BE7C11AD24378BFEDB68592BA8118B
    for t in PARTIAL_ROUNDS:
        p = poseidon_params(t)
        assert len(p.round_constants) == (8 + PARTIAL_ROUNDS[t]) * t
        assert all(0 <= c < R for c in p.round_constants)
        assert len(p.mds) == t and all(len(row) == t for row in p.mds)


@pytest.mark.parametrize(("inputs", "output"), HASHES)
def test_plain_hash_matches_circomlibjs(inputs, output):
    assert poseidon_hash(inputs) == output


@pytest.mark.parametrize(("inputs", "init", "n_outs", "outputs"), EX)
def test_plain_poseidon_ex_matches_circomlibjs(inputs, init, n_outs, outputs):
    assert poseidon_ex(inputs, init, n_outs) == outputs
    assert permute([init, *inputs])[:n_outs] == outputs


@pytest.mark.parametrize(("inputs", "output"), HASHES)
def test_in_circuit_hash_matches_circomlibjs(inputs, output):
    assert evaluate(poseidon, inputs) == output


@pytest.mark.parametrize(("inputs", "init", "n_outs", "outputs"), EX)
def test_in_circuit_poseidon_ex_matches_circomlibjs(inputs, init, n_outs, outputs):
    assert evaluate(poseidon_ex_circuit, inputs, init, n_outs=n_outs) == outputs


def test_constant_inputs_fold_to_a_constant():
    assert evaluate(lambda api: poseidon(api, [1, 2])) == poseidon_hash([1, 2])


class HashCheck(Circuit):
    """Knows inputs whose Poseidon hash is the public ``out``."""

    def __init__(self, n: int, fold: bool = True):
        self.x = Secret(n)
        self.out = Public()
        self.fold = fold

    def define(self, api):
        if self.fold:
            assert_poseidon(api, self.x, self.out)
        else:
            api.assert_equal(poseidon(api, self.x), self.out)


@pytest.mark.parametrize("t", sorted(PARTIAL_ROUNDS))
def test_constraint_count_is_three_per_sbox(t):
    """3 per S-box, less the constant capacity S-box of round 0: circom2 --O2's count for circomlib."""
    expected = 3 * (8 * t + PARTIAL_ROUNDS[t]) - 3
    assert HashCheck(t - 1).compile().n_constraints == expected
    assert HashCheck(t - 1, fold=False).compile().n_constraints == expected + 1


def test_poseidon2_and_poseidon5_counts():
    assert HashCheck(2).compile().n_constraints == 240
    assert HashCheck(5).compile().n_constraints == 321


def test_wrong_output_fails_naming_the_gadget():
    cs = HashCheck(2).compile()
    good = poseidon_hash([1, 2])
    assert cs.solve(x=[1, 2], out=good).public == [good]
    with pytest.raises(UnsatisfiedConstraint, match="poseidon3"):
        cs.solve(x=[1, 2], out=good + 1)
    with pytest.raises(UnsatisfiedConstraint, match="poseidon3"):
        cs.solve(x=[2, 1], out=good)


def test_tampered_internal_wire_fails_the_system_check():
    cs = HashCheck(3).compile()
    values = cs.solve(x=[4, 5, 6], out=poseidon_hash([4, 5, 6])).values
    cs.check(values)
    for wire in (5, len(values) // 2, len(values) - 1):
        tampered = list(values)
        tampered[wire] = (tampered[wire] + 1) % R
        with pytest.raises(UnsatisfiedConstraint):
            cs.check(tampered)


_SOLVER = HashCheck(2, fold=False).compile()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, R - 1), min_size=2, max_size=2))
def test_in_circuit_agrees_with_plain_on_random_inputs(inputs):
    """The solver checks every constraint, so a disagreeing hash raises UnsatisfiedConstraint here."""
    expected = poseidon_hash(inputs)
    assert _SOLVER.solve(x=inputs, out=expected).public == [expected]


@pytest.mark.parametrize(("inputs", "n_outs"), [([], 1), ([0] * 7, 1), ([1, 2], 0), ([1, 2], 4)])
def test_bad_arity_is_rejected(inputs, n_outs):
    with pytest.raises(ValueError, match="Poseidon"):
        poseidon_ex(inputs, 0, n_outs)


def test_unsupported_width_is_rejected():
    with pytest.raises(ValueError, match="width"):
        poseidon_params(8)
