"""``zkprove prover connect``: external provers (no Ray) prove through a live ``cluster serve --gateway``.

The coordinator is a ``cluster serve`` process on the module's Ray cluster,
with its gateway on a loopback port; each external prover is a process of
its own that knows only the gateway's URL and its identity file. The test
submits jobs, kills and restarts the coordinator on the same log and port,
and reads the job log. Every prover runs under a wrapper that prints, as it
exits, whether ``ray`` was ever imported in it.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers.waiting import wait_for
from workers.connect_cli import app
from workers.external_prover import Backoff
from workers.gateway_client import GatewayClient, Unreachable
from workers.identity import Identity, load_identity
from workers.joblog import JobLog, Outcome

STARTUP_S = 240.0
ROLLUP = ["-T", "1", "--depth", "4", "--seed", "5"]
RAY_CHECK = ("import runpy, sys\n"
             "sys.argv = ['zkprove prover'] + sys.argv[1:]\n"
             "try:\n"
             "    runpy.run_module('workers.connect_cli', run_name='__main__')\n"
             "finally:\n"
             "    print('ray imported:', 'ray' in sys.modules, flush=True)\n")


def cluster_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "bench.cluster_cli", *args]


def spawn(args: list[str], out: Path) -> subprocess.Popen:
    import os

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "RAY_USAGE_STATS_ENABLED": "0"}
    return subprocess.Popen(args, stdout=out.open("w"), stderr=subprocess.STDOUT, env=env)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_id(gateway: str, serve: subprocess.Popen) -> str | None:
    """The gateway's service id, or None while nothing answers (an AssertionError if ``serve`` ended)."""
    assert serve.poll() is None, f"serve ended with {serve.returncode}"
    try:
        return GatewayClient(gateway, Identity.generate()).hello()["service"]
    except Unreachable:
        return None


def finalized(log: Path) -> list[int]:
    if not log.exists():
        return []
    try:
        return [job_id for _, job_id, _ in JobLog(log).finalized()]
    except Exception:  # noqa: BLE001 (the log is being written by another process)
        return []


def connect(gateway: str, identity: Path, out: Path, *extra: str) -> subprocess.Popen:
    return spawn([sys.executable, "-c", RAY_CHECK, "connect", "--gateway", gateway, "--identity", str(identity),
                  "--new-identity", "--threads", "1", "--retry-s", str(STARTUP_S), *extra], out)


def test_backoff_doubles_to_its_cap_resets_and_gives_up():
    slept: list[float] = []
    backoff = Backoff(first_s=1.0, cap_s=4.0, budget_s=3600.0, sleep=slept.append)
    for _ in range(4):
        backoff.failed(Unreachable("down"))
    backoff.succeeded()
    backoff.failed(Unreachable("down"))
    assert slept == [1.0, 2.0, 4.0, 4.0, 1.0]
    with pytest.raises(Unreachable, match="gone"):
        Backoff(budget_s=0.0, sleep=slept.append).failed(Unreachable("gone"))
    assert len(slept) == 5


def test_connect_refuses_bad_input_with_exit_2(tmp_path):
    runner = CliRunner()
    made = runner.invoke(app, ["identity", str(tmp_path / "id.pem")])
    assert made.exit_code == 0 and made.output.strip().startswith("ext-")
    shown = runner.invoke(app, ["identity", "--show", str(tmp_path / "id.pem")])
    assert shown.output == made.output
    again = runner.invoke(app, ["identity", str(tmp_path / "id.pem")])
    assert again.exit_code == 2 and "refusing to overwrite" in again.output
    (tmp_path / "junk.pem").write_text("not a key")
    cases = {
        ("--gateway", "ftp://127.0.0.1:1", "--identity", str(tmp_path / "id.pem")): "http://HOST:PORT",
        ("--gateway", "http://127.0.0.1:1/v1", "--identity", str(tmp_path / "id.pem")): "only scheme, host and port",
        ("--gateway", "http://127.0.0.1:1", "--identity", str(tmp_path / "none.pem")): "no such key file",
        ("--gateway", "http://127.0.0.1:1", "--identity", str(tmp_path / "junk.pem")): "not a PEM private key",
        ("--gateway", "http://127.0.0.1:1", "--identity", str(tmp_path / "id.pem"), "--retry-s", "0"): "unreachable",
        ("--gateway", "http://127.0.0.1:1", "--identity", str(tmp_path / "id.pem"), "--fault", "lazy"): "fault must",
    }
    for args, words in cases.items():
        result = runner.invoke(app, ["connect", *args])
        assert result.exit_code == 2 and words in result.output, (args, result.output)
    assert not (tmp_path / "none.pem").exists()
    created = runner.invoke(app, ["connect", "--gateway", "http://127.0.0.1:1", "--identity", str(tmp_path / "new.pem"),
                                  "--new-identity", "--retry-s", "0"])
    assert created.exit_code == 2 and (tmp_path / "new.pem").stat().st_mode & 0o777 == 0o600


