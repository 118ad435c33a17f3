"""Reliability of the Ray prover cluster: real actors, real proofs, real faults (small circuits).

One Ray cluster for the module (the ``ray_cluster`` fixture of tests/conftest.py). Every test asserts
counts and orders from the job log, never timings: every job finalized
exactly once, in state-root order, and no invalid proof accepted.
"""

import dataclasses
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import ray
from workers.cluster import alive_nodes, plan_placement, share_keys, spawn_prover
from workers.faults import FaultSpec
from workers.joblog import JobLog, JobRecord
from workers.messages import proof_from_dict
from bench.rollup_workload import rollup_workload
from workers.runner import run_scenario, warm_reference
from workers.scenario import Scenario
from zkprove.l1 import verify_batch

N_JOBS = 10


@pytest.fixture(scope="module")
def workload(ray_cluster):
    w = rollup_workload(N_JOBS, batch_size=1, depth=4, accounts=8, seed=5)
    return w, warm_reference(w), share_keys(w.pk, w.circuit)


def assert_finalized_once_in_order(log: JobLog, workload, n: int) -> None:
    """Positions 0..n-1, each job once, roots chaining from genesis, every accepted proof valid on L1."""
    finalized = log.finalized()
    assert [pos for pos, _, _ in finalized] == list(range(n))
    jobs = [log.job(job_id) for _, job_id, _ in finalized]
    assert len({j.job_id for j in jobs}) == n
    links = [workload.genesis_link] + [j.link_to for j in jobs]
    assert [j.link_from for j in jobs] == links[:-1]
    report = verify_batch(workload.vk, [proof_from_dict(j.proof) for j in jobs], [list(j.public_inputs) for j in jobs])
    assert report.ok, report.reason


def test_crashing_byzantine_and_straggling_provers_cannot_stop_or_fool_the_cluster(ray_cluster, workload, tmp_path):
    w, reference_s, shared = workload
    faults = {"crash": 0.3, "byzantine": 0.1, "straggler": 0.2, "rate": 1.0, "slowdown": 4.0}
    scenario = Scenario("reliability", "round-robin", 10, faults=faults, seed=3, max_restarts=1)
    result = run_scenario(scenario, w, tmp_path / "log.sqlite", reference_s, shared, timeout_s=600)
    log = JobLog(result.log_path)
    assert_finalized_once_in_order(log, w, N_JOBS)
    kinds = {f"p{i}": spec.kind for i, spec in enumerate(scenario.fault_specs())}
    assert sorted(kinds.values()).count("crash") == 3 and list(kinds.values()).count("byzantine") == 1
    attempts = log.attempts()
    by_kind = {kind: [a for a in attempts if kinds[a.prover] == kind] for kind in set(kinds.values())}
    assert by_kind["crash"] and all(a.outcome in ("crashed", "lost") for a in by_kind["crash"])
    assert by_kind["byzantine"] and all(a.outcome == "invalid" for a in by_kind["byzantine"])
    assert all(kinds[j.prover] in ("honest", "straggler") for j in log.jobs())
    m = result.metrics
    assert (m.finalized, m.failed) == (N_JOBS, 0)
    assert m.crashes == len(by_kind["crash"]) - sum(a.outcome == "lost" for a in by_kind["crash"])
    assert m.invalid_caught == len(by_kind["byzantine"])
    assert m.reassignments >= len(by_kind["crash"]) + len(by_kind["byzantine"])


