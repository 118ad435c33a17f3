"""The cluster's workload: rollup jobs from the reference sequencer, and the keys to prove them.

Reuses :mod:`circuits.rollup.pipeline` (random genesis, a transfer stream
with invalid transfers the sequencer rejects) and turns each sequenced
batch into a :class:`~workers.joblog.JobRecord`. The Groth16 keys come from
the dev setup seeded by the scenario seed, so a coordinator restarted on the
same log proves and verifies under the same keys. The dev setup's
:class:`~zkprove.groth16.ToxicWasteWarning` is silenced here on purpose:
a benchmark cluster needs keys, not a ceremony (never use these keys for
anything else). A key from a file (a snarkjs ``.zkey`` from a real
ceremony, or a zkprove ``.npz``) replaces the dev keys; it must be the
TransferBatch circuit's (``zkprove r1cs export`` writes its ``.r1cs``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

from circuits.rollup import Sequencer, TransferBatch
from circuits.rollup.pipeline import random_genesis, transfer_stream
from zkprove import groth16
from zkprove.dsl import CompiledCircuit
from zkprove.formats.key_files import read_proving_key

from .joblog import JobRecord


@dataclass(frozen=True)
class Workload:
    """A chain of proving jobs from ``genesis_root``, the circuit, its keys and a warm-up job's inputs."""

    cs: CompiledCircuit
    pk: groth16.ProvingKey
    vk: groth16.VerifyingKey
    genesis_root: int
    jobs: list[JobRecord]
    warmup: dict[str, Any]
    """Witness inputs of a valid batch outside the chain: provers warm their JIT on it."""


def rollup_workload(n_jobs: int, batch_size: int = 1, depth: int = 4, accounts: int = 8, seed: int = 0,
                    key_path: Path | None = None) -> Workload:
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
    rng = Random(seed)
    genesis, keys = random_genesis(accounts, depth, rng)
    sequencer = Sequencer(genesis, batch_size)
    stream = transfer_stream(sequencer, keys, rng)
    while len(sequencer.jobs) < n_jobs + 1:
        sequencer.submit(next(stream))
    jobs = [JobRecord(j.index, j.old_root, j.new_root, j.commitment, len(j.transfers), j.inputs)
            for j in sequencer.jobs[:n_jobs]]
    return Workload(cs, pk, vk, genesis.root, jobs, sequencer.jobs[n_jobs].inputs)


def unsatisfied(cs: CompiledCircuit, inputs: dict[str, Any]) -> str | None:
    """Why these witness inputs cannot be proved (the failing constraint's diagnostic), or None."""
    try:
        cs.solve(**inputs)
    except (ValueError, TypeError, KeyError) as error:
        return f"witness does not satisfy the circuit: {error}"
    return None
