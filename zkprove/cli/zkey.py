"""``zkprove zkey``: phase 2 of a Groth16 setup on snarkjs ``.zkey`` files, step for step with snarkjs.

    zkprove zkey contribute OLD.zkey NEW.zkey --name NAME     snarkjs zkey contribute
    zkprove zkey beacon OLD.zkey NEW.zkey HASH EXP [--name]  snarkjs zkey beacon
    zkprove zkey verify CIRCUIT.r1cs POT.ptau KEY.zkey        snarkjs zkey verify

Any chain mixing these with snarkjs's own commands verifies in both tools
(:mod:`zkprove.ceremony.zkey_ceremony`). The first key comes from
``zkprove setup CIRCUIT.r1cs --ptau POT.ptau`` or ``snarkjs groth16 setup``.
A contribution's secret comes from the OS's CSPRNG and is never stored.
Exit codes (:mod:`zkprove.cli.errors`): 0 done or the key verifies, 1 it
does not (the first failed check is printed), 2 unusable input.
"""

from pathlib import Path

import typer

from .errors import EXIT_INVALID
from .paths import FORCE_HELP, check_output_file
from .progress import phases

app = typer.Typer(help="Phase 2 on snarkjs .zkey files: contribute, beacon, verify.", no_args_is_help=True)
_OLD = typer.Argument(..., help="the key to contribute to")
_NEW = typer.Argument(..., help="where to write the key with the new contribution")
_NAME = typer.Option("", "--name", "-n", help="a label for the contribution, stored in the key (at most 64 bytes)")
_FORCE = typer.Option(False, "--force", help=FORCE_HELP)


def _write_contribution(old: Path, new: Path, force: bool, name: str, beacon=None) -> None:
    from zkprove.ceremony.zkey_ceremony import contribute_to_zkey
    from zkprove.formats.zkey_file import read_zkey, write_zkey

    check_output_file(new, force)
    source = "the beacon" if beacon is not None else "the OS's CSPRNG"
    with phases() as phase:
        phase(f"reading {old}")
        key = read_zkey(old, allow_degenerate=True)
        phase(f"contributing (secret from {source}): {len(key.pk.l_query) + len(key.pk.h_query):,} points")
        updated, contribution = contribute_to_zkey(key, name=name, beacon=beacon)
        phase(f"writing {new}")
        write_zkey(new, updated)
    typer.echo(f"wrote {new}")
    typer.echo(f"contribution hash: {contribution.hash().hex()}")


@app.command("contribute")
def contribute_command(old: Path = _OLD, new: Path = _NEW, name: str = _NAME, force: bool = _FORCE) -> None:
    """Add a contribution with a fresh secret: delta times it, every L and H point divided by it."""
    _write_contribution(old, new, force, name)


@app.command("beacon")
def beacon_command(
    old: Path = _OLD,
    new: Path = _NEW,
    beacon_hash: str = typer.Argument(..., help="the public beacon value, hex (1 to 255 bytes)"),
    iterations_exp: int = typer.Argument(..., help="SHA-256 is applied 2^EXP times to it (10 to 63)"),
    name: str = _NAME,
    force: bool = _FORCE,
) -> None:
    """Add the final contribution, its secret derived from a public beacon so that anyone can recompute it."""
    from zkprove.ceremony.zkey_phase2 import Beacon

    try:
        value = bytes.fromhex(beacon_hash)
    except ValueError:
        raise typer.BadParameter(f"{beacon_hash!r} is not hexadecimal", param_hint="BEACON_HASH") from None
    _write_contribution(old, new, force, name, Beacon(value, iterations_exp))


@app.command("verify")
def verify_command(
    circuit: Path = typer.Argument(..., help="the circuit's .r1cs"),
    ptau: Path = typer.Argument(..., help="the phase-2-ready powers of tau the key was made from"),
    key: Path = typer.Argument(..., help="the .zkey to check"),
) -> None:
    """Recompute the initial key, then check every contribution and that the key follows from them."""
    from zkprove.ceremony.zkey_ceremony import key_problem
    from zkprove.formats.ptau_file import PtauFile
    from zkprove.formats.r1cs_file import read_r1cs
    from zkprove.formats.snarkjs_setup import zkey_from_ptau
    from zkprove.formats.zkey_file import read_zkey

    with phases() as phase:
        phase(f"recomputing the initial key from {circuit} and {ptau}")
        with PtauFile(ptau) as pot:
            initial = zkey_from_ptau(read_r1cs(circuit), pot)
        phase(f"checking {key}")
        verdict = key_problem(read_zkey(key, allow_degenerate=True), initial)
    for index, contribution in enumerate(verdict.contributions, 1):
        kind = "beacon" if contribution.beacon is not None else "contribution"
        typer.echo(f"#{index} {kind} {contribution.name!r}: {contribution.hash().hex()}")
    if not verdict.ok:
        typer.echo(f"INVALID: {verdict.problem}", err=True)
        raise typer.Exit(EXIT_INVALID)
    if not verdict.contributions:
        typer.echo("warning: no contributions: delta is the generator and anyone can forge proofs", err=True)
    typer.echo(f"OK: {key} follows from {circuit} and {ptau} by {len(verdict.contributions)} contribution(s)")
