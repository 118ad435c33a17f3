"""One run of external provers behind emulated links: ``cluster serve --gateway``, a relay per prover,
the provers as processes (one numba thread each), jobs submitted, and the job log read at the end.

Everything is a real process talking real HTTP over loopback, inside the
bench's namespace (:mod:`bench.wan.inside`): the service on 127.0.0.1, prover
*i*'s relay on 127.0.0.(10+*i*). Jobs are submitted once every prover has
loaded the proving key, so the figures are of proving, not of key fetching
(that is measured on its own, :mod:`bench.wan.keyfetch`). The run's Ray has
token authentication off (``RAY_AUTH_MODE=disabled``): it lives in the bench's
namespace, where nothing but this run can reach it, and ``cluster submit``
then joins it without the serve's session token.

Each finalized job's latency is split from the job log's own times:
waiting for a prover (submitted to assigned), network and gateway (assigned
to the proof received, less the prover's reported ``prove_s``), proving
(``prove_s``), verifying (received to verified) and the chain's order
(verified to finalized).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from workers.joblog import JobLog

from .link import LinkSpec
from .relay import Relay, RelayThread

PROVER_HOST = "127.0.0.{}"
FIRST_PROVER = 10
READY = re.compile(r"registered with gateway .* as (ext-\w+)")
GATEWAY_LINE = re.compile(r"external provers connect to (http://[\d.]+:\d+)")
ADDRESS_LINE = re.compile(r"--address (\S+)")
FIRST_VERDICT = re.compile(r"^line 1\b", re.MULTILINE)
RUN_ENV = {"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0", "PYTHONUNBUFFERED": "1"}
PARTS = ("queue_s", "network_s", "prove_s", "verify_s", "order_s")


class FleetError(RuntimeError):
    """A run that could not start or finish in its time; the message names the step and the log to read."""


def typer_command(module: str, args: list[str]) -> list[str]:
    """``args`` run by the typer app of ``module`` in a new interpreter (no console entry point needed)."""
    return [sys.executable, "-c", f"import sys; from {module} import app; app(sys.argv[1:])", *args]


@dataclass(frozen=True)
class Fleet:
    """One run: an external prover per link (named by ``labels``), ``ray_provers`` in-Ray provers beside them
    (one thread each, the path the gateway is compared with), ``jobs`` rollup jobs of ``batch_size`` transfers."""

    links: tuple[LinkSpec | None, ...]
    """Prover i's link; None: it connects to the gateway directly, through no relay."""
    labels: tuple[str, ...]
    jobs: int
    ray_provers: int = 0
    batch_size: int = 1
    seed: int = 1
    policy: str = "round-robin"
    limit_s: float = 300.0
    deadline_s: float | None = None
    """Seconds per attempt (None: the service's deadline rule, sized for provers that each have a core)."""
    pace_s: float | None = None
    """Seconds between submitted jobs, streamed to ``cluster submit -`` (None: all submitted at once)."""
    faults: tuple[str, ...] = ()
    """Prover i's ``--fault`` (:data:`workers.external_prover.FAULTS`); () or a missing one: honest."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(path: Path, pattern: re.Pattern, deadline: float, what: str, process: subprocess.Popen) -> re.Match:
    while time.monotonic() < deadline:
        found = pattern.search(path.read_text(errors="replace")) if path.exists() else None
        if found:
            return found
        if process.poll() is not None:
            raise FleetError(f"{what} exited {process.returncode} before it was ready; see {path}")
        time.sleep(0.2)
    raise FleetError(f"{what} was not ready in time; see {path}")


class _Processes:
    """Processes started by one run, each writing to its own file; all ended (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.started = folder, []

    def start(self, name: str, argv: list[str], stdin: int | None = None, **env: str) -> tuple[subprocess.Popen, Path]:
        out = self.folder / f"{name}.out"
        with open(out, "w") as handle:
            process = subprocess.Popen(argv, stdin=stdin, stdout=handle, stderr=subprocess.STDOUT,
                                       start_new_session=True, env={**os.environ, **RUN_ENV, **env}, text=True)
        self.started.append(process)
        return process, out

    def __enter__(self) -> _Processes:
        return self

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self.started):
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


