"""The benchmark circuits against their plain-Python reference models."""

import pytest

from circuits.chains import MulChain, PoseidonChain, mul_chain_reference, poseidon_chain_reference
from zkprove.dsl import UnsatisfiedConstraint
from zkprove.field.params import R


@pytest.mark.parametrize("n", [1, 2, 17])
def test_mul_chain(n):
    cs = MulChain(n).compile()
    assert (cs.n_constraints, cs.n_wires, cs.n_public) == (n, n + 2, 1)
    for a in (0, 1, 3, R - 1):
        w = cs.solve(a=a, out=mul_chain_reference(a, n))
        cs.check(w.values)
    with pytest.raises(UnsatisfiedConstraint):
        cs.solve(a=3, out=mul_chain_reference(3, n) + 1)


def test_poseidon_chain():
    cs = PoseidonChain(2).compile()
    assert cs.n_constraints == 2 * 237 + 1  # two hashes, then out == h
    w = cs.solve(seed=11, out=poseidon_chain_reference(11, 2))
    cs.check(w.values)
    with pytest.raises(UnsatisfiedConstraint):
        cs.solve(seed=12, out=poseidon_chain_reference(11, 2))
