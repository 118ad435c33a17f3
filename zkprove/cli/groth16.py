"""``zkprove setup`` and ``zkprove prove``: Groth16 dev keys and proofs on the command line.

``zkprove setup TARGET -o DIR`` writes dev keys: ``DIR/proving_key.npz`` (the
format of :mod:`zkprove.formats.npz_key_file`), or with ``--zkey``
``DIR/circuit.zkey`` (snarkjs's, in the snarkjs QAP variant), and
``DIR/verification_key.json`` (snarkjs's format). ``--ptau pot.ptau`` makes
the key from that real phase 1 instead, as ``snarkjs groth16 setup`` does
(the same bytes): DIR/circuit.zkey, still uncontributed, and its
verification_key.json; it prints the ptau's contribution hashes as ``snarkjs
powersoftau verify`` does. A dev setup then reads its key back as ``prove``
will, validating every point once and keeping the verdict beside it
(``DIR/proving_key.npz.checked``, :mod:`zkprove.formats.key_check`); a key
from a ptau is not final (each contribution rewrites it), so its first
``prove`` does that. TARGET is an ``.r1cs`` file, ``package.module:Class``
or ``path/to/file.py:Class`` with ``--param name=value``, loaded by
:mod:`zkprove.cli.targets`. A circuit the lint finds under-constrained is
refused (exit 2, the findings printed), as ``Class.compile()`` refuses it,
unless ``--allow-underconstrained`` is given.

``zkprove prove KEY W.wtns proof.json public.json`` (rapidsnark's command
line) or ``zkprove prove --pk KEY --witness W.wtns -o proof.json --public
public.json`` proves from a full witness (snarkjs ``.wtns``); KEY is a
``.zkey`` or a zkprove ``.npz``, told apart by its first bytes; its points
are validated only if no sidecar ``KEY.checked`` holds a verdict for its
bytes (:mod:`zkprove.formats.key_check`). Instead of
``--witness``, ``--inputs inputs.json --circuit package.module:Class`` solves
the witness with the DSL, and violated constraints are then reported with
their gadget and source line. A ``.zkey`` holds no C matrix, so its witness
cannot be checked before proving: the proof is verified before it is
written, and one that fails means the witness does not satisfy the circuit.
``--profile`` prints the prover's timed steps.

Exit codes (:mod:`zkprove.cli.errors`): 0 done, 1 the witness does not
satisfy the constraints, 2 unusable input (a file that cannot be read, a key
for another circuit, malformed inputs, an output path that cannot be
written or exists without ``--force``; all checked before the work starts).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from .errors import EXIT_INVALID
from .paths import FORCE_HELP, check_output_file, check_output_folder
from .progress import phases
from .targets import ALLOW_UNDERCONSTRAINED_HELP, TARGET_HELP, load, load_for_keys, parse_params

PROVING_KEY_FILE = "proving_key.npz"
ZKEY_FILE = "circuit.zkey"
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
    ptau: Path | None = typer.Option(None, "--ptau", help="A prepared snarkjs .ptau: a real phase 1, written as circuit.zkey."),
    zkey: bool = typer.Option(False, "--zkey", help="Dev setup: write circuit.zkey (snarkjs) instead of proving_key.npz."),
    param: list[str] = typer.Option([], "--param", "-p", help="circuit size parameter name=value (repeatable)"),
    allow_underconstrained: bool = typer.Option(False, "--allow-underconstrained", help=ALLOW_UNDERCONSTRAINED_HELP),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Make Groth16 keys for a circuit: from a .ptau (--ptau), or dev keys whose toxic waste is drawn here."""
    from zkprove.formats.key_files import read_proving_key
    from zkprove.formats.snarkjs_json import write_verifying_key

    key_file = ZKEY_FILE if zkey or ptau is not None else PROVING_KEY_FILE
    check_output_folder(out_dir, (key_file, VERIFICATION_KEY_FILE), force)
    with phases() as phase:
        phase(f"loading {target}")
        cs = load_for_keys(target, parse_params(param), allow_underconstrained)
        phase(f"setup: {cs.n_constraints:,} constraints, {cs.n_wires:,} wires")
        if ptau is not None:
            pk, write_key = _ptau_setup(cs, ptau)
        else:
            pk, write_key = _dev_setup(cs, zkey)
        out_dir.mkdir(parents=True, exist_ok=True)
        phase(f"writing {key_file}")
        write_key(out_dir / key_file)
        if ptau is None:  # a key from a ptau changes with each contribution: its first prove validates it
            phase(f"validating {key_file}'s points once, for every later prove")
            read_proving_key(out_dir / key_file)
        phase("writing verification_key.json")
        write_verifying_key(out_dir / VERIFICATION_KEY_FILE, pk.vk)
    if ptau is None:
        typer.echo("warning: dev setup, its toxic waste was in this process's memory: not for production.", err=True)
    else:
        typer.echo("note: no phase-2 contribution yet (delta = gamma): run `snarkjs zkey contribute` and a beacon "
                   "before proving with it.", err=True)
    typer.echo(f"wrote {out_dir / key_file} and {out_dir / VERIFICATION_KEY_FILE} "
               f"(domain 2^{pk.domain_size.bit_length() - 1}, {pk.n_public} public inputs)")


