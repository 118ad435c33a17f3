"""``zkprove setup`` and ``zkprove prove``: Groth16 dev keys and proofs on the command line.

``zkprove setup TARGET -o DIR`` writes ``DIR/proving_key.npz`` (the format of
:mod:`zkprove.groth16.keys`) and ``DIR/verification_key.json`` (snarkjs's
format). TARGET is an ``.r1cs`` file, ``package.module:Class`` or
``path/to/file.py:Class`` with ``--param name=value``, loaded by
:mod:`zkprove.cli.targets`. A circuit the lint finds under-constrained is
refused (exit 2, the findings printed), as ``Class.compile()`` refuses it,
unless ``--allow-underconstrained`` is given.

``zkprove prove --pk KEY --witness W.wtns -o proof.json --public public.json``
proves from a full witness (snarkjs ``.wtns``); instead of ``--witness``,
``--inputs inputs.json --circuit package.module:Class`` solves the witness
with the DSL, and violated constraints are then reported with their gadget
and source line. ``--profile`` prints the prover's timed steps.

Exit codes (:mod:`zkprove.cli.errors`): 0 done, 1 the witness does not
satisfy the constraints, 2 unusable input (a file that cannot be read, a key
for another circuit, malformed inputs, an output path that cannot be
written or exists without ``--force``; all checked before the work starts).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import typer

from .errors import EXIT_INVALID
from .paths import FORCE_HELP, check_output_file, check_output_folder
from .progress import phases
from .targets import ALLOW_UNDERCONSTRAINED_HELP, TARGET_HELP, load, load_for_keys, parse_params

PROVING_KEY_FILE = "proving_key.npz"
VERIFICATION_KEY_FILE = "verification_key.json"

# Each group's callback is its command, so that registering it with add_typer
# gives `zkprove setup ...` and `zkprove prove ...` (as zkprove.cli.l1 does for verify).
setup_app = typer.Typer(help="Groth16 dev setup: a proving key and a snarkjs verification_key.json.",
                        subcommand_metavar="", context_settings={"allow_interspersed_args": True})
prove_app = typer.Typer(help="Prove with a Groth16 proving key; write snarkjs proof.json and public.json.",
                        subcommand_metavar="", context_settings={"allow_interspersed_args": True})


@setup_app.callback(invoke_without_command=True)
def setup_command(
    target: str = typer.Argument(..., help=TARGET_HELP),
    out_dir: Path = typer.Option(..., "-o", "--out-dir", help="Folder for the keys."),
    param: list[str] = typer.Option([], "--param", "-p", help="circuit size parameter name=value (repeatable)"),
    allow_underconstrained: bool = typer.Option(False, "--allow-underconstrained", help=ALLOW_UNDERCONSTRAINED_HELP),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Make dev Groth16 keys for a circuit. The toxic waste is drawn here: not for production."""
    from zkprove.formats.snarkjs_json import write_verifying_key
    from zkprove.groth16 import ToxicWasteWarning, save_proving_key, setup

    check_output_folder(out_dir, (PROVING_KEY_FILE, VERIFICATION_KEY_FILE), force)
    with phases() as phase:
        phase(f"loading {target}")
        cs = load_for_keys(target, parse_params(param), allow_underconstrained)
        phase(f"setup: {cs.n_constraints:,} constraints, {cs.n_wires:,} wires")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ToxicWasteWarning)
            pk, vk = setup(cs)
        out_dir.mkdir(parents=True, exist_ok=True)
        phase("writing the proving key")
        save_proving_key(pk, out_dir / PROVING_KEY_FILE)
        phase("writing verification_key.json")
        write_verifying_key(out_dir / VERIFICATION_KEY_FILE, vk)
    typer.echo("warning: dev setup, its toxic waste was in this process's memory: not for production.", err=True)
    typer.echo(f"wrote {out_dir / PROVING_KEY_FILE} and {out_dir / VERIFICATION_KEY_FILE} "
               f"(domain 2^{pk.domain_size.bit_length() - 1}, {pk.n_public} public inputs)")


def _input_values(document: Any, path: Path) -> dict[str, Any]:
    """inputs.json as keyword arguments of ``solve``: an object from input names to values."""
    from zkprove.dsl.inputs import parse_inputs

    if not isinstance(document, dict):
        raise ValueError(f"{path}: expected a JSON object from input names to values, got {type(document).__name__}")
    return parse_inputs(document)


@prove_app.callback(invoke_without_command=True)
def prove_command(
    pk_path: Path = typer.Option(..., "--pk", help="proving_key.npz from zkprove setup"),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write proof.json."),
    public: Path = typer.Option(..., "--public", help="Where to write public.json."),
    witness: Path | None = typer.Option(None, "--witness", help="A full witness as a .wtns file."),
    inputs: Path | None = typer.Option(None, "--inputs", help="inputs.json, solved with --circuit."),
    circuit: str | None = typer.Option(None, "--circuit", help="package.module:ClassName for --inputs."),
    param: list[str] = typer.Option([], "--param", "-p", help="circuit size parameter name=value (repeatable)"),
    profile: bool = typer.Option(False, "--profile", help="Print the time of each prover step."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Prove that a witness satisfies the circuit the key was made for."""
    from zkprove.formats.bounded_json import read_json
    from zkprove.formats.snarkjs_json import write_proof, write_public
    from zkprove.formats.wtns_file import read_wtns
    from zkprove.groth16 import load_proving_key, prove
    from zkprove.r1cs.system import UnsatisfiedConstraint
    from zkprove.timing import StepTimer

    if (witness is None) == (inputs is None) or (inputs is not None) != (circuit is not None):
        raise typer.BadParameter("give either --witness W.wtns, or --inputs inputs.json with --circuit package.module:Class",
                                 param_hint="--witness/--inputs")
    if output.resolve() == public.resolve():
        raise typer.BadParameter(f"-o and --public both name {output}", param_hint="--public")
    check_output_file(output, force)
    check_output_file(public, force)
    timer = StepTimer()
    with phases() as phase:
        phase(f"loading {pk_path}")
        pk = load_proving_key(pk_path)
        cs = None
        try:
            if witness is not None:
                phase(f"reading {witness}")
                values = read_wtns(witness)
            else:
                phase(f"solving the witness of {circuit}")
                cs = load(circuit, parse_params(param))
                values = cs.solve(**_input_values(read_json(inputs), inputs)).values
            phase(f"proving: {pk.n_constraints:,} constraints, domain 2^{pk.domain_size.bit_length() - 1}")
            proof = prove(pk, values, cs=cs, timer=timer)
        except UnsatisfiedConstraint as error:
            typer.echo(f"error: the witness does not satisfy the circuit: {error}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
    write_proof(output, proof)
    write_public(public, values[1 : 1 + pk.n_public])
    typer.echo(f"wrote {output} and {public} in {timer.total():.2f} s")
    if profile:
        typer.echo(timer.report())
