"""``zkprove bench``: the benchmark commands."""

from pathlib import Path

import typer
from rich.console import Console

from zkprove.cli.paths import FORCE_HELP, JSON_HELP, check_json_output, is_stdout, write_json_output

from .rows import Row, print_rows, rows_document

app = typer.Typer(help="Benchmarks: each figure next to a reference measured in the same run.", no_args_is_help=True)
_JSON = typer.Option(None, "--json", help=JSON_HELP)
_FORCE = typer.Option(False, "--force", help=FORCE_HELP)
_OUT_DIR_HELP = "Folder for the results (JSON, CSV) and the report."
VERIFY_SCALE_HELP = ("The L1 verifier's cost as a multiple of the measured one (simulation); "
                     "0 makes verification free, and the output says so.")


def _run_suite(title: str, suite, json_path: Path | None, force: bool) -> list[Row]:
    """Run each step under the progress display; print the table, and write ``--json`` (zkprove.cli.paths)."""
    from zkprove.cli.progress import phases

    check_json_output(json_path, force)
    rows: list[Row] = []
    with phases() as phase:
        phase(title, total=len(suite))
        for done, (step_name, step) in enumerate(suite):
            phase.update(done, len(suite), f"{title}: {step_name}")
            rows.extend(step())
        phase.update(len(suite), len(suite), title)
    write_json_output(json_path, rows_document(rows, title))
    print_rows(rows, title, Console(stderr=is_stdout(json_path)))
    return rows


@app.command()
def kernels(
    json_path: Path = _JSON,
    force: bool = _FORCE,
    quick: bool = typer.Option(False, "--quick", help="Small sizes only: a smoke run, not a measurement."),
) -> None:
    """Fr multiplication, NTT and MSM against Python ints, galois and py_ecc; JIT warm-up."""
    from .kernels import kernel_suite

    _run_suite("zkprove bench kernels", kernel_suite(quick), json_path, force)


@app.command()
def prove(
    json_path: Path = _JSON,
    force: bool = _FORCE,
    quick: bool = typer.Option(False, "--quick", help="Small sizes only: a smoke run, not a measurement."),
    slow: bool = typer.Option(False, "--slow", help="Also 2^18 and 2^20 (minutes each)."),
    rapidsnark: Path = typer.Option(None, "--rapidsnark", help="rapidsnark's prover binary (default: $ZKPROVE_RAPIDSNARK)."),
) -> None:
    """Groth16 on dense-B circuits at 2^12..2^16: key loaded and whole process, beside rapidsnark and snarkjs."""
    from .prove import RAPIDSNARK_ENV, find_rapidsnark, prove_suite

    if rapidsnark is not None and find_rapidsnark(rapidsnark) is None:
        raise typer.BadParameter(f"{rapidsnark} is not a file", param_hint="--rapidsnark")
    if find_rapidsnark(rapidsnark) is None:
        typer.echo(f"rapidsnark absent (set ${RAPIDSNARK_ENV} or pass --rapidsnark): its columns stay empty", err=True)
    _run_suite("zkprove bench prove", prove_suite(quick, slow, rapidsnark), json_path, force)


@app.command()
def verify(
    json_path: Path = _JSON,
    force: bool = _FORCE,
    quick: bool = typer.Option(False, "--quick", help="A small batch and ceremony: a smoke run, not a measurement."),
) -> None:
    """The L1 verifier (numba pairing) beside py_ecc, snarkjs and arkworks; batch and ceremony verify; JIT start."""
    from .verify import verify_suite

    _run_suite("zkprove bench verify", verify_suite(quick), json_path, force)


@app.command()
def cluster(
    json_path: Path = _JSON,
    force: bool = _FORCE,
    quick: bool = typer.Option(False, "--quick", help="A smaller scaling circuit: a smoke run, not a measurement."),
) -> None:
    """Coordinator overhead per job and throughput scaling with the number of provers (real Ray)."""
    from .cluster import cluster_suite

    _run_suite("zkprove bench cluster", cluster_suite(quick), json_path, force)


@app.command()
def dsl(
    json_path: Path = _JSON,
    force: bool = _FORCE,
    log_sizes: list[int] = typer.Option([16, 20], "--log-size", help="Circuit sizes as powers of two."),
) -> None:
    """Compile time, witness time and peak memory of the DSL on a multiplication and a Poseidon chain."""
    from .dsl import bench_dsl

    sizes = tuple(1 << k for k in log_sizes)
    _run_suite("zkprove bench dsl", [("compile and solve", lambda: bench_dsl(sizes))], json_path, force)


