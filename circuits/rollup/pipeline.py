"""The end-to-end rollup run: a random transfer stream, the sequencer, Groth16 proofs, the L1 verifier.

Shared by ``zkprove rollup demo`` (:mod:`circuits.cli`) and the end-to-end
tests, so both exercise the same path: genesis -> sequencer -> jobs ->
``TransferBatch`` witness -> ``groth16.prove`` -> ``l1.verify``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from random import Random

from zkprove import groth16
from zkprove.dsl import CompiledCircuit
from zkprove.gadgets.eddsa import SecretKey
from zkprove.l1 import VerificationReport, verify

from .sequencer import Job, Sequencer
from .state import Account, State
from .transactions import Transfer


def random_genesis(n_accounts: int, depth: int, rng: Random) -> tuple[State, list[SecretKey]]:
    """``n_accounts`` accounts with keys drawn from ``rng`` and balances of 10^3..10^6."""
    keys = [SecretKey.from_private_key(rng.randbytes(32)) for _ in range(n_accounts)]
    return State(depth, [Account(k.public, rng.randint(10**3, 10**6)) for k in keys]), keys


def transfer_stream(seq: Sequencer, keys: list[SecretKey], rng: Random, invalid_rate: float = 0.1) -> Iterator[Transfer]:
    """Endless signed transfers between the accounts, valid against ``seq.head`` when drawn,
    except a share ``invalid_rate`` broken on purpose (a replayed nonce, a foreign key, too large an amount).
    """
    while True:
        src, dst = rng.randrange(len(keys)), rng.randrange(len(keys))
        sender = seq.head.get(src)
        assert sender is not None
        amount, nonce, key = rng.randint(0, sender.balance // 2), sender.nonce, keys[src]
        if rng.random() < invalid_rate:
            flaw = rng.randrange(3)
            nonce += flaw == 0
            key = keys[(src + 1) % len(keys)] if flaw == 1 else key
            amount = sender.balance + 1 if flaw == 2 else amount
        yield Transfer(src, dst, amount, nonce).signed(key)


@dataclass(frozen=True)
class ProvedBatch:
    """A job, its proof, how long proving took and what the L1 verifier said."""

    job: Job
    proof: groth16.Proof
    prove_seconds: float
    report: VerificationReport


def prove_job(cs: CompiledCircuit, pk: groth16.ProvingKey, vk: groth16.VerifyingKey, job: Job) -> ProvedBatch:
    """Solve the job's witness, prove it with Groth16 and verify the proof as L1 does.

    Raises :class:`~zkprove.dsl.UnsatisfiedConstraint` naming the failing
    check when the job is not a valid batch: such a batch cannot be proved.
    """
    start = time.perf_counter()
    witness = cs.solve(**job.inputs)
    proof = groth16.prove(pk, witness, cs=cs)
    seconds = time.perf_counter() - start
    return ProvedBatch(job, proof, seconds, verify(vk, job.public_inputs, proof))