def test_the_prover_side_imports_no_ray():
    code = ("import sys, workers.connect_cli, workers.external_prover, workers.key_cache\n"
            "print('ray' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr


@pytest.fixture(scope="module")
def workload_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jobs") / "jobs.jsonl"
    subprocess.run(cluster_cli("jobs", "--batches", "6", *ROLLUP, "-o", str(out)), check=True, timeout=STARTUP_S)
    return out


def submit(address: str, lines: list[str], tmp: Path) -> None:
    source = tmp / f"jobs-{time.monotonic_ns()}.jsonl"
    source.write_text("\n".join(lines) + "\n")
    done = subprocess.run(cluster_cli("submit", "--address", address, str(source)), capture_output=True, text=True,
                          timeout=STARTUP_S)
    assert done.returncode == 0, done.stderr


def start_serve(address: str, log: Path, port: int, tmp: Path) -> subprocess.Popen:
    return spawn(cluster_cli("serve", "--address", address, "--log", str(log), "--policy", "round-robin", *ROLLUP,
                             "--gateway", f"127.0.0.1:{port}"), tmp / f"serve-{time.monotonic_ns()}.out")


@pytest.mark.slow
def test_external_provers_survive_a_coordinator_restart(ray_cluster, workload_file, tmp_path):
    address = ray_cluster.address
    log, port = tmp_path / "cluster.sqlite", free_port()
    gateway = f"http://127.0.0.1:{port}"
    jobs = workload_file.read_text().splitlines()
    serve = start_serve(address, log, port, tmp_path)
    outs = [tmp_path / f"ext-{i}.out" for i in range(2)]
    provers = [connect(gateway, tmp_path / f"id-{i}.pem", outs[i]) for i in range(2)]
    try:
        first = wait_for(lambda: service_id(gateway, serve), "the gateway to answer")
        submit(address, jobs[:3], tmp_path)
        wait_for(lambda: len(finalized(log)) >= 1, "a first job finalized by an external prover")
        serve.send_signal(signal.SIGKILL)  # the coordinator and its gateway die; the provers stay up
        serve.wait(timeout=30)
        serve = start_serve(address, log, port, tmp_path)
        # the old gateway actor may answer a moment longer, until Ray sees its owner gone
        wait_for(lambda: service_id(gateway, serve) not in (None, first), "the restarted gateway to answer")
        submit(address, jobs[3:], tmp_path)
        wait_for(lambda: len(finalized(log)) == len(jobs), "every job to finalize")
        for p in provers:
            p.send_signal(signal.SIGTERM)  # stop: deregister and exit
            assert p.wait(timeout=60) == 0
        serve.send_signal(signal.SIGINT)
        serve.wait(timeout=60)
    finally:
        for p in [serve, *provers]:
            if p.poll() is None:
                p.kill()
    texts = [o.read_text() for o in outs]
    assert all("ray imported: False" in t for t in texts), texts
    assert any("restarted" in t for t in texts), texts
    order = finalized(log)
    assert sorted(order) == sorted(set(order)) and len(order) == len(jobs)  # no job lost, none finalized twice
    ids = {load_identity(tmp_path / f"id-{i}.pem").prover_id for i in range(2)}
    log_jobs = JobLog(log)
    accepted = [a for a in log_jobs.attempts() if a.outcome == Outcome.ACCEPTED]
    assert sorted(a.job_id for a in accepted) == sorted(order)  # one accepted proof per job
    assert {a.prover for a in accepted} <= ids  # all of them from the external provers
    assert log_jobs.attempts(open_only=True) == []
