"""Run metrics, computed from the job log alone.

Every figure comes from the log's timestamps and events, so a real Ray run
and a simulated run are measured by the same code. The set follows what
prover networks publish (docs/architecture.md, section "Metrics", prints
:data:`DEFINITIONS`, and ``zkprove cluster run --help`` too): throughput in
proofs/s and tx/s, latency from submission to finality (P50/P90/P99), the
share of attempts that met their deadline, wasted prover-seconds,
reassignments, slashes, invalid proofs caught, the longest gap without a
finalization (liveness), the head-of-line cost of in-order finality, and, across runs, scaling efficiency T1/(M*TM).

Deadlines are per attempt, counted from its assignment; latency is per job,
counted from its submission, so it includes the time a job waits for a free
prover and may exceed the deadline while every attempt meets it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from itertools import pairwise
from operator import itemgetter

import numpy as np

from .joblog import Outcome
from .jobstore import JobStore

DEFINITIONS: dict[str, str] = {
    "jobs": "jobs submitted",
    "finalized": "jobs finalized, in link order",
    "failed": "jobs that cannot be proved (unsatisfiable or forked)",
    "transactions": "sum of the finalized jobs' sizes (rollup: transfers)",
    "makespan_s": "first submission to last finalization, seconds",
    "proofs_per_s": "finalized jobs / makespan",
    "tx_per_s": "transactions / makespan",
    "latency_p50_s": "median of submission-to-finality times of finalized jobs (includes queueing)",
    "latency_p90_s": "90th percentile of those times",
    "latency_p99_s": "99th percentile of those times",
    "within_deadline": "share of attempts that did not miss their deadline: 1 - deadline misses / attempts",
    "wasted_prover_s": "prover-seconds of attempts whose proof was not the accepted one",
    "attempts": "assignments of a job to a prover",
    "reassignments": "times a job was put up again after its attempts failed",
    "deadline_misses": "attempts the coordinator expired: no answer by assignment + deadline",
    "crashes": "attempts whose prover died while holding them",
    "slashes": "stake penalties (auction: missed deadline, invalid proof, refused provable job)",
    "slashed_stake": "total stake slashed",
    "invalid_caught": "proofs the L1 verifier refused",
    "rejected": "submissions and answers the coordinator refused, with a reason",
    "longest_gap_s": "longest time without a finalization (from the first submission), seconds",
    "head_of_line_mean_s": "mean seconds a finalized job's verified proof waited for earlier jobs to finalize "
                           "(in-order finality: one slow job holds back every later one)",
    "head_of_line_max_s": "the longest such wait, seconds",
}
"""What each :class:`RunMetrics` field means; docs/architecture.md ("Metrics") prints the same."""


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
    head_of_line_mean_s: float = 0.0
    head_of_line_max_s: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def measure(log: JobStore) -> RunMetrics:
    """The metrics of the run recorded in ``log`` (from the first submission to the last event).

    A few passes over the log, each at C speed where it can be (a simulated run of 1,000,000 jobs
    logs over 5,000,000 events); sums run in log order, so a figure does not depend on how it is read.
    """
    jobs = log.jobs()
    done = [j for j in jobs if j.state == "finalized"]
    start = min((j.submitted_at for j in jobs), default=0.0)
    events = log.events()
    end = max(map(itemgetter(0), events), default=start)
    last_final = max((j.finalized_at for j in done), default=start)
    makespan = last_final - start
    latencies = [j.finalized_at - j.submitted_at for j in done]
    attempts = log.attempts()
    wasted = sum(((a.ended_at if a.ended_at is not None else end) - a.assigned_at)
                 for a in attempts if a.outcome != Outcome.ACCEPTED)
    kinds = Counter(map(itemgetter(1), events))
    misses = kinds["deadline_missed"]
    times = [start] + sorted(at for _, _, at in log.finalized())
    held = head_of_line(done, events)
    transactions = sum(j.size for j in done)
    return RunMetrics(
        jobs=len(jobs),
        finalized=len(done),
        failed=sum(1 for j in jobs if j.state == "failed"),
        transactions=transactions,
        makespan_s=makespan,
        proofs_per_s=len(done) / makespan if makespan > 0 else 0.0,
        tx_per_s=transactions / makespan if makespan > 0 else 0.0,
        latency_p50_s=percentile(latencies, 50),
        latency_p90_s=percentile(latencies, 90),
        latency_p99_s=percentile(latencies, 99),
        within_deadline=1.0 - misses / len(attempts) if attempts else 0.0,
        wasted_prover_s=wasted,
        attempts=len(attempts),
        reassignments=kinds["reassigned"],
        deadline_misses=misses,
        crashes=kinds["crash"],
        slashes=kinds["slash"],
        slashed_stake=sum(e[5] for e in events if e[1] == "slash"),
        invalid_caught=kinds["invalid_proof"],
        rejected=kinds["rejected"],
        longest_gap_s=max((b - a for a, b in pairwise(times)), default=0.0),
        head_of_line_mean_s=float(np.mean(held)) if held else 0.0,
        head_of_line_max_s=max(held, default=0.0),
    )


def head_of_line(done: list, events: list) -> list[float]:
    """Per finalized job: its finalization time less the time its proof was ready (the last ``verified``
    event of the job at or before its finalization; with k-of-N redundancy the k-th proof). Jobs finalize
    in link order, so a job proved early waits here for every earlier job still being proved."""
    finalized_at = {j.job_id: j.finalized_at for j in done}
    ready: dict[int, float] = {}
    for at, _, job_id, *_ in [e for e in events if e[1] == "verified"]:
        final = finalized_at.get(job_id)
        if final is not None and at <= final:
            ready[job_id] = max(at, ready.get(job_id, at))
    return [finalized_at[j] - ready[j] for j in finalized_at if j in ready]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (linear interpolation, numpy's default); 0.0 for no values."""
    return float(np.percentile(values, q)) if values else 0.0


def scaling_efficiency(t1: float, tm: float, m: int) -> float:
    """T1 / (M * TM): 1.0 when M provers finish M times faster than one."""
    return t1 / (m * tm) if tm > 0 and m > 0 else 0.0
