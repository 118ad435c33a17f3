"""``zkprove cluster run``: one centralized prover against scattered, faulty ones, on real Ray.

Registered through the ``zkprove.commands`` entry point (``cluster =
"workers.cli:app"``); ``python -m workers.cli run`` works too. The run:
connect to Ray (embedded by default, ``--address`` or ``RAY_ADDRESS`` to join
one), sequence a rollup workload, warm the JIT cache once in this process,
then run each scenario with its own job log and print the metrics side by
side. A job log that already exists is resumed, not restarted.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from zkprove.cli.paths import FORCE_HELP, JSON_HELP, check_json_output, is_stdout, write_json_output
from zkprove.cli.progress import phases

app = typer.Typer(help="Ray prover clusters: centralized against permissionless, scattered provers.",
                  no_args_is_help=True)

_ROWS = (
    ("provers", "provers", "{:.0f}"), ("policy", "policy", "{}"), ("jobs finalized", "finalized", "{:.0f}"),
    ("jobs failed", "failed", "{:.0f}"), ("makespan s", "makespan_s", "{:.1f}"),
    ("throughput proofs/s", "proofs_per_s", "{:.3f}"), ("throughput tx/s", "tx_per_s", "{:.3f}"),
    ("latency P50 s", "latency_p50_s", "{:.1f}"), ("latency P90 s", "latency_p90_s", "{:.1f}"),
    ("latency P99 s", "latency_p99_s", "{:.1f}"), ("within deadline", "within_deadline", "{:.0%}"),
    ("deadline s", "deadline_s", "{:.1f}"), ("wasted prover-s", "wasted_prover_s", "{:.1f}"),
    ("attempts", "attempts", "{:.0f}"), ("reassignments", "reassignments", "{:.0f}"),
    ("deadline misses", "deadline_misses", "{:.0f}"), ("crashes", "crashes", "{:.0f}"),
    ("slashes", "slashes", "{:.0f}"), ("stake slashed", "slashed_stake", "{:.0f}"),
    ("invalid proofs caught", "invalid_caught", "{:.0f}"), ("longest gap s", "longest_gap_s", "{:.1f}"),
    ("speed vs centralized", "speedup", "{:.2f}x"), ("coordinator ms/job", "overhead_ms_per_job", "{:.2f}"),
)


@app.callback()
def _group() -> None:
    """Ray prover clusters."""


@app.command()
def run(
    address: str = typer.Option(None, "--address", help="Join this Ray cluster (default: RAY_ADDRESS, else local)."),
    json_path: Path = typer.Option(None, "--json", help=JSON_HELP + " A file is rewritten after each run."),
    provers: int = typer.Option(4, "--provers", min=1, help="Scattered provers."),
    jobs: int = typer.Option(8, "--jobs", min=1, help="Rollup batches to prove."),
    policy: str = typer.Option("auction", "--policy",
                               help="Scattered policy: round-robin, open-race, redundant, auction, centralized."),
    faults: str = typer.Option("crash=0.25,byzantine=0.25,straggler=0.25,rate=1", "--faults",
                               help="Faulty shares of the scattered provers and how often faults strike (rate), or none."),
    seed: int = typer.Option(1, "--seed", help="Seed of workload, keys, faults and policies."),
    batch_size: int = typer.Option(2, "--batch-size", "-T", min=1, help="Transfers per batch."),
    depth: int = typer.Option(8, "--depth", min=4, max=32, help="Depth of the account tree."),
    runs: str = typer.Option("centralized,scattered", "--runs", help="Which runs, comma-separated."),
    log_dir: Path = typer.Option(None, "--log-dir", help="Job logs go here (existing logs resume)."),
    timeout: float = typer.Option(900.0, "--timeout", help="Seconds before a run is abandoned."),
    pk_path: Path = typer.Option(None, "--pk", help="Prove under this key (.zkey or .npz, for TransferBatch(T, depth)) "
                                 "instead of seeded dev keys."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Prove a rollup workload with one centralized prover, then with scattered provers under faults."""
    from .cluster import alive_nodes, connect, share_keys
    from .faults import fault_mix, parse_mix
    from .policies import POLICIES
    from .scenario import Scenario, run_scenario, warm_reference
    from .workload import rollup_workload

    if policy not in POLICIES:
        raise typer.BadParameter(f"choose one of {sorted(POLICIES)}", param_hint="--policy")
    if pk_path is not None:
        from zkprove.formats.key_files import key_kind

        key_kind(pk_path)
    wanted = [r.strip() for r in runs.split(",") if r.strip()]
    if not set(wanted) <= {"centralized", "scattered"}:
        raise typer.BadParameter("runs are 'centralized' and/or 'scattered'", param_hint="--runs")
    try:
        mix = parse_mix(faults)
        fault_mix(provers, seed, **mix)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--faults / --provers") from None
    check_json_output(json_path, force)
    console = Console(stderr=is_stdout(json_path))
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="zkprove-cluster-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    with phases() as phase:
        phase("start Ray")
        console.print(connect(address))
        cores = sum(alive_nodes().values())
        phase(f"sequence {jobs} batches, compile, " + (f"load {pk_path}" if pk_path else "dev setup"))
        workload = rollup_workload(jobs, batch_size, depth, accounts=max(8, 2 * batch_size), seed=seed,
                                   key_path=pk_path)
        phase("warm the JIT cache")
        reference_s = warm_reference(workload)
        shared = share_keys(workload.pk, workload.cs)
        scenarios = {
            "centralized": Scenario("centralized", "centralized", 1, seed=seed),
            "scattered": Scenario("scattered", policy, provers, mix, seed=seed),
        }
        results = {}
        for name in wanted:
            phase(f"{name}: finalized", total=jobs)
            results[name] = run_scenario(
                scenarios[name], workload, log_dir / f"{name}.sqlite", reference_s, shared, timeout_s=timeout,
                on_progress=lambda c, name=name: phase.update(c.core.log.count("finalized"), jobs,
                                                              f"{name}: finalized"))
            report = _report(results, workload.cs.n_constraints, batch_size, depth, cores, reference_s, faults)
            if not is_stdout(json_path):
                write_json_output(json_path, report)  # after each run: an abandoned run keeps what it measured
    if is_stdout(json_path):
        write_json_output(json_path, report)
    console.print(f"TransferBatch(T={batch_size}, depth={depth}): {workload.cs.n_constraints:,} constraints; "
                  f"{cores} cores; warm proof with all cores {reference_s:.2f} s; job logs in {log_dir}")
    console.print(_table(report))
    for name, result in results.items():
        if result.verdict is not None:
            console.print(f"[red]{name} ended early[/red]: {result.verdict}")
    if any(r.metrics.finalized + r.metrics.failed < r.metrics.jobs for r in results.values()):
        raise typer.Exit(1)


def _report(results: dict, constraints: int, batch_size: int, depth: int, cores: int, reference_s: float,
            faults: str) -> dict:
    base = results.get("centralized")
    out = {"circuit": {"name": "TransferBatch", "T": batch_size, "depth": depth, "constraints": constraints},
           "cores": cores, "reference_prove_s": reference_s, "faults": faults, "runs": {}}
    for name, result in results.items():
        speedup = base.metrics.makespan_s / result.metrics.makespan_s if base and result.metrics.makespan_s else None
        out["runs"][name] = {
            "provers": result.scenario.provers, "policy": result.scenario.policy, **result.metrics.as_dict(),
            "deadline_s": result.deadline_s, "speedup": speedup,
            "overhead_ms_per_job": result.overhead_ms_per_job, "log": result.log_path, "verdict": result.verdict,
        }
    return out


def _table(report: dict) -> Table:
    table = Table(title="centralized vs scattered provers")
    table.add_column("metric")
    for name in report["runs"]:
        table.add_column(name, justify="right")
    for label, key, fmt in _ROWS:
        values = [run.get(key) for run in report["runs"].values()]
        table.add_row(label, *("-" if v is None else fmt.format(v) for v in values))
    return table


if __name__ == "__main__":
    app()
