"""The reference sequencer: validate transfers, apply them, cut batches into proving jobs.

This is the plain-Python model of :class:`~circuits.rollup.transfer_batch.TransferBatch`.
:func:`check` decides validity with the circuit's checks in the circuit's
order, each :class:`Rejection` naming the circuit gadget that refuses the
same transfer. :func:`apply` performs the state transition and returns the
slot's witness whether or not the transfer is valid, so a test can force an
invalid transfer into a batch and watch witness generation fail at that gadget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from zkprove.gadgets.babyjubjub import IDENTITY
from zkprove.gadgets.eddsa import verify

from .state import BALANCE_BITS, Account, State
from .transactions import Transfer, batch_commitment

#: What an unknown index holds in a witness: a key on the curve, no funds.
_ABSENT = Account(IDENTITY, 0, 0)


class Rejection(Enum):
    """Why a transfer is invalid; ``check`` is the TransferBatch gadget that rejects it."""

    UNKNOWN_SENDER = ("unknown sender account", "sender_membership")
    AMOUNT_OVERFLOW = ("amount does not fit in 64 bits", "amount_range")
    BAD_NONCE = ("nonce differs from the sender's", "nonce")
    BAD_SIGNATURE = ("signature does not verify under the sender's key", "signature")
    INSUFFICIENT_BALANCE = ("insufficient balance", "balance")
    UNKNOWN_RECEIVER = ("unknown receiver account", "receiver_membership")
    RECEIVER_OVERFLOW = ("receiver balance would overflow 64 bits", "receiver_overflow")

    def __init__(self, reason: str, check: str):
        self.reason = reason
        self.check = check


def check(state: State, tx: Transfer) -> Rejection | None:
    """Why ``tx`` cannot apply to ``state`` (the first failing check, in circuit order), or None."""
    sender = state.get(tx.src)
    if sender is None:
        return Rejection.UNKNOWN_SENDER
    if tx.amount >> BALANCE_BITS:
        return Rejection.AMOUNT_OVERFLOW
    if tx.nonce != sender.nonce:
        return Rejection.BAD_NONCE
    if not verify(sender.public_key, tx.message, tx.signature):
        return Rejection.BAD_SIGNATURE
    if sender.balance < tx.amount:
        return Rejection.INSUFFICIENT_BALANCE
    receiver = state.get(tx.dst) if tx.dst != tx.src else _debited(sender, tx)
    if receiver is None:
        return Rejection.UNKNOWN_RECEIVER
    if (receiver.balance + tx.amount) >> BALANCE_BITS:
        return Rejection.RECEIVER_OVERFLOW
    return None


def _debited(sender: Account, tx: Transfer) -> Account:
    return Account(sender.public_key, sender.balance - tx.amount, sender.nonce + 1)


def apply(state: State, tx: Transfer) -> dict[str, Any]:
    """Apply ``tx`` to ``state`` unchecked and return its slot witness (a ``txs[i]`` input).

    The sender's leaf is updated first, then the receiver's, each along its
    path at that moment (so a self-transfer sees its own debit). For an
    invalid transfer the witness is what the circuit then rejects; the state
    may then hold values no valid history reaches.
    """
    size = 1 << state.depth
    sender = state.get(tx.src) or _ABSENT
    sender_path = state.tree.path(tx.src % size).elements
    if tx.src < size:
        state.put(tx.src, _debited(sender, tx))
    receiver = state.get(tx.dst) or _ABSENT
    receiver_path = state.tree.path(tx.dst % size).elements
    if tx.dst < size:
        state.put(tx.dst, Account(receiver.public_key, receiver.balance + tx.amount, receiver.nonce))
    return {
        "enabled": 1, "src": tx.src, "dst": tx.dst, "amount": tx.amount, "nonce": tx.nonce,
        "r8x": tx.signature.r8[0], "r8y": tx.signature.r8[1], "s": tx.signature.s,
        "sender": _account_witness(sender, sender_path), "receiver": _account_witness(receiver, receiver_path),
    }


def padding_slot(depth: int) -> dict[str, Any]:
    """The witness of a padding slot: disabled, keys and R8 at the identity, all else 0."""
    absent = _account_witness(_ABSENT, (0,) * depth)
    return {
        "enabled": 0, "src": 0, "dst": 0, "amount": 0, "nonce": 0, "r8x": IDENTITY[0], "r8y": IDENTITY[1], "s": 0,
        "sender": absent, "receiver": absent,
    }


def _account_witness(account: Account, siblings: Sequence[int]) -> dict[str, Any]:
    ax, ay = account.public_key
    return {"ax": ax, "ay": ay, "balance": account.balance, "nonce": account.nonce, "siblings": list(siblings)}


@dataclass(frozen=True)
class Job:
    """A proving job: one batch's statement and the witness inputs of ``TransferBatch(slots, depth)``."""

    index: int
    old_root: int
    new_root: int
    commitment: int
    transfers: tuple[Transfer, ...]
    inputs: dict[str, Any]

    @property
    def public_inputs(self) -> list[int]:
        """What the L1 verifier receives, in the circuit's order: old root, new root, commitment."""
        return [self.old_root, self.new_root, self.commitment]


def build_job(state: State, transfers: Sequence[Transfer], slots: int, index: int = 0) -> Job:
    """Apply ``transfers`` to ``state`` unchecked and package the batch (padded to ``slots``) as a job."""
    if len(transfers) > slots:
        raise ValueError(f"{len(transfers)} transfers do not fit {slots} slots")
    old_root = state.root
    txs = [apply(state, tx) for tx in transfers] + [padding_slot(state.depth) for _ in range(slots - len(transfers))]
    commitment = batch_commitment(transfers, slots)
    inputs = {"old_root": old_root, "new_root": state.root, "commitment": commitment, "txs": txs}
    return Job(index, old_root, state.root, commitment, tuple(transfers), inputs)


class Sequencer:
    """Takes transfers in order, rejects invalid ones with a reason, and cuts batches of ``batch_size``.

    Each full batch (and a partial one on :meth:`flush`) becomes a :class:`Job`;
    consecutive jobs chain: ``jobs[k].new_root == jobs[k + 1].old_root``.
    """

    def __init__(self, genesis: State, batch_size: int):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size
        self.head = genesis.copy()  # every accepted transfer applied
        self._base = genesis.copy()  # the state at the start of the pending batch
        self.pending: list[Transfer] = []
        self.jobs: list[Job] = []
        self.rejected: list[tuple[Transfer, Rejection]] = []

    def submit(self, tx: Transfer) -> Rejection | None:
        """Accept ``tx`` (None; a full batch becomes a job) or say why not (it is then dropped)."""
        reason = check(self.head, tx)
        if reason is not None:
            self.rejected.append((tx, reason))
            return reason
        apply(self.head, tx)
        self.pending.append(tx)
        if len(self.pending) == self.batch_size:
            self.flush()
        return None

    def flush(self) -> Job | None:
        """Cut the pending transfers (padded) into a job; None when nothing is pending."""
        if not self.pending:
            return None
        job = build_job(self._base, self.pending, self.batch_size, len(self.jobs))
        assert job.new_root == self.head.root, "batch replay diverged from the sequencer's state"
        self.jobs.append(job)
        self.pending = []
        return job
