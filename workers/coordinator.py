"""The Ray driver of the coordinator core: dispatch, collect answers, watch deadlines, verify.

:class:`RayCoordinator` owns no decisions; :class:`~workers.core.CoordinatorCore`
makes them. Its loop: ask the core for dispatches and send each as one actor
call; ``ray.wait(timeout=...)`` on the calls in flight, woken at the next
deadline at the latest; ``core.tick()`` expires the attempts whose deadline has passed (before
the answers that arrived meanwhile are read, so an answer after its
deadline is a miss, as the metrics count it); feed answers (or the actor's
death) back to the core;
send the proofs that arrived meanwhile to the verifier actor as one batch
(while a batch verifies, new proofs queue, so batches grow with load). A prover whose actor died is
deregistered; if Ray restarts it, it registers again once its warm-up is done.

It also counts its own time outside ``ray.wait`` (:attr:`busy_s`): the
coordinator overhead, which excludes proving and verifying.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import ray
from ray.exceptions import ActorUnavailableError, GetTimeoutError, RayActorError

from .cluster import ProverHandle
from .core import CoordinatorCore
from .messages import Capacity, ProveRequest, ProveResult

POLL_S = 0.5
"""Longest sleep in ``ray.wait`` when no deadline is nearer (membership events, progress)."""
GET_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class _Call:
    job_id: int
    attempt: int
    prover_id: str
    public_inputs: tuple[int, ...]


class RayCoordinator:
    """Runs a core over Ray prover actors and a verifier actor until every job is final."""

    def __init__(self, core: CoordinatorCore, verifier: object,
                 on_progress: Callable[[RayCoordinator], None] | None = None):
        self.core, self.verifier, self.on_progress = core, verifier, on_progress
        self.provers: dict[str, ProverHandle] = {}
        self.calls: dict[ray.ObjectRef, _Call] = {}
        self.probes: dict[ray.ObjectRef, str] = {}
        self.queue: list[tuple[_Call, dict]] = []
        self.batch: tuple[ray.ObjectRef, list[tuple[_Call, dict]]] | None = None
        self.busy_s = 0.0

    # membership -----------------------------------------------------------

    def join(self, handle: ProverHandle) -> None:
        """A prover asks to join: it is registered once its warm-up proof is done."""
        self.provers[handle.prover_id] = handle
        self.probes[handle.actor.capacity.remote()] = handle.prover_id

    def leave(self, prover_id: str, reason: str = "deregistered") -> None:
        """A prover leaves; its job (if any) is reassigned. It is stopped (:meth:`ProverHandle.stop`)."""
        handle = self.provers.pop(prover_id, None)
        self.core.prover_left(prover_id, reason)
        if handle is not None:
            handle.stop()

    def await_provers(self, timeout_s: float) -> None:
        """Wait until every prover that asked to join has registered (or died trying)."""
        end = time.monotonic() + timeout_s
        while self.probes and time.monotonic() < end:
            ready, _ = ray.wait(list(self.probes), num_returns=1, timeout=max(0.0, end - time.monotonic()))
            for ref in ready:
                self._handle(ref)

    def shutdown(self) -> None:
        """Stop every prover actor (silent ones never return on their own)."""
        for prover_id in list(self.provers):
            self.provers.pop(prover_id).stop()

    # the loop -------------------------------------------------------------

    def run(self, timeout_s: float, schedule: list[tuple[float, Callable[[RayCoordinator], None]]] = (),
            grace_s: float = 0.0) -> str | None:
        """Drive the core until every scheduled action has run and every job is finalized or failed.

        ``schedule`` holds ``(seconds after start, action)`` pairs, e.g. job
        arrivals, provers joining or leaving. Returns None when every job is
        final, else why the run ended early: it stalled (no job can move, see
        :meth:`~workers.core.CoordinatorCore.stall`; an expired attempt gets
        ``grace_s`` more to answer), no prover is left, or ``timeout_s``
        passed. Either way the attempts still open are closed as lost, and the
        verdict is logged as a ``stopped`` event.
        """
        start = time.monotonic()
        pending = sorted(schedule, key=lambda item: item[0])
        verdict = None
        while pending or not self.core.done():
            now = time.monotonic()
            verdict = self._verdict(now - start, timeout_s, pending, grace_s)
            if verdict is not None:
                break
            while pending and pending[0][0] <= now - start:
                pending.pop(0)[1](self)
            wake = [self.wake_in()] + ([pending[0][0] - (now - start)] if pending else [])
            self.step(max(0.0, min(wake)))
        self.core.close_open_attempts("the run ended before the prover answered")
        if verdict is not None:
            self.core.log.event(time.time(), "stopped", detail=verdict)
        return verdict

    def step(self, wait_s: float, also: tuple[ray.ObjectRef, ...] = ()) -> list[ray.ObjectRef]:
        """One turn of the loop: dispatch, wait up to ``wait_s`` for answers, handle them, expire, verify.

        ``also``: the caller's own refs to wake on (a service's mailbox); those that are ready are returned.
        """
        now = time.monotonic()
        self._dispatch()
        refs = list(self.calls) + list(self.probes) + ([self.batch[0]] if self.batch else []) + list(also)
        self.busy_s += time.monotonic() - now
        ready = self._wait(refs, wait_s)
        tick = time.monotonic()
        self.core.tick()
        for ref in ready:
            if ref not in also:
                self._handle(ref)
        self._verify()
        if self.on_progress is not None:
            self.on_progress(self)
        self.busy_s += time.monotonic() - tick
        return [ref for ref in ready if ref in also]

    def wake_in(self) -> float:
        """Seconds until the loop must look again: the nearest attempt deadline, at most :data:`POLL_S`."""
        deadline = self.core.next_deadline()
        return POLL_S if deadline is None else max(0.0, min(POLL_S, deadline - self.core.clock()))

    def _verdict(self, elapsed_s: float, timeout_s: float, pending: list, grace_s: float) -> str | None:
        """Why the run must end now (None: go on)."""
        if elapsed_s > timeout_s:
            unfinished = self.core.log.count() - self.core.log.count("finalized", "failed")
            return f"timed out after {timeout_s:.0f} s with {unfinished} jobs unfinished"
        if pending or self.probes:
            return None
        if not self.provers:
            return "no prover is left to prove the remaining jobs"
        stall = self.core.stall(grace_s)
        return None if stall is None else stall.describe()

    @staticmethod
    def _wait(refs: list[ray.ObjectRef], timeout_s: float) -> list[ray.ObjectRef]:
        """Every ref that is ready once the first one is, or none after ``timeout_s``."""
        if not refs:
            time.sleep(timeout_s)
            return []
        ready, _ = ray.wait(refs, num_returns=1, timeout=timeout_s)
        return ray.wait(refs, num_returns=len(refs), timeout=0)[0] if ready else []

    def _dispatch(self) -> None:
        for d in self.core.assign():
            handle = self.provers[d.prover_id]
            ref = handle.actor.prove.remote(ProveRequest(d.job.job_id, d.attempt, d.job.payload, d.deadline))
            self.calls[ref] = _Call(d.job.job_id, d.attempt, d.prover_id, d.job.public_inputs)

    def _handle(self, ref: ray.ObjectRef) -> None:
        if ref in self.probes:
            self._registered(self.probes.pop(ref), ref)
        elif ref in self.calls:
            self._answered(self.calls.pop(ref), ref)
        else:
            self._verified(ref)

    def _registered(self, prover_id: str, ref: ray.ObjectRef) -> None:
        try:
            capacity: Capacity = ray.get(ref, timeout=GET_TIMEOUT_S)
        except ActorUnavailableError:
            if prover_id in self.provers:
                self.probes[self.provers[prover_id].actor.capacity.remote()] = prover_id
            return
        except (RayActorError, GetTimeoutError) as error:
            self.provers.pop(prover_id, None)
            self.core.log.event(time.time(), "prover_failed", prover=prover_id, detail=str(error)[-1000:])
            return
        if prover_id in self.provers:
            self.core.prover_joined(prover_id, capacity.jobs_per_s, self.provers[prover_id].stake, capacity.link_s)

    def _answered(self, call: _Call, ref: ray.ObjectRef) -> None:
        try:
            answer: ProveResult = ray.get(ref, timeout=GET_TIMEOUT_S)
        except (RayActorError, GetTimeoutError) as error:
            self.core.attempt_failed(call.job_id, call.attempt, f"prover died: {type(error).__name__}")
            self.core.prover_left(call.prover_id, "crashed")
            if call.prover_id in self.provers:
                self.probes[self.provers[call.prover_id].actor.capacity.remote()] = call.prover_id
            return
        if self.core.result(answer.job_id, answer.attempt, answer.prover_id, answer.proof, answer.prove_s,
                            answer.error):
            self.queue.append((call, answer.proof))

    def _verify(self) -> None:
        if self.batch is None and self.queue:
            batch, self.queue = self.queue, []
            ref = self.verifier.verify.remote([proof for _, proof in batch], [list(c.public_inputs) for c, _ in batch])
            self.batch = (ref, batch)

    def _verified(self, ref: ray.ObjectRef) -> None:
        _, batch = self.batch
        self.batch = None
        try:
            verdicts = ray.get(ref, timeout=GET_TIMEOUT_S)
        except (RayActorError, GetTimeoutError):
            self.queue = batch + self.queue  # the verifier died (Ray restarts it): verify these again
            return
        for (call, proof), (ok, reason) in zip(batch, verdicts):
            self.core.verdict(call.job_id, call.attempt, proof, ok, reason)
