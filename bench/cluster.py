"""The prover cluster: coordinator overhead per job, and throughput scaling with the number of provers.

``bench_coordinator_overhead`` measures the coordinator's own time per job
two ways: the Ray-free core and its SQLite log driven by instant provers
(every decision and transaction a job needs, nothing else), and a real Ray
run's time outside ``ray.wait`` (dispatching calls, reading answers, the
core, the log), beside the warm proving time of one job. ``bench_scaling``
runs the same workload with M = 1..max single-thread provers (round-robin,
no faults) and reports T1 / (M * TM) from the job logs. The coordinator
verifies every proof with the L1 verifier on the same machine, so on a
small machine verification competes with proving; its cost per proof is
reported before each circuit's scaling rows, against the single-thread proof
time (their ratio bounds the efficiency at M = cores).

Run: ``zkprove bench cluster [--json PATH] [--quick]``.
"""

from __future__ import annotations

import tempfile
import time
from functools import partial
from pathlib import Path

import numba

from workers.cluster import alive_nodes, connect, share_keys
from workers.core import CoordinatorCore
from workers.joblog import JobLog, JobRecord
from workers.metrics import scaling_efficiency
from workers.policies import RoundRobin
from workers.runner import run_scenario, warm_reference
from workers.scenario import Scenario
from workers.workload import Workload
from zkprove import groth16
from zkprove.l1 import verify_batch
from zkprove.timing import warm_then_time

from .rollup_workload import rollup_workload
from .rows import Row

OVERHEAD_TARGET_MS = 5.0
EFFICIENCY_TARGET = 0.9
SCALING_CIRCUITS = ((4, 8), (8, 16))
"""TransferBatch(batch size, depth) sizes of the scaling runs: about 61k and 183k constraints,
about 2 s and 7 s per single-thread job here (witness and proof), against about 0.3 s of
verification per proof."""
_PROOF = {"a": [1, 2], "b": [[3, 4], [5, 6]], "c": [7, 8]}


def _core_ms_per_job(jobs: int, provers: int = 4) -> float:
    """Milliseconds of core + log time per job, provers answering instantly with accepted proofs."""
    with tempfile.TemporaryDirectory(prefix="zkprove-bench-") as tmp:
        core = CoordinatorCore(JobLog(Path(tmp) / "log.sqlite"), RoundRobin(60.0), time.time, 0)
        records = [JobRecord(k, (k,), k, k + 1, 1, {"k": k}) for k in range(jobs)]
        start = time.perf_counter()
        for job in records:
            core.submit(job)
        for p in range(provers):
            core.prover_joined(f"p{p}")
        while not core.done():
            for d in core.assign():
                if core.result(d.job.job_id, d.attempt, d.prover_id, _PROOF, 0.0):
                    core.verdict(d.job.job_id, d.attempt, _PROOF, True, "valid")
            core.tick()
        elapsed = time.perf_counter() - start
        core.log.close()
    return 1e3 * elapsed / jobs


def _small_workload(jobs: int) -> tuple[Workload, float]:
    workload = rollup_workload(jobs, batch_size=1, depth=4, accounts=8, seed=11)
    return workload, warm_reference(workload)


def bench_coordinator_overhead(jobs: int = 200, ray_jobs: int = 12) -> list[Row]:
    """Coordinator milliseconds per job: the core alone, and a real Ray run (2 provers, no faults)."""
    core_ms = _core_ms_per_job(jobs)
    connect()
    workload, reference_s = _small_workload(ray_jobs)
    with tempfile.TemporaryDirectory(prefix="zkprove-bench-") as tmp:
        result = run_scenario(Scenario("overhead", "round-robin", 2), workload, Path(tmp) / "log.sqlite",
                              reference_s)
    target = f"<= {OVERHEAD_TARGET_MS:g} ms/job"
    return [
        Row("coordinator core + SQLite log, instant provers", jobs, core_ms, "ms/job",
            "warm proof TransferBatch(1,4)", 1e3 * reference_s, target=target, met=core_ms <= OVERHEAD_TARGET_MS),
        Row("coordinator on Ray, outside ray.wait", ray_jobs, result.overhead_ms_per_job, "ms/job",
            "warm proof TransferBatch(1,4)", 1e3 * reference_s, seconds=result.metrics.makespan_s, target=target,
            met=result.overhead_ms_per_job <= OVERHEAD_TARGET_MS),
    ]


