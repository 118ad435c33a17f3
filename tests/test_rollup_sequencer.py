"""The reference sequencer: validation reasons, state transition, batching and chaining of jobs."""

import itertools

import pytest
from helpers.rollup import KEYS, genesis

from circuits.rollup import (
    Account,
    Rejection,
    Sequencer,
    State,
    Transfer,
    batch_commitment,
    check,
    commitment,
)
from zkprove.gadgets import MerkleTree, poseidon_hash


def test_leaf_layout_and_genesis():
    state = genesis()
    account = state.get(0)
    assert account.leaf == poseidon_hash([*KEYS[0].public, 1000, 0])
    assert state.root == MerkleTree(4, [state.get(i).leaf for i in range(4)]).root
    assert state.get(4) is None and state.get(99) is None
    with pytest.raises(ValueError, match="64-bit"):
        State(4, [Account(KEYS[0].public, 2**64)])
    with pytest.raises(ValueError, match="depth"):
        State(3)


@pytest.mark.parametrize(
    "tx, reason",
    [
        (Transfer(0, 1, 10, 0).signed(KEYS[0]), None),
        (Transfer(0, 0, 10, 0).signed(KEYS[0]), None),  # to oneself: bumps the nonce
        (Transfer(0, 1, 0, 0).signed(KEYS[0]), None),
        (Transfer(5, 1, 10, 0).signed(KEYS[0]), Rejection.UNKNOWN_SENDER),
        (Transfer(16, 1, 10, 0).signed(KEYS[0]), Rejection.UNKNOWN_SENDER),  # outside the tree
        (Transfer(0, 1, 2**64, 0).signed(KEYS[0]), Rejection.AMOUNT_OVERFLOW),
        (Transfer(0, 1, 10, 1).signed(KEYS[0]), Rejection.BAD_NONCE),
        (Transfer(0, 1, 10, 0).signed(KEYS[1]), Rejection.BAD_SIGNATURE),
        (Transfer(0, 1, 10, 0), Rejection.BAD_SIGNATURE),  # unsigned
        (Transfer(0, 1, 1001, 0).signed(KEYS[0]), Rejection.INSUFFICIENT_BALANCE),
        (Transfer(0, 7, 10, 0).signed(KEYS[0]), Rejection.UNKNOWN_RECEIVER),
        (Transfer(0, 3, 10, 0).signed(KEYS[0]), Rejection.RECEIVER_OVERFLOW),
    ],
)
def test_check_reasons(tx, reason):
    assert check(genesis(), tx) is reason


def test_sequencer_batches_chain_and_pad():
    seq = Sequencer(genesis(), batch_size=2)
    txs = [Transfer(0, 1, 100, 0).signed(KEYS[0]), Transfer(1, 2, 600, 0).signed(KEYS[1]),
           Transfer(0, 1, 100, 0).signed(KEYS[0]),  # replay: the nonce moved on
           Transfer(0, 0, 1, 1).signed(KEYS[0]), Transfer(2, 0, 50, 0).signed(KEYS[2])]
    reasons = [seq.submit(tx) for tx in txs]
    assert reasons == [None, None, Rejection.BAD_NONCE, None, None]
    assert len(seq.jobs) == 2 and seq.pending == [] and seq.flush() is None
    assert seq.submit(Transfer(2, 1, 7, 1).signed(KEYS[2])) is None
    seq.flush()
    jobs = seq.jobs
    assert [len(j.transfers) for j in jobs] == [2, 2, 1]
    assert jobs[0].old_root == genesis().root and jobs[-1].new_root == seq.head.root
    assert all(a.new_root == b.old_root for a, b in itertools.pairwise(jobs))
    assert jobs[2].commitment == commitment([jobs[2].transfers[0].message, 0]) == batch_commitment(jobs[2].transfers, 2)
    assert jobs[2].inputs["txs"][1]["enabled"] == 0 and jobs[2].public_inputs == [jobs[2].old_root, jobs[2].new_root, jobs[2].commitment]
    head = seq.head
    assert [(head.get(i).balance, head.get(i).nonce) for i in range(3)] == [(950, 2), (7, 1), (543, 2)]
    assert seq.rejected == [(txs[2], Rejection.BAD_NONCE)]
