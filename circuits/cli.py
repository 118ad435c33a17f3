"""``zkprove rollup``: run the rollup end to end (registered through the ``zkprove.commands`` entry point)."""

from __future__ import annotations

import itertools
import warnings
from random import Random

import typer
from rich.console import Console
from rich.table import Table

from zkprove.cli.progress import phases

app = typer.Typer(help="The Poseidon/EdDSA account rollup: sequencer, TransferBatch proofs, L1 verification.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """The Poseidon/EdDSA account rollup."""


def _short(root: int) -> str:
    text = f"{root:064x}"
    return f"{text[:6]}…{text[-4:]}"


@app.command()
def demo(
    batches: int = typer.Option(3, "--batches", "-n", min=1, help="Batches to sequence and prove."),
    batch_size: int = typer.Option(2, "--batch-size", "-T", min=1, help="Transfers per batch (T)."),
    depth: int = typer.Option(8, "--depth", min=4, max=32, help="Depth of the account tree."),
    accounts: int = typer.Option(8, "--accounts", min=2, help="Accounts at genesis."),
    seed: int = typer.Option(1, "--seed", help="Seed of keys, balances and transfers (reproducible runs)."),
) -> None:
    """Sequence random transfers (some invalid), prove each batch with Groth16, verify it as L1 does.

    Prints the state roots from genesis on, constraints per transaction,
    prove time and L1 gas per batch and per transaction. The Groth16 keys
    come from the dev setup: not for production.
    """
    from zkprove import groth16
    from zkprove.groth16.generator import ToxicWasteWarning

    from .rollup import Sequencer, TransferBatch
    from .rollup.pipeline import prove_job, random_genesis, transfer_stream

    if accounts > 1 << depth:
        raise typer.BadParameter(f"{accounts} accounts do not fit a depth-{depth} tree", param_hint="--accounts")
    console = Console()
    rng = Random(seed)
    steps = 3 + batches
    with phases() as phase:
        phase.update(0, steps, "compile TransferBatch")
        cs = TransferBatch(T=batch_size, depth=depth).compile()
        phase.update(1, steps, "Groth16 dev setup")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ToxicWasteWarning)
            pk, vk = groth16.setup(cs)
        phase.update(2, steps, "sequence transfers")
        genesis, keys = random_genesis(accounts, depth, rng)
        seq = Sequencer(genesis, batch_size)
        stream = transfer_stream(seq, keys, rng)
        while len(seq.jobs) < batches:
            seq.submit(next(stream))
        proved = []
        for job in seq.jobs:
            phase.update(3 + len(proved), steps, f"prove and verify batch {job.index}")
            proved.append(prove_job(cs, pk, vk, job))

    per_tx = cs.n_constraints / batch_size
    console.print(f"TransferBatch(T={batch_size}, depth={depth}): {cs.n_constraints:,} constraints, "
                  f"{per_tx:,.0f} per transaction; {accounts} accounts; genesis root {_short(genesis.root)}")
    for tx, reason in seq.rejected:
        console.print(f"rejected {tx.src}->{tx.dst} amount {tx.amount} nonce {tx.nonce}: {reason.reason}")
    table = Table(title="batches")
    for name in ("batch", "old root", "new root", "txs", "witness+prove s", "L1", "gas", "gas/tx"):
        table.add_column(name, justify="right")
    for result in proved:
        job, report = result.job, result.report
        gas = report.gas.total if report.gas is not None else 0
        table.add_row(str(job.index), _short(job.old_root), _short(job.new_root), str(len(job.transfers)),
                      f"{result.prove_seconds:.2f}", "valid" if report.ok else report.reason,
                      f"{gas:,}", f"{gas / max(len(job.transfers), 1):,.0f}")
    console.print(table)
    chained = all(a.job.new_root == b.job.old_root for a, b in itertools.pairwise(proved))
    ok = chained and proved[0].job.old_root == genesis.root and all(r.report.ok for r in proved)
    console.print(f"final root {_short(seq.head.root)}; roots chain from genesis: {chained}; all proofs valid on L1: {ok}")
    if not ok:
        raise typer.Exit(1)
