"""``zkprove cluster prover``: a prover process that joins a running coordinator service.

The process owns one :class:`~workers.actors.ProverActor` on a node of its
choice (its own node by default), so the actor lives exactly as long as the
process: if the process dies, Ray kills the actor, the coordinator's call
fails and the job is reassigned (and slashed under the auction). The loop:

1. wait until a coordinator answers :meth:`~workers.client.ClusterClient.hello`;
2. if this prover has no actor, or the coordinator proves under another key
   than the one the actor holds, start a new actor from the coordinator's
   object refs (the key travels once, through the object store);
3. register: actor handle, stake, threads, hardware speed, and the key
   fingerprint the actor itself computes. A refusal for a stale key drops the
   actor and starts again at 2; any other refusal ends the process;
4. every :data:`HEARTBEAT_S`, look again: a coordinator with a new service id
   (it was restarted) gets a new registration, with the same actor; one that
   no longer lists this prover (its actor died for good) gets a new actor.

A stop request (Ctrl-C) deregisters and stops the actor.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import ray

from .client import ClusterClient, ServiceError
from .cluster import ProverHandle, Slot, alive_nodes, spawn_prover
from .faults import FaultSpec

HEARTBEAT_S = 1.0
WARMUP_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class ProverConfig:
    """Who this prover is and what it offers."""

    prover_id: str
    stake: float
    threads: int | None = None
    """Numba threads (and Ray CPUs); None: every CPU of its node."""
    node_id: str | None = None
    """Node for the actor; None: the node this process runs on."""
    fault: FaultSpec = FaultSpec()
    """Hardware ``speed`` and, for experiments, an injected fault."""


class ProverProcess:
    """The loop of one ``cluster prover`` process; :meth:`stop` ends it."""

    def __init__(self, client: ClusterClient, config: ProverConfig, say: Callable[[str], None] = print):
        self.client, self.config, self.say = client, config, say
        self.handle: ProverHandle | None = None
        self.key: str | None = None
        self.service: str | None = None
        self.stopping = False

    def run(self) -> None:
        waiting = False
        while not self.stopping:
            info = self.client.alive()
            if info is None:
                if not waiting:
                    self.say("no coordinator answers; waiting for one" if self.service is None else
                             "the coordinator is gone; waiting for it to come back")
                    self.service, waiting = None, True
            elif info["service"] != self.service:
                waiting = False
                self._register(info)
            elif not self._still_registered():
                self.say("the coordinator dropped this prover (its actor died); starting again")
                self._drop_actor()
                self.service = None
            time.sleep(HEARTBEAT_S)
        self._leave()

    def _still_registered(self) -> bool:
        try:
            return self.client.request("registered", {"prover_id": self.config.prover_id})["registered"]
        except ServiceError:
            return True  # the coordinator is busy or gone: the next hello tells which

    def stop(self) -> None:
        self.stopping = True

    def _register(self, info: dict) -> None:
        if self.handle is not None and self.key != info["key"]:
            self.say(f"the coordinator proves under key {info['key'][:16]}; dropping key {self.key[:16]}")
            self._drop_actor()
        if self.handle is None:
            self._start_actor(info)
        try:
            answer = self.client.request("register", {
                "prover_id": self.config.prover_id, "actor": self.handle.actor, "stake": self.config.stake,
                "threads": self.handle.slot.threads, "node": self.handle.slot.node_id, "key": self.key,
                "fault": self.config.fault.as_dict()})
        except ServiceError as error:
            self.say(f"registration failed: {error}")
            return
        if "refused" in answer:
            self.say(f"refused: {answer['refused']}")
            if answer.get("stale_key"):
                self._drop_actor()
            else:
                self.stopping = True
            return
        self.service = info["service"]
        self.say(f"registered with coordinator {info['name']} ({info['service'][:8]}) as {self.config.prover_id}")

    def _start_actor(self, info: dict) -> None:
        node = self.config.node_id or ray.get_runtime_context().get_node_id()
        threads = self.config.threads or max(1, alive_nodes().get(node, 1))
        self.say(f"receiving the proving key and warming up ({threads} thread(s) on node {node[:8]})")
        self.handle = spawn_prover(self.config.prover_id, Slot(node, float(threads), threads), tuple(self.client.shared()),
                                   info["warmup"], self.config.fault, self.config.stake)
        self.key = ray.get(self.handle.actor.key_fingerprint.remote(), timeout=WARMUP_TIMEOUT_S)

    def _drop_actor(self) -> None:
        ray.kill(self.handle.actor, no_restart=True)
        self.handle, self.key = None, None

    def _leave(self) -> None:
        if self.service is not None:
            try:
                self.client.request("deregister", {"prover_id": self.config.prover_id})
                self.say("deregistered")
            except ServiceError as error:
                self.say(f"could not deregister ({error}); the coordinator will see the prover gone")
        if self.handle is not None:
            self._drop_actor()
