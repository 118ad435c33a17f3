"""``zkprove cluster serve``: a long-running coordinator over a durable job log, on any Ray cluster.

Unlike ``cluster run``, the service spawns no provers and knows no jobs in
advance. It puts the proving key and circuit in the object store once,
starts its verifier and its mailbox (:mod:`workers.inbox`), and then loops:
requests from other processes (``cluster prover``, ``cluster submit``,
``cluster status`` or :class:`workers.client.ClusterClient`) are answered
between turns of the same :class:`~workers.coordinator.RayCoordinator` loop
that ``cluster run`` uses, so both go through one core.

* **register**: a prover process sends its actor handle, stake, threads and
  the fingerprint of the key its actor holds. A fingerprint other than the
  service's (a key from before a restart under a new key, or another
  circuit's) is refused with the reason; otherwise the coordinator probes the
  actor's warm-up and registers it with the core, as for its own provers.
* **registered**: a prover's heartbeat; False once the coordinator has
  dropped it (its actor died and could not be restarted).
* **deregister**: the prover leaves; an attempt it held is reassigned.
* **submit**: jobs in the form :func:`workers.workload.job_spec` writes, each
  optionally naming its ``circuit``. Each is refused
  with a reason if it is malformed, names another circuit, repeats a job in
  the log, or its witness does not satisfy the circuit (checked here, once,
  so a prover is never sent an unprovable job).
* **status**: queue, provers with their ledger balance, finality lag, the
  run's metrics and, when nothing can move, the stall verdict.

Stopping: the first Ctrl-C drains (new jobs are refused; the service ends
once every job in the log is final), the second stops at once. Either way
the open attempts are closed as lost, so a restart on the same log
reassigns them. The provers are not the service's: they stay up, notice the
new service by its id and register again. A ``kill -9`` loses nothing the
log committed (docs/cluster_service.md).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import ray
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from zkprove import groth16

from .cluster import ProverHandle, Slot, share_keys, spawn_verifier
from .coordinator import RayCoordinator
from .core import CoordinatorCore
from .faults import FaultSpec
from .gateway import start_gateway
from .gateway_keys import write_key_file
from .inbox import NAMESPACE, CoordinatorInbox
from .joblog import ASSIGNABLE, TRANSITIONS, JobLog
from .ledger import ledger_events
from .metrics import measure
from .policies import Policy
from .workload import job_from_spec, unsatisfied

STALL_CHECK_S = 2.0
"""How often the service asks the core whether anything can still move."""


@dataclass
class StopFlags:
    """Set by the signal handler: ``drain`` (refuse jobs, end when all are final), ``now`` (end at once)."""

    drain: bool = False
    now: bool = False


def start_inbox(name: str, info: dict[str, Any], shared: list) -> Any:
    """The service's named mailbox actor, on this node; ValueError if a live service already has the name."""
    here = ray.get_runtime_context().get_node_id()
    try:
        return ray.remote(CoordinatorInbox).options(
            name=name, namespace=NAMESPACE, num_cpus=0, max_concurrency=1000, max_restarts=0,
            scheduling_strategy=NodeAffinitySchedulingStrategy(here, soft=False)).remote(info, shared)
    except ValueError as error:
        raise ValueError(f"a coordinator named {name!r} already runs on this Ray cluster ({error}); "
                         "stop it or pick another --name") from None


