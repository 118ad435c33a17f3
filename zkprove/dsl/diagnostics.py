"""Where a constraint came from: the gadget label and the user's source line.

Every constraint records an origin ``(gadget, "file:line")``. The line is the
first stack frame outside the ``zkprove`` package, so a constraint made deep
inside a library gadget (``zkprove.gadgets.poseidon``) points at the line of
the user's ``define`` that called the gadget, while a gadget written in user
code points at its own line. Origins are interned: a million constraints
share a few hundred ``(gadget, location)`` entries.
"""

from __future__ import annotations

import os
import sys

#: The zkprove package's folder (this file is zkprove/dsl/diagnostics.py), found without importing the root.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class CircuitError(ValueError):
    """A circuit that cannot be compiled: a misuse found while tracing ``define``.

    Raised, for example, when an assertion between two constants is false or a
    constant is inverted at zero; the message carries the user's source line.
    """


class VarMisuse(CircuitError, TypeError):
    """A Python question a circuit Var cannot answer while compiling: its truth value, ``==``, ``<``...

    A Var has no value during ``define``, so such a question would either
    raise a bare TypeError or, for ``==``, quietly answer False and drop a
    branch. The message names the API call that builds the constraint
    instead. A TypeError, as Python's own unsupported operations are, and a
    :class:`CircuitError`, so the CLI reports it as unusable input.
    """


def user_location() -> str:
    """``"file:line"`` of the innermost frame outside the zkprove package."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return "<zkprove>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


class OriginTable:
    """Interned ``(gadget, "file:line")`` pairs, the provenance of constraints and hints."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []
        self._ids: dict[tuple[str, object, int], int] = {}

    def current(self, gadget: str) -> int:
        """Id of the origin of a constraint being created now under label ``gadget``."""
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
            frame = frame.f_back
        code, line = (frame.f_code, frame.f_lineno) if frame is not None else (None, 0)
        key = (gadget, code, line)
        index = self._ids.get(key)
        if index is None:
            where = f"{code.co_filename}:{line}" if code is not None else "<zkprove>"
            index = self._ids[key] = len(self.entries)
            self.entries.append((gadget, where))
        return index
