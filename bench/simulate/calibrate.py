"""Calibration: the simulation against real Ray runs of the same small scenarios.

For each scenario, run it on Ray, read from its job log what the machine
did (proving times as the actors reported them, the verifier's batch times,
when provers joined, the deadline the coordinator set), simulate the same
scenario with those, and set the two records side by side. On a shared
2-core machine the proving time depends on what else runs, so the model is
read from the run itself: the check is of the coordinator model (queueing,
deadlines, reassignment, verification batches, faults), not of a proof time
measured at another moment. Agreement target: throughput, P50 and P99 within 15%.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bench.report.results import RunRecord
from workers.jobstore import JobStore
from workers.scenario import Scenario

from .timing import ProofTimes

TOLERANCE = 0.15
_BATCH_GAP_S = 0.05


def times_from_log(log: JobStore, batch_size: int, request_bytes: int) -> ProofTimes:
    """Proof times as the actors reported them, and a verifier fit ``a + b*n`` over the log's verify batches."""
    prove_s = tuple(a.prove_s for a in log.attempts() if a.prove_s)
    fixed, per_proof = verifier_fit(log)
    return ProofTimes(batch_size, 0, 0, prove_s, fixed, per_proof, request_bytes)


def verifier_fit(log: JobStore) -> tuple[float, float]:
    """Group verdicts into batches (verdicts handled together), time each from when it could start."""
    delivered = {(a.job_id, a.prover): a.ended_at for a in log.attempts() if a.prove_s}
    verdicts = sorted((e[0], e[2], e[3]) for e in log.events() if e[1] in ("verified", "invalid_proof"))
    batches: list[list[tuple[float, int, str]]] = []
    for verdict in verdicts:
        if batches and verdict[0] - batches[-1][-1][0] < _BATCH_GAP_S:
            batches[-1].append(verdict)
        else:
            batches.append([verdict])
    sizes, durations, previous_end = [], [], float("-inf")
    for batch in batches:
        end = batch[-1][0]
        arrived = max(delivered.get((job, prover), end) for _, job, prover in batch)
        sizes.append(len(batch))
        durations.append(max(0.0, end - max(previous_end, arrived)))
        previous_end = end
    if not sizes:
        return 0.0, 0.0
    if len(set(sizes)) < 2:
        return float(np.mean(durations)), 0.0
    per_proof, fixed = np.polyfit(sizes, durations, 1)
    return max(0.0, float(fixed)), max(0.0, float(per_proof))


def startup_from_log(log: JobStore) -> float:
    """Median seconds from the first submission until a prover registered (0 if before)."""
    start = min(j.submitted_at for j in log.jobs())
    joins = [max(0.0, e[0] - start) for e in log.events("prover_joined")]
    return float(np.median(joins)) if joins else 0.0


def deadline_from_log(log: JobStore) -> float:
    first = log.attempts()[0]
    return first.deadline - first.assigned_at


def simulate_like(real: RunRecord, log: JobStore, request_bytes: int) -> RunRecord:
    """The simulated twin of a real run, driven by what its job log recorded."""
    from bench.compare import sim_record

    times = times_from_log(log, real.scenario.batch_size, request_bytes)
    scenario: Scenario = replace(real.scenario, deadline_s=deadline_from_log(log))
    twin = sim_record(scenario, times, real.group, real.x, speedup=1.0 / scenario.provers if scenario.centralized
                      else 1.0, verify_scale=1.0, join_s=startup_from_log(log))
    return replace(twin, scenario=real.scenario)


def agreement(real: RunRecord, sim: RunRecord) -> dict[str, float]:
    """Relative difference (sim - real) / real of throughput, P50 and P99."""
    return {key: (sim.metrics[key] - real.metrics[key]) / real.metrics[key]
            for key in ("proofs_per_s", "latency_p50_s", "latency_p99_s") if real.metrics[key]}
