"""``zkprove cluster serve | prover | submit | status`` as separate processes on a multi-node Ray.

A ``ray.cluster_utils.Cluster`` on this machine (a head and two worker nodes,
each its own raylet) stands in for an operator's machines. The coordinator
and every prover are ``zkprove`` processes of their own, as an operator would
start them; the test only submits, kills and reads the job log. The circuit
is the rollup's smallest TransferBatch(1, 4).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.waiting import wait_for
from workers.client import ClusterClient
from workers.joblog import JobLog
from workers.ledger import ledger_events, statement

SEED = 5
ROLLUP = ["-T", "1", "--depth", "4", "--seed", str(SEED)]
STARTUP_S = 240.0
"""Bound on every wait: a process start (imports, Ray join, JIT cache) on two shared cores."""


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "bench.cluster_cli", *args]


def spawn(args: list[str], log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(args, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)


def query(path: Path, sql: str, *args) -> list[tuple]:
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
    try:
        return db.execute(sql, args).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        db.close()


def registered(log: Path) -> set[str]:
    rows = query(log, "SELECT prover, kind FROM events WHERE kind IN ('prover_joined', 'prover_left') ORDER BY id")
    present: set[str] = set()
    for prover, kind in rows:
        (present.add if kind == "prover_joined" else present.discard)(prover)
    return present


def finalized(log: Path) -> int:
    return len(query(log, "SELECT job_id FROM finalized"))


def submit(address: str, source: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cli("submit", "--address", address, str(source)), capture_output=True, text=True,
                          timeout=STARTUP_S)


def job_lines(path: Path, first: int, last: int, tmp: Path) -> Path:
    lines = path.read_text().splitlines()[first:last]
    out = tmp / f"jobs-{first}-{last}.jsonl"
    out.write_text("\n".join(lines) + "\n")
    return out


@pytest.fixture(scope="module")
def nodes(ray_cluster):
    """The head and two worker nodes: {name: node id}."""
    workers = [ray_cluster.add_node(num_cpus=1) for _ in range(2)]
    ray_cluster.wait_for_nodes()
    return {"head": ray_cluster.head_node.node_id, "w1": workers[0].node_id, "w2": workers[1].node_id}, workers


@pytest.fixture(scope="module")
def workload_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jobs") / "jobs.jsonl"
    subprocess.run(cli("jobs", "--batches", "8", *ROLLUP, "-o", str(out)), check=True, timeout=STARTUP_S)
    return out


def start_serve(address: str, log: Path, tmp: Path, *extra: str) -> subprocess.Popen:
    return spawn(cli("serve", "--address", address, "--log", str(log), "--policy", "round-robin", *ROLLUP,
                     *extra), tmp / f"serve-{time.monotonic_ns()}.out")


def test_serve_prover_submit_survive_a_kill_9_and_a_lost_node(ray_cluster, nodes, workload_file, tmp_path):
    ids, workers = nodes
    address = ray_cluster.address
    log = tmp_path / "cluster.sqlite"
    serve = start_serve(address, log, tmp_path)
    provers = [spawn(cli("prover", "--address", address, "--id", f"p-{node}", "--node", ids[node], "--threads", "1"),
                     tmp_path / f"prover-{node}.out") for node in ("head", "w1", "w2")]
    try:
        wait_for(lambda: len(registered(log)) == 3, "three provers to register")
        # bad submissions, each refused with its reason while the service goes on
        bad = tmp_path / "bad.jsonl"
        good = json.loads(workload_file.read_text().splitlines()[0])
        key = next(k for k, v in good["payload"].items() if isinstance(v, int | str) and str(v).isdigit())
        unsat = {**good, "job_id": 100, "payload": {**good["payload"], key: str(int(good["payload"][key]) + 1)}}
        other = {**good, "job_id": 101, "circuit": "Poseidon(2)"}
        bad.write_text("\n".join([json.dumps(unsat), json.dumps(other), "{not json", json.dumps({"job_id": 102})]) + "\n")
        done = submit(address, bad)
        assert done.returncode == 1, done.stderr
        assert "witness does not satisfy the circuit" in done.stderr
        assert "this coordinator proves 'TransferBatch(T=1, depth=4)'" in done.stderr
        assert "not JSON" in done.stderr and "malformed job" in done.stderr
        assert "0 accepted, 4 refused" in done.stderr

        client = ClusterClient()
        stale = client.request("register", {"prover_id": "stale", "actor": None, "stake": 1.0, "threads": 1,
                                            "key": "0" * 32})
        assert "a stale or wrong key version" in stale["refused"]

        first = submit(address, job_lines(workload_file, 0, 4, tmp_path))
        assert first.returncode == 0 and "4 accepted, 0 refused" in first.stderr, first.stderr
        again = submit(address, job_lines(workload_file, 0, 1, tmp_path))
        assert again.returncode == 1 and "duplicate submission" in again.stderr
        wait_for(lambda: finalized(log) >= 2, "two jobs to finalize")

        serve.send_signal(signal.SIGKILL)  # kill -9 the coordinator; the provers stay up
        serve.wait(timeout=30)
        serve = start_serve(address, log, tmp_path)
        wait_for(lambda: query(log, "SELECT 1 FROM events WHERE kind = 'resumed'"), "the restarted coordinator")
        wait_for(lambda: len(registered(log)) == 3, "the provers to register again")
        stream = "\n".join(workload_file.read_text().splitlines()[4:8]) + "\n"  # as `cluster jobs | submit -`
        rest = subprocess.run(cli("submit", "--address", address, "-"), input=stream, capture_output=True, text=True,
                              timeout=STARTUP_S)
        assert rest.returncode == 0 and "4 accepted, 0 refused" in rest.stderr, rest.stderr

        # one of the new jobs reaches w2 (polled fast, so mostly while it is open; a fast proof may be done by
        # the first poll, which the submit's own exit can delay past it, and waiting for an open one then hangs)
        wait_for(lambda: query(log, "SELECT 1 FROM attempts WHERE prover = 'p-w2' AND job_id >= 4"),
                 "an attempt of a new job on the worker node w2", step_s=0.05)
        ray_cluster.remove_node(workers[1], allow_graceful=False)  # lose node w2, mid-proof unless it just finished
        removed_at = time.time()
        wait_for(lambda: finalized(log) == 8, "all eight jobs to finalize")

        status = subprocess.run(cli("status", "--address", address, "--json", "-"), capture_output=True, text=True,
                                timeout=STARTUP_S)
        assert status.returncode == 0, status.stderr
        state = json.loads(status.stdout)
        assert state["finality"]["finalized"] == 8 and state["queue"]["finalized"] == 8
        assert state["metrics"]["finalized"] == 8 and state["stalled"] is None
        assert "seed" in state["provenance"] and state["provenance"]["cores"] >= 1
        provers[0].send_signal(signal.SIGINT)  # Ctrl-C: the prover deregisters
        assert provers[0].wait(timeout=60) == 0
        wait_for(lambda: query(log, "SELECT 1 FROM events WHERE kind = 'prover_left' AND prover = 'p-head' "
                                    "AND detail = 'deregistered'"), "p-head to deregister")
        serve.send_signal(signal.SIGINT)  # drain: every job is final, so it ends at once
        assert serve.wait(timeout=60) == 0
    finally:
        for process in [serve, *provers]:
            if process.poll() is None:
                process.kill()
    jobs = JobLog(log)
    order = jobs.finalized()
    assert [position for position, _, _ in order] == list(range(8))
    assert sorted(job_id for _, job_id, _ in order) == list(range(8))  # each job once
    chain = [jobs.job(job_id) for _, job_id, _ in order]
    assert all(a.link_to == b.link_from for a, b in zip(chain, chain[1:]))
    for a in jobs.attempts():
        if a.outcome in ("lost", "crashed"):  # cut off by the kill -9 or the lost node: proved again by another
            assert jobs.job(a.job_id).state == "finalized"
        if a.prover == "p-w2" and a.ended_at is not None and a.ended_at > removed_at + 5.0:
            assert a.outcome in ("lost", "crashed")  # nothing on the lost node delivered after it was gone
    assert not [a for a in jobs.attempts() if a.prover == "p-w2" and a.assigned_at > removed_at + 5.0]
    assert jobs.attempts(open_only=True) == []
    assert {p for p, a in statement(ledger_events(jobs)).items()} == {"p-head", "p-w1", "p-w2"}


@pytest.mark.slow
def test_a_flood_of_invalid_proofs_is_slashed_out_and_a_stall_is_shown(ray_cluster, nodes, workload_file, tmp_path):
    """A byzantine prover alone: every proof is invalid, the auction slashes it below the minimum stake and
    status names the stall; two honest provers join and every job finalizes, the liar never again chosen."""
    ids, _ = nodes
    address = ray_cluster.address
    log = tmp_path / "flood.sqlite"
    serve = spawn(cli("serve", "--address", address, "--log", str(log), "--policy", "auction", *ROLLUP),
                  tmp_path / "serve.out")
    liar = spawn(cli("prover", "--address", address, "--id", "liar", "--node", ids["head"], "--threads", "1",
                     "--fault", "byzantine", "--stake", "50"), tmp_path / "liar.out")
    honest = []
    try:
        wait_for(lambda: registered(log) == {"liar"}, "the byzantine prover to register")
        assert submit(address, job_lines(workload_file, 0, 3, tmp_path)).returncode == 0
        client = ClusterClient()
        stalled = wait_for(lambda: client.status()["stalled"], "the stall verdict")
        assert "liar: stake 0 is below the auction's minimum 10" in stalled
        assert "job 0: reassigned: no registered prover may take it" in stalled
        honest = [spawn(cli("prover", "--address", address, "--id", f"h{k}", "--node", ids[node], "--threads", "1"),
                        tmp_path / f"h{k}.out") for k, node in enumerate(("w1", "w2"))]
        wait_for(lambda: finalized(log) == 3, "the honest provers to finalize every job")
        assert client.status()["stalled"] is None
    finally:
        for process in [serve, liar, *honest]:
            if process.poll() is None:
                process.kill()
    jobs = JobLog(log)
    liar_attempts = [a for a in jobs.attempts() if a.prover == "liar"]
    assert {a.outcome for a in liar_attempts} == {"invalid"}
    account = statement(ledger_events(jobs))["liar"]
    assert (account.deposits, account.slashes, account.balance) == (50.0, 50.0, 0.0)  # 50 -> 30 -> 10 -> 0
    emptied = max(at for at, _, _, prover, _, _ in jobs.events("slash") if prover == "liar")
    # never chosen once its stake was gone; at most one more attempt was assigned while its last proof verified
    assert all(a.assigned_at < emptied for a in liar_attempts) and len(liar_attempts) <= 4
    assert len(jobs.events("invalid_proof")) == len(liar_attempts) and len(jobs.finalized()) == 3
