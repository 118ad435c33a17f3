"""A service with its gateway, in this process, and a minimal external prover to drive it in tests.

The prover here is the least that exercises the wire protocol (sign, send,
read JSON); the real client is ``zkprove prover connect``.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp
import ray

from bench.rollup_workload import rollup_workload
from circuits.rollup.cluster_jobs import rollup_chain
from workers import gateway_protocol as gp
from workers.cluster import connect
from workers.identity import Identity
from workers.joblog import JobLog
from workers.messages import proof_to_dict
from workers.service import Service
from zkprove import groth16
from zkprove.formats.npz_key_file import load_proving_key
from zkprove.formats.wtns_file import read_wtns

SEED = 5


class Running:
    """A :class:`Service` serving in its own thread (its job log is that thread's): reach it through Ray."""

    def __init__(self, service: Service, thread: threading.Thread):
        self.service, self.thread = service, thread
        self.info, self.workload, self.log_path = service.info, service.workload, service.log.path
        host, port = service.gateway_address
        self.base = f"http://{host}:{port}"
        with urllib.request.urlopen(self.base + "/v1/hello", timeout=30) as answer:
            key = json.load(answer)["key"]
        self.key_sha256, self.key_size = key["sha256"], key["size"]

    def ask(self, kind: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """One request through the service's mailbox, answered by its loop."""
        return ray.get(self.service.inbox.request.remote(kind, payload or {}))

    def log(self) -> JobLog:
        """A connection of this thread's own to the service's job log."""
        return JobLog(self.log_path)


@contextlib.contextmanager
def running_service(tmp: Path, policy, name: str, **limits: float):
    """A :class:`Service` over TransferBatch(1, 4) with a gateway on a free loopback port, serving in a thread."""
    connect(num_cpus=2)
    workload = rollup_workload(0, 1, 4, 8, SEED)
    made: queue.Queue = queue.Queue()

    def serve() -> None:
        try:
            service = Service(workload, tmp / "log.sqlite", policy, name, gateway=("127.0.0.1", 0), **limits)
        except Exception as error:  # noqa: BLE001 (handed to the test thread)
            made.put(error)
            return
        made.put(service)
        service.serve()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    service = made.get(timeout=300)
    if isinstance(service, Exception):
        raise service
    try:
        yield Running(service, thread)
    finally:
        service.flags.now = True
        thread.join(60)
        ray.shutdown()


def jobs(n: int) -> list[dict[str, Any]]:
    return rollup_chain(n, 1, 4, 8, SEED)[1]


def submit(running: Running, specs: list[dict[str, Any]]) -> list:
    return running.ask("submit", {"jobs": specs})["verdicts"]


class Prover:
    """One identity talking to one gateway: signed requests, answers as ``(status, json or bytes)``."""

    def __init__(self, session: aiohttp.ClientSession, base: str, identity: Identity | None = None):
        self.session, self.base = session, base
        self.identity = identity or Identity.generate()

    async def call(self, method: str, path: str, body: Any = None, headers: dict | None = None,
                   raw: bytes | None = None, sign: bool = True) -> tuple[int, Any]:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        sent = dict(gp.sign_headers(self.identity, method, path, data)) if sign else {}
        sent.update(headers or {})
        async with self.session.request(method, self.base + path, data=data, headers=sent) as response:
            payload = await response.read()
            if response.content_type == "application/json":
                return response.status, json.loads(payload)
            return response.status, payload

    async def register(self, key_sha256: str, stake: float = 100.0, **more: float) -> tuple[int, Any]:
        return await self.call("POST", "/v1/register", {"stake": stake, "threads": 1, "warm_prove_s": 1.0,
                                                        "key_sha256": key_sha256, **more})

    async def work(self, wait: float = 20.0) -> list[dict[str, Any]]:
        status, answer = await self.call("GET", f"/v1/work?wait={wait:g}")
        assert status == 200, answer
        return answer["assignments"]

    async def prove(self, pk, assignment: dict[str, Any]) -> dict[str, Any]:
        """The proof of an assignment from its downloaded witness."""
        status, witness = await self.call("GET", f"/v1/witness/{assignment['job_id']}/{assignment['attempt']}")
        assert status == 200, witness
        return proof_to_dict(groth16.prove(pk, read_wtns(witness)))

    async def commit_reveal(self, assignment: dict[str, Any], proof: dict[str, Any]) -> tuple[tuple, tuple]:
        job, attempt = assignment["job_id"], assignment["attempt"]
        digest = gp.commitment(self.identity.public_key, job, attempt, proof)
        committed = await self.call("POST", "/v1/commit", {"job_id": job, "attempt": attempt, "commitment": digest})
        revealed = await self.call("POST", "/v1/reveal", {"job_id": job, "attempt": attempt,
                                                          "proof": gp.proof_to_wire(proof), "prove_s": 0.5})
        return committed, revealed


def downloaded_key(raw: bytes, tmp: Path):
    """The proving key from the bytes of ``GET /v1/key/{sha256}``."""
    path = tmp / "downloaded.npz"
    path.write_bytes(raw)
    return load_proving_key(path)
