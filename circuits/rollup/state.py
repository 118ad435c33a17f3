"""Rollup state: accounts as leaves of a fixed-depth Poseidon Merkle tree.

Leaf layout. Account i sits at leaf index i and its leaf is

    leaf = Poseidon(Ax, Ay, balance, nonce)

(circomlib ``Poseidon(4)``), where (Ax, Ay) is the owner's Baby Jubjub
EdDSA public key, ``balance`` a 64-bit unsigned amount and ``nonce`` the
count of transfers the account has sent. An unused index holds the empty
leaf 0, which is no Poseidon image, so no proof can show an account there.
Nodes are Poseidon(left, right) (:mod:`zkprove.gadgets.merkle`).

Invariant the circuit relies on: every balance in the tree is below 2^64.
Genesis checks it and every accepted transfer keeps it.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

from zkprove.gadgets import MerkleTree, poseidon_hash
from zkprove.gadgets.babyjubjub import Point

#: Balances and amounts are unsigned 64-bit integers.
BALANCE_BITS = 64
MIN_DEPTH, MAX_DEPTH = 4, 32


@dataclass(frozen=True)
class Account:
    """One account: its public key, balance and nonce."""

    public_key: Point
    balance: int
    nonce: int = 0

    @property
    def leaf(self) -> int:
        """Poseidon(Ax, Ay, balance, nonce): the account's leaf in the state tree."""
        return poseidon_hash([*self.public_key, self.balance, self.nonce])


class State:
    """The accounts and their Merkle tree, kept in step; ``root`` is the state root."""

    def __init__(self, depth: int, accounts: Sequence[Account] = ()):
        if not MIN_DEPTH <= depth <= MAX_DEPTH:
            raise ValueError(f"depth must be in {MIN_DEPTH}..{MAX_DEPTH}, got {depth}")
        if len(accounts) > 1 << depth:
            raise ValueError(f"{len(accounts)} accounts do not fit a depth-{depth} tree")
        for i, account in enumerate(accounts):
            if not 0 <= account.balance < 1 << BALANCE_BITS:
                raise ValueError(f"account {i}: balance {account.balance} is not a 64-bit unsigned amount")
        self.depth = depth
        self.accounts: dict[int, Account] = dict(enumerate(accounts))
        self.tree = MerkleTree(depth, [a.leaf for a in accounts])

    @property
    def root(self) -> int:
        return self.tree.root

    def get(self, index: int) -> Account | None:
        """The account at ``index``, or None for an empty or out-of-range index."""
        return self.accounts.get(index)

    def put(self, index: int, account: Account) -> None:
        """Store ``account`` at ``index`` and rehash its path."""
        self.accounts[index] = account
        self.tree.set(index, account.leaf)

    def copy(self) -> State:
        """An independent copy (the sequencer simulates on copies)."""
        return copy.deepcopy(self)
