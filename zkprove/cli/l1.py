"""``zkprove verify`` and ``zkprove export``: the L1 verifier on the command line.

Files are snarkjs JSON (:mod:`zkprove.formats.snarkjs_json`). Exit codes of
``verify`` (:mod:`zkprove.cli.errors`): 0 the proof is valid, 1 the L1
contract would reject it (the reason is printed), 2 the input is unusable
(unreadable or malformed JSON, a verifying key no verifier may use). The
``export`` commands exit 2 on unusable input too, and on an output path
that cannot be written or exists without ``--force`` (``verify --json
PATH`` too). Outputs follow :mod:`zkprove.cli.paths`.
"""

import sys
from pathlib import Path

import typer

from zkprove.formats.snarkjs_json import (
    read_proof,
    read_public,
    read_verifying_key,
    write_proof,
    write_public,
)
from zkprove.l1.encoding import decode_calldata, encode_calldata
from zkprove.l1.gas import GasEstimate
from zkprove.l1.solidity import DEFAULT_CONTRACT_NAME, render_verifier
from zkprove.l1.verifier import verify

from .errors import EXIT_INVALID
from .paths import (
    FORCE_HELP,
    JSON_HELP,
    check_json_output,
    check_output_file,
    check_output_folder,
    is_stdout,
    write_json_output,
)

# verify is a group whose callback is the command, so that registering it with
# add_typer, like every group, gives `zkprove verify VK PROOF PUBLIC`;
# interspersed arguments let options come after the files.
verify_app = typer.Typer(
    help="Verify a snarkjs Groth16 proof exactly as the L1 contract does.",
    subcommand_metavar="",
    context_settings={"allow_interspersed_args": True},
)
export_app = typer.Typer(help="Export a verifier contract, EVM calldata, or snarkjs JSON.", no_args_is_help=True)


def _gas_line(gas: GasEstimate) -> str:
    return (
        f"gas: {gas.total:,} (base {gas.base:,} + calldata {gas.calldata:,}"
        f" + precompiles {gas.precompiles:,} + contract {gas.contract:,})"
    )


@verify_app.callback(invoke_without_command=True)
def verify_command(
    vk: Path = typer.Argument(..., help="verification_key.json"),
    proof: Path = typer.Argument(..., help="proof.json"),
    public: Path = typer.Argument(..., help="public.json"),
    json_path: Path | None = typer.Option(None, "--json", help=JSON_HELP),
    arithmetic: str = typer.Option("native", "--arithmetic",
                                   help="Curve arithmetic under the precompile models: native (numba) or py_ecc "
                                        "(the pure-Python reference, about half a second)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Check the proof with precompile semantics and print the verdict, the gas and the calldata size."""
    if arithmetic not in ("native", "py_ecc"):
        raise typer.BadParameter(f"{arithmetic!r}: choose native or py_ecc", param_hint="--arithmetic")
    check_json_output(json_path, force)
    report = verify(read_verifying_key(vk), read_public(public), read_proof(proof), arithmetic=arithmetic)
    gas = None if report.gas is None else {**vars(report.gas), "total": report.gas.total}
    write_json_output(json_path, {"ok": report.ok, "reason": report.reason, "gas": gas,
                                  "calldata_bytes": report.calldata_bytes})
    text_to_stderr = is_stdout(json_path)
    typer.echo(report.reason if report.ok else f"invalid: {report.reason}", err=text_to_stderr)
    if report.gas is not None:
        typer.echo(_gas_line(report.gas), err=text_to_stderr)
        typer.echo(f"calldata: {report.calldata_bytes} bytes", err=text_to_stderr)
    if not report.ok:
        raise typer.Exit(EXIT_INVALID)


@export_app.command("solidity")
def export_solidity(
    vk: Path = typer.Argument(..., help="verification_key.json"),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the .sol file."),
    name: str = typer.Option(DEFAULT_CONTRACT_NAME, "--name", help="The contract's name."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Write a Solidity verifier contract for this key (it calls precompiles 0x06, 0x07, 0x08).

    A key no verifier may use (invalid points, or one under which proofs can be
    forged) is refused (:func:`zkprove.l1.verifier.key_error`).
    """
    check_output_file(output, force)
    source = render_verifier(read_verifying_key(vk), name)
    output.write_text(source, encoding="utf-8")
    typer.echo(f"wrote {output}")


@export_app.command("calldata")
def export_calldata(
    proof: Path = typer.Argument(..., help="proof.json"),
    public: Path = typer.Argument(..., help="public.json"),
) -> None:
    """Print, as 0x-hex, exactly the calldata a transaction to the verifier carries."""
    data = encode_calldata(read_proof(proof), read_public(public))
    typer.echo("0x" + data.hex())


def _hex_bytes(text: str) -> bytes:
    try:
        return bytes.fromhex(text.removeprefix("0x"))
    except ValueError as error:
        raise ValueError(f"not verifyProof calldata: not hex ({error})") from None


@export_app.command("snarkjs")
def export_snarkjs(
    calldata: str = typer.Argument(..., help="0x-hex calldata of a verifyProof call, or '-' to read it from stdin."),
    out_dir: Path = typer.Option(Path("."), "-o", "--out-dir", help="Folder for proof.json and public.json."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Decode verifier calldata (say, from an L1 transaction) into snarkjs proof.json and public.json."""
    check_output_folder(out_dir, ("proof.json", "public.json"), force)
    text = (sys.stdin.read() if calldata == "-" else calldata).strip()
    proof, public_inputs = decode_calldata(_hex_bytes(text))
    out_dir.mkdir(parents=True, exist_ok=True)
    write_proof(out_dir / "proof.json", proof)
    write_public(out_dir / "public.json", public_inputs)
    typer.echo(f"wrote {out_dir / 'proof.json'} and {out_dir / 'public.json'}")
