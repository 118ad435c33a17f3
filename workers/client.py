"""A small Python client of a running ``zkprove cluster serve``, used by ``cluster submit``/``status``/``prover``.

It joins the Ray cluster the service runs on (never starting one of its own)
and talks to the service's mailbox (:mod:`workers.inbox`) by name::

    from workers.client import ClusterClient, join
    join("127.0.0.1:6379")
    client = ClusterClient()
    client.submit([job_dict, ...])   # -> [None or the reason each job was refused]
    client.status()                  # -> the dict ``zkprove cluster status --json`` writes
"""

from __future__ import annotations

import os
import socket
from typing import Any

import ray

from .inbox import DEFAULT_NAME, NAMESPACE, REQUEST_TIMEOUT_S
from .ray_env import quiet_env


class ServiceError(RuntimeError):
    """The service is unreachable, or answered a request with an error."""


def join(address: str | None) -> str:
    """Join the Ray cluster at ``address`` (or ``RAY_ADDRESS``); say which, in words.

    A client never starts a Ray of its own: a coordinator it could reach
    would not be in it.
    """
    if ray.is_initialized():
        return f"Ray: already connected to {ray.get_runtime_context().gcs_address}"
    address = address or os.environ.get("RAY_ADDRESS")
    if not address:
        raise ServiceError("no Ray cluster to join: pass --address (the address `zkprove cluster serve` printed) "
                           "or set RAY_ADDRESS")
    _reachable(address)
    quiet_env()
    try:
        ray.init(address=address, namespace=NAMESPACE, logging_level="ERROR", log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise ServiceError(f"cannot join the Ray cluster at {address}: {error}") from None
    return f"Ray: joined the cluster at {ray.get_runtime_context().gcs_address}"


def _reachable(address: str, timeout_s: float = 5.0) -> None:
    """ServiceError unless ``host:port`` accepts a TCP connection (Ray itself retries an unreachable
    address for minutes, printing a warning every few seconds)."""
    if address == "auto":
        return
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout_s):
            pass
    except ValueError:
        raise ServiceError(f"{address!r} is not a Ray address (host:port)") from None
    except OSError as error:
        raise ServiceError(f"cannot reach the Ray cluster at {address}: {error.strerror or error}") from None


class ClusterClient:
    """Requests to the coordinator service called ``name`` on the joined Ray cluster."""

    def __init__(self, name: str = DEFAULT_NAME):
        self.name = name

    def _inbox(self) -> Any:
        try:
            return ray.get_actor(self.name, namespace=NAMESPACE)
        except ValueError:
            raise ServiceError(f"no coordinator named {self.name!r} runs on this Ray cluster "
                               "(start one with `zkprove cluster serve`)") from None

    def hello(self, timeout_s: float = 10.0) -> dict[str, Any]:
        """The service's identity: ``service`` (id of this start), ``circuit``, ``key``, ``warmup``."""
        return self._get(self._inbox().hello.remote(), timeout_s)

    def alive(self) -> dict[str, Any] | None:
        """:meth:`hello`, or None if no such service answers now."""
        try:
            return self.hello(timeout_s=5.0)
        except ServiceError:
            return None

    def shared(self) -> list:
        """``[proving key ref, circuit ref]`` from the service's object store."""
        return self._get(self._inbox().shared.remote(), REQUEST_TIMEOUT_S)

    def request(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """One request through the service loop; :class:`ServiceError` if it answers with an error."""
        answer = self._get(self._inbox().request.remote(kind, payload), REQUEST_TIMEOUT_S + 10.0)
        if "error" in answer:
            raise ServiceError(answer["error"])
        return answer

    def submit(self, jobs: list[Any]) -> list[str | None]:
        """Submit jobs (:func:`workers.workload.job_spec` dicts, each may name its ``circuit``); per job None
        or why it was refused."""
        return self.request("submit", {"jobs": jobs})["verdicts"]

    def status(self) -> dict[str, Any]:
        return self.request("status", {})

    @staticmethod
    def _get(ref: ray.ObjectRef, timeout_s: float) -> Any:
        try:
            return ray.get(ref, timeout=timeout_s)
        except (ray.exceptions.RayActorError, ray.exceptions.GetTimeoutError) as error:
            raise ServiceError(f"the coordinator did not answer: {type(error).__name__}") from None
