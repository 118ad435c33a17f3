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

import click
import typer

from .. import __version__
from .errors import EXIT_CODES_HELP, ErrorMappingGroup

class _RootGroup(ErrorMappingGroup):
    """The root group, with the plugged-in command groups loaded when a command line is parsed.

    Loading them then, not when :mod:`zkprove.cli` is imported, lets a plugin
    import zkprove's CLI helpers (:mod:`zkprove.cli.paths`,
    :mod:`zkprove.cli.progress`) at its top without a circular import.
    """

    def _plugins(self) -> dict[str, click.Command]:
        if not hasattr(self, "_loaded_plugins"):
            self._loaded_plugins = {}
            for entry in sorted(entry_points(group="zkprove.commands"), key=lambda e: e.name):
                command = typer.main.get_command(entry.load())
                command.name = entry.name
                # A Typer made into a command on its own offers shell completion; the root owns that choice.
                command.params = [p for p in command.params if p.name not in ("install_completion", "show_completion")]
                self._loaded_plugins[entry.name] = command
        return self._loaded_plugins

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in self._plugins() if n not in self.commands)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(ctx, name) or self._plugins().get(name)


app = typer.Typer(
    name="zkprove",
    cls=_RootGroup,
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
    from .zkey import app as zkey_app

    app.add_typer(r1cs_app, name="r1cs")
    app.add_typer(wtns_app, name="wtns")
    app.add_typer(setup_app, name="setup")
    app.add_typer(prove_app, name="prove")
    app.add_typer(ceremony_app, name="ceremony")
    app.add_typer(zkey_app, name="zkey")
    app.add_typer(verify_app, name="verify")
    app.add_typer(export_app, name="export")


_register_builtin()
