"""One cluster run, end to end: a job log, a core, prover actors under faults, metrics.

A :class:`Scenario` says who proves (policy, number of provers, fault mix,
stake) and :func:`run_scenario` runs it on a :class:`~workers.workload.Workload`
against a job log file. If that file already holds the run (a coordinator
was killed), the run resumes from it: jobs already in the log are not
submitted again. The CLI, the reliability tests and the benchmark all go
through here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from os import PathLike

import numba

from zkprove import groth16
from zkprove.l1 import verify
from zkprove.timing import warm_then_time

from .cluster import (
    alive_nodes,
    plan_placement,
    share_keys,
    spawn_prover,
    spawn_verifier,
)
from .coordinator import RayCoordinator
from .core import CoordinatorCore
from .faults import FaultSpec, fault_mix, spread_speeds
from .joblog import JobLog
from .metrics import RunMetrics, measure
from .policies import make_policy
from .workload import Workload, unsatisfied

DEADLINE_FACTOR = 2.5
"""A prover's deadline is this many times its expected proving time (plus :data:`DEADLINE_SLACK_S`)."""
DEADLINE_SLACK_S = 2.0


@dataclass(frozen=True)
class Scenario:
    """Who proves: a policy over ``provers`` actors, a fraction of them faulty (:func:`~workers.faults.fault_mix`)."""

    name: str
    policy: str
    provers: int
    faults: dict[str, float] = field(default_factory=dict)
    stake: float = 50.0
    seed: int = 0
    deadline_s: float | None = None
    """None: derived from the reference proving time, the prover count and the cores."""
    max_restarts: int = 2
    threads: int | None = None
    """Numba threads (and Ray CPUs) per prover; None: the node's cores shared out (:func:`plan_placement`)."""
    speed_spread: float = 0.0
    """Heterogeneous hardware: sigma of the provers' lognormal slowdowns (:func:`~workers.faults.spread_speeds`)."""
    interval_s: float = 0.0
    """Seconds between job submissions (0: every job is submitted once the provers are up)."""

    def fault_specs(self) -> list[FaultSpec]:
        return spread_speeds(fault_mix(self.provers, self.seed, **self.faults), self.speed_spread, self.seed)


@dataclass(frozen=True)
class RunResult:
    """What a run measured: the log's metrics and the coordinator's own time per job."""

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
    witness = workload.cs.solve(**workload.warmup)
    (proof,), (seconds,) = warm_then_time(partial(groth16.prove, workload.pk), witness, [witness])
    verify(workload.vk, witness.public, proof)
    return seconds


def default_deadline(reference_s: float, provers: int, cores: int, slowest: float = 1.0) -> float:
    """Deadline for one attempt: the expected time of the slowest prover (``slowest`` times this
    machine) on its share of ``cores``, with margin."""
    expected = slowest * reference_s * max(provers, cores / max(1, cores // provers))
    return DEADLINE_FACTOR * expected + DEADLINE_SLACK_S


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
    deadline_s = scenario.deadline_s or default_deadline(reference_s, scenario.provers, cores,
                                                         max(spec.speed for spec in specs))
    log = JobLog(log_path)
    core = CoordinatorCore(log, make_policy(scenario.policy, deadline_s, scenario.seed), time.time,
                           workload.genesis_root, referee=lambda job: unsatisfied(workload.cs, job.payload))
    shared = shared or share_keys(workload.pk, workload.cs)
    coordinator = RayCoordinator(core, spawn_verifier(workload.vk), on_progress)
    slots = plan_placement(scenario.provers, nodes, exclude_nodes, scenario.threads)
    try:
        for i, (slot, fault) in enumerate(zip(slots, specs)):
            coordinator.join(spawn_prover(f"p{i}", slot, shared, workload.warmup, fault, scenario.stake,
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