class Service:
    """One coordinator service over ``workload``'s circuit and keys and the job log at ``log_path``."""

    def __init__(self, workload: Any, log_path: str | PathLike, policy: Policy, name: str,
                 gateway: tuple[str, int] | None = None, **gateway_limits: float):
        self.workload, self.name = workload, name
        self.log = JobLog(log_path)
        self.core = CoordinatorCore(self.log, policy, time.time, workload.genesis_link,
                                    referee=lambda job: unsatisfied(workload.circuit, job.payload))
        self.key = groth16.key_fingerprint(workload.pk)
        self.info = {"service": uuid.uuid4().hex, "name": name, "circuit": workload.circuit.name,
                     "key": self.key, "warmup": workload.warmup_payload, "deadline_s": policy.deadline_s,
                     "started_at": time.time()}
        self.shared = share_keys(workload.pk, workload.circuit)
        self.coordinator = RayCoordinator(self.core, spawn_verifier(workload.vk))
        self.inbox = start_inbox(name, self.info, list(self.shared))
        self.gateway, self.gateway_address = None, None
        if gateway is not None:
            key_file = write_key_file(workload.pk, Path(log_path).parent / "gateway-keys")
            self.gateway, self.gateway_address = start_gateway(
                self.info, self.inbox, self.shared[1], key_file, policy.name, *gateway, **gateway_limits)
        self.flags = StopFlags()
        self.stalled: str | None = None
        self._stall_checked = 0.0

    def serve(self) -> str:
        """Answer requests and drive the core until :attr:`flags` say stop; returns how it ended."""
        mail = self.inbox.take.remote(self.coordinator.wake_in())
        while not self.flags.now and not (self.flags.drain and self.core.done()):
            if self.coordinator.step(self.coordinator.wake_in(), also=(mail,)):
                requests = ray.get(mail)
                self.inbox.answer.remote([(ticket, self.handle(kind, payload)) for ticket, kind, payload in requests])
                mail = self.inbox.take.remote(self.coordinator.wake_in())
            self._watch_stall()
        ended = "stopped" if self.flags.now else "drained"
        self.close(ended)
        return ended

    def close(self, why: str) -> None:
        """Close open attempts as lost and stop this service's own actors (never the provers)."""
        self.core.close_open_attempts(f"the coordinator {why}")
        self.log.event(time.time(), "service_ended", detail=why)
        for actor in (self.inbox, self.coordinator.verifier, self.gateway):
            if actor is None:
                continue
            ray.kill(actor, no_restart=True)
        self.log.close()

    def handle(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The answer to one request from the mailbox (every failure is an answer, never an exception)."""
        try:
            return getattr(self, f"_{kind}")(payload)
        except (KeyError, TypeError, ValueError) as error:
            return {"error": f"malformed {kind} request: {type(error).__name__}: {error}"}

    # requests -------------------------------------------------------------

    def _register(self, msg: dict[str, Any]) -> dict[str, Any]:
        prover_id = str(msg["prover_id"])
        if msg["key"] != self.key:
            reason = (f"prover {prover_id} holds key {msg['key'][:16]}, this coordinator proves under "
                      f"{self.key[:16]} (a stale or wrong key version): fetch the key from this coordinator")
            self.log.event(time.time(), "rejected", prover=prover_id, detail=reason)
            return {"refused": reason, "stale_key": True}
        if prover_id in self.coordinator.provers:
            return {"refused": f"prover {prover_id} is already registered with this coordinator",
                    "already_registered": True}
        threads = int(msg["threads"])
        handle = msg.get("handle")
        if handle is None:
            fault = FaultSpec(**msg.get("fault", {}))
            slot = Slot(str(msg.get("node", "")), float(threads), threads)
            handle = ProverHandle(prover_id, msg["actor"], fault, float(msg["stake"]), slot)
        self.coordinator.join(handle)
        return {"ok": True, "service": self.info["service"]}

    def _registered(self, msg: dict[str, Any]) -> dict[str, Any]:
        """A prover's heartbeat: is it still registered (its actor alive as far as the coordinator knows)?"""
        return {"registered": str(msg["prover_id"]) in self.coordinator.provers}

    def _deregister(self, msg: dict[str, Any]) -> dict[str, Any]:
        prover_id = str(msg["prover_id"])
        if prover_id not in self.coordinator.provers:
            return {"refused": f"prover {prover_id} is not registered"}
        self.coordinator.leave(prover_id, "deregistered")
        return {"ok": True}

    def _submit(self, msg: dict[str, Any]) -> dict[str, Any]:
        if self.flags.drain:
            return {"error": "the coordinator is draining and accepts no new jobs"}
        return {"verdicts": [self._submit_one(item) for item in msg["jobs"]]}

    def _submit_one(self, item: Any) -> str | None:
        """None if the job is accepted, else why not (a job refused for its witness is logged as rejected)."""
        try:
            if not isinstance(item, dict):
                raise ValueError(f"a job is a JSON object, not {type(item).__name__}")
            spec = dict(item)
            circuit = spec.pop("circuit", self.workload.circuit.name)
            job = job_from_spec(spec)
        except (TypeError, ValueError) as error:
            return f"malformed job: {error}"
        if circuit != self.workload.circuit.name:
            return (f"job {job.job_id} is for circuit {circuit!r}; this coordinator proves "
                    f"{self.workload.circuit.name!r}")
        if self.log.job(job.job_id) is None:
            why = unsatisfied(self.workload.circuit, job.payload)
            if why is not None:
                self.log.event(time.time(), "rejected", job.job_id, detail=why)
                return why
        return self.core.submit(job)

    def _bid(self, msg: dict[str, Any]) -> dict[str, Any]:
        """An external prover's standing ask (the auction policy only)."""
        ask = getattr(self.core.policy, "ask", None)
        if ask is None:
            return {"error": f"the {self.core.policy.name} policy takes no bids"}
        ask(str(msg["prover_id"]), float(msg["price_per_tx"]))
        return {"ok": True}

    def _open_jobs(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"open": [{"job_id": j.job_id, "size": j.size, "state": j.state} for j in self.log.jobs(*ASSIGNABLE)]}

    def _account(self, msg: dict[str, Any]) -> dict[str, Any]:
        """A prover's balance, its ledger events and its attempts, from the job log."""
        prover_id = str(msg["prover_id"])
        events = [{"at": at, "kind": kind, "job_id": job_id, "detail": detail, "amount": amount}
                  for at, kind, job_id, prover, detail, amount in ledger_events(self.log) if prover == prover_id]
        attempts = [{"job_id": a.job_id, "attempt": a.attempt, "outcome": None if a.outcome is None else str(a.outcome), "reason": a.reason}
                    for a in self.log.attempts() if a.prover == prover_id]
        return {"balance": self.core.balance(prover_id), "events": events, "attempts": attempts}

    def _status(self, _: dict[str, Any]) -> dict[str, Any]:
        return self.status()

    def status(self) -> dict[str, Any]:
        """What ``zkprove cluster status`` shows (plain JSON-ready data)."""
        now = time.time()
        unfinished = self.log.jobs(*ASSIGNABLE, "assigned", "proved", "verified")
        finalized = self.log.finalized()
        provers = []
        for prover_id, handle in self.coordinator.provers.items():
            view = self.core.provers.get(prover_id)
            provers.append({"prover": prover_id, "node": handle.slot.node_id, "threads": handle.slot.threads,
                            "registered": view is not None, "busy": bool(view and view.busy),
                            "jobs_per_s": view.capacity if view else None, "stake": self.core.balance(prover_id)})
        return {
            "service": {k: self.info[k] for k in ("service", "name", "circuit", "key", "started_at")},
            "draining": self.flags.drain,
            "queue": {state: self.log.count(state) for state in TRANSITIONS},
            "provers": provers,
            "finality": {
                "finalized": len(finalized),
                "oldest_unfinalized_age_s": now - min(j.submitted_at for j in unfinished) if unfinished else 0.0,
                "since_last_finalized_s": now - finalized[-1][2] if finalized else None,
            },
            "stalled": self.stalled,
            "metrics": measure(self.log).as_dict(),
            "gateway": self._gateway_status(),
        }

    def _gateway_status(self) -> dict[str, Any] | None:
        """The gateway's address and its refusals by code (None without a gateway)."""
        if self.gateway is None:
            return None
        host, port = self.gateway_address
        try:
            counters = ray.get(self.gateway.counters.remote(), timeout=5.0)
        except (ray.exceptions.RayError, ray.exceptions.GetTimeoutError) as error:
            counters = {"error": f"the gateway did not answer: {type(error).__name__}"}
        return {"address": f"{host}:{port}", **counters}

    def _watch_stall(self) -> None:
        now = time.monotonic()
        if now - self._stall_checked < STALL_CHECK_S:
            return
        self._stall_checked = now
        stall = None if self.coordinator.probes else self.core.stall(self.core.policy.deadline_s)
        described = None if stall is None else stall.describe()
        if described is not None and described != self.stalled:
            self.log.event(time.time(), "stalled", detail=described)
        self.stalled = described