def _dev_setup(cs: Any, zkey: bool) -> tuple[Any, Callable[[Path], None]]:
    """Dev keys (snarkjs variant when written as a .zkey) and the function that writes them."""
    from zkprove.formats.npz_key_file import save_proving_key
    from zkprove.groth16 import ToxicWasteWarning, setup

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ToxicWasteWarning)
        pk, _ = setup(cs, odd_coset_h=zkey)
    if not zkey:
        return pk, lambda path: save_proving_key(pk, path)
    from zkprove.formats.zkey_file import dev_zkey, write_zkey

    dev = dev_zkey(pk)
    return pk, lambda path: write_zkey(path, dev)


def _ptau_setup(cs: Any, ptau: Path) -> tuple[Any, Callable[[Path], None]]:
    """The key ``snarkjs groth16 setup`` makes from ``ptau``, after printing the ptau's contribution hashes."""
    from zkprove.formats.ptau_file import PtauFile, format_hash
    from zkprove.formats.snarkjs_setup import zkey_from_ptau
    from zkprove.formats.zkey_file import write_zkey
    from zkprove.groth16 import QAP

    with PtauFile(ptau) as pot:
        pot.require_domain(QAP.of(cs).domain_size)
        typer.echo(f"{ptau}: powers of tau of power {pot.power} (ceremony power {pot.ceremony_power})")
        for c in pot.contributions():
            beacon = f" (beacon {c.beacon_hash.hex()}, 2^{c.beacon_iterations_exp} iterations)" if c.beacon_hash else ""
            typer.echo(f"contribution #{c.index}: {c.name}{beacon}\n\tnext challenge:\n{format_hash(c.next_challenge)}"
                       f"\n\tresponse hash:\n{format_hash(c.response_hash)}")
        result = zkey_from_ptau(cs, pot)
    typer.echo(f"circuit hash:\n{format_hash(result.cs_hash)}")
    return result.pk, lambda path: write_zkey(path, result)


def _input_values(document: Any, path: Path) -> dict[str, Any]:
    """inputs.json as keyword arguments of ``solve``: an object from input names to values."""
    from zkprove.dsl.inputs import parse_inputs

    if not isinstance(document, dict):
        raise ValueError(f"{path}: expected a JSON object from input names to values, got {type(document).__name__}")
    return parse_inputs(document)


