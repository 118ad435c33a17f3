"""Exit codes of every ``zkprove`` command, and the one place where exceptions become them.

======= ==============================================================
code    meaning
======= ==============================================================
0       success; ``verify``: the proof is valid
1       a verdict of invalid, and nothing else: a proof the L1 contract
        rejects, a witness that violates a constraint, a ceremony step
        that does not verify
2       unusable input: a file that cannot be read or is malformed, bad
        arguments, an output path that cannot be written, a key for
        another circuit
3       internal error: a bug; a one-line message, and ``--debug`` for
        the traceback
130     interrupted (Ctrl-C)
======= ==============================================================

Commands decide verdicts (code 1) themselves; everything else is raised
and mapped here by :class:`ErrorMappingGroup`, the root command's group
class, so that no command repeats a try/except. The mapping:

* ``ValueError``, which is how zkprove's modules refuse an input (the
  format errors of :mod:`zkprove.formats`, ``KeyFormatError``, ``WrongKey``
  and the ceremony's checks all derive from it), and ``OSError`` (a file
  that cannot be read or written): 2, with the message;
* usage errors keep Typer's own handling (code 2, with the usage);
* anything else is a bug: 3, its type and first line, and a hint to rerun
  with ``zkprove --debug`` (or ``ZKPROVE_DEBUG=1``), which prints the
  traceback before the same message and code.
"""

import traceback

import typer
from typer.core import TyperGroup

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_UNUSABLE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = (
    "Exit codes: 0 success or valid; 1 a verdict of invalid (proof rejected, witness unsatisfied, "
    "ceremony step fails); 2 unusable input (unreadable or malformed file, bad arguments, "
    "unwritable output, key for another circuit); 3 internal error (rerun with --debug for the traceback); "
    "130 interrupted."
)


def classify(error: BaseException) -> tuple[int, str]:
    """(exit code, the line to print) for an exception a command let through."""
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted"
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename is not None else ""
        return EXIT_UNUSABLE, f"error: {where}{error.strerror or error}"
    if isinstance(error, ValueError):
        return EXIT_UNUSABLE, f"error: {error}"
    first_line = next(iter(str(error).splitlines()), "")
    return EXIT_INTERNAL, (
        f"internal error: {type(error).__name__}: {first_line:.300} "
        "(a bug in zkprove; rerun with zkprove --debug for the traceback)"
    )


class ErrorMappingGroup(TyperGroup):
    """The root group: runs the command, and turns what it raises into an exit code (module doc)."""

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except (Exception, KeyboardInterrupt) as error:
            code, message = classify(error)
            if ctx.params.get("debug"):
                traceback.print_exc()
            typer.echo(message, err=True)
            raise typer.Exit(code) from None
