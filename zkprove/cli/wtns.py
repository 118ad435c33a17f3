"""``zkprove wtns calculate``: a DSL circuit's full witness from an inputs file, as a snarkjs ``.wtns``.

    zkprove wtns calculate TARGET input.json -o witness.wtns

The name follows ``snarkjs wtns calculate``, which does the same from a
circom ``.wasm``. TARGET is a circuit class (:mod:`zkprove.cli.targets`);
``input.json`` is the inputs format that ``zkprove prove --inputs`` reads.
Exit codes (:mod:`zkprove.cli.errors`): 0 written, 1 the inputs violate a
constraint (its index, gadget, source line and signals are printed, and
nothing is written), 2 unusable input (an unreadable or malformed inputs
file, a missing or unexpected input, an ``.r1cs`` target, which carries no
witness solver, an output path that cannot be written or exists without
``--force``).
"""

from __future__ import annotations

from pathlib import Path

import typer

from .errors import EXIT_INVALID
from .paths import FORCE_HELP, check_output_file
from .progress import phases
from .targets import PARAM_HELP, CircuitReferenceError, load, parse_params

app = typer.Typer(help="Witnesses: solve a circuit's wires from its inputs.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Witnesses: solve a circuit's wires from its inputs."""


@app.command("calculate")
def calculate(
    target: str = typer.Argument(..., help="package.module:ClassName or path/to/file.py:ClassName"),
    inputs: Path = typer.Argument(..., help="input.json: an object from input names to values"),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the .wtns file."),
    param: list[str] = typer.Option([], "--param", "-p", help=PARAM_HELP),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Solve every wire of the circuit from input.json and write them as a .wtns (v2)."""
    from zkprove.formats.bounded_json import read_json
    from zkprove.formats.wtns_file import write_wtns
    from zkprove.r1cs.system import UnsatisfiedConstraint

    from .groth16 import _input_values

    check_output_file(output, force)
    with phases() as phase:
        phase(f"loading {target}")
        cs = load(target, parse_params(param))
        if not hasattr(cs, "solve"):
            raise CircuitReferenceError(f"{target} is an .r1cs file, which has no witness solver: "
                                        "give the circuit class")
        phase(f"reading {inputs}")
        document = read_json(inputs)
        phase(f"solving {cs.n_wires:,} wires")
        try:
            values = cs.solve(**_input_values(document, inputs)).values
        except UnsatisfiedConstraint as error:
            typer.echo(f"error: the inputs do not satisfy the circuit: {error}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        phase(f"writing {output}")
        write_wtns(values, output)
    typer.echo(f"wrote {output}: {len(values):,} wires, {cs.n_public} public inputs")
