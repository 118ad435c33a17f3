"""The ``zkprove`` command line.

zkprove's own command groups are registered below. Packages that build on
zkprove (``bench``, ``workers``, ``circuits``) add their groups through the
``zkprove.commands`` entry-point group, so that imports keep running one way:
they import zkprove, zkprove never imports them.
"""

from importlib.metadata import entry_points

import typer

app = typer.Typer(
    name="zkprove",
    help="Circuits in Python, Groth16 over BN254 in numba, Ray prover clusters, and an L1-exact verifier.",
    no_args_is_help=True,
    add_completion=False,
)


def _register_plugins() -> None:
    """Attach the command groups that other installed packages declare."""
    for entry in sorted(entry_points(group="zkprove.commands"), key=lambda e: e.name):
        app.add_typer(entry.load(), name=entry.name)


_register_plugins()
