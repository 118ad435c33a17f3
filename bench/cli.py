"""``zkprove bench``: the benchmark commands."""

import typer

app = typer.Typer(help="Benchmarks: each figure next to a reference measured in the same run.", no_args_is_help=True)