def run_fleet(fleet: Fleet, folder: Path) -> dict:
    """Run ``fleet``; its per-job latency parts, throughput, wall time and relay counters."""
    folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + fleet.limit_s
    log_path, jobs_path = folder / "jobs.sqlite", folder / "jobs.jsonl"
    rollup = ["--batch-size", str(fleet.batch_size), "--seed", str(fleet.seed)]
    with _Processes(folder) as processes, RelayThread() as relays:
        serve, serve_out = processes.start("serve", typer_command("bench.cluster_cli", [
            "serve", "--gateway", f"127.0.0.1:{_free_port()}", "--log", str(log_path), "--policy", fleet.policy,
            *rollup, *(["--deadline", f"{fleet.deadline_s:g}"] if fleet.deadline_s else [])]))
        gateway = _wait_for(serve_out, GATEWAY_LINE, deadline, "cluster serve", serve).group(1)
        address = _wait_for(serve_out, ADDRESS_LINE, deadline, "cluster serve", serve).group(1)
        host, port = gateway.removeprefix("http://").rsplit(":", 1)
        relayed, addresses = [], []
        for i, spec in enumerate(fleet.links):
            if spec is None:
                addresses.append((host, int(port)))
                continue
            relay = Relay(spec, (host, int(port)), listen_host=PROVER_HOST.format(FIRST_PROVER + i),
                          lifetime_s=fleet.limit_s, seed=fleet.seed + i)
            relayed.append(relay)
            addresses.append(relays.add(relay))
        provers = [processes.start(f"prover{i}", typer_command("workers.connect_cli", [
            "connect", "--gateway", f"http://{a[0]}:{a[1]}", "--identity", str(folder / f"prover{i}.pem"),
            "--new-identity", "--threads", "1", "--cache", str(folder / f"cache{i}"),
            "--fault", fleet.faults[i] if i < len(fleet.faults) else "honest"]), NUMBA_NUM_THREADS="1")
            for i, a in enumerate(addresses)]
        labels = {_wait_for(out, READY, deadline, f"external prover {i}", process).group(1): fleet.labels[i]
                  for i, (process, out) in enumerate(provers)}
        for i in range(fleet.ray_provers):
            labels[f"inray{i}"] = "in-Ray"
            processes.start(f"inray{i}", typer_command("bench.cluster_cli", [
                "prover", "--address", address, "--id", f"inray{i}", "--threads", "1"]), NUMBA_NUM_THREADS="1")
        registered = re.compile(rf"\b{len(labels)} provers registered")
        _wait_for(serve_out, registered, deadline, "the provers' registration", serve)
        processes.start("jobs", typer_command("bench.cluster_cli", ["jobs", "-n", str(fleet.jobs), *rollup,
                                                                     "-o", str(jobs_path)])
                        )[0].wait(max(1.0, deadline - time.monotonic()))
        submitted = time.monotonic()
        source = str(jobs_path) if fleet.pace_s is None else "-"
        submit, submit_out = processes.start("submit", typer_command("bench.cluster_cli", [
            "submit", "--address", address, source]), stdin=None if fleet.pace_s is None else subprocess.PIPE)
        if fleet.pace_s is not None:
            _pace(submit, submit_out, jobs_path, fleet.pace_s, deadline)
        _wait_finalized(log_path, fleet.jobs, deadline, submit, submit_out)
        wall_s = time.monotonic() - submitted
        counters = [relays.counters(relay) for relay in relayed]
    return {**_latency_parts(log_path, labels), "wall_s": wall_s, "relays": counters, "labels": labels}


def _pace(submit: subprocess.Popen, submit_out: Path, jobs_path: Path, pace_s: float, deadline: float) -> None:
    """Feed ``submit`` (reading its stdin) one job line every ``pace_s`` seconds, then close its stdin. The
    pace starts once the first job's verdict is printed: lines written while ``submit`` still joins Ray
    would queue in the pipe and arrive together."""
    for number, line in enumerate(jobs_path.read_text().splitlines(), 1):
        if time.monotonic() > deadline or submit.poll() is not None:
            break
        submit.stdin.write(line + "\n")
        submit.stdin.flush()
        if number == 1:
            _wait_for(submit_out, FIRST_VERDICT, deadline, "cluster submit", submit)
        time.sleep(pace_s)
    submit.stdin.close()


def _wait_finalized(log_path: Path, jobs: int, deadline: float, submit: subprocess.Popen, submit_out: Path) -> None:
    while time.monotonic() < deadline:
        if submit.poll() not in (None, 0):
            raise FleetError(f"cluster submit exited {submit.returncode}; see {submit_out}")
        log = JobLog(log_path)
        try:
            if log.count("finalized") >= jobs:
                return
        finally:
            log.close()
        time.sleep(0.5)
    raise FleetError(f"the {jobs} jobs were not all finalized in time; see {submit_out} and the job log {log_path}")


def _latency_parts(log_path: Path, labels: dict[str, str]) -> dict:
    """Per finalized job, its prover's label, its latency and the parts of it; proofs per second."""
    log = JobLog(log_path)
    try:
        attempts = {(a.job_id, a.prover): a for a in log.attempts() if a.ended_at is not None}
        parts = []
        for job in log.jobs("finalized"):
            won = attempts.get((job.job_id, job.prover))
            if won is None or won.prove_s is None or job.verified_at is None:
                continue
            parts.append({"job_id": job.job_id, "prover": labels.get(job.prover, job.prover),
                          "latency_s": job.finalized_at - job.submitted_at,
                          "queue_s": won.assigned_at - job.submitted_at,
                          "network_s": max(0.0, won.ended_at - won.assigned_at - won.prove_s),
                          "prove_s": won.prove_s, "verify_s": job.verified_at - won.ended_at,
                          "order_s": job.finalized_at - job.verified_at})
        done = [j.finalized_at for j in log.jobs("finalized")]
        first = min((j.submitted_at for j in log.jobs()), default=0.0)
    finally:
        log.close()
    if not parts:
        raise FleetError(f"no finalized job with its attempt's times in {log_path}")
    span = max(done) - first if done else 0.0
    return {"jobs": parts, "proofs_per_s": len(done) / span if span > 0 else 0.0}


def medians_by_prover(jobs: list[dict]) -> dict[str, dict[str, float]]:
    """For each prover label, the median latency and parts of its jobs, and how many there were."""
    out = {}
    for label in dict.fromkeys(j["prover"] for j in jobs):
        mine = [j for j in jobs if j["prover"] == label]
        out[label] = {key: median(j[key] for j in mine) for key in ("latency_s", *PARTS)} | {"jobs": len(mine)}
    return out