@app.command()
def wan(
    quick: bool = typer.Option(False, "--quick", help="The smaller key: a few minutes, not the full measurement."),
    pk: Path = typer.Option(None, "--pk", help="Fetch this proving key file instead of the rollup's dev key."),
    limit: float = typer.Option(None, "--limit", help="Wall-clock limit in seconds (default 1200, 3600 in full)."),
    key_only: bool = typer.Option(False, "--key-only", help="Only the key fetch, no gateway runs."),
    out: Path = typer.Option(Path("bench/results/wan"), "-o", "--out-dir", help=_OUT_DIR_HELP),
    force: bool = _FORCE,
) -> None:
    """External provers over emulated WAN links (delay, bandwidth, drops) in a network namespace of its own."""
    from .wan.bench import WanBenchError, run

    if pk is not None and not pk.is_file():
        raise typer.BadParameter(f"{pk} is not a file", param_hint="--pk")
    if limit is not None and limit <= 0:
        raise typer.BadParameter(f"a limit must be > 0 s, not {limit:g}", param_hint="--limit")
    try:
        run(quick, pk, out, limit, force, key_only)
    except WanBenchError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


@app.command()
def simulate(
    provers: int = typer.Option(10_000, "--provers", help="Simulated provers."),
    jobs: int = typer.Option(100_000, "--jobs", help="Simulated proving jobs."),
    policy: str = typer.Option("round-robin", "--policy", help="centralized, round-robin, open-race, redundant, auction."),
    faults: str = typer.Option("none", "--faults", help='Fault mix, e.g. "crash=0.2,byzantine=0.1,rate=0.5", or none.'),
    speed_spread: float = typer.Option(0.0, "--speed-spread", help="Lognormal sigma of prover speeds."),
    interval: float = typer.Option(0.0, "--interval", help="Seconds between job submissions (0: a backlog)."),
    seed: int = typer.Option(0, "--seed"),
    verify_scale: float = typer.Option(1.0, "--verify-scale", help=VERIFY_SCALE_HELP),
    out: Path = typer.Option(None, "-o", "--out-dir", help=_OUT_DIR_HELP),
) -> None:
    """Discrete-event simulation of the cluster (the real coordinator core and policies) from measured proof times."""
    from workers.faults import parse_mix

    from .commands import simulate as run

    run(provers, jobs, policy, parse_mix(faults), speed_spread, interval, seed=seed, verify_scale=verify_scale,
        out_dir=out)


@app.command()
def compare(
    mode: str = typer.Option("sim", "--mode", help="sim (simulation) or real (Ray)."),
    axes: list[str] = typer.Option(["provers", "speed_spread", "crash_rate", "byzantine", "latency_s"], "--axis",
                                   help="Sweeps to run (repeatable)."),
    provers: int = typer.Option(None, "--provers", help="Provers of the base scenario (sim: 8, real: 4)."),
    jobs: int = typer.Option(None, "--jobs", help="Jobs per run (sim: 200, real: 16)."),
    interval: float = typer.Option(None, "--interval", help="Seconds between submissions (sim: 0.1, real: 1.0)."),
    batch_size: int = typer.Option(None, "--batch-size", help="Transfers per proof (sim: 1, real: 4)."),
    seed: int = typer.Option(0, "--seed", help="First seed; each point runs seeds seed .. seed+seeds-1."),
    seeds: int = typer.Option(None, "--seeds", min=1, help="Seeds per point (sim: 30, real: 5)."),
    verify_scale: float = typer.Option(1.0, "--verify-scale", help=VERIFY_SCALE_HELP),
    address: str = typer.Option(None, "--address", help="Ray cluster to join in real mode."),
    workers: int = typer.Option(None, "--workers", min=1, help="Processes for simulated runs (default: one per "
                                                               "core; 1: in-process). Real runs: 1."),
    out: Path = typer.Option(Path("bench/results/compare"), "-o", "--out-dir", help=_OUT_DIR_HELP),
) -> None:
    """Every policy under every sweep, centralized vs scattered; JSON, CSV, PNG and an HTML report."""
    from .commands import COMPARE_DEFAULTS
    from .commands import compare as run

    if mode not in COMPARE_DEFAULTS:
        raise typer.BadParameter(f"unknown mode {mode!r}: use sim or real", param_hint="--mode")
    given = {"provers": provers, "jobs": jobs, "interval_s": interval, "batch_size": batch_size, "seeds": seeds}
    base = {**COMPARE_DEFAULTS[mode], **{k: v for k, v in given.items() if v is not None}}
    if mode == "real" and workers not in (None, 1):
        raise typer.BadParameter("real runs share one Ray cluster: use --workers 1", param_hint="--workers")
    run(mode, tuple(axes), **base, seed=seed, verify_scale=verify_scale, out_dir=out, address=address,
        workers=workers)


