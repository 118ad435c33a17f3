"""The ``zkprove`` command line.

zkprove's own command groups are registered below. Packages that build on
zkprove (``bench``, ``workers``, ``circuits``) add their groups through the
``zkprove.commands`` entry-point group, so that imports keep running one way:
they import zkprove, zkprove never imports them.

Every command, plugins' included, runs under one error discipline
(:mod:`zkprove.cli.errors`): exit 0 success, 1 a verdict of invalid, 2
unusable input, 3 an internal error, and no traceback without ``--debug``.
"""

from importlib.metadata import entry_points

import typer

from .. import __version__
from .errors import EXIT_CODES_HELP, ErrorMappingGroup

app = typer.Typer(
    name="zkprove",
    cls=ErrorMappingGroup,
    help="Circuits in Python, Groth16 over BN254 in numba, Ray prover clusters, and an L1-exact verifier.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"zkprove {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", envvar="ZKPROVE_DEBUG",
                               help="Print the traceback of an error before its message."),
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print zkprove's version and exit."),
) -> None:
    """Circuits in Python, Groth16 over BN254 in numba, Ray prover clusters, and an L1-exact verifier."""


def _register_builtin() -> None:
    """zkprove's own command groups (their heavy imports happen inside the commands)."""
    from .ceremony import app as ceremony_app
    from .groth16 import prove_app, setup_app
    from .l1 import export_app, verify_app
    from .r1cs import app as r1cs_app
    from .wtns import app as wtns_app

    app.add_typer(r1cs_app, name="r1cs")
    app.add_typer(wtns_app, name="wtns")
    app.add_typer(setup_app, name="setup")
    app.add_typer(prove_app, name="prove")
    app.add_typer(ceremony_app, name="ceremony")
    app.add_typer(verify_app, name="verify")
    app.add_typer(export_app, name="export")


def _register_plugins() -> None:
    """Attach the command groups that other installed packages declare."""
    for entry in sorted(entry_points(group="zkprove.commands"), key=lambda e: e.name):
        app.add_typer(entry.load(), name=entry.name)


_register_builtin()
_register_plugins()
