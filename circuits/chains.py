"""Benchmark circuits: a multiplication chain and a Poseidon hash chain.

Each circuit comes with a plain-Python reference model of its public output,
so a benchmark (or a test) can build a valid witness without the DSL.
"""

from __future__ import annotations

from zkprove import Circuit, Public, Secret
from zkprove.dsl import API
from zkprove.field.params import R


def mul_chain_reference(a: int, n: int) -> int:
    """The public output of ``MulChain(n)`` for secret ``a``: a^(n+1) mod r."""
    return pow(a, n + 1, R)


class MulChain(Circuit):
    """Knows ``a`` with ``a^(n+1) == out``: n products, exactly n constraints, n+2 wires."""

    a: Secret
    out: Public

    def __init__(self, n: int):
        if n < 1:
            raise ValueError("MulChain needs n >= 1")
        self.n = n

    def define(self, api: API) -> None:
        x = self.a
        for _ in range(self.n - 1):
            x = x * self.a
        api.assert_equal(x * self.a, self.out)  # folds into the n-th product


def poseidon_chain_reference(seed: int, n_hashes: int) -> int:
    """The public output of ``PoseidonChain(n_hashes)``: h <- Poseidon(h, i) from h = seed."""
    from zkprove.gadgets.poseidon import poseidon_hash

    h = seed
    for i in range(n_hashes):
        h = poseidon_hash([h, i])
    return h


class PoseidonChain(Circuit):
    """Knows ``seed`` with ``out`` = Poseidon(...Poseidon(Poseidon(seed, 0), 1)..., n-1).

    n_hashes Poseidon(2) calls of 237 constraints each: circomlib's 240 less
    the round-0 S-box of the constant counter input, which folds.
    """

    seed: Secret
    out: Public

    def __init__(self, n_hashes: int):
        if n_hashes < 1:
            raise ValueError("PoseidonChain needs n_hashes >= 1")
        self.n_hashes = n_hashes

    def define(self, api: API) -> None:
        from zkprove.gadgets.poseidon import poseidon

        h = self.seed
        for i in range(self.n_hashes):
            h = poseidon(api, [h, i])
        api.assert_equal(h, self.out)
