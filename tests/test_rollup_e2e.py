"""End to end: sequencer batches proved with Groth16 and verified by the L1 verifier, roots chaining from genesis."""

import dataclasses
import warnings
from random import Random

import pytest
from helpers.rollup import KEYS, genesis

from circuits.rollup import Sequencer, Transfer, TransferBatch, build_job
from circuits.rollup.pipeline import prove_job, random_genesis, transfer_stream
from zkprove import groth16
from zkprove.dsl import UnsatisfiedConstraint
from zkprove.l1 import verify


def keys_for(cs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
        return groth16.setup(cs)


def run_rollup(T: int, depth: int, batches: int, seed: int):
    cs = TransferBatch(T=T, depth=depth).compile()
    pk, vk = keys_for(cs)
    rng = Random(seed)
    state, keys = random_genesis(6, depth, rng)
    seq = Sequencer(state, T)
    stream = transfer_stream(seq, keys, rng, invalid_rate=0.2)
    while len(seq.jobs) < batches:
        seq.submit(next(stream))
    proved = [prove_job(cs, pk, vk, job) for job in seq.jobs]
    assert all(p.report.ok for p in proved), [p.report.reason for p in proved]
    roots = [state.root] + [p.job.new_root for p in proved]
    assert [p.job.old_root for p in proved] == roots[:-1] and roots[-1] == seq.head.root
    return cs, pk, vk, proved


@pytest.fixture(scope="module")
def small():
    return run_rollup(T=1, depth=4, batches=3, seed=7)


def test_three_batches_chain_from_genesis(small):
    _, _, _, proved = small
    gas = proved[0].report.gas
    assert gas is not None and 200_000 < gas.total < 260_000  # 3 public inputs


def test_tampered_root_does_not_verify(small):
    _, _, vk, proved = small
    job, proof = proved[1].job, proved[1].proof
    assert not verify(vk, [job.old_root, job.new_root + 1, job.commitment], proof).ok
    assert not verify(vk, [proved[0].job.old_root, job.new_root, job.commitment], proof).ok  # not chained


def test_forged_batches_cannot_be_proved(small):
    cs, pk, vk, _ = small
    forged = build_job(genesis(), [Transfer(0, 1, 10, 0).signed(KEYS[1])], 1)  # signed by someone else
    with pytest.raises(UnsatisfiedConstraint, match="signature"):
        prove_job(cs, pk, vk, forged)
    honest = build_job(genesis(), [Transfer(0, 1, 10, 0).signed(KEYS[0])], 1)
    lying = dataclasses.replace(honest, inputs={**honest.inputs, "new_root": honest.new_root + 1})
    with pytest.raises(UnsatisfiedConstraint, match="new_root"):
        prove_job(cs, pk, vk, lying)
    witness = cs.solve(**honest.inputs).values
    witness[2] += 1  # the new-root wire of a solved witness, bypassing the solver
    with pytest.raises(UnsatisfiedConstraint):
        groth16.prove(pk, witness, cs=cs)


@pytest.mark.slow
def test_depth16_batches_of_four():
    cs, _, _, proved = run_rollup(T=4, depth=16, batches=3, seed=11)
    assert cs.n_constraints == 4 * 22_908 - 1
    assert all(len(p.job.transfers) == 4 for p in proved)
