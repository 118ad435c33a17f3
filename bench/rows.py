"""One benchmark measurement beside its reference, and how rows are printed.

Every figure zkprove reports stands next to a reference measured in the same
run (design: targets are ratios, never absolute timings in tests).
"""

import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from rich.console import Console
from rich.table import Table

from zkprove.cli.paths import provenance


@dataclass
class Row:
    """A measured figure, its reference, and the target it is held to.

    ``value`` and ``reference`` share ``unit`` (e.g. "ns/mul"); ``speedup`` is
    reference / value. ``target`` says in words what is expected, ``met`` whether
    the measurement meets it (None when there is no target).
    """

    name: str
    size: int
    value: float
    unit: str
    reference_name: str = ""
    reference: float | None = None
    seconds: float | None = None
    target: str = ""
    met: bool | None = None

    @property
    def speedup(self) -> float | None:
        if self.reference is None or self.value == 0:
            return None
        return self.reference / self.value

    def as_dict(self) -> dict:
        return {**asdict(self), "speedup": self.speedup}


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    """The fastest of ``repeats`` timed calls of ``fn``, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def machine() -> dict:
    """What the numbers were measured on."""
    import numba
    import numpy

    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "numba": numba.__version__,
        "numpy": numpy.__version__,
        "numba_threads": numba.get_num_threads(),
    }


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def print_rows(rows: list[Row], title: str, console: Console | None = None) -> None:
    """A table: each figure, its reference, the ratio and the target."""
    table = Table(title=title)
    for column in ("benchmark", "n", "seconds", "value", "reference", "ref value", "speedup", "target", "met"):
        table.add_column(column, justify="left" if column in ("benchmark", "reference", "target") else "right")
    for row in rows:
        met = {None: "", True: "yes", False: "NO"}[row.met]
        table.add_row(
            row.name,
            f"{row.size:,}" if row.size else "",
            _fmt(row.seconds),
            f"{_fmt(row.value)} {row.unit}",
            row.reference_name,
            _fmt(row.reference),
            f"{row.speedup:,.0f}x" if row.speedup else "",
            row.target,
            met,
        )
    (console or Console(width=160)).print(table)


def rows_document(rows: list[Row], title: str) -> dict:
    """A benchmark's rows as the JSON document ``--json`` writes, with its provenance (no seed: these
    benchmarks draw none)."""
    return {"benchmark": title, "provenance": provenance(None), "machine": machine(),
            "rows": [r.as_dict() for r in rows]}
