"""``zkprove bench``: the benchmark commands."""

import typer
from rich.console import Console
from rich.progress import Progress

from .rows import Row, dump_json, print_rows

app = typer.Typer(help="Benchmarks: each figure next to a reference measured in the same run.", no_args_is_help=True)


def _run_suite(title: str, suite, as_json: bool) -> list[Row]:
    rows: list[Row] = []
    console = Console(stderr=True)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(title, total=len(suite))
        for step_name, step in suite:
            progress.update(task, description=f"{title}: {step_name}")
            rows.extend(step())
            progress.advance(task)
    if as_json:
        print(dump_json(rows, title))
    else:
        print_rows(rows, title)
    return rows


@app.command()
def kernels(
    json_output: bool = typer.Option(False, "--json", help="Print machine-readable JSON instead of a table."),
    quick: bool = typer.Option(False, "--quick", help="Small sizes only: a smoke run, not a measurement."),
) -> None:
    """Fr multiplication, NTT and MSM against Python ints, galois and py_ecc; JIT warm-up."""
    from .kernels import kernel_suite

    _run_suite("zkprove bench kernels", kernel_suite(quick), json_output)


@app.command()
def prove(
    json_output: bool = typer.Option(False, "--json", help="Print machine-readable JSON instead of a table."),
    quick: bool = typer.Option(False, "--quick", help="Small sizes only: a smoke run, not a measurement."),
) -> None:
    """Groth16 prove time per phase, verify time and peak memory at 2^12..2^16, beside snarkjs."""
    from .prove import prove_suite

    _run_suite("zkprove bench prove", prove_suite(quick), json_output)


@app.command()
def cluster(
    json_output: bool = typer.Option(False, "--json", help="Print machine-readable JSON instead of a table."),
    quick: bool = typer.Option(False, "--quick", help="A smaller scaling circuit: a smoke run, not a measurement."),
) -> None:
    """Coordinator overhead per job and throughput scaling with the number of provers (real Ray)."""
    from .cluster import cluster_suite

    _run_suite("zkprove bench cluster", cluster_suite(quick), json_output)


@app.command()
def dsl(
    json_output: bool = typer.Option(False, "--json", help="Print machine-readable JSON instead of a table."),
    log_sizes: list[int] = typer.Option([16, 20], "--log-size", help="Circuit sizes as powers of two."),
) -> None:
    """Compile time, witness time and peak memory of the DSL on a multiplication and a Poseidon chain."""
    from .dsl import bench_dsl

    sizes = tuple(1 << k for k in log_sizes)
    _run_suite("zkprove bench dsl", [("compile and solve", lambda: bench_dsl(sizes))], json_output)
