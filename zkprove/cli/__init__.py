"""The ``zkprove`` command line.

zkprove's own command groups are registered below. Packages that build on
zkprove (``bench``, ``workers``, ``circuits``) add their groups through the
``zkprove.commands`` entry-point group, so that imports keep running one way:
they import zkprove, zkprove never imports them.

Every command, plugins' included, runs under one error discipline
(:mod:`zkprove.cli.errors`): exit 0 success, 1 a verdict of invalid, 2
unusable input, 3 an internal error, and no traceback without ``--debug``.
"""

from importlib import import_module
from importlib.metadata import entry_points

import click
import typer

from .. import __version__
from .errors import EXIT_CODES_HELP, ErrorMappingGroup

PLUGIN_GROUP = "zkprove.commands"
#: zkprove's own command groups, in the order ``zkprove --help`` lists them: name -> (module, Typer).
BUILTIN = {
    "r1cs": ("r1cs", "app"), "wtns": ("wtns", "app"), "setup": ("groth16", "setup_app"),
    "prove": ("groth16", "prove_app"), "ceremony": ("ceremony", "app"), "zkey": ("zkey", "app"),
    "verify": ("l1", "verify_app"), "export": ("l1", "export_app"),
}


def _command(typer_app: typer.Typer, name: str) -> click.Command:
    """A command group's Typer as the root's subcommand ``name``."""
    command = typer.main.get_command(typer_app)
    command.name = name
    # A Typer made into a command on its own offers shell completion; the root owns that choice.
    command.params = [p for p in command.params if p.name not in ("install_completion", "show_completion")]
    return command


class _RootGroup(ErrorMappingGroup):
    """The root group, each command group imported only when a command line names it.

    ``zkprove prove`` then imports the prover's modules and not, say, the
    ceremony's or the Solidity exporter's; a plugged-in group likewise, and
    only when a command line names it, never when :mod:`zkprove.cli` is
    imported, so that a plugin can import zkprove's CLI helpers
    (:mod:`zkprove.cli.paths`, :mod:`zkprove.cli.progress`) at its top
    without a circular import.
    """

    def _builtin(self, name: str) -> click.Command:
        loaded = self.__dict__.setdefault("_loaded_builtin", {})
        if name not in loaded:
            module, attribute = BUILTIN[name]
            loaded[name] = _command(getattr(import_module(f"{__name__}.{module}"), attribute), name)
        return loaded[name]

    def _plugin(self, name: str) -> click.Command | None:
        loaded = self.__dict__.setdefault("_loaded_plugins", {})
        if name not in loaded:
            entry = next(iter(entry_points(group=PLUGIN_GROUP, name=name)), None)
            if entry is None:
                return None
            loaded[name] = _command(entry.load(), name)
        return loaded[name]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*BUILTIN, *sorted({e.name for e in entry_points(group=PLUGIN_GROUP)} - BUILTIN.keys())]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._builtin(name) if name in BUILTIN else self._plugin(name)


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