def test_jobs_of_a_removed_node_are_reassigned_and_finalized(ray_cluster, workload, tmp_path):
    w, reference_s, shared = workload
    node = ray_cluster.add_node(num_cpus=1)
    ray_cluster.wait_for_nodes()
    doomed = node.node_id
    removed = []

    def remove_once(coordinator):
        """Once a job is proved and a prover on the doomed node holds another: kill the node."""
        on_node = {p for p, h in coordinator.provers.items() if h.slot.node_id == doomed}
        busy = {op.prover_id for op in coordinator.core.open.values() if not op.expired}
        if not removed and coordinator.core.log.count("proved", "verified", "finalized") and on_node & busy:
            removed.append(on_node)
            ray_cluster.remove_node(node, allow_graceful=False)

    jobs = dataclasses.replace(w, jobs=w.jobs[:6])
    scenario = Scenario("node-loss", "round-robin", 2, seed=1, max_restarts=1)
    result = run_scenario(scenario, jobs, tmp_path / "log.sqlite", reference_s, shared, timeout_s=300,
                          on_progress=remove_once)
    log = JobLog(result.log_path)
    assert removed, "the node was never removed"
    assert_finalized_once_in_order(log, w, 6)
    joined = {e[3]: e[4] for e in log.events("prover_joined")}
    assert set(joined) == {"p0", "p1"}
    cut = [a for a in log.attempts() if a.outcome in ("crashed", "lost")]
    assert cut and {a.prover for a in cut} <= removed[0], "no attempt was in flight on the removed node"
    for a in cut:
        assert log.job(a.job_id).state == "finalized" and log.job(a.job_id).prover != a.prover
    assert doomed not in {n["NodeID"] for n in ray.nodes() if n["Alive"]}


def test_provers_join_and_leave_while_jobs_arrive(ray_cluster, workload, tmp_path):
    """Permissionless membership on real Ray: jobs arrive one every 0.4 s at two provers of different
    speeds; p0 deregisters and p2 registers with its stake, then p1 leaves once p2 is up, so the
    remaining jobs can only be p2's."""
    w, reference_s, shared = workload
    retired = []

    def swap(coordinator):
        coordinator.leave("p0")
        slot = plan_placement(2, alive_nodes())[0]
        coordinator.join(spawn_prover("p2", slot, shared, w.warmup_payload, FaultSpec(seed=9), stake=80.0))

    def retire_p1(coordinator):
        if not retired and "p2" in coordinator.core.provers and "p1" in coordinator.provers:
            retired.append(len(coordinator.core.log.finalized()))
            coordinator.leave("p1")

    scenario = Scenario("membership", "auction", 2, seed=4, interval_s=0.4, speed_spread=0.5)
    assert max(spec.speed for spec in scenario.fault_specs()) > 1.0
    result = run_scenario(scenario, w, tmp_path / "log.sqlite", reference_s, shared, timeout_s=300,
                          on_progress=retire_p1, schedule=[(0.6, swap)])
    log = JobLog(result.log_path)
    assert_finalized_once_in_order(log, w, N_JOBS)
    assert retired and retired[0] < N_JOBS, "every job was final before p1 left"
    left = {e[3]: e[4] for e in log.events("prover_left")}
    assert left.get("p0") == "deregistered" and left.get("p1") == "deregistered"
    assert "p2" in {e[3] for e in log.events("prover_joined")}
    assert "p2" in {j.prover for j in log.jobs()}
    submitted = [e[0] for e in log.events("submitted")]
    assert submitted[-1] - submitted[0] >= 0.4 * (N_JOBS - 1) * 0.9, "jobs were not submitted over time"


def test_bad_inputs_are_rejected_with_reasons_and_the_cluster_goes_on(ray_cluster, workload, tmp_path):
    w, reference_s, shared = workload
    good = w.jobs[:3]
    forged = dataclasses.replace(good[1], job_id=100, link_from=good[1].link_from + 1,
                                 public_inputs=(good[1].link_from + 1, *good[1].public_inputs[1:]),
                                 payload={**good[1].payload, "old_root": good[1].link_from + 1})
    injected = []

    def inject(coordinator):
        core = coordinator.core
        injected.append(core.submit(good[0]))
        injected.append(core.submit(JobRecord(200, good[2].public_inputs, good[2].link_from, good[2].link_to, 1,
                                              good[2].payload)))
        core.result(999, 1, "p0", {"a": [1, 2], "b": [[0, 0], [0, 0]], "c": [1, 2]}, 0.1)

    result = run_scenario(Scenario("bad-input", "round-robin", 2, seed=2), dataclasses.replace(
        w, jobs=[*good, forged]), tmp_path / "log.sqlite", reference_s, shared, timeout_s=300,
        schedule=[(0.0, inject)])
    log = JobLog(result.log_path)
    assert_finalized_once_in_order(log, w, 3)
    assert log.job(100).state == "failed" and "does not satisfy the circuit" in log.job(100).reason
    assert all("duplicate submission" in reason for reason in injected)
    reasons = [e[4] for e in log.events("rejected")]
    assert any("proof for unknown job 999" in r for r in reasons)
    assert sum("duplicate submission" in r for r in reasons) == 2
    assert any("does not satisfy the circuit" in r for r in reasons)