@prove_app.callback(invoke_without_command=True)
def prove_command(
    files: list[Path] = typer.Argument(None, help="KEY WITNESS.wtns PROOF.json PUBLIC.json (rapidsnark's order)",
                                       show_default=False),
    pk_path: Path | None = typer.Option(None, "--pk", help="circuit.zkey or proving_key.npz"),
    output: Path | None = typer.Option(None, "-o", "--output", help="Where to write proof.json."),
    public: Path | None = typer.Option(None, "--public", help="Where to write public.json."),
    witness: Path | None = typer.Option(None, "--witness", help="A full witness as a .wtns file."),
    inputs: Path | None = typer.Option(None, "--inputs", help="inputs.json, solved with --circuit."),
    circuit: str | None = typer.Option(None, "--circuit", help="package.module:ClassName for --inputs."),
    param: list[str] = typer.Option([], "--param", "-p", help="circuit size parameter name=value (repeatable)"),
    profile: bool = typer.Option(False, "--profile", help="Print the time of each prover step."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Prove that a witness satisfies the circuit the key was made for."""
    _skip_numba_blas_probe()
    from zkprove.formats.bounded_json import read_json
    from zkprove.formats.key_files import read_proving_key
    from zkprove.formats.snarkjs_json import write_proof, write_public
    from zkprove.formats.wtns_file import read_wtns
    from zkprove.groth16 import prove
    from zkprove.r1cs.system import UnsatisfiedConstraint
    from zkprove.timing import StepTimer

    if files:
        if len(files) != 4 or any(v is not None for v in (pk_path, output, public, witness, inputs)):
            raise typer.BadParameter("give KEY WITNESS.wtns PROOF.json PUBLIC.json, or the --pk/--witness/-o/--public "
                                     "options, not both", param_hint="FILES")
        pk_path, witness, output, public = files
    if pk_path is None or output is None or public is None:
        raise typer.BadParameter("give KEY WITNESS.wtns PROOF.json PUBLIC.json, or --pk, -o and --public",
                                 param_hint="--pk/-o/--public")
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
        pk = read_proving_key(pk_path)
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
            if pk.qap.c is None:
                phase("verifying the proof (a .zkey holds no C to check the witness against)")
                _check_unchecked_witness(pk, values, proof)
        except UnsatisfiedConstraint as error:
            typer.echo(f"error: the witness does not satisfy the circuit: {error}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
    write_proof(output, proof)
    write_public(public, values[1 : 1 + pk.n_public])
    typer.echo(f"wrote {output} and {public} in {timer.total():.2f} s")
    if profile:
        typer.echo(timer.report())


def _skip_numba_blas_probe() -> None:
    """Load numba's NumPy support without its BLAS probe, which imports all of scipy.linalg (0.2-0.4 s).

    ``numba.np.arraymath`` imports ``scipy.linalg.cython_blas`` when it is
    first imported (by numba's first compilation or cache load), only to
    learn whether ``np.dot`` and its kin can be compiled; zkprove's kernels
    use none of them. A None in ``sys.modules`` makes that one import fail
    at once (the import system's documented way to block a module), so numba
    records "no BLAS" for this process; the entry is removed right after, and
    scipy stays importable. A no-op once numba has loaded that module.
    """
    name = "scipy.linalg.cython_blas"
    if "numba.np.arraymath" in sys.modules or name in sys.modules:
        return
    sys.modules[name] = None
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        del sys.modules[name]


def _check_unchecked_witness(pk: Any, values: list[int], proof: Any) -> None:
    """Verify a proof whose witness could not be checked; exit 1 if the witness was wrong."""
    from zkprove.l1.verifier import verify

    report = verify(pk.vk, values[1 : 1 + pk.n_public], proof)
    if not report.ok:
        typer.echo("error: the witness does not satisfy the circuit: its proof does not verify under the key "
                   f"({report.reason}); a .zkey holds no C matrix, so the failing constraint cannot be named "
                   "(check the witness with `snarkjs wtns check circuit.r1cs witness.wtns`)", err=True)
        raise typer.Exit(EXIT_INVALID)
