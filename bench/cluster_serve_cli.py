"""``zkprove cluster serve`` and ``zkprove cluster jobs``: the service commands that know circuits.

``serve`` runs :class:`workers.service.Service` over the rollup's TransferBatch
circuit (dev keys seeded by ``--seed``, or ``--pk``) or over any ``.r1cs``
with its key (``--r1cs``, ``--pk``, ``--warmup``). ``jobs`` writes a workload
file for either, one job per line, for ``cluster submit``; with
``--interval`` it paces the lines as a sequencer cutting batches would, so
``zkprove cluster jobs --interval 2 | zkprove cluster submit -`` is a live
stream. Like ``cluster run`` (:mod:`bench.cluster_cli`, which adds them to
the ``zkprove cluster`` group) they live in ``bench`` because ``workers`` may
not import ``circuits``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import ray
import typer

from circuits.rollup.cluster_jobs import rollup_chain
from workers.cli import app, ray_output_to
from workers.inbox import DEFAULT_NAME
from workers.policies import POLICIES, PolicyConfig
from workers.scenario import deadline_rule
from workers.workload import R1csCircuit, Workload, chain_by_index, job_from_spec, job_spec
from zkprove.formats.wtns_file import read_wtns

from .rollup_workload import rollup_circuit_name, rollup_workload

SERVE_POLL_S = 2.0
"""How often ``serve`` prints a line of progress when something changed."""


def _workload(batch_size: int, depth: int, accounts: int, seed: int, pk: Path | None, r1cs: Path | None,
              warmup: Path | None) -> Workload:
    """The rollup's workload, or an ``.r1cs`` circuit's, with no jobs: they come by submission."""
    if r1cs is None:
        return rollup_workload(0, batch_size, depth, accounts, seed, pk)
    from zkprove import groth16
    from zkprove.formats.key_files import read_proving_key

    if pk is None or warmup is None:
        raise typer.BadParameter("an .r1cs circuit needs its key (--pk) and a warm-up witness (--warmup)")
    circuit = R1csCircuit.from_file(r1cs)
    key = read_proving_key(pk)
    groth16.require_key_for(key, circuit.cs)
    return Workload(circuit, key, key.vk, 0, [], {"witness": [str(v) for v in read_wtns(warmup)]})


@app.command()
def serve(
    address: str = typer.Option(None, "--address", help="Join this Ray cluster (default: RAY_ADDRESS if set, else "
                                                         "start an embedded Ray that provers on this machine join)."),
    name: str = typer.Option(DEFAULT_NAME, "--name", help="The service's name on the Ray cluster."),
    log: Path = typer.Option(Path("zkprove-cluster.sqlite"), "--log", help="The durable job log (resumed if it exists)."),
    policy: str = typer.Option("auction", "--policy", help=f"Assignment policy: {', '.join(POLICIES)}."),
    redundancy: int = typer.Option(2, "--redundancy", min=1, help="k provers per job under the redundant policy."),
    deadline: float = typer.Option(None, "--deadline", min=0.1, help="Seconds per attempt (default: the deadline "
                                   "rule for a one-thread prover, from a warm proof here)."),
    seed: int = typer.Option(1, "--seed", help="Seed of the rollup's genesis and dev keys, and of the policy."),
    batch_size: int = typer.Option(1, "--batch-size", "-T", min=1, help="Rollup: transfers per batch."),
    depth: int = typer.Option(4, "--depth", min=4, max=32, help="Rollup: depth of the account tree."),
    accounts: int = typer.Option(8, "--accounts", min=2, help="Rollup: accounts at genesis."),
    pk_path: Path = typer.Option(None, "--pk", help="Prove under this key (.zkey or .npz) instead of dev keys."),
    r1cs: Path = typer.Option(None, "--r1cs", help="Prove this .r1cs circuit's jobs instead of the rollup's."),
    warmup: Path = typer.Option(None, "--warmup", help="With --r1cs: a .wtns the provers warm up on."),
    gateway: str = typer.Option(None, "--gateway", help="Also serve external provers over signed HTTP at "
                                "HOST:PORT (docs/gateway.md); off by default."),
    verbose: bool = typer.Option(False, "--verbose", help="Show Ray's own output here instead of in ray.log."),
) -> None:
    """Run a coordinator that provers join and jobs are submitted to, until Ctrl-C.

    The first Ctrl-C drains (new jobs are refused; the service ends when every job is final), a second
    stops at once. A restart on the same --log resumes: nothing committed is lost, no job finalizes twice.
    """
    from workers.cluster import connect
    from workers.runner import expected_prove_s, warm_reference
    from workers.service import Service

    try:
        config = PolicyConfig(policy, redundancy=redundancy)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--policy") from None
    bind = _host_port(gateway) if gateway else None
    log.parent.mkdir(parents=True, exist_ok=True)
    workload = _workload(batch_size, depth, accounts, seed, pk_path, r1cs, warmup)  # bad files fail before Ray
    reference_s = warm_reference(workload)
    cores = os.cpu_count() or 1
    deadline_s = deadline or deadline_rule(expected_prove_s(reference_s, actors=cores, cores=cores))
    with ray_output_to(log.with_suffix(".ray.log"), verbose) as console:
        console.print(connect(address))
        try:
            service = Service(workload, log, config.make(deadline_s, seed), name, gateway=bind)
        except ValueError as error:
            console.print(f"error: {error}")
            raise typer.Exit(2) from None
        here = ray.get_runtime_context().gcs_address
        console.print(f"coordinator {name!r} serves {workload.circuit.name} "
                      f"({workload.circuit.n_constraints:,} constraints, key {service.key[:16]}), policy {policy}, "
                      f"{deadline_s:.1f} s per attempt; job log {log}")
        if service.gateway_address:
            console.print("external provers connect to http://{}:{}/v1".format(*service.gateway_address))
        console.print(f"provers join with:  zkprove cluster prover --address {here}\n"
                      f"jobs are sent with: zkprove cluster submit --address {here} FILE")

        def on_signal(signum: int, _frame: object) -> None:
            if signum == signal.SIGINT and not service.flags.drain:
                service.flags.drain = True
                console.print("draining: new jobs are refused; Ctrl-C again to stop now")
            else:
                service.flags.now = True

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, on_signal)
        shown = [None]

        def progress() -> None:
            counts = (service.log.count("finalized"), service.log.count(), len(service.core.provers))
            if counts != shown[0]:
                shown[0] = counts
                console.print(f"finalized {counts[0]}/{counts[1]} jobs; {counts[2]} provers registered"
                              + (f"; {service.stalled}" if service.stalled else ""))

        service.coordinator.on_progress = _every(SERVE_POLL_S, progress)
        ended = service.serve()
        console.print(f"coordinator {ended}")


def _host_port(text: str) -> tuple[str, int]:
    """``HOST:PORT`` for ``--gateway``, or a BadParameter naming what is wrong."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise typer.BadParameter(f"{text!r} is not HOST:PORT (e.g. 0.0.0.0:8470)", param_hint="--gateway")
    return host, int(port)