def _verify_and_prove_s(workload: Workload, proofs: int = 2) -> tuple[float, float]:
    """Seconds of L1 verification per proof for a batch of ``proofs`` jobs' proofs (what the
    coordinator verifies at once when provers finish together), and seconds of one warm
    single-thread proof: the two costs that share the cores."""
    witnesses = [workload.circuit.witness(job.payload) for job in workload.jobs[: proofs + 1]]
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        made, seconds = warm_then_time(partial(groth16.prove, workload.pk), witnesses[0], witnesses)
    finally:
        numba.set_num_threads(threads)
    verify_batch(workload.vk, made[:1], [witnesses[0].public])
    start = time.perf_counter()
    report = verify_batch(workload.vk, made[1:], [w.public for w in witnesses[1:]])
    assert not report.bad, "the benchmark's own proofs do not verify"
    return (time.perf_counter() - start) / proofs, seconds[-1]


def bench_scaling(max_provers: int | None = None, jobs_per_prover: int = 6,
                  circuits: tuple[tuple[int, int], ...] = SCALING_CIRCUITS) -> list[Row]:
    """Scaling efficiency T1/(M*TM) on M single-thread provers, M = 1..max_provers (default:
    the cores), for each TransferBatch(batch size, depth) in ``circuits``; each row's seconds
    are its makespan TM.

    The coordinator's L1 verifier runs on the same cores: with one prover it has a core to
    itself, with M = cores it takes time from the provers. So efficiency is at most
    proof / (proof + verification) per job, and each circuit's rows start with that ratio.
    """
    connect()
    max_provers = max_provers or sum(alive_nodes().values())
    rows = []
    for batch_size, depth in circuits:
        workload = rollup_workload(jobs_per_prover * max_provers, batch_size=batch_size, depth=depth,
                                   accounts=2 * batch_size + 8, seed=12)
        label = f"{len(workload.jobs)} x TransferBatch({batch_size},{depth})"
        reference_s = warm_reference(workload)
        verify_s, prove_s = _verify_and_prove_s(workload)
        rows.append(Row(f"L1 verifier (native), batch of 2, {label}", workload.circuit.n_constraints, verify_s,
                        "s/proof", "warm proof, 1 thread", prove_s))
        shared = share_keys(workload.pk, workload.circuit)
        t1 = 0.0
        for m in range(1, max_provers + 1):
            scenario = Scenario(f"scale-{m}", "round-robin", m, threads=1, deadline_s=1800.0)
            with tempfile.TemporaryDirectory(prefix="zkprove-bench-") as tmp:
                result = run_scenario(scenario, workload, Path(tmp) / "log.sqlite", reference_s, shared)
            tm = result.metrics.makespan_s
            t1 = tm if m == 1 else t1
            efficiency = scaling_efficiency(t1, tm, m)
            rows.append(Row(f"{m} prover(s) x 1 thread, {label}", workload.circuit.n_constraints, efficiency,
                            "T1/(M*TM)", f"T1 = {t1:.1f} s", seconds=tm,
                            target=f">= {EFFICIENCY_TARGET}" if m > 1 else "",
                            met=efficiency >= EFFICIENCY_TARGET if m > 1 else None))
    return rows


def cluster_suite(quick: bool = False) -> list[tuple[str, object]]:
    """The steps of ``zkprove bench cluster`` (quick: smaller circuits); the last two run on several Ray
    nodes (:mod:`bench.cluster_nodes`)."""
    from .cluster_nodes import bench_key_distribution, bench_node_efficiency

    scaling = (lambda: bench_scaling(circuits=((1, 4),))) if quick else bench_scaling
    nodes = (lambda: bench_node_efficiency((1, 4), jobs=6)) if quick else bench_node_efficiency
    return [("coordinator overhead", bench_coordinator_overhead), ("scaling", scaling),
            ("proving key to worker nodes", bench_key_distribution), ("provers on two nodes", nodes)]

