"""One cluster run on Ray, end to end: a job log, a core, prover actors under faults, metrics.

:func:`run_scenario` runs a :class:`~workers.scenario.Scenario` on a
:class:`~workers.workload.Workload` against a job log file. If that file
already holds the run (a coordinator was killed), the run resumes from it:
jobs already in the log are not submitted again. The CLI, the reliability
tests and the benchmarks all go through here. The deadline comes from the
scenario's one rule (:func:`workers.scenario.deadline_rule`) applied to
:func:`expected_prove_s`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from os import PathLike

import numba

from zkprove import groth16
from zkprove.l1 import verify
from zkprove.timing import warm_then_time

from .cluster import alive_nodes, plan_placement, share_keys, spawn_prover, spawn_verifier
from .coordinator import RayCoordinator
from .core import CoordinatorCore
from .joblog import JobLog
from .metrics import RunMetrics, measure
from .scenario import Scenario
from .workload import Workload, unsatisfied


@dataclass(frozen=True)
class RunResult:
    """What a run measured: the log's metrics, the coordinator's own time per job, the deadline it set."""

    scenario: Scenario
    metrics: RunMetrics
    overhead_ms_per_job: float
    deadline_s: float
    log_path: str
    verdict: str | None = None
    """None: every job became final; else why the run ended early (stalled, no prover left, timed out)."""


def warm_reference(workload: Workload) -> float:
    """Warm the JIT cache in this process for the prover and the L1 verifier (so actors load machine
    code, not compile it) and return the warm proving time of the warm-up job with all cores."""
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    witness = workload.circuit.witness(workload.warmup_payload)
    (proof,), (seconds,) = warm_then_time(partial(groth16.prove, workload.pk), witness, [witness])
    verify(workload.vk, witness.public, proof)
    return seconds


def expected_prove_s(reference_s: float, actors: int, cores: int, slowest: float = 1.0) -> float:
    """The slowest prover's expected proving time: the warm all-core proof ``reference_s`` times the
    share of ``cores`` one of ``actors`` provers gets (each gets ``max(1, cores // actors)`` threads;
    more provers than cores share them), times its hardware slowdown ``slowest``."""
    return slowest * reference_s * max(actors, cores / max(1, cores // actors))


def run_scenario(
    scenario: Scenario,
    workload: Workload,
    log_path: str | PathLike,
    reference_s: float,
    shared: tuple | None = None,
    on_progress: Callable[[RayCoordinator], None] | None = None,
    timeout_s: float = 900.0,
    schedule: list[tuple[float, Callable[[RayCoordinator], None]]] = (),
    exclude_nodes: tuple[str, ...] = (),
) -> RunResult:
    """Run ``scenario`` on Ray (already connected) until every job is final or it stalls, and measure it.

    Jobs not yet in the log are submitted once the provers are up, one every
    ``scenario.interval_s`` seconds; ``schedule`` adds ``(seconds, action)`` events.
    """
    nodes = alive_nodes()
    cores = sum(cpus for node, cpus in nodes.items() if node not in exclude_nodes)
    specs = scenario.fault_specs()
    deadline_s = scenario.deadline(expected_prove_s(reference_s, scenario.actors, cores,
                                                    max(spec.speed for spec in specs)))
    log = JobLog(log_path)
    core = CoordinatorCore(log, scenario.make_policy(deadline_s), time.time, workload.genesis_link,
                           referee=lambda job: unsatisfied(workload.circuit, job.payload))
    shared = shared or share_keys(workload.pk, workload.circuit)
    coordinator = RayCoordinator(core, spawn_verifier(workload.vk), on_progress)
    slots = plan_placement(scenario.actors, nodes, exclude_nodes, scenario.threads)
    try:
        for i, (slot, fault) in enumerate(zip(slots, specs)):
            coordinator.join(spawn_prover(f"p{i}", slot, shared, workload.warmup_payload, fault, scenario.stake,
                                          scenario.max_restarts))
        coordinator.await_provers(timeout_s)
        waiting = [job for job in workload.jobs if log.job(job.job_id) is None]
        arrivals = [(k * scenario.interval_s, lambda c, job=job: c.core.submit(job)) for k, job in enumerate(waiting)]
        verdict = coordinator.run(timeout_s, [*arrivals, *schedule], grace_s=deadline_s)
    finally:
        coordinator.shutdown()
    metrics = measure(log)
    log.close()
    overhead = 1e3 * coordinator.busy_s / max(len(workload.jobs), 1)
    return RunResult(scenario, metrics, overhead, deadline_s, os.fspath(log_path), verdict)
