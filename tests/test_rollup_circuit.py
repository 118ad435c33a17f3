"""TransferBatch against the reference sequencer: valid batches solve, every invalid witness fails at its named check."""

import copy

import pytest
from helpers.rollup import KEYS, genesis
from hypothesis import given, settings
from hypothesis import strategies as st

from circuits.rollup import (
    Rejection,
    Sequencer,
    Transfer,
    TransferBatch,
    build_job,
    check,
)
from zkprove.dsl import UnsatisfiedConstraint

T, DEPTH = 2, 4


@pytest.fixture(scope="module")
def batch():
    return TransferBatch(T=T, depth=DEPTH).compile()


def failing_check(cs, inputs) -> str:
    """The slot check (or final check) a witness violates, from the diagnostic's gadget label."""
    with pytest.raises(UnsatisfiedConstraint) as bad:
        cs.solve(**inputs)
    gadget = bad.value.gadget
    assert gadget in str(bad.value)
    return gadget.split("/")[1] if gadget.startswith("transfer/") else gadget


def test_cost_per_transfer():
    one, two = (TransferBatch(T=n, depth=DEPTH).compile().n_constraints for n in (1, 2))
    assert two - one == 11316  # per slot at depth 4; 22,908 at depth 16 (482 per level per account)


def test_valid_batch(batch):
    job = build_job(genesis(), [Transfer(0, 1, 10, 0).signed(KEYS[0])], T)  # one slot of padding
    witness = batch.solve(**job.inputs)
    batch.check(witness.values)
    assert witness.public == job.public_inputs


@pytest.mark.parametrize(
    "tx",
    [
        Transfer(5, 1, 10, 0).signed(KEYS[0]),  # unknown sender
        Transfer(17, 1, 10, 0).signed(KEYS[0]),  # sender index outside the tree
        Transfer(0, 1, 2**64, 0).signed(KEYS[0]),  # amount overflow
        Transfer(0, 1, 10, 1).signed(KEYS[0]),  # wrong nonce
        Transfer(0, 1, 10, 0).signed(KEYS[1]),  # forged signature
        Transfer(0, 1, 1001, 0).signed(KEYS[0]),  # insufficient balance
        Transfer(0, 9, 10, 0).signed(KEYS[0]),  # unknown receiver
        Transfer(0, 3, 10, 0).signed(KEYS[0]),  # receiver overflow
    ],
)
def test_invalid_transfer_fails_at_its_check(batch, tx):
    reason = check(genesis(), tx)
    assert reason is not None
    assert failing_check(batch, build_job(genesis(), [tx], T).inputs) == reason.check


def tampered(change):
    inputs = copy.deepcopy(build_job(genesis(), [Transfer(0, 1, 10, 0).signed(KEYS[0])], T).inputs)
    change(inputs)
    return inputs


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda i: i.update(new_root=i["new_root"] + 1), "new_root"),
        (lambda i: i.update(old_root=i["old_root"] + 1), "sender_membership"),
        (lambda i: i.update(commitment=i["commitment"] + 1), "commitment"),
        (lambda i: i["txs"][0]["sender"]["siblings"].__setitem__(2, 12345), "sender_membership"),
        (lambda i: i["txs"][0]["receiver"]["siblings"].__setitem__(0, 12345), "receiver_membership"),
        (lambda i: i["txs"][0]["sender"].update(balance=10**6), "sender_membership"),  # a richer sender
        (lambda i: i["txs"][0].update(amount=11), "signature"),  # not what was signed
        (lambda i: i["txs"][0].update(enabled=0), "new_root"),  # a prover skipping a transfer...
        (lambda i: (i["txs"][0].update(enabled=0), i.update(new_root=i["old_root"])), "commitment"),  # ...and its effect
        (lambda i: i["txs"][1].update(enabled=2), "assert_bool"),
    ],
)
def test_tampered_witness_fails_at_its_check(batch, change, expected):
    assert failing_check(batch, tampered(change)) == expected


ACCOUNTS = st.integers(0, 5)  # 4 accounts, 2 empty indices
AMOUNTS = st.sampled_from([0, 1, 7, 499, 500, 1000, 1001, 2**63, 2**64 - 1, 2**64])


@st.composite
def streams(draw):
    """Transfers that are mostly well-formed, some with wrong nonces, keys or amounts."""
    ops = []
    for _ in range(draw(st.integers(1, 6))):
        src, dst = draw(ACCOUNTS), draw(ACCOUNTS)
        ops.append((src, dst, draw(AMOUNTS), draw(st.sampled_from([0, 0, 0, 1])), draw(st.sampled_from(["own", "own", "other"]))))
    return ops


@settings(max_examples=25, deadline=None)
@given(stream=streams())
def test_sequencer_and_circuit_agree(batch, stream):
    start = genesis()
    seq = Sequencer(start, batch_size=T)
    for src, dst, amount, nonce_skew, signer in stream:
        sender = seq.head.get(src)
        nonce = (sender.nonce if sender else 0) + nonce_skew
        key = KEYS[src % len(KEYS)] if signer == "own" else KEYS[(src + 1) % len(KEYS)]
        tx = Transfer(src, dst, amount, nonce).signed(key)
        reason = seq.submit(tx)
        if reason is not None:  # forced into a batch of its own, it must fail at the same check
            assert failing_check(batch, build_job(seq.head.copy(), [tx], T).inputs) == reason.check
    seq.flush()
    root = start.root
    for job in seq.jobs:
        assert job.old_root == root
        assert batch.solve(**job.inputs).public == job.public_inputs
        root = job.new_root
    assert root == seq.head.root


def test_every_rejection_has_a_gadget(batch):
    labels = {gadget.split("/")[1] for gadget, _ in batch.origin_table if gadget.startswith("transfer/")}
    assert {r.check for r in Rejection} <= labels