def _every(seconds: float, action):
    """``action`` wrapped to run at most once per ``seconds`` (the loop calls it every turn)."""
    last = [0.0]

    def maybe(_: object) -> None:
        if time.monotonic() - last[0] >= seconds:
            last[0] = time.monotonic()
            action()
    return maybe


@app.command()
def jobs(
    batches: int = typer.Option(8, "--batches", "-n", min=1, help="Rollup: batches to sequence."),
    batch_size: int = typer.Option(1, "--batch-size", "-T", min=1, help="Rollup: transfers per batch."),
    depth: int = typer.Option(4, "--depth", min=4, max=32, help="Rollup: depth of the account tree."),
    accounts: int = typer.Option(8, "--accounts", min=2, help="Rollup: accounts at genesis."),
    seed: int = typer.Option(1, "--seed", help="Seed of the rollup (as given to `cluster serve`)."),
    r1cs: Path = typer.Option(None, "--r1cs", help="Jobs of this .r1cs circuit instead, one per --wtns."),
    wtns: list[Path] = typer.Option([], "--wtns", help="With --r1cs: the witness of each job, in order."),
    interval: float = typer.Option(0.0, "--interval", min=0.0, help="Seconds between lines (a live stream)."),
    out: Path = typer.Option(None, "-o", "--out", help="Write here instead of stdout."),
) -> None:
    """Write a workload file for `cluster submit`: one job per line, as JSON, naming its circuit."""
    if r1cs is not None:
        circuit = R1csCircuit.from_file(r1cs)
        payloads = [{"witness": [str(v) for v in read_wtns(path)]} for path in wtns]
        try:
            records = chain_by_index(circuit, payloads)
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--wtns") from None
        name = circuit.name
    else:
        _, chain = rollup_chain(batches, batch_size, depth, accounts, seed)
        records, name = [job_from_spec(spec) for spec in chain], rollup_circuit_name(batch_size, depth)
    stream = sys.stdout if out is None else open(out, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    try:
        for k, record in enumerate(records):
            if k and interval:
                time.sleep(interval)
            stream.write(json.dumps({"circuit": name, **job_spec(record)}, default=str) + "\n")
            stream.flush()
    finally:
        if stream is not sys.stdout:
            stream.close()
