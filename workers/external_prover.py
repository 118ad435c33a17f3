"""An external prover: proves the gateway's jobs with the local numba prover, no Ray anywhere on its import path.

A stranger cannot be given Ray membership (that is code execution on every
node), so it talks to the prover gateway over HTTP, wire protocol v1
(docs/gateway.md, section "External provers"). One :class:`ExternalProver`
loop:

1. ``hello``: the service id and the proving key's sha256 and size;
2. the key from the :class:`~workers.key_cache.KeyCache` (downloaded by hash
   with resumable range requests, checked against its sha256), read once
   per process, its points validated once per file (the keyed sidecar);
3. the warm-up: the witness of the service's warm-up statement (``GET
   /v1/warmup``, outside the chain) proved twice, once to load the numba
   kernels and once timed, as a Ray prover warms up; then ``register`` with
   stake, threads, that time as ``warm_prove_s`` and the round-trip time
   it measured to the gateway as ``rtt_s`` (the coordinator's deadlines
   follow both). Every reveal carries the measured ``prove_s`` of its job;
4. long-poll ``work``; per assignment: the witness that came in the same
   answer (its sha256 checked against the assignment), prove
   (``numba.set_num_threads`` set explicitly: numba ignores
   ``OMP_NUM_THREADS``), then ``reveal`` the proof with its commitment
   hash in the same request (commit-then-reveal in one round trip, so a
   copy of the proof earns its copier nothing);
5. repeat.

A dropped connection or a gateway restart is retried with capped
exponential backoff (:class:`Backoff`); each retry asks ``hello`` again, and
a new service id means a new registration (same identity: its ledger balance
lives in the job log) and the assignments held under the old one are
dropped, since the restart closed them as lost. A refusal of one attempt
(``past_deadline``, ``not_assigned``, ``commitments_closed``, ...) ends that
attempt only. ``fault="invalid"`` submits a tampered proof (``A`` negated),
so that the gateway's slashing can be exercised from outside.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numba

from zkprove import groth16
from zkprove.field.params import P
from zkprove.formats.key_files import read_proving_key
from zkprove.formats.wtns_file import read_wtns

from .gateway_client import GatewayClient, GatewayRefused, Unreachable
from .gateway_protocol import MAX_RTT_S, commitment, proof_to_wire
from .key_cache import KeyCache, Progress
from .messages import proof_to_dict

RTT_SAMPLES = 5
"""``hello`` round trips timed before registering; the slowest is declared as ``rtt_s``."""
POLL_S = 20.0
"""How long one ``work`` long poll may wait (the gateway caps it at 30 s)."""
FAULTS = ("honest", "invalid")
REREGISTER = ("not_registered", "unknown_identity")
"""Refusal codes that mean the gateway has forgotten this prover: register again."""


@dataclass
class Backoff:
    """Capped exponential backoff (doubling from ``first_s`` up to ``cap_s``), giving up after ``budget_s``
    of consecutive failures; a success resets it."""

    first_s: float = 0.25
    cap_s: float = 5.0
    budget_s: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    _delay: float = 0.0
    _failing_since: float | None = None

    def failed(self, error: Exception) -> None:
        """Wait before the next try; re-raise ``error`` once the budget is spent."""
        now = time.monotonic()
        if self._failing_since is None:
            self._failing_since, self._delay = now, self.first_s
        if now - self._failing_since >= self.budget_s:
            raise error
        self.sleep(self._delay)
        self._delay = min(self.cap_s, 2 * self._delay)

    def succeeded(self) -> None:
        self._failing_since = None


@dataclass
class JobLine:
    """What one attempt came to, reported as one line."""

    job_id: int
    attempt: int
    prove_s: float | None
    outcome: str

    def __str__(self) -> str:
        took = "-" if self.prove_s is None else f"{self.prove_s:.2f} s"
        return f"job {self.job_id} attempt {self.attempt}: prove {took}, {self.outcome}"


@dataclass
class ExternalProver:
    """The loop of one external prover; :meth:`stop` ends it after the attempt in hand."""

    client: GatewayClient
    cache: KeyCache
    stake: float
    threads: int
    fault: str = "honest"
    max_jobs: int | None = None
    bid: float | None = None
    """A standing ask per transaction for the auction policy (``POST /v1/bid`` after each registration)."""
    say: Callable[[str], None] = print
    download_progress: Callable[[int], Progress] | None = None
    """Given the key's size, a callback for the download's progress (the CLI's rich bar)."""
    backoff: Backoff = field(default_factory=Backoff)
    service: str | None = None
    jobs_done: int = 0
    last_prove_s: float | None = None
    _pk: Any = None
    _key_sha256: str | None = None
    _stopping: bool = False
    _down: bool = False

    def __post_init__(self):
        if self.fault not in FAULTS:
            raise ValueError(f"fault must be one of {', '.join(FAULTS)}, not {self.fault!r}")
        if self.threads < 1:
            raise ValueError(f"threads must be at least 1, not {self.threads}")
        if self.bid is not None and not self.bid > 0:
            raise ValueError(f"a bid must be a positive price per transaction, not {self.bid}")

    def stop(self) -> None:
        self._stopping = True

    def run(self) -> int:
        """Prove until stopped or ``max_jobs`` attempts are done; the number of attempts done."""
        numba.set_num_threads(self.threads)
        while not self._stopping and (self.max_jobs is None or self.jobs_done < self.max_jobs):
            try:
                if self.service is None:
                    self._join()
                self._work()
                self.backoff.succeeded()
                if self._down:
                    self.say("gateway reachable again")
                self._down = False
            except Unreachable as error:
                if not self._down:
                    self.say(f"gateway unreachable ({error}); retrying with backoff")
                self._down = True
                self.backoff.failed(error)
                self._check_service()
            except GatewayRefused as error:
                if error.code not in REREGISTER:
                    raise
                self.say("the gateway no longer knows this prover; registering again")
                self.service = None
        self._leave()
        return self.jobs_done

    def _check_service(self) -> None:
        """After a failure: a gateway with a new service id (restarted) needs a new registration."""
        try:
            hello = self.client.hello()
        except Unreachable:
            return
        if hello["service"] != self.service:
            if self.service is not None:
                self.say(f"the gateway restarted (service {hello['service'][:8]}); dropping held assignments")
            self.service = None

    def _join(self) -> None:
        hello = self.client.hello()
        if self.bid is not None and hello["policy"] != "auction":
            raise ValueError(f"--bid needs the auction policy; this gateway's service runs {hello['policy']}")
        key = hello["key"]
        if key["sha256"] != self._key_sha256:
            self._load_key(key["sha256"], int(key["size"]))
        warm = self.last_prove_s if self.last_prove_s is not None else self._warm_up(int(key["size"]))
        rtt = self._round_trip_s()
        try:
            answer = self.client.post("/register", {"stake": self.stake, "threads": self.threads,
                                                    "warm_prove_s": warm, "rtt_s": rtt,
                                                    "key_sha256": key["sha256"]})
        except GatewayRefused as error:
            if error.code != "already_registered":
                raise
            answer = {"prover_id": self.client.identity.prover_id, "service": hello["service"]}
        self.service = answer["service"]
        if self.bid is not None:
            self.client.post("/bid", {"price_per_tx": self.bid})
        self.say(f"registered with gateway {self.client.url} (service {self.service[:8]}) as {answer['prover_id']}, "
                 f"{self.threads} thread(s), stake {self.stake:g}, declared {warm:.2f} s per proof "
                 f"and {rtt * 1e3:.0f} ms round trips"
                 + ("" if self.bid is None else f", asking {self.bid:g} per transaction"))

    def _round_trip_s(self) -> float:
        """The slowest of :data:`RTT_SAMPLES` ``hello`` round trips on the kept connection (at most the
        gateway's ``MAX_RTT_S``): the deadlines of this prover's attempts grow by a few of it."""
        times = []
        for _ in range(RTT_SAMPLES):
            start = time.perf_counter()
            self.client.hello()
            times.append(time.perf_counter() - start)
        return min(max(times), MAX_RTT_S)

    def _warm_up(self, limit: int) -> float:
        """Prove the warm-up statement twice (the first loads the numba kernels); the second's seconds."""
        values = read_wtns(self.client.download("/warmup", limit, "the warm-up witness"))
        groth16.prove(self._pk, values)
        start = time.perf_counter()
        groth16.prove(self._pk, values)
        self.last_prove_s = time.perf_counter() - start
        self.say(f"warm-up proof: {self.last_prove_s:.2f} s at {self.threads} thread(s)")
        return self.last_prove_s

    def _load_key(self, sha256: str, size: int) -> None:
        progress = self.download_progress(size) if self.download_progress is not None else None
        while True:
            try:
                path = self.cache.fetch(sha256, size, self.client, progress)
                break
            except ConnectionError as error:  # Unreachable, or a body that ended short
                self.say(f"key download interrupted ({error}); resuming")
                self.backoff.failed(Unreachable(str(error)))
        self.backoff.succeeded()
        start = time.perf_counter()
        self._pk = read_proving_key(path)
        self._key_sha256 = sha256
        self.say(f"proving key {sha256[:16]} loaded from {path} in {time.perf_counter() - start:.2f} s")

    def _work(self) -> None:
        answer, witnesses = self.client.work(POLL_S)
        if answer["service"] != self.service:
            self.say("the gateway restarted; registering again")
            self.service = None
            return
        for assignment, witness in zip(answer["assignments"], witnesses):
            if self._stopping or (self.max_jobs is not None and self.jobs_done >= self.max_jobs):
                return
            self.say(str(self._attempt(assignment, witness)))
            self.jobs_done += 1

    def _attempt(self, assignment: dict[str, Any], witness: bytes) -> JobLine:
        """Decode the witness, prove, reveal with the commitment; a refusal ends this attempt only.

        ``prove_s`` counts from the witness's bytes to the proof, as the gateway's own share (solving
        and encoding the witness) is counted in the attempt's proving time too: what is left of the
        attempt is transport and the gateway's handling (docs/gateway.md, section "Deadlines")."""
        job_id, attempt = int(assignment["job_id"]), int(assignment["attempt"])
        line = JobLine(job_id, attempt, None, "")
        try:
            try:
                start = time.perf_counter()
                values = self._witness(assignment, witness)
                proof = proof_to_dict(groth16.prove(self._pk, values))
                line.prove_s = self.last_prove_s = time.perf_counter() - start
            except ValueError as error:  # a witness that is malformed, mis-hashed or unsatisfying
                self.client.post("/fail", {"job_id": job_id, "attempt": attempt, "error": str(error)[:500]})
                line.outcome = f"failed ({error})"
                return line
            if self.fault == "invalid":
                proof["a"][1] = (P - proof["a"][1]) % P
            public_key = self.client.identity.public_key
            self.deliver("/reveal", {"job_id": job_id, "attempt": attempt, "proof": proof_to_wire(proof),
                                     "commitment": commitment(public_key, job_id, attempt, proof),
                                     "prove_s": line.prove_s}, float(assignment["deadline"]),
                         landed="already_revealed")
        except GatewayRefused as error:
            line.outcome = f"refused: {error.code}"
            return line
        line.outcome = "revealed" + (" (tampered)" if self.fault == "invalid" else "")
        return line

    def deliver(self, path: str, body: dict[str, Any], deadline: float, landed: str | None = None) -> None:
        """POST one step of an attempt, retrying a lost answer with backoff until the attempt's deadline.

        A reveal (or commit) whose answer was lost may have arrived: its retry
        is then refused with ``landed`` (``already_revealed``,
        ``already_committed``), which counts as done, so that a dropped answer
        does not cost the attempt (and, under the auction, a slash for the
        missed deadline). Other refusals, and a connection still failing at
        the deadline, are raised.
        """
        retried = False
        while True:
            try:
                self.client.post(path, body)
                return
            except Unreachable as error:
                if self._stopping or time.time() >= deadline:
                    raise
                self.backoff.failed(error)
                retried = True
            except GatewayRefused as error:
                if retried and error.code == landed:
                    return
                raise

    @staticmethod
    def _witness(assignment: dict[str, Any], data: bytes) -> list[int]:
        actual = hashlib.sha256(data).hexdigest()
        if actual != assignment["witness_sha256"]:
            raise ValueError(f"witness hashes to sha256 {actual}, the assignment says {assignment['witness_sha256']}")
        return read_wtns(data)

    def _leave(self) -> None:
        if self.service is None:
            return
        try:
            self.client.post("/deregister", {})
            self.say("deregistered")
        except (Unreachable, GatewayRefused) as error:
            self.say(f"could not deregister ({error})")


__all__ = ["Backoff", "ExternalProver", "FAULTS", "JobLine", "POLL_S"]
