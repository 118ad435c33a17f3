"""``zkprove prover``: an external prover that joins a prover gateway over HTTP, and its identity file.

``connect`` runs :class:`workers.external_prover.ExternalProver`; nothing
here imports Ray. ``identity`` makes an Ed25519 key file and prints the
prover id the gateway will know it by. Unusable input (a bad URL, an
unreadable key file, a gateway that stays unreachable past the retry
budget, a refusal such as ``wrong_key``) exits 2 with one line, as every
``zkprove`` command does (:mod:`zkprove.cli.errors`; the group maps errors
itself too, so that ``python -m workers.connect_cli`` behaves the same).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from zkprove.cli.errors import ErrorMappingGroup

from .external_prover import FAULTS, Backoff, ExternalProver
from .gateway_client import GatewayClient, GatewayRefused, Unreachable, parse_gateway_url
from .identity import Identity, IdentityError, load_identity, load_or_make
from .key_cache import KeyCache

app = typer.Typer(help="An external prover: prove a gateway's jobs with the local numba prover, no Ray needed.",
                  cls=ErrorMappingGroup, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def _identity(path: Path, create: bool) -> Identity:
    try:
        return load_or_make(path) if create else load_identity(path)
    except IdentityError as error:
        raise ValueError(str(error)) from None


def _bar(console: Console, shown: bool):
    """A rich progress bar for the key download, given its size; None where it is not ``shown``."""
    if not shown:
        return None

    def start(size: int):
        progress = Progress("key", BarColumn(), DownloadColumn(), TransferSpeedColumn(), console=console,
                            transient=True)
        task = progress.add_task("key", total=size)
        progress.start()

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done)
            if done >= total:
                progress.stop()
        return update
    return start


@app.command()
def connect(
    gateway: str = typer.Option(..., "--gateway", help="The gateway's URL, http://HOST:PORT."),
    identity: Path = typer.Option(..., "--identity", help="This prover's Ed25519 key file (PKCS#8 PEM)."),
    stake: float = typer.Option(50.0, "--stake", min=0.0, help="Stake deposited on first registration."),
    threads: int = typer.Option(None, "--threads", min=1, help="Numba threads (default: every CPU)."),
    new_identity: bool = typer.Option(False, "--new-identity", help="Make the key file first if it does not exist."),
    max_jobs: int = typer.Option(None, "--max-jobs", min=1, help="Stop after this many attempts."),
    bid: float = typer.Option(None, "--bid", help="Standing ask per transaction, for the auction policy "
                                                  "(default: the gateway's seeded price)."),
    retry_s: float = typer.Option(120.0, "--retry-s", min=0.0,
                                  help="Give up after the gateway stays unreachable this long."),
    fault: str = typer.Option("honest", "--fault", help=f"For experiments: one of {', '.join(FAULTS)} "
                                                        "(invalid submits a tampered proof)."),
    cache: Path = typer.Option(None, "--cache", help="Key cache folder (default: $ZKPROVE_CACHE/keys)."),
    verbose: bool = typer.Option(False, "--verbose", help="Show the key download's progress bar even when the output "
                                 "is not a terminal."),
) -> None:
    """Prove the gateway's jobs until stopped (Ctrl-C or SIGTERM deregisters) or --max-jobs are done."""
    parse_gateway_url(gateway)
    console = Console(highlight=False, soft_wrap=True)
    prover = ExternalProver(GatewayClient(gateway, _identity(identity, new_identity)), KeyCache(cache), stake,
                            threads or os.cpu_count() or 1, fault, max_jobs, bid, say=console.print,
                            download_progress=_bar(console, verbose or console.is_terminal),
                            backoff=Backoff(budget_s=retry_s))
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, lambda *_: prover.stop())
    try:
        prover.run()
    except Unreachable as error:
        raise ValueError(f"gateway {gateway} unreachable for {retry_s:g} s: {error}") from None
    except GatewayRefused as error:
        raise ValueError(str(error)) from None


@app.command("identity")
def identity_command(
    path: Path = typer.Argument(..., help="Key file to make (refused if it exists) or read."),
    show: bool = typer.Option(False, "--show", help="Only read an existing key file and print its prover id."),
) -> None:
    """Make an Ed25519 key file (mode 0600) and print its prover id."""
    if show:
        typer.echo(_identity(path, False).prover_id)
        return
    try:
        made = Identity.generate()
        made.save(path)
    except IdentityError as error:
        raise ValueError(str(error)) from None
    typer.echo(made.prover_id)


@app.command()
def account(
    gateway: str = typer.Option(..., "--gateway", help="The gateway's URL, http://HOST:PORT."),
    identity: Path = typer.Option(..., "--identity", help="This prover's Ed25519 key file."),
) -> None:
    """Print this prover's account at the gateway: registration, balance, its attempts' outcomes."""
    client = GatewayClient(gateway, _identity(identity, False))
    try:
        answer = client.get("/account")
    except (Unreachable, GatewayRefused) as error:
        raise ValueError(str(error)) from None
    typer.echo(f"{answer['prover_id']}: registered {answer['registered']}, balance {float(answer['balance']):g}")
    for row in answer.get("attempts", []):
        typer.echo(f"  job {row['job_id']} attempt {row['attempt']}: {row['outcome']} {row.get('reason') or ''}")


if __name__ == "__main__":
    app()
