"""Shared fixtures for the rollup tests: deterministic keys and a small genesis."""

import hashlib

from circuits.rollup import Account, State
from zkprove.gadgets.eddsa import SecretKey

KEYS = [SecretKey.from_private_key(hashlib.sha256(b"rollup test key %d" % i).digest()) for i in range(4)]


def genesis(depth: int = 4, balances: tuple[int, ...] = (1000, 500, 0, 2**64 - 10)) -> State:
    """Accounts 0..len(balances)-1 owned by KEYS; the other leaves are empty."""
    return State(depth, [Account(key.public, balance) for key, balance in zip(KEYS, balances)])
