"""Benchmark circuits: a multiplication chain, a squaring chain and a Poseidon hash chain.

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


def squaring_chain_reference(x0: int, n: int, c: int = 5) -> int:
    """The public output of ``SquaringChain(n, c)`` for secret ``x0``: x_n for x_(i+1) = x_i^2 + c mod r."""
    x = x0 % R
    for _ in range(n):
        x = (x * x + c) % R
    return x


class SquaringChain(Circuit):
    """Knows ``x0`` with x_n == out for x_(i+1) = x_i^2 + c: n constraints, each with A = B = x_i + c.

    Unlike MulChain, whose B side is the same input wire on every row (so
    the G2 MSM over B is almost free), every row here has its own B term: a
    dense B, as circom circuits have, and the prover's G2 MSM does full work.
    """

    x0: Secret
    out: Public

    def __init__(self, n: int, c: int = 5):
        if n < 1:
            raise ValueError("SquaringChain needs n >= 1")
        self.n, self.c = n, c

    def define(self, api: API) -> None:
        x = self.x0
        for _ in range(self.n - 1):
            x = x * x + self.c
        api.assert_equal(x * x, self.out - self.c)  # folds into the n-th product


POSEIDON_LINK_CONSTRAINTS = 237


def domain_sized(k: int, n_public: int = 1) -> int:
    """Constraints that give a Groth16 evaluation domain of exactly 2^k.

    Groth16 adds one row per public input and one for the constant wire
    before sizing its domain (docs/architecture.md, section "Domain size"), so a family meant as
    "2^k" has 2^k - (n_public + 1) constraints.
    """
    return (1 << k) - (n_public + 1)


def poseidon_chain_reference(seed: int, n_hashes: int, tail: int = 0) -> int:
    """The public output of ``PoseidonChain(n_hashes, tail)``: h <- Poseidon(h, i)
    from h = seed, then h squared ``tail`` times."""
    from zkprove.gadgets.poseidon import poseidon_hash

    h = seed
    for i in range(n_hashes):
        h = poseidon_hash([h, i])
    return pow(h, 1 << tail, R)


class PoseidonChain(Circuit):
    """Knows ``seed`` with ``out`` = Poseidon(...Poseidon(Poseidon(seed, 0), 1)..., n-1)^(2^tail).

    Each Poseidon(2) link costs 237 constraints (circomlib's 240 less the
    round-0 S-box of the constant counter input, which folds). The closing
    equality costs 1 more without a tail; a tail of t squarings costs t and
    absorbs it. :meth:`of_size` picks the tail that hits an exact count.
    """

    seed: Secret
    out: Public

    def __init__(self, n_hashes: int, tail: int = 0):
        if n_hashes < 1 or tail < 0:
            raise ValueError("PoseidonChain needs n_hashes >= 1 and tail >= 0")
        self.n_hashes, self.tail = n_hashes, tail

    @classmethod
    def of_size(cls, n_constraints: int) -> "PoseidonChain":
        """The chain with exactly ``n_constraints`` constraints (at least 238)."""
        n_hashes = (n_constraints - 1) // POSEIDON_LINK_CONSTRAINTS
        if n_hashes < 1:
            raise ValueError(f"a Poseidon chain needs at least {POSEIDON_LINK_CONSTRAINTS + 1} constraints")
        return cls(n_hashes, n_constraints - n_hashes * POSEIDON_LINK_CONSTRAINTS)

    def define(self, api: API) -> None:
        from zkprove.gadgets.poseidon import poseidon

        h = self.seed
        for i in range(self.n_hashes):
            h = poseidon(api, [h, i])
        for _ in range(self.tail - 1):
            h = h * h
        api.assert_equal(h * h if self.tail else h, self.out)  # folds into the last squaring
