"""The rollup as a cluster workload: :mod:`circuits.rollup.cluster_jobs` made a :class:`workers.workload.Workload`.

``workers`` may not import ``circuits`` (tests/test_layers.py), so the two
meet here, in ``bench``: ``cluster run``, ``cluster serve``, ``cluster jobs``
and the cluster benchmarks all take the rollup from this function.
"""

from __future__ import annotations

from pathlib import Path

from circuits.rollup.cluster_jobs import rollup_jobs
from workers.workload import DslCircuit, Workload, job_from_spec


def rollup_workload(n_jobs: int, batch_size: int = 1, depth: int = 4, accounts: int = 8, seed: int = 0,
                    key_path: Path | None = None) -> Workload:
    """``n_jobs`` chained TransferBatch(batch_size, depth) jobs (:func:`circuits.rollup.cluster_jobs.rollup_jobs`)."""
    built = rollup_jobs(n_jobs, batch_size, depth, accounts, seed, key_path)
    circuit = DslCircuit(built.cs, rollup_circuit_name(batch_size, depth))
    return Workload(circuit, built.pk, built.vk, built.genesis_root, [job_from_spec(j) for j in built.jobs],
                    built.warmup)


def rollup_circuit_name(batch_size: int, depth: int) -> str:
    """The name a rollup workload's circuit carries, and its jobs name when submitted."""
    return f"TransferBatch(T={batch_size}, depth={depth})"
