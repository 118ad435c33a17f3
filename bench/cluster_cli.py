"""``zkprove cluster run``: the rollup's workload proved by one centralized prover, then by scattered,
faulty ones, on real Ray.

This module is the glue between the rollup (:mod:`circuits.rollup.cluster_jobs`
builds its jobs) and the circuit-free cluster (:mod:`workers`): ``workers``
may not import ``circuits`` (tests/test_layers.py), so the command that knows
the rollup's options lives here, in ``bench``, which may import both, and is
added to the ``zkprove cluster`` group (:data:`workers.cli.app`); the
``zkprove.commands`` entry point names this module's :data:`app`, so it also
gathers the group's other commands: ``serve`` and ``jobs``
(:mod:`bench.cluster_serve_cli`) and ``submit``, ``status`` and ``prover``
(:mod:`workers.service_cli`). ``python -m bench.cluster_cli run`` works too.
The rollup's workload is :func:`bench.rollup_workload.rollup_workload`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from workers import service_cli  # noqa: F401 (adds submit, status and prover to the group)
from workers.cli import METRICS_HELP, app, execute, finished, plan_runs
from zkprove.cli.paths import FORCE_HELP, JSON_HELP, check_json_output

from . import cluster_serve_cli  # noqa: F401 (adds serve and jobs to the group)
from .rollup_workload import rollup_workload

__all__ = ["app"]

CLUSTER_RUN_STAKE = 50.0
"""Each scattered prover's stake: the auction slashes 20 per fault by default, so two faults leave a
prover at the minimum stake and a third excludes it."""
CLUSTER_RUN_RESTARTS = 2
"""Ray restarts of a crashed prover in ``cluster run`` (a crash-kind prover at rate 1 is gone after two)."""


@app.command(epilog=METRICS_HELP)
def run(
    address: str = typer.Option(None, "--address", help="Join this Ray cluster (default: RAY_ADDRESS if set, else "
                                                         "start an embedded Ray on free ports, beside any other)."),
    json_path: Path = typer.Option(None, "--json", help=JSON_HELP + " A file is rewritten after each run."),
    provers: int = typer.Option(4, "--provers", min=1, help="Scattered provers (the centralized one has their cores)."),
    jobs: int = typer.Option(8, "--jobs", min=1, help="Rollup batches to prove."),
    policy: str = typer.Option("auction", "--policy",
                               help="Scattered policy: round-robin, open-race, redundant, auction, centralized."),
    redundancy: int = typer.Option(2, "--redundancy", min=1, help="k provers per job under the redundant policy."),
    faults: str = typer.Option("crash=0.25,byzantine=0.25,straggler=0.25,rate=1", "--faults",
                               help="Faulty shares of the scattered provers and how often faults strike (rate), or "
                                    "none; the centralized prover crashes at the fleet's average rate."),
    seed: int = typer.Option(1, "--seed", help="Seed of workload, keys, faults and policies."),
    batch_size: int = typer.Option(2, "--batch-size", "-T", min=1, help="Transfers per batch."),
    depth: int = typer.Option(8, "--depth", min=4, max=32, help="Depth of the account tree."),
    runs: str = typer.Option("centralized,scattered", "--runs", help="Which runs, comma-separated."),
    log_dir: Path = typer.Option(None, "--log-dir", help="Job logs and ray.log go here (existing job logs resume)."),
    timeout: float = typer.Option(900.0, "--timeout", min=1.0, help="Seconds before a run is abandoned."),
    pk_path: Path = typer.Option(None, "--pk", help="Prove under this key (.zkey or .npz, for TransferBatch(T, depth)) "
                                 "instead of seeded dev keys."),
    verbose: bool = typer.Option(False, "--verbose", help="Show Ray's own output here instead of in ray.log."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Prove a rollup workload with one centralized prover, then with scattered provers under faults.

    Every option is checked before Ray starts. Both runs set deadlines by one rule: an attempt is due
    2.5 times the slowest prover's expected proving time on its share of the cores, plus 2 s, from its
    assignment (docs/architecture.md, "Deadlines").
    """
    scenarios = plan_runs(runs, policy, provers, faults, seed, jobs=jobs, batch_size=batch_size, redundancy=redundancy,
                          stake=CLUSTER_RUN_STAKE, max_restarts=CLUSTER_RUN_RESTARTS)
    if pk_path is not None:
        from zkprove.formats.key_files import key_kind

        key_kind(pk_path)
    check_json_output(json_path, force)
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="zkprove-cluster-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    accounts = max(8, 2 * batch_size)
    if accounts > 1 << depth:
        raise typer.BadParameter(f"{accounts} accounts do not fit a depth-{depth} tree", param_hint="--depth")
    report = execute(
        scenarios, lambda: rollup_workload(jobs, batch_size, depth, accounts, seed, pk_path),
        f"sequence {jobs} batches, compile, " + (f"load {pk_path}" if pk_path else "dev setup"),
        address=address, json_path=json_path, log_dir=log_dir, timeout_s=timeout, verbose=verbose,
        context={"circuit": {"T": batch_size, "depth": depth}, "faults": faults})
    if not finished(report):
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