@app.command()
def scale(
    quick: bool = typer.Option(False, "--quick", help="3 seeds, 60 jobs a run, up to 1,000 provers: a smoke run."),
    axes: list[str] = typer.Option(None, "--axis", help="Sweeps to run (repeatable; default: all of them)."),
    seed: int = typer.Option(0, "--seed", help="First seed; each point runs 30 seeds (3 with --quick) from it."),
    verify_scale: float = typer.Option(1.0, "--verify-scale", help=VERIFY_SCALE_HELP),
    out: Path = typer.Option(Path("bench/results/scale"), "-o", "--out-dir", help=_OUT_DIR_HELP),
) -> None:
    """The sweeps at the scale of a real network (10 to 10,000 provers), simulated: bounded to tens of minutes."""
    from .scale import SWEEPS, run

    unknown = sorted(set(axes or ()) - set(SWEEPS))
    if unknown:
        raise typer.BadParameter(f"unknown sweep(s) {', '.join(unknown)}: use {', '.join(SWEEPS)}", param_hint="--axis")
    run(quick, tuple(axes or SWEEPS), seed, verify_scale, out)


@app.command()
def throughput(
    provers: list[int] = typer.Option([1, 2, 4], "--provers", help="Prover actor counts (repeatable)."),
    batch: list[int] = typer.Option([1, 2], "--batch-size", help="Transactions per proof (repeatable)."),
    jobs: int = typer.Option(12, "--jobs"),
    address: str = typer.Option(None, "--address", help="Ray cluster to join (default: local)."),
    out: Path = typer.Option(Path("bench/results/throughput"), "-o", "--out-dir", help=_OUT_DIR_HELP),
) -> None:
    """Proofs/s and tx/s on Ray against circuit size and the number of prover actors."""
    from .commands import throughput as run

    run(tuple(provers), tuple(batch), jobs, address=address, out_dir=out)


@app.command()
def calibrate(
    jobs: int = typer.Option(12, "--jobs"),
    address: str = typer.Option(None, "--address"),
    out: Path = typer.Option(None, "-o", "--out-dir", help=_OUT_DIR_HELP + " [default: bench/results/calibration, "
                                                                        "or calibration-wan with --wan]"),
    wan: bool = typer.Option(False, "--wan", help="Against gateway runs over emulated links, with faults (6 cases, "
                                                  "5 real seeds and 30 simulated each; needs root and `ip`)."),
    quick: bool = typer.Option(False, "--quick", help="With --wan: 1 real seed, 5 simulated, 6 jobs a run."),
    force: bool = _FORCE,
    from_real: Path = typer.Option(None, "--from-real", help="With --wan: simulate anew the real runs stored in "
                                                             "this calibration-wan.json, and run none."),
) -> None:
    """Small scenarios run for real (on Ray, or with --wan through the gateway and emulated links) beside
    their simulation (throughput, P50, P99)."""
    if not wan and (quick or force or from_real is not None):
        raise typer.BadParameter("--quick, --force and --from-real go with --wan", param_hint="--wan")
    if wan:
        from .wan.bench import WanBenchError
        from .wan.calibrate import run as run_wan

        if from_real is not None and not from_real.is_file():
            raise typer.BadParameter(f"{from_real} is not a file", param_hint="--from-real")
        try:
            run_wan(quick, out or Path("bench/results/calibration-wan"), force, from_real=from_real)
        except WanBenchError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None
        return
    from .commands import calibrate as run

    run(jobs, address=address, out_dir=out or Path("bench/results/calibration"))


@app.command()
def answer(
    compare_json: list[Path] = typer.Argument(..., help="Results of zkprove bench compare or scale (one or more "
                                                        "files, e.g. a scale run in parts)."),
    calibration_json: Path = typer.Option(None, "--calibration", help="Results of zkprove bench calibrate."),
    out: Path = typer.Option(Path("bench/results/answer"), "-o", "--out-dir", help=_OUT_DIR_HELP),
    readme: Path = typer.Option(None, "--readme", help="Also write the section into this README, between its "
                                                       "answer markers."),
) -> None:
    """Write the README section (markdown, a summary PNG and one PNG per crossover) from saved results."""
    from .report.answer import write_answer

    print(*write_answer(compare_json, out, calibration_json, readme), sep="\n")


if __name__ == "__main__":
    app()