def _coordinator_command(log_dir, address: str) -> list[str]:
    return [sys.executable, "-m", "bench.cluster_cli", "run", "--runs", "scattered", "--address", address,
            "--log-dir", str(log_dir), "--jobs", "6", "--provers", "2", "--policy", "round-robin",
            "--faults", "none", "--batch-size", "1", "--depth", "4", "--seed", "5", "--timeout", "300"]


def _count(path, query: str) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute(query).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _finalized(path) -> int:
    return _count(path, "SELECT COUNT(*) FROM finalized")


def _proofs_returned(path) -> int:
    return _count(path, "SELECT COUNT(*) FROM attempts WHERE ended_at IS NOT NULL")


def test_kill_9_coordinator_resumes_from_the_log(ray_cluster, workload, tmp_path):
    w, _, _ = workload
    command = _coordinator_command(tmp_path, ray_cluster.address)
    env = {**os.environ, "RAY_ADDRESS": ray_cluster.address}
    first_output = tmp_path / "first_coordinator.log"
    with first_output.open("w") as sink:
        first = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    log_path = tmp_path / "scattered.sqlite"
    end = time.monotonic() + 300
    # Kill as soon as the first proof comes back: finalizations can arrive as one batch (proofs queue
    # behind the verifier), so waiting for one could see the whole run end before the kill lands.
    while _proofs_returned(log_path) < 1 and first.poll() is None and time.monotonic() < end:
        time.sleep(0.05)
    said = first_output.read_text()[-3000:]
    assert first.poll() is None, f"the coordinator exited ({first.returncode}) before it could be killed:\n{said}"
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    killed_at = _finalized(log_path)
    assert killed_at < 6, f"{killed_at} jobs final when killed:\n{said}"
    second = subprocess.run([*command, "--json", str(tmp_path / "run.json")], env=env, capture_output=True,
                            text=True, timeout=400, check=False)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    said = second.stdout + second.stderr
    assert "joined the cluster" in said and "Ray's own output goes to" in said and "core_worker" not in said
    report = json.loads((tmp_path / "run.json").read_text())
    assert report["provenance"]["seed"] == 5 and {"ray", "numba"} <= set(report["provenance"]["versions"])
    run = report["runs"]["scattered"]
    assert run["finalized"] == 6 and run["within_deadline"] == 1 - run["deadline_misses"] / run["attempts"]
    assert (tmp_path / "ray.log").exists()
    log = JobLog(log_path)
    workload6 = dataclasses.replace(w, jobs=w.jobs[:6])
    assert_finalized_once_in_order(log, workload6, 6)
    assert log.events("resumed")
    assert [e[2] for e in log.events("submitted")] == list(range(6))  # submitted once, across both lives


EXISTING_RAY = """
import os, ray
from workers.cluster import connect
address = os.environ["RAY_ADDRESS"]
try:
    ray.init(num_cpus=1)
except ValueError as error:
    print("plain ray.init:", error)
print(connect())
ray.shutdown()
del os.environ["RAY_ADDRESS"]
said = connect(num_cpus=1)
print(said, "| its own:", ray.get_runtime_context().gcs_address != address)
ray.shutdown()
"""


def test_another_ray_on_the_machine_is_joined_when_asked_and_left_alone_otherwise(ray_cluster):
    """The failure ``cluster run`` had: ``ray.init(num_cpus=...)`` refuses to start beside a Ray that
    RAY_ADDRESS names. :func:`workers.cluster.connect` joins it when asked (RAY_ADDRESS) and otherwise
    starts its own on free ports, and says which."""
    env = {**os.environ, "RAY_ADDRESS": ray_cluster.address}
    done = subprocess.run([sys.executable, "-c", EXISTING_RAY], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr[-3000:]
    assert "num_cpus and num_gpus must not be provided" in out
    assert "joined the cluster at" in out
    assert "started an embedded one" in out and "its own: True" in out
