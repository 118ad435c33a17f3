"""``zkprove cluster submit | status | prover``: the commands that talk to a running ``cluster serve``.

They join the Ray cluster the service runs on (``--address`` or
``RAY_ADDRESS``; never a Ray of their own) and reach the service's mailbox by
name (``--name``) through :class:`workers.client.ClusterClient`. ``serve``
itself knows circuits, so it lives with the rollup glue in
:mod:`bench.cluster_serve_cli`. docs/cluster_service.md walks through a session.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from zkprove.cli.paths import FORCE_HELP, JSON_HELP, check_json_output, is_stdout, provenance, write_json_output

from .cli import app, ray_output_to
from .client import ClusterClient, ServiceError, join
from .faults import KINDS, FaultSpec
from .inbox import DEFAULT_NAME
from .metrics import DEFINITIONS

ADDRESS_HELP = "The Ray cluster the service runs on (default: RAY_ADDRESS); `cluster serve` prints it."
NAME_HELP = "The service's name on that Ray cluster."
SUBMIT_CHUNK = 32
"""Jobs of a file per submit request (a stream on stdin goes line by line, as it arrives)."""


def _client(address: str | None, name: str, console: Console, wait: bool = False) -> ClusterClient:
    """A client of the service ``name``; exit 2 if Ray or (unless ``wait``) the service cannot be reached."""
    try:
        console.print(join(address))
        client = ClusterClient(name)
        if not wait:
            client.hello()
    except ServiceError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    return client


def _lines(source: str) -> Iterator[tuple[int, str]]:
    stream = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115 (closed below)
    try:
        for number, line in enumerate(stream, 1):
            if line.strip():
                yield number, line
    finally:
        if stream is not sys.stdin:
            stream.close()


@app.command()
def submit(
    source: str = typer.Argument(..., help="A workload file, one job per line as JSON (`zkprove cluster jobs` "
                                           "writes one), or - to submit a stream from stdin line by line."),
    address: str = typer.Option(None, "--address", help=ADDRESS_HELP),
    name: str = typer.Option(DEFAULT_NAME, "--name", help=NAME_HELP),
) -> None:
    """Submit jobs to a running coordinator; print each job's verdict.

    A job is refused, with the reason, if its line is not JSON or lacks a field, it names another
    circuit, it repeats a job in the log, or its witness does not satisfy the circuit. Exit status 1
    if any job was refused, 2 if the coordinator cannot be reached.
    """
    console = Console(stderr=True, soft_wrap=True)  # one line per job, however long, for scripts to read
    if source != "-" and not Path(source).is_file():
        raise typer.BadParameter(f"no such file: {source}", param_hint="SOURCE")
    client = _client(address, name, console)
    accepted = refused = 0
    chunk: list[tuple[int, Any]] = []

    def flush() -> None:
        nonlocal accepted, refused
        if not chunk:
            return
        try:
            verdicts = client.submit([item for _, item in chunk])
        except ServiceError as error:
            console.print(f"[red]error:[/red] {error}")
            raise typer.Exit(2) from None
        for (number, item), verdict in zip(chunk, verdicts):
            label = f"line {number}" + (f" (job {item['job_id']})" if isinstance(item, dict) and "job_id" in item else "")
            if verdict is None:
                accepted += 1
                console.print(f"{label}: accepted")
            else:
                refused += 1
                console.print(f"{label}: [red]refused[/red]: {verdict}")
        chunk.clear()

    for number, line in _lines(source):
        try:
            chunk.append((number, json.loads(line)))
        except json.JSONDecodeError as error:
            refused += 1
            console.print(f"line {number}: [red]refused[/red]: not JSON ({error.msg} at column {error.colno})")
            continue
        if source == "-" or len(chunk) >= SUBMIT_CHUNK:
            flush()
    flush()
    console.print(f"{accepted} accepted, {refused} refused")
    if refused:
        raise typer.Exit(1)


@app.command()
def status(
    address: str = typer.Option(None, "--address", help=ADDRESS_HELP),
    name: str = typer.Option(DEFAULT_NAME, "--name", help=NAME_HELP),
    json_path: Path = typer.Option(None, "--json", help=JSON_HELP),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Show a running coordinator's queue, provers, finality lag and metrics."""
    check_json_output(json_path, force)
    console = Console(stderr=is_stdout(json_path))
    client = _client(address, name, console)
    try:
        state = client.status()
    except ServiceError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    if json_path is not None:
        write_json_output(json_path, {"provenance": provenance(None), **state})
    if not is_stdout(json_path):
        for part in status_tables(state):
            console.print(part)


