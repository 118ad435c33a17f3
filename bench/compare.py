"""``zkprove bench compare``: one workload under every policy and fault mix, centralized vs scattered.

Each sweep of :data:`bench.scenarios.SWEEPS` runs every policy at every value
of its axis; the liveness group runs a centralized prover and scattered
fleets through the same outage of their first prover. Runs go through the
simulation (:mod:`bench.simulate`, thousands of provers in seconds) or for
real on Ray (:func:`workers.runner.run_scenario`, small sizes); both are
measured from their job logs by :func:`workers.metrics.measure`.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from bench.report.results import RunRecord, record_from_log
from bench.scenarios import POLICY_NAMES, SWEEPS, Scenario, Sweep
from bench.simulate.engine import Simulation
from bench.simulate.timing import ProofTimes

LIVENESS_POLICIES = ("centralized", "round-robin", "auction")


def sim_record(scenario: Scenario, times: ProofTimes, group: str = "", x: float | None = None,
               **sim: float) -> RunRecord:
    """Simulate ``scenario`` and measure it (``sim``: :class:`Simulation` options)."""
    start = time.perf_counter()
    simulation = Simulation(scenario, times, **sim)
    simulation.run()
    return record_from_log(scenario, "sim", simulation.log, time.perf_counter() - start, group, x)


def sweep_runs(base: Scenario, axes: tuple[str, ...], policies: tuple[str, ...] = POLICY_NAMES,
               sweeps: dict[str, Sweep] = SWEEPS) -> Iterator[tuple[str, float, Scenario]]:
    """(axis, value, scenario) for every policy at every value of every axis (see :class:`Sweep`)."""
    for axis in axes:
        for value, scenario in sweeps[axis].scenarios(base, policies):
            yield axis, value, scenario


def liveness_runs(base: Scenario) -> list[Scenario]:
    """The same outage of the first prover, from 1/4 to 1/2 of the submission window (which opens at
    ``warm_s``), under each liveness policy."""
    window = base.jobs * base.interval_s
    outage = (round(base.warm_s + window / 4, 1), round(base.warm_s + window / 2, 1))
    return [replace(base, name=f"{policy} outage", policy=policy, outage=outage) for policy in LIVENESS_POLICIES]


def compare(base: Scenario, axes: tuple[str, ...], run: Callable[[Scenario, str, float | None], RunRecord],
            policies: tuple[str, ...] = POLICY_NAMES, on_run: Callable[[RunRecord], None] | None = None,
            sweeps: dict[str, Sweep] = SWEEPS, seeds: int = 1) -> list[RunRecord]:
    """Every sweep run, then the liveness runs (if ``base`` submits jobs over time), each through
    ``run(scenario, group, x)`` once per seed ``base.seed .. base.seed + seeds - 1`` (the seed decides
    the fault draws, speed spread and proving times), so every point has per-seed values to bound."""
    if seeds < 1:
        raise ValueError(f"seeds must be >= 1, got {seeds}")
    points = [(scenario, axis, value) for axis, value, scenario in sweep_runs(base, axes, policies, sweeps)]
    points += [(scenario, "liveness", None) for scenario in (liveness_runs(base) if base.interval_s else ())]
    records = []
    for scenario, group, x in points:
        for seed in range(base.seed, base.seed + seeds):
            records.append(run(replace(scenario, seed=seed), group, x))
            if on_run is not None:
                on_run(records[-1])
    return records


def simulated(times: ProofTimes, **sim: float) -> Callable[[Scenario, str, float | None], RunRecord]:
    """A ``run`` for :func:`compare` that simulates."""
    return lambda scenario, group, x: sim_record(scenario, times, group, x, **sim)


def on_ray(workload: object, reference_s: float, shared: tuple, log_dir: Path | None = None,
           timeout_s: float = 900.0) -> Callable[[Scenario, str, float | None], RunRecord]:
    """A ``run`` for :func:`compare` that runs for real on the connected Ray (see :func:`real_record`)."""
    folder = log_dir or Path(tempfile.mkdtemp(prefix="zkprove-bench-"))
    return lambda scenario, group, x: real_record(scenario, workload, reference_s, shared, log_path(folder, scenario),
                                                  group, x, timeout_s)


def log_path(folder: Path, scenario: Scenario) -> Path:
    """A fresh job log file for ``scenario`` in ``folder``."""
    return folder / f"{scenario.name.replace(' ', '_').replace('/', '_')}-{time.time_ns()}.sqlite"


def real_record(scenario: Scenario, workload: object, reference_s: float, shared: tuple, log_path: Path,
                group: str = "", x: float | None = None, timeout_s: float = 900.0) -> RunRecord:
    """Run ``scenario`` on Ray with :func:`workers.runner.run_scenario` and measure its job log."""
    from workers.joblog import JobLog
    from workers.runner import run_scenario

    start = time.perf_counter()
    run_scenario(scenario, workload, log_path, reference_s, shared, timeout_s=timeout_s,
                 schedule=_outage(scenario, workload, shared))
    wall = time.perf_counter() - start
    log = JobLog(log_path)
    try:
        return record_from_log(scenario, "real", log, wall, group, x)
    finally:
        log.close()


def _outage(scenario: Scenario, workload: object, shared: tuple) -> list:
    """The Ray schedule of the scenario's outage: prover p0 leaves, then a fresh p0 joins."""
    if scenario.outage is None:
        return []
    from workers.cluster import alive_nodes, plan_placement, spawn_prover

    start, end = scenario.outage
    fault = scenario.fault_specs()[0]

    def back(coordinator: object) -> None:
        slot = plan_placement(scenario.actors, alive_nodes())[0]
        coordinator.join(spawn_prover("p0", slot, shared, workload.warmup_payload, fault, scenario.stake,
                                      scenario.max_restarts))

    return [(start, lambda coordinator: coordinator.leave("p0", "outage")), (end, back)]
