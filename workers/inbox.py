"""The coordinator's mailbox on Ray: how other processes reach a running ``zkprove cluster serve``.

The service loop owns the core and the job log and never shares them; the
inbox is a named async actor it starts beside itself (owned by the service
process, so it dies with it and a restarted service starts a fresh one).
Other processes find it by name in the ``zkprove`` namespace:

* :meth:`CoordinatorInbox.hello` answers at once with the service's identity
  (a new ``service`` id per start), circuit, key fingerprint and warm-up
  inputs; provers poll it to notice a restarted coordinator;
* :meth:`CoordinatorInbox.shared` hands out the object refs of the proving
  key and the circuit, so a prover receives them once through the object store;
* :meth:`CoordinatorInbox.request` carries a ``register``, ``registered``,
  ``deregister``, ``submit`` or ``status`` request to the service loop and waits for its answer.

The service loop collects requests with :meth:`take` (which returns as soon
as one is queued, so the loop can wait on it beside the provers' answers)
and replies with :meth:`answer`. docs/cluster_service.md describes the messages.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

NAMESPACE = "zkprove"
DEFAULT_NAME = "zkprove-coordinator"
REQUEST_TIMEOUT_S = 60.0
"""A request the service loop has not answered in this time comes back as an error."""
KINDS = ("register", "registered", "deregister", "submit", "status", "bid", "open_jobs", "account")


class CoordinatorInbox:
    """Wrap with ``ray.remote`` (see :func:`workers.service.start_inbox`); every method is async."""

    def __init__(self, info: dict[str, Any], shared: list):
        self.info, self.refs = info, shared
        self.queue: list[tuple[int, str, Any]] = []
        self.waiting: dict[int, asyncio.Future] = {}
        self.tickets = itertools.count()
        self.arrived = asyncio.Event()

    async def hello(self) -> dict[str, Any]:
        """Who this coordinator is: ``service`` (id of this start), ``circuit``, ``key``, ``warmup``."""
        return self.info

    async def shared(self) -> list:
        """``[proving key ref, circuit ref]``, nested in a list so the caller gets the refs themselves."""
        return self.refs

    async def request(self, kind: str, payload: Any) -> Any:
        """Queue a request for the service loop and return its answer (an ``{"error": ...}`` on timeout)."""
        if kind not in KINDS:
            return {"error": f"unknown request {kind!r}; this coordinator answers {', '.join(KINDS)}"}
        ticket = next(self.tickets)
        future = asyncio.get_running_loop().create_future()
        self.waiting[ticket] = future
        self.queue.append((ticket, kind, payload))
        self.arrived.set()
        try:
            return await asyncio.wait_for(future, REQUEST_TIMEOUT_S)
        except asyncio.TimeoutError:
            return {"error": f"the coordinator did not answer a {kind} request in {REQUEST_TIMEOUT_S:.0f} s"}
        finally:
            self.waiting.pop(ticket, None)

    async def take(self, wait_s: float) -> list[tuple[int, str, Any]]:
        """The queued requests ``(ticket, kind, payload)``, waiting up to ``wait_s`` for a first one."""
        if not self.queue:
            try:
                await asyncio.wait_for(self.arrived.wait(), wait_s)
            except asyncio.TimeoutError:
                pass
        self.arrived.clear()
        taken, self.queue = self.queue, []
        return taken

    async def answer(self, answers: list[tuple[int, Any]]) -> None:
        """Reply to requests taken earlier; a requester that gave up is skipped."""
        for ticket, value in answers:
            future = self.waiting.get(ticket)
            if future is not None and not future.done():
                future.set_result(value)