def status_tables(state: dict[str, Any]) -> list[Any]:
    """The status as rich renderables: a summary, the provers, the metrics."""
    service, finality = state["service"], state["finality"]
    queue = ", ".join(f"{n} {s}" for s, n in state["queue"].items() if n) or "empty"
    since = finality["since_last_finalized_s"]
    lines = [f"coordinator {service['name']} ({service['service'][:8]}) proving {service['circuit']} "
             f"under key {service['key'][:16]}" + (" [yellow]draining[/yellow]" if state["draining"] else ""),
             f"jobs: {queue}",
             f"finality: {finality['finalized']} finalized; oldest unfinalized job waiting "
             f"{finality['oldest_unfinalized_age_s']:.1f} s; last finalization "
             + ("never" if since is None else f"{since:.1f} s ago")]
    if state["stalled"]:
        lines.append(f"[red]{state['stalled']}[/red]")
    provers = Table(title="provers")
    for column in ("prover", "node", "threads", "state", "jobs/s (warm)", "stake"):
        provers.add_column(column)
    for p in state["provers"]:
        condition = "busy" if p["busy"] else "idle" if p["registered"] else "warming up"
        speed = "-" if p["jobs_per_s"] is None else f"{p['jobs_per_s']:.2f}"
        provers.add_row(p["prover"], p["node"][:8], str(p["threads"]), condition, speed, f"{p['stake']:g}")
    metrics = Table(title="metrics (docs/architecture.md, Metrics)")
    metrics.add_column("metric")
    metrics.add_column("value", justify="right")
    metrics.add_column("definition")
    for key, value in state["metrics"].items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        metrics.add_row(key, shown, DEFINITIONS.get(key, ""))
    return ["\n".join(lines), provers, metrics]


@app.command()
def prover(
    address: str = typer.Option(None, "--address", help=ADDRESS_HELP),
    name: str = typer.Option(DEFAULT_NAME, "--name", help=NAME_HELP),
    prover_id: str = typer.Option(None, "--id", help="This prover's name (default: host-pid)."),
    stake: float = typer.Option(50.0, "--stake", min=0.0, help="Stake deposited on first registration."),
    threads: int = typer.Option(None, "--threads", min=1, help="Numba threads and Ray CPUs (default: the node's)."),
    node: str = typer.Option(None, "--node", help="Ray node id for the prover (default: this process's node)."),
    speed: float = typer.Option(1.0, "--speed", min=1.0, help="Emulated hardware: take this many times longer."),
    fault: str = typer.Option("honest", "--fault", help=f"For experiments, misbehave: one of {', '.join(KINDS)}."),
    fault_rate: float = typer.Option(1.0, "--fault-rate", min=0.0, max=1.0, help="How often the fault strikes."),
    verbose: bool = typer.Option(False, "--verbose", help="Show Ray's own output here instead of in a log file."),
) -> None:
    """Join a running coordinator as a prover on this Ray cluster; Ctrl-C deregisters.

    The proving key comes once, from the coordinator, through Ray's object store. If the coordinator
    restarts, the prover registers again; if it restarts under another key, the prover fetches it.
    """
    from .prover_process import ProverConfig, ProverProcess

    try:
        spec = FaultSpec(fault, rate=fault_rate, speed=speed)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--fault / --speed") from None
    prover_id = prover_id or f"{socket.gethostname()}-{os.getpid()}"
    ray_log = Path(tempfile.gettempdir()) / f"zkprove-prover-{prover_id}.ray.log"
    with ray_output_to(ray_log, verbose) as console:
        if not verbose:
            console.print(f"Ray's own output goes to {ray_log} (--verbose shows it here)")
        client = _client(address, name, console, wait=True)
        process = ProverProcess(client, ProverConfig(prover_id, stake, threads, node, spec), say=console.print)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: process.stop())
        process.run()
