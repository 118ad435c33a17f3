"""The rollup as a prover cluster's workload: chained TransferBatch jobs from the reference sequencer.

Reuses :mod:`circuits.rollup.pipeline` (random genesis, a transfer stream
with invalid transfers the sequencer rejects) and turns each sequenced
batch into a job in the cluster's submitted form (the fields of
:data:`workers.workload.SPEC_KEYS`, plain data, so this package needs
nothing of ``workers``): public inputs (old root, new root, commitment),
the link old root -> new root (jobs finalize in state-root order, as the
rollup contract accepts them), size = the batch's transfers, and the
witness inputs as payload. :func:`bench.rollup_workload.rollup_workload` makes
it a :class:`workers.workload.Workload`.

The Groth16 keys come from the dev setup seeded by ``seed``, so a
coordinator restarted on the same log proves and verifies under the same
keys. The dev setup's :class:`~zkprove.groth16.ToxicWasteWarning` is
silenced here on purpose: a benchmark cluster needs keys, not a ceremony
(never use these keys for anything else). A key from a file (a snarkjs
``.zkey`` from a real ceremony, or a zkprove ``.npz``) replaces the dev keys;
it must be the TransferBatch circuit's (``zkprove r1cs export`` writes its
``.r1cs``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

from zkprove import groth16
from zkprove.dsl import CompiledCircuit
from zkprove.formats.key_files import read_proving_key

from .pipeline import random_genesis, transfer_stream
from .sequencer import Job, Sequencer
from .transfer_batch import TransferBatch


@dataclass(frozen=True)
class RollupJobs:
    """``jobs`` chained from ``genesis_root``, the circuit, its keys and a warm-up batch's inputs."""

    cs: CompiledCircuit
    pk: groth16.ProvingKey
    vk: groth16.VerifyingKey
    genesis_root: int
    jobs: list[dict[str, Any]]
    """Each job as submitted: job_id, public_inputs, link_from, link_to, size, payload."""
    warmup: dict[str, Any]
    """Witness inputs of a valid batch from another genesis: outside the chain, whatever its length."""


def job_fields(job: Job) -> dict[str, Any]:
    """A sequenced batch as a cluster job: old root -> new root, its transfers as its size."""
    return {"job_id": job.index, "public_inputs": job.public_inputs, "link_from": job.old_root,
            "link_to": job.new_root, "size": len(job.transfers), "payload": job.inputs}


def rollup_jobs(n_jobs: int, batch_size: int = 1, depth: int = 4, accounts: int = 8, seed: int = 0,
                key_path: Path | None = None) -> RollupJobs:
    """``n_jobs`` chained TransferBatch(batch_size, depth) jobs over ``accounts`` random accounts.

    ``key_path``: prove under this key instead of seeded dev keys; a
    :class:`~zkprove.groth16.WrongKey` if it was made for another circuit.
    """
    cs = TransferBatch(T=batch_size, depth=depth).compile()
    if key_path is not None:
        pk = read_proving_key(key_path)
        groth16.require_key_for(pk, cs)
        vk = pk.vk
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
            pk, vk = groth16.setup(cs, rng=Random(seed))
    genesis_root, chain = rollup_chain(n_jobs, batch_size, depth, accounts, seed)
    _, (warmup,) = _batches(1, batch_size, depth, accounts, Random(f"warm-up:{seed}"))
    return RollupJobs(cs, pk, vk, genesis_root, chain, warmup.inputs)


def rollup_chain(n_jobs: int, batch_size: int = 1, depth: int = 4, accounts: int = 8,
                 seed: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """The genesis root and the ``n_jobs`` chained jobs of :func:`rollup_jobs`, without its keys."""
    genesis_root, chain = _batches(n_jobs, batch_size, depth, accounts, Random(seed))
    return genesis_root, [job_fields(j) for j in chain]


def _batches(n: int, batch_size: int, depth: int, accounts: int, rng: Random) -> tuple[int, list[Job]]:
    """A random genesis and the first ``n`` batches the sequencer cuts from a random transfer stream."""
    genesis, keys = random_genesis(accounts, depth, rng)
    sequencer = Sequencer(genesis, batch_size)
    stream = transfer_stream(sequencer, keys, rng)
    while len(sequencer.jobs) < n:
        sequencer.submit(next(stream))
    return genesis.root, sequencer.jobs[:n]
