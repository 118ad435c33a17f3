"""``zkprove cluster``: the command group, and the circuit-free body of ``cluster run``.

The group is registered through the ``zkprove.commands`` entry point
(``cluster = "bench.cluster_cli:app"``): ``workers`` knows no circuit, so the
``run`` command, which proves the rollup's workload, is declared in
:mod:`bench.cluster_cli` (the package that may import both ``circuits`` and
``workers``) and added to this :data:`app`. What it does is here:
:func:`plan_runs` turns the options into checked scenarios before anything
starts (a bad option is a one-line :class:`typer.BadParameter`, exit 2);
:func:`execute` sends Ray's own output to a log file, connects to Ray (an
embedded one on free ports, or ``--address`` / ``RAY_ADDRESS``, and says
which), builds the workload, warms the JIT cache once, runs each scenario
with its own job log, writes ``--json`` after each run (with
:func:`zkprove.cli.paths.provenance`), and prints the metrics side by side
(:data:`ROWS`, defined in :data:`workers.metrics.DEFINITIONS`). A job log
that already exists is resumed, not restarted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from zkprove.cli.paths import is_stdout, provenance, write_json_output
from zkprove.cli.progress import phases

from .faults import parse_mix
from .metrics import DEFINITIONS
from .scenario import Scenario
from .workload import Workload

app = typer.Typer(help="Ray prover clusters: centralized against permissionless, scattered provers.",
                  no_args_is_help=True)

RUN_NAMES = ("centralized", "scattered")

#: The table's rows: label, key in a run's report, format. Metric keys are defined in DEFINITIONS.
ROWS = (
    ("provers", "provers", "{:.0f}"), ("policy", "policy", "{}"), ("jobs finalized", "finalized", "{:.0f}"),
    ("jobs failed", "failed", "{:.0f}"), ("makespan s", "makespan_s", "{:.1f}"),
    ("throughput proofs/s", "proofs_per_s", "{:.3f}"), ("throughput tx/s", "tx_per_s", "{:.3f}"),
    ("latency P50 s (submit to final)", "latency_p50_s", "{:.1f}"), ("latency P90 s", "latency_p90_s", "{:.1f}"),
    ("latency P99 s", "latency_p99_s", "{:.1f}"), ("deadline s (per attempt)", "deadline_s", "{:.1f}"),
    ("attempts", "attempts", "{:.0f}"), ("deadline misses", "deadline_misses", "{:.0f}"),
    ("attempts within deadline", "within_deadline", "{:.0%}"), ("reassignments", "reassignments", "{:.0f}"),
    ("wasted prover-s", "wasted_prover_s", "{:.1f}"), ("crashes", "crashes", "{:.0f}"),
    ("slashes", "slashes", "{:.0f}"), ("stake slashed", "slashed_stake", "{:.0f}"),
    ("invalid proofs caught", "invalid_caught", "{:.0f}"), ("longest gap s", "longest_gap_s", "{:.1f}"),
    ("speed vs centralized", "speedup", "{:.2f}x"), ("coordinator ms/job", "overhead_ms_per_job", "{:.2f}"),
)
RUN_DEFINITIONS = {
    "deadline_s": "seconds one attempt may take from assignment: 2.5 x the slowest prover's expected proof + 2 s",
    "speedup": "centralized makespan / this run's makespan",
    "overhead_ms_per_job": "coordinator time outside ray.wait, per job",
}
METRICS_HELP = "Metrics: " + "; ".join(f"{label}: {DEFINITIONS.get(key) or RUN_DEFINITIONS.get(key, key)}"
                                       for label, key, _ in ROWS if key not in ("provers", "policy"))


@app.callback()
def _group() -> None:
    """Ray prover clusters."""


def plan_runs(runs: str, policy: str, provers: int, faults: str, seed: int, **params: float) -> dict[str, Scenario]:
    """The scenarios of ``cluster run``, checked: ``centralized`` (the operator's own prover, with the
    resources of ``provers``) and/or ``scattered`` (``provers`` under ``policy`` and the fault mix).
    ``params``: further :class:`~workers.scenario.Scenario` fields (policy parameters, stake, restarts).
    Raises :class:`typer.BadParameter` naming the option."""
    wanted = [r.strip() for r in runs.split(",") if r.strip()]
    if not wanted or not set(wanted) <= set(RUN_NAMES) or len(set(wanted)) < len(wanted):
        raise typer.BadParameter(f"{runs!r}: runs are 'centralized' and/or 'scattered', each once",
                                 param_hint="--runs")
    try:
        mix = parse_mix(faults)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--faults") from None
    plans = {"centralized": ("centralized", "--faults / --provers"), "scattered": (policy, "--policy / --faults / "
                                                                                          "--provers")}
    out = {}
    for name in wanted:
        name_policy, hint = plans[name]
        try:
            out[name] = Scenario(name, name_policy, provers, faults=mix, seed=seed, **params)
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint=hint) from None
    return out


@contextmanager
def ray_output_to(log_path: Path, verbose: bool) -> Iterator[Console]:
    """A console for the screen, while Ray's own output goes to ``log_path`` (unless ``verbose``).

    Ray's driver writes to file descriptors 1 and 2 from C++ (``core_worker.cc``)
    and from Python (token notices, "(raylet) A worker died" reports);
    pointing both at the log file keeps them out of the progress display,
    which draws on the terminal through a copy of the original stderr.
    Whatever the command prints to stdout comes after this context.
    """
    if verbose:
        yield Console(stderr=True)
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    screen = sys.stderr
    with open(log_path, "ab") as log:
        for fd in saved:
            os.dup2(log.fileno(), fd)
    sys.stderr = open(saved[2], "w", closefd=False)
    try:
        yield Console(stderr=True)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stderr.close()
        sys.stderr = screen
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)


def execute(scenarios: dict[str, Scenario], make_workload: Callable[[], Workload], describe: str, *,
            address: str | None, json_path: Path | None, log_dir: Path, timeout_s: float, verbose: bool,
            context: dict) -> dict:
    """Run each scenario on Ray (module doc); returns the report. ``describe`` names the workload
    being built, ``context`` goes into the report beside the runs."""
    from .cluster import alive_nodes, connect, share_keys
    from .runner import run_scenario, warm_reference

    ray_log = log_dir / "ray.log"
    seed = next(iter(scenarios.values())).seed
    report = {"provenance": provenance(seed, command="zkprove cluster run"), **context, "runs": {}}
    with ray_output_to(ray_log, verbose) as console, phases(console) as phase:
        phase("start Ray")
        console.print(connect(address) + ("" if verbose else f"; Ray's own output goes to {ray_log} "
                                                             "(--verbose shows it here)"))
        report["cores"] = sum(alive_nodes().values())
        phase(describe)
        workload = make_workload()
        phase("warm the JIT cache")
        report["reference_prove_s"] = reference_s = warm_reference(workload)
        report["circuit"] = {"name": workload.circuit.name, "constraints": workload.circuit.n_constraints,
                             **report.get("circuit", {})}
        shared = share_keys(workload.pk, workload.circuit)
        jobs = len(workload.jobs)
        for name, scenario in scenarios.items():
            phase(f"{name}: finalized", total=jobs)
            try:
                result = run_scenario(
                    scenario, workload, log_dir / f"{name}.sqlite", reference_s, shared, timeout_s=timeout_s,
                    on_progress=lambda c, name=name: phase.update(c.core.log.count("finalized"), jobs,
                                                                  f"{name}: finalized"))
                report["runs"][name] = _run_report(result, report["runs"].get("centralized"))
            except (TimeoutError, RuntimeError) as error:
                report["runs"][name] = {"error": f"{type(error).__name__}: {error}",
                                        "log": str(log_dir / f"{name}.sqlite")}
            if not is_stdout(json_path):
                write_json_output(json_path, report)  # after each run: a later failure keeps what it measured
    if is_stdout(json_path):
        write_json_output(json_path, report)
    console = Console(stderr=is_stdout(json_path))
    console.print(f"{workload.circuit.name}: {workload.circuit.n_constraints:,} constraints; {report['cores']} cores; "
                  f"warm proof with all cores {reference_s:.2f} s; job logs in {log_dir}")
    console.print(table(report))
    for name, run in report["runs"].items():
        if "error" in run:
            console.print(f"{name}: {run['error']} (job log {run['log']})")
        elif run["verdict"] is not None:
            console.print(f"{name} ended early: {run['verdict']} (job log {run['log']})")
    return report


def _run_report(result, centralized: dict | None) -> dict:
    metrics = result.metrics
    base = metrics.makespan_s if result.scenario.centralized else (centralized or {}).get("makespan_s")
    return {"provers": result.scenario.actors, "policy": result.scenario.policy, **metrics.as_dict(),
            "deadline_s": result.deadline_s, "speedup": base / metrics.makespan_s if base and metrics.makespan_s
            else None, "overhead_ms_per_job": result.overhead_ms_per_job, "scenario": result.scenario.as_dict(),
            "log": result.log_path, "verdict": result.verdict}


def finished(report: dict) -> bool:
    """Every run ended without error and every job is final."""
    return all("error" not in r and r["finalized"] + r["failed"] == r["jobs"] for r in report["runs"].values())


def table(report: dict) -> Table:
    """The runs side by side, one row per metric (:data:`ROWS`)."""
    result = Table(title="centralized vs scattered provers")
    result.add_column("metric")
    for name in report["runs"]:
        result.add_column(name, justify="right")
    for label, key, fmt in ROWS:
        values = [run.get(key) for run in report["runs"].values()]
        result.add_row(label, *("-" if v is None else fmt.format(v) for v in values))
    return result
