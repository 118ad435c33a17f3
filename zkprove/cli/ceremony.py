"""``zkprove ceremony``: run and verify a multi-party Groth16 setup in a ceremony directory.

    zkprove ceremony powersoftau new DIR --power K      start phase 1 for domains up to 2^K
    zkprove ceremony powersoftau contribute DIR --name  add a phase-1 contribution
    zkprove ceremony powersoftau verify DIR             check phase 1 alone
    zkprove ceremony init DIR CIRCUIT                   start phase 2 for a circuit (.r1cs or module:Class)
    zkprove ceremony contribute DIR --name              add a phase-2 contribution
    zkprove ceremony verify DIR [--vk-out FILE]         check everything; name the first bad step

The layout of DIR is described in :mod:`zkprove.ceremony.directory`.
Secrets come from the OS's CSPRNG and are never written anywhere. Exit
codes (:mod:`zkprove.cli.errors`): 0 success, 1 the ceremony does not verify
(the first bad step and the failed check are printed), 2 unusable input
(missing or malformed files, wrong order of operations, a ``--vk-out`` that
cannot be written or exists without ``--force``).
"""

from pathlib import Path

import typer

from .errors import EXIT_INVALID
from .paths import FORCE_HELP, check_output_file
from .progress import phases
from .targets import ALLOW_UNDERCONSTRAINED_HELP, TARGET_HELP, load_for_keys, parse_params

app = typer.Typer(help="Multi-party Groth16 setup: powers of tau, then per-circuit delta updates.", no_args_is_help=True)
powersoftau_app = typer.Typer(help="Phase 1: the circuit-independent powers of tau.", no_args_is_help=True)
app.add_typer(powersoftau_app, name="powersoftau")

_DIR = typer.Argument(..., help="the ceremony directory")
_NAME = typer.Option("anonymous", "--name", "-n", help="a label for this contribution, stored in the transcript")
_PARAM = typer.Option([], "--param", "-p", help="circuit size parameter name=value (repeatable)")
_VK_OUT = typer.Option(None, "--vk-out", help="write the final verifying key as snarkjs JSON")


@powersoftau_app.command("new")
def powersoftau_new(root: Path = _DIR, power: int = typer.Option(..., "--power", "-k", help="domains up to 2^power")) -> None:
    """Write the initial accumulator (step 0)."""
    from zkprove.ceremony import new_phase1

    with phases() as phase:
        phase(f"writing the initial accumulator: {2 ** (power + 1) - 1:,} G1 and {2 ** power:,} G2 points")
        path = new_phase1(root, power)
    typer.echo(f"phase 1 started: {path}")


@powersoftau_app.command("contribute")
def powersoftau_contribute(root: Path = _DIR, name: str = _NAME) -> None:
    """Multiply tau, alpha, beta by fresh secrets; write the next step with proofs of knowledge."""
    from zkprove.ceremony import contribute_phase1

    with phases() as phase:
        phase("phase 1: reading the last step, multiplying every power by fresh secrets, proving knowledge of them")
        path = contribute_phase1(root, name)
    typer.echo(f"phase-1 contribution written: {path} (the secrets were never stored)")


@powersoftau_app.command("verify")
def powersoftau_verify(root: Path = _DIR) -> None:
    """Check every phase-1 step; name the first bad one."""
    from zkprove.ceremony.verify import CeremonyError, verify_phase1

    try:
        with phases() as phase:
            phase("phase 1: checking the contributions")
            acc, names = verify_phase1(root, phase.update)
    except CeremonyError as error:
        typer.echo(f"INVALID: {error}")
        raise typer.Exit(EXIT_INVALID) from None
    typer.echo(f"phase 1 valid: {len(names)} contributions ({', '.join(names)}), domains up to 2^{acc.power}")


@app.command()
def init(
    root: Path = _DIR,
    circuit: str = typer.Argument(..., help=TARGET_HELP),
    param: list[str] = _PARAM,
    allow_underconstrained: bool = typer.Option(False, "--allow-underconstrained", help=ALLOW_UNDERCONSTRAINED_HELP),
) -> None:
    """Start phase 2: store the circuit and the initial key (delta = 1) from the last phase-1 step."""
    from zkprove.ceremony import init_phase2

    with phases() as phase:
        phase(f"loading {circuit}")
        cs = load_for_keys(circuit, parse_params(param), allow_underconstrained)
        phase(f"phase 2 for {cs.n_constraints:,} constraints: reading the last phase-1 step")
        path = init_phase2(root, cs, phase.timer(f"phase 2 for {cs.n_constraints:,} constraints"))
    typer.echo(f"phase 2 started: {path}")


@app.command()
def contribute(root: Path = _DIR, name: str = _NAME) -> None:
    """Multiply delta by a fresh secret; write the next key and its proof of knowledge."""
    from zkprove.ceremony import contribute_phase2

    with phases() as phase:
        phase("phase 2: reading the last key, multiplying delta by a fresh secret, proving knowledge of it")
        path = contribute_phase2(root, name)
    typer.echo(f"phase-2 contribution written: {path} (the secret was never stored)")


@app.command()
def verify(
    root: Path = _DIR,
    vk_out: Path | None = _VK_OUT,
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Check the whole chain from the first powers of tau to the final key."""
    from zkprove.formats.snarkjs_json import write_verifying_key
    from zkprove.ceremony import CeremonyError
    from zkprove.ceremony import verify as verify_ceremony

    if vk_out is not None:
        check_output_file(vk_out, force)
    try:
        with phases() as phase:
            phase("checking the initial state, then each contribution")
            report = verify_ceremony(root, phase.update)
    except CeremonyError as error:
        typer.echo(f"INVALID: {error}")
        raise typer.Exit(EXIT_INVALID) from None
    typer.echo(f"ceremony valid: phase 1 by {', '.join(report.phase1_names)}; phase 2 by {', '.join(report.phase2_names)}")
    typer.echo(f"final proving key: {report.key_path}")
    if vk_out is not None:
        write_verifying_key(vk_out, report.key.vk)
        typer.echo(f"verifying key: {vk_out}")
