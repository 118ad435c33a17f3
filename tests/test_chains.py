"""The benchmark circuits against their plain-Python reference models."""

import pytest

from circuits.chains import (
    MulChain,
    PoseidonChain,
    SquaringChain,
    domain_sized,
    mul_chain_reference,
    poseidon_chain_reference,
    squaring_chain_reference,
)
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


@pytest.mark.parametrize("n", [1, 2, 17])
def test_squaring_chain(n):
    cs = SquaringChain(n).compile()
    assert (cs.n_constraints, cs.n_wires, cs.n_public) == (n, n + 2, 1)
    for x0 in (0, 1, 3, R - 1):
        cs.check(cs.solve(x0=x0, out=squaring_chain_reference(x0, n)).values)
    with pytest.raises(UnsatisfiedConstraint):
        cs.solve(x0=3, out=squaring_chain_reference(3, n) + 1)


def test_squaring_chain_has_a_dense_b():
    """Every row's B term is its own wire (MulChain's is one input wire throughout)."""
    from zkprove.groth16 import QAP

    qap = QAP.of(SquaringChain(64).compile())
    b_wires = {int(w) for w in qap.b.wires}
    assert len(b_wires) >= 64


def test_poseidon_chain():
    cs = PoseidonChain(2).compile()
    assert cs.n_constraints == 2 * 237 + 1  # two hashes, then out == h
    w = cs.solve(seed=11, out=poseidon_chain_reference(11, 2))
    cs.check(w.values)
    with pytest.raises(UnsatisfiedConstraint):
        cs.solve(seed=12, out=poseidon_chain_reference(11, 2))


@pytest.mark.parametrize("n_constraints", [238, 500, domain_sized(10)])
def test_poseidon_chain_of_exact_size(n_constraints):
    chain = PoseidonChain.of_size(n_constraints)
    cs = chain.compile()
    assert cs.n_constraints == n_constraints
    out = poseidon_chain_reference(5, chain.n_hashes, chain.tail)
    cs.check(cs.solve(seed=5, out=out).values)
    with pytest.raises(UnsatisfiedConstraint):
        cs.solve(seed=5, out=out - 1)


def test_domain_sized_leaves_room_for_the_public_rows():
    assert domain_sized(16) == 65534 and domain_sized(12, n_public=3) == 4092
    assert MulChain(domain_sized(8)).compile().n_constraints + 2 == 256
    with pytest.raises(ValueError):
        PoseidonChain.of_size(237)
