"""``zkprove r1cs``: inspect a constraint system, from an ``.r1cs`` file or a circuit class."""

from __future__ import annotations

import importlib
from collections import Counter
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from ..field.params import R
from ..r1cs.system import ConstraintSystem

app = typer.Typer(help="Inspect rank-1 constraint systems.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Inspect rank-1 constraint systems."""


def parse_params(params: list[str]) -> dict[str, object]:
    """``["T=4", "name=x"]`` -> ``{"T": 4, "name": "x"}``; values that read as ints become ints."""
    parsed: dict[str, object] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"expected name=value, got {item!r}", param_hint="--param")
        try:
            parsed[name] = int(value, 0)
        except ValueError:
            parsed[name] = value
    return parsed


class CircuitReferenceError(ValueError):
    """A ``package.module:ClassName`` that does not name a circuit class taking these parameters."""


def load(target: str, params: dict[str, object]) -> ConstraintSystem:
    """An ``.r1cs`` file, or ``package.module:ClassName`` compiled with ``params`` (lint as warnings).

    A module that cannot be imported, a missing class and parameters the
    class refuses raise :class:`CircuitReferenceError` (exit code 2).
    """
    if ":" not in target or Path(target).exists():
        if params:
            raise typer.BadParameter("--param applies to circuit classes, not .r1cs files")
        from ..formats.r1cs_file import read_r1cs

        return read_r1cs(target)
    module_name, _, class_name = target.partition(":")
    try:
        circuit_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as error:
        raise CircuitReferenceError(f"cannot load circuit {target}: {error}") from None
    if not (isinstance(circuit_class, type) and hasattr(circuit_class, "compile")):
        raise CircuitReferenceError(f"{target} is not a circuit class")
    try:
        circuit = circuit_class(**params)
    except TypeError as error:
        raise CircuitReferenceError(f"cannot make {target} with parameters {params}: {error}") from None
    return circuit.compile(strict=False)


def gadget_breakdown(cs: ConstraintSystem) -> list[tuple[str, int]]:
    """Constraints per gadget label, largest first; empty without provenance."""
    if cs.origin_table is None or cs.origin_index is None:
        return []
    per_origin = np.bincount(np.asarray(cs.origin_index, dtype=np.int64), minlength=len(cs.origin_table))
    totals: Counter[str] = Counter()
    for (gadget, _), count in zip(cs.origin_table, per_origin.tolist()):
        totals[gadget] += count
    return [(g, n) for g, n in totals.most_common() if n]


@app.command()
def info(
    target: str = typer.Argument(..., help="an .r1cs file, or package.module:ClassName"),
    param: list[str] = typer.Option([], "--param", "-p", help="circuit size parameter name=value (repeatable)"),
) -> None:
    """Print constraints, wires, public inputs and a per-gadget breakdown of constraints."""
    cs = load(target, parse_params(param))
    console = Console()
    console.print(f"[bold]R1CS[/bold] {target}")
    summary = Table(show_header=False)
    for key, value in (
        ("constraints", cs.n_constraints), ("wires", cs.n_wires), ("public outputs", cs.n_pub_out),
        ("public inputs", cs.n_pub_in), ("private inputs", cs.n_prv_in),
        ("internal wires", cs.n_wires - 1 - cs.n_public - cs.n_prv_in),
        ("prime", "BN254 r" if cs.prime == R else cs.prime),
    ):
        summary.add_row(key, str(value))
    unit = getattr(cs, "unit", None)
    if unit is not None:
        name, count = unit
        summary.add_row(f"constraints per {name}", f"{cs.n_constraints / count:,.0f}")
    console.print(summary)
    breakdown = gadget_breakdown(cs)
    if breakdown:
        table = Table(title="constraints per gadget")
        table.add_column("gadget")
        table.add_column("constraints", justify="right")
        table.add_column("share", justify="right")
        for gadget, count in breakdown:
            table.add_row(gadget, str(count), f"{100 * count / max(cs.n_constraints, 1):.1f}%")
        console.print(table)
    else:
        console.print("no per-constraint provenance recorded")
    for finding in getattr(cs, "findings", []):
        console.print(f"lint {finding}")
