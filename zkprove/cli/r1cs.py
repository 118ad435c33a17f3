"""``zkprove r1cs``: inspect a constraint system, or write a DSL circuit as an iden3 ``.r1cs``.

    zkprove r1cs info TARGET                  constraints, wires, inputs, constraints per gadget, lint
    zkprove r1cs export TARGET -o c.r1cs      the .r1cs that snarkjs (and zkprove setup) make keys from

TARGET is loaded by :mod:`zkprove.cli.targets`. ``export`` refuses an
under-constrained circuit (exit 2, the lint's findings printed) unless
``--allow-underconstrained`` is given, as ``setup`` does: keys made from the
file would let a prover choose the free wires.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from ..field.params import R
from ..r1cs.system import ConstraintSystem
from .paths import FORCE_HELP, check_output_file
from .targets import ALLOW_UNDERCONSTRAINED_HELP, PARAM_HELP, TARGET_HELP, load, load_for_keys, parse_params

app = typer.Typer(help="Inspect rank-1 constraint systems.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Inspect rank-1 constraint systems."""


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
    target: str = typer.Argument(..., help=TARGET_HELP),
    param: list[str] = typer.Option([], "--param", "-p", help=PARAM_HELP),
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


@app.command("export")
def export(
    target: str = typer.Argument(..., help="package.module:ClassName or path/to/file.py:ClassName"),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the .r1cs file."),
    param: list[str] = typer.Option([], "--param", "-p", help=PARAM_HELP),
    allow_underconstrained: bool = typer.Option(False, "--allow-underconstrained", help=ALLOW_UNDERCONSTRAINED_HELP),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Write a circuit as an iden3 .r1cs (v1, with wire labels and zkprove's provenance section)."""
    from ..formats.r1cs_file import write_r1cs

    check_output_file(output, force)
    cs = load_for_keys(target, parse_params(param), allow_underconstrained)
    write_r1cs(cs, output)
    typer.echo(f"wrote {output}: {cs.n_constraints:,} constraints, {cs.n_wires:,} wires, "
               f"{cs.n_public} public inputs")
