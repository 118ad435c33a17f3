"""What the prover gateway remembers: external provers, the attempts they hold, and per-key rate limits.

Plain objects used by :mod:`workers.gateway` inside its actor; nothing here
does I/O. An attempt is *held* from the coordinator's ``prove`` call until
its holder reveals a proof, gives up, or leaves; its future is what that
``prove`` call awaits.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .messages import ProveRequest, ProveResult


@dataclass
class Held:
    """One attempt an external prover holds: its witness and, once sent, the prover's commitment."""

    request: ProveRequest
    prover_id: str
    public_key: bytes
    witness: bytes
    public_inputs: list[int]
    future: asyncio.Future
    witness_s: float = 0.0
    """Seconds the gateway spent solving the witness; counted in the attempt's ``prove_s``, as an
    in-Ray prover's ``prove_s`` counts its own solve, so both paths' times mean the same."""
    commitment: str | None = None
    committed_at: float | None = None
    closed: bool = False
    """A proof of this job was revealed while this attempt was open: no commitment is accepted any more."""

    @property
    def key(self) -> tuple[int, int]:
        return self.request.job_id, self.request.attempt

    @cached_property
    def assignment(self) -> dict[str, Any]:
        """What the holder's long poll answers: the attempt, its deadline, its public inputs, and its
        witness's sha256 and size (the witness comes after the answer in a framed one, else from
        ``GET /v1/witness``)."""
        return {"job_id": self.request.job_id, "attempt": self.request.attempt,
                "deadline": self.request.deadline, "witness_sha256": hashlib.sha256(self.witness).hexdigest(),
                "witness_size": len(self.witness), "public_inputs": [str(v) for v in self.public_inputs]}

    def resolve(self, proof: dict | None, prove_s: float, error: str | None = None) -> None:
        if not self.future.done():
            self.future.set_result(ProveResult(self.request.job_id, self.request.attempt, self.prover_id, proof,
                                               self.witness_s + prove_s, error))


@dataclass
class External:
    """A registered external prover as the gateway sees it."""

    prover_id: str
    public_key: bytes
    threads: int
    warm_prove_s: float
    stake: float
    rtt_s: float = 0.0
    """The round-trip time the prover measured to the gateway and declared (at most ``MAX_RTT_S``)."""
    wake: asyncio.Event = field(default_factory=asyncio.Event)


class TokenBucket:
    """Per-key token buckets: ``rate`` tokens a second up to ``burst``; a request takes one.

    Idle keys are dropped once full again, so the table holds only keys seen recently.
    """

    def __init__(self, rate: float, burst: float, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens: dict[bytes, tuple[float, float]] = {}

    def take(self, key: bytes) -> bool:
        now = self.clock()
        level, at = self.tokens.get(key, (self.burst, now))
        level = min(self.burst, level + (now - at) * self.rate)
        if level < 1.0:
            self.tokens[key] = (level, now)
            return False
        self.tokens[key] = (level - 1.0, now)
        return True

    def sweep(self) -> None:
        now = self.clock()
        for key, (level, at) in list(self.tokens.items()):
            if level + (now - at) * self.rate >= self.burst:
                del self.tokens[key]
