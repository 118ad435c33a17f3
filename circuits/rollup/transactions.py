"""Transfers, the message their sender signs, and the batch commitment.

A transfer moves ``amount`` from account ``src`` to account ``dst`` (leaf
indices); ``nonce`` must equal the sender's nonce, which then increments, so
a signed transfer applies at most once. The sender signs the message

    M = Poseidon(src, dst, amount, nonce)

with EdDSAPoseidon over Baby Jubjub (:mod:`zkprove.gadgets.eddsa`, the
scheme of circomlib and circomlibjs). A transfer to oneself is allowed: it
leaves the balance and bumps the nonce.

Batch commitment. A batch has T slots; slot i carries m_i = M of its
transfer, or 0 for a padding slot (a no-op). The commitment is the Poseidon
hash chain c_0 = 0, c_{i+1} = Poseidon(c_i, m_i), and c_T is the batch's
public input: whoever holds the transfers (as published data) can recompute it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from zkprove.field.params import R
from zkprove.gadgets import poseidon_hash
from zkprove.gadgets.babyjubjub import IDENTITY
from zkprove.gadgets.eddsa import SecretKey, Signature, sign

#: A placeholder signature for unsigned transfers: it verifies for no key.
UNSIGNED = Signature(IDENTITY, 0)


@dataclass(frozen=True)
class Transfer:
    """transfer(src, dst, amount, nonce) plus the sender's signature on its :attr:`message`."""

    src: int
    dst: int
    amount: int
    nonce: int
    signature: Signature = UNSIGNED

    def __post_init__(self) -> None:
        for name in ("src", "dst", "amount", "nonce"):
            value = getattr(self, name)
            if not 0 <= value < R:
                raise ValueError(f"transfer {name} must be a field element in [0, r), got {value}")

    @property
    def message(self) -> int:
        """M = Poseidon(src, dst, amount, nonce), the value the sender signs."""
        return poseidon_hash([self.src, self.dst, self.amount, self.nonce])

    def signed(self, key: SecretKey) -> Transfer:
        """This transfer with ``key``'s signature on its message."""
        return dataclasses.replace(self, signature=sign(key, self.message))


def commitment(messages: Sequence[int]) -> int:
    """The hash chain c_{i+1} = Poseidon(c_i, m_i) from c_0 = 0."""
    chain = 0
    for m in messages:
        chain = poseidon_hash([chain, m])
    return chain


def batch_commitment(transfers: Sequence[Transfer], slots: int) -> int:
    """The commitment of a batch of ``slots`` slots: the transfers, then padding (m = 0)."""
    if len(transfers) > slots:
        raise ValueError(f"{len(transfers)} transfers do not fit {slots} slots")
    return commitment([t.message for t in transfers] + [0] * (slots - len(transfers)))
