"""TransferBatch(T, depth): a batch of T signed transfers takes state root old_root to new_root.

Public inputs: ``old_root``, ``new_root`` and ``commitment`` (the Poseidon
hash chain over the slots' messages, :mod:`circuits.rollup.transactions`).
Per slot, in this order (each check is a gadget whose name a failing
witness's diagnostic carries, ``transfer/<check>/...``; the reference model
:func:`circuits.rollup.sequencer.check` rejects in the same order):

``sender_membership``  the sender's leaf Poseidon(Ax, Ay, balance, nonce) sits at
                       index ``src`` (a ``depth``-bit number) under the current root;
``amount_range``       amount < 2^64;
``nonce``              the transfer's nonce is the sender's;
``signature``          EdDSAPoseidon of M = Poseidon(src, dst, amount, nonce) under
                       the sender's key (:func:`zkprove.gadgets.eddsa.assert_eddsa`);
``balance``            balance − amount < 2^64, i.e. balance >= amount;
``sender_update``      the sender's leaf becomes (Ax, Ay, balance − amount, nonce + 1)
                       along the same path, giving an intermediate root;
``receiver_membership`` the receiver's leaf sits at index ``dst`` under it;
``receiver_overflow``   its balance + amount < 2^64;
``receiver_update``     its leaf takes the new balance and the root moves on.

The ``commitment`` chain then absorbs the slot. Finally ``new_root`` and
``commitment`` compare with the public inputs. Cost per slot: 482 per tree
level for each of the two accounts (a path recomputed before and after its
update), 5,826 for the signature and its message hash, 4 Poseidon(4) leaf
hashes, a chain hash and three 64-bit range checks: 22,908 at depth 16.

A slot with ``enabled`` = 0 is padding: its membership, nonce and signature
checks are switched off, the root passes through unchanged and its message
counts as 0 in the commitment, so the commitment fixes which slots are
real. The range checks stay on; padding fills them with zeros (see
:func:`circuits.rollup.sequencer.padding_slot`). Balances below 2^64 in
the old state are an invariant of the state (checked at genesis), so
balance − amount cannot wrap around a valid tree.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkprove import Circuit, Public, Secret
from zkprove.dsl import API, Record, Signal, Var
from zkprove.dsl.var import Operand
from zkprove.gadgets import merkle_root, poseidon
from zkprove.gadgets.eddsa import assert_eddsa

from .state import BALANCE_BITS


class AccountWitness(Record):
    """An account as a slot sees it: its leaf's preimage and its Merkle siblings (leaf level first)."""

    ax: Signal
    ay: Signal
    balance: Signal
    nonce: Signal

    def __init__(self, depth: int):
        self.siblings = Signal(depth)


class Slot(Record):
    """One transfer slot: the transfer, its signature and both accounts' witnesses."""

    enabled: Signal
    src: Signal
    dst: Signal
    amount: Signal
    nonce: Signal
    r8x: Signal
    r8y: Signal
    s: Signal

    def __init__(self, depth: int):
        self.sender = Signal(AccountWitness(depth))
        self.receiver = Signal(AccountWitness(depth))


class TransferBatch(Circuit):
    """T transfer slots over a depth-``depth`` account tree; see the module docstring."""

    old_root: Public
    new_root: Public
    commitment: Public

    def __init__(self, T: int, depth: int):
        if T < 1 or depth < 1:
            raise ValueError("TransferBatch needs T >= 1 and depth >= 1")
        self.T, self.depth = T, depth
        self.txs = Secret(Slot(depth), T)

    def unit_of_work(self) -> tuple[str, int]:
        return ("transaction", self.T)

    def define(self, api: API) -> None:
        root: Operand = self.old_root
        chain: Operand = 0
        for slot in self.txs:
            with api.gadget("transfer"):
                root, message = transfer(api, slot, root, self.depth)
            with api.gadget("commitment"):
                chain = poseidon(api, [chain, api.mul(slot.enabled, message)])
        with api.gadget("new_root"):
            api.assert_equal(root, self.new_root)
        with api.gadget("commitment"):
            api.assert_equal(chain, self.commitment)


def transfer(api: API, slot: Slot, root: Operand, depth: int) -> tuple[Var, Var]:
    """One slot's checks and updates; returns the root after it and the transfer's message."""
    enabled = slot.enabled
    api.assert_bool(enabled)
    sender, receiver = slot.sender, slot.receiver
    with api.gadget("sender_membership"):
        src_bits = api.to_bits(slot.src, depth)
        _assert_member_if(api, enabled, _leaf(api, sender, sender.balance, sender.nonce), sender, src_bits, root)
    with api.gadget("amount_range"):
        api.assert_in_range(slot.amount, BALANCE_BITS)
    with api.gadget("nonce"):
        api.assert_equal(api.mul(enabled, slot.nonce - sender.nonce), 0)
    with api.gadget("signature"):
        message = poseidon(api, [slot.src, slot.dst, slot.amount, slot.nonce])
        assert_eddsa(api, enabled, (sender.ax, sender.ay), message, (slot.r8x, slot.r8y), slot.s)
    with api.gadget("balance"):
        debited = sender.balance - slot.amount
        api.assert_in_range(debited, BALANCE_BITS)
    with api.gadget("sender_update"):
        mid_root = merkle_root(api, _leaf(api, sender, debited, sender.nonce + 1), sender.siblings, src_bits)
    with api.gadget("receiver_membership"):
        dst_bits = api.to_bits(slot.dst, depth)
        _assert_member_if(api, enabled, _leaf(api, receiver, receiver.balance, receiver.nonce), receiver, dst_bits, mid_root)
    with api.gadget("receiver_overflow"):
        credited = receiver.balance + slot.amount
        api.assert_in_range(credited, BALANCE_BITS)
    with api.gadget("receiver_update"):
        new_root = merkle_root(api, _leaf(api, receiver, credited, receiver.nonce), receiver.siblings, dst_bits)
    return api.select(enabled, new_root, root), message


def _leaf(api: API, account: AccountWitness, balance: Operand, nonce: Operand) -> Var:
    """Poseidon(Ax, Ay, balance, nonce), the leaf layout of :mod:`circuits.rollup.state`."""
    return poseidon(api, [account.ax, account.ay, balance, nonce])


def _assert_member_if(
    api: API, enabled: Operand, leaf: Operand, account: AccountWitness, bits: Sequence[Var], root: Operand
) -> None:
    """Where enabled: ``leaf`` at the index ``bits`` give, under ``root``. 242 constraints per level."""
    api.assert_equal(api.mul(enabled, merkle_root(api, leaf, account.siblings, bits) - root), 0)
