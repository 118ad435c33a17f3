"""``zkprove bench compare``: one workload under every policy and fault mix, centralized vs scattered.

Each sweep of :data:`bench.scenarios.SWEEPS` runs every policy at every value
of its axis; the liveness group runs a centralized prover and scattered
fleets through the same outage of their first prover. Runs go through the
simulation (:mod:`bench.simulate`, thousands of provers in seconds) or for
real on Ray (:func:`workers.runner.run_scenario`, small sizes); both are
measured from their job logs by :func:`workers.metrics.measure`.
"""

from __future__ import annotations

import pickle
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from bench.report.results import RunRecord, record_from_log
from bench.scenarios import POLICY_NAMES, SWEEPS, Scenario, Sweep
from bench.simulate.engine import Simulation
from bench.simulate.timing import ProofTimes

LIVENESS_POLICIES = ("centralized", "round-robin", "auction")


def sim_record(scenario: Scenario, times: ProofTimes, group: str = "", x: float | None = None,
               **sim: float) -> RunRecord:
    """Simulate ``scenario`` and measure it (``sim``: :class:`Simulation` options).

    The metrics are the ones :meth:`Simulation.run` measured (as :func:`record_from_log` would, without
    measuring a million-job log twice); jobs arrive in id order from t=0, so job 0's submission starts
    the finalization times."""
    start = time.perf_counter()
    simulation = Simulation(scenario, times, **sim)
    metrics = simulation.run()
    first = simulation.log.job(0).submitted_at if scenario.jobs else 0.0
    finalized_at = tuple(at - first for _, _, at in simulation.log.finalized())
    return RunRecord(scenario, "sim", metrics.as_dict(), finalized_at, time.perf_counter() - start, group, x)


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
            sweeps: dict[str, Sweep] = SWEEPS, seeds: int = 1, workers: int = 1) -> list[RunRecord]:
    """Every sweep run, then the liveness runs (if ``base`` submits jobs over time), each through
    ``run(scenario, group, x)`` once per seed ``base.seed .. base.seed + seeds - 1`` (the seed decides
    the fault draws, speed spread and proving times), so every point has per-seed values to bound.

    ``workers`` > 1 spreads the runs over that many processes (``run`` must pickle, as
    :func:`simulated`'s does); every run is seeded and independent, so the records are the same
    as in-process and come back in the same order, as does every ``on_run`` call."""
    if seeds < 1:
        raise ValueError(f"seeds must be >= 1, got {seeds}")
    points = [(scenario, axis, value) for axis, value, scenario in sweep_runs(base, axes, policies, sweeps)]
    points += [(scenario, "liveness", None) for scenario in (liveness_runs(base) if base.interval_s else ())]
    tasks = [(replace(scenario, seed=seed), group, x)
             for scenario, group, x in points for seed in range(base.seed, base.seed + seeds)]
    records = []
    for record in run_all(run, tasks, workers):
        records.append(record)
        if on_run is not None:
            on_run(record)
    return records


Task = tuple[Scenario, str, float | None]
CHUNK = 8
"""Most tasks a pool worker takes at once: few enough that the records come back steadily in order and the
last chunks keep both workers busy (one open race at 1,000 provers can take seconds), many enough that
sending a task costs nothing beside running it."""
_worker_run: Callable[[Scenario, str, float | None], RunRecord] | None = None
"""The ``run`` a pool worker process was started with (see :func:`run_all`)."""


def run_all(run: Callable[[Scenario, str, float | None], RunRecord], tasks: list[Task],
            workers: int = 1) -> Iterator[RunRecord]:
    """``run(*task)`` for each task, in order: in this process (``workers`` 1) or on a pool of
    ``workers`` processes, each started once with ``run`` and fed chunks of tasks."""
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if workers == 1 or len(tasks) < 2:
        yield from (run(*task) for task in tasks)
        return
    try:
        pickle.dumps(run)
    except (pickle.PicklingError, AttributeError, TypeError) as error:
        raise ValueError(f"this run cannot go to worker processes ({error}); use workers=1") from None
    chunk = max(1, min(CHUNK, len(tasks) // (workers * 8)))
    with ProcessPoolExecutor(min(workers, len(tasks)), initializer=_start_worker, initargs=(run,)) as pool:
        yield from pool.map(_run_task, tasks, chunksize=chunk)


def _start_worker(run: Callable[[Scenario, str, float | None], RunRecord]) -> None:
    global _worker_run
    _worker_run = run


def _run_task(task: Task) -> RunRecord:
    return _worker_run(*task)


@dataclass(frozen=True)
class SimulatedRun:
    """A ``run`` for :func:`compare` that simulates with ``times`` and :class:`Simulation` options ``sim``
    (a class, not a closure, so a pool of worker processes can receive it)."""

    times: ProofTimes
    sim: dict[str, float]

    def __call__(self, scenario: Scenario, group: str, x: float | None) -> RunRecord:
        return sim_record(scenario, self.times, group, x, **self.sim)


def simulated(times: ProofTimes, **sim: float) -> SimulatedRun:
    """A ``run`` for :func:`compare` that simulates."""
    return SimulatedRun(times, sim)


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
