"""Run metrics, computed from the job log alone.

Every figure comes from the log's timestamps and events, so a real Ray run
and a simulated run are measured by the same code. The set follows what
prover networks publish (docs/architecture.md, section "Metrics"): throughput in proofs/s and
tx/s, latency from submission to finality (P50/P90/P99), the share of jobs
proved within the deadline of their first assignment, wasted prover-seconds,
reassignments, slashes, invalid proofs caught, the longest gap without a
finalization (liveness), and, across runs, scaling efficiency T1/(M*TM).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import pairwise

import numpy as np

from .joblog import AttemptRecord, JobLog, Outcome


@dataclass(frozen=True)
class RunMetrics:
    """One run's figures (seconds on the log's clock)."""

    jobs: int
    finalized: int
    failed: int
    transactions: int
    makespan_s: float
    proofs_per_s: float
    tx_per_s: float
    latency_p50_s: float
    latency_p90_s: float
    latency_p99_s: float
    within_deadline: float
    wasted_prover_s: float
    attempts: int
    reassignments: int
    deadline_misses: int
    crashes: int
    slashes: int
    slashed_stake: float
    invalid_caught: int
    rejected: int
    longest_gap_s: float

    def as_dict(self) -> dict:
        return asdict(self)


def measure(log: JobLog) -> RunMetrics:
    """The metrics of the run recorded in ``log`` (from the first submission to the last event)."""
    jobs = log.jobs()
    done = [j for j in jobs if j.state == "finalized"]
    start = min((j.submitted_at for j in jobs), default=0.0)
    events = log.events()
    end = max((e[0] for e in events), default=start)
    last_final = max((j.finalized_at for j in done), default=start)
    makespan = last_final - start
    latencies = [j.finalized_at - j.submitted_at for j in done]
    attempts = log.attempts()
    first = {a.job_id: a for a in attempts if a.attempt == 1}
    on_time = sum(1 for j in done if _on_time(first.get(j.job_id)))
    wasted = sum(((a.ended_at if a.ended_at is not None else end) - a.assigned_at)
                 for a in attempts if a.outcome != Outcome.ACCEPTED)
    kinds = [e[1] for e in events]
    times = [start] + sorted(at for _, _, at in log.finalized())
    return RunMetrics(
        jobs=len(jobs),
        finalized=len(done),
        failed=sum(1 for j in jobs if j.state == "failed"),
        transactions=sum(j.n_tx for j in done),
        makespan_s=makespan,
        proofs_per_s=len(done) / makespan if makespan > 0 else 0.0,
        tx_per_s=sum(j.n_tx for j in done) / makespan if makespan > 0 else 0.0,
        latency_p50_s=percentile(latencies, 50),
        latency_p90_s=percentile(latencies, 90),
        latency_p99_s=percentile(latencies, 99),
        within_deadline=on_time / len(done) if done else 0.0,
        wasted_prover_s=wasted,
        attempts=len(attempts),
        reassignments=kinds.count("reassigned"),
        deadline_misses=kinds.count("deadline_missed"),
        crashes=kinds.count("crash"),
        slashes=kinds.count("slash"),
        slashed_stake=sum(e[5] for e in events if e[1] == "slash"),
        invalid_caught=kinds.count("invalid_proof"),
        rejected=kinds.count("rejected"),
        longest_gap_s=max((b - a for a, b in pairwise(times)), default=0.0),
    )


def _on_time(a: AttemptRecord | None) -> bool:
    """The job's first attempt delivered the accepted proof by its deadline."""
    return a is not None and a.outcome == Outcome.ACCEPTED and a.ended_at is not None and a.ended_at <= a.deadline


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (linear interpolation, numpy's default); 0.0 for no values."""
    return float(np.percentile(values, q)) if values else 0.0


def scaling_efficiency(t1: float, tm: float, m: int) -> float:
    """T1 / (M * TM): 1.0 when M provers finish M times faster than one."""
    return t1 / (m * tm) if tm > 0 and m > 0 else 0.0
