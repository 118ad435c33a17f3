"""An external prover's commit and reveal survive a lost answer: retried until the deadline, a landed commit counted.

A small aiohttp server in a thread plays the gateway's two endpoints from a
script: each request takes the next step, either an answer or ``"drop"``
(the request is read, then the connection is closed without an answer: the
commit may have arrived, and the prover cannot tell).
"""

import time

import pytest
from aiohttp import web

from helpers.app_thread import AppThread
from workers.external_prover import Backoff, ExternalProver
from workers.gateway_client import GatewayClient, GatewayRefused, Unreachable
from workers.identity import Identity
from workers.key_cache import KeyCache

COMMITTED = (409, {"error": "this attempt already has a commitment", "code": "already_committed"})
OK = (200, {"ok": True})


class ScriptedGateway:
    """Answers POST /v1/commit and /v1/reveal with the next step of ``script[path]``; keeps what it received."""

    def __init__(self):
        self.script: dict[str, list] = {}
        self.received: list[tuple[str, dict]] = []
        self.app = AppThread(lambda app: app.router.add_post("/v1/{step}", self._step))
        self.port = self.app.port

    async def _step(self, request: web.Request):
        path = "/" + request.match_info["step"]
        self.received.append((path, await request.json()))
        step = self.script[path].pop(0)
        if step == "drop":
            request.transport.close()
            return web.Response()
        status, body = step
        return web.json_response(body, status=status)


@pytest.fixture
def gateway():
    server = ScriptedGateway()
    yield server
    server.app.close()


@pytest.fixture
def prover(gateway, tmp_path):
    client = GatewayClient(f"http://127.0.0.1:{gateway.port}", Identity.generate())
    return ExternalProver(client, KeyCache(tmp_path), stake=1.0, threads=1, say=lambda _: None,
                          backoff=Backoff(first_s=0.01, cap_s=0.05, budget_s=30.0))


BODY = {"job_id": 3, "attempt": 1, "commitment": "ab" * 32}


def test_a_commit_whose_answer_was_lost_counts_once_its_retry_finds_it_landed(gateway, prover):
    gateway.script["/commit"] = ["drop", "drop", COMMITTED]
    prover.deliver("/commit", BODY, time.time() + 60, landed="already_committed")
    assert gateway.received == [("/commit", BODY)] * 3  # the same commitment each time

    gateway.script["/reveal"] = ["drop", OK]
    prover.deliver("/reveal", {"job_id": 3}, time.time() + 60)
    assert [path for path, _ in gateway.received[3:]] == ["/reveal", "/reveal"]


def test_a_first_refusal_is_not_mistaken_for_a_landed_retry(gateway, prover):
    gateway.script["/commit"] = [COMMITTED]  # no answer was lost: a second commit of this attempt is refused
    with pytest.raises(GatewayRefused, match="already_committed"):
        prover.deliver("/commit", BODY, time.time() + 60, landed="already_committed")
    gateway.script["/reveal"] = ["drop", (409, {"error": "no commit", "code": "no_commitment"})]
    with pytest.raises(GatewayRefused, match="no_commitment"):
        prover.deliver("/reveal", {"job_id": 3}, time.time() + 60)


def test_no_retry_past_the_deadline(gateway, prover):
    gateway.script["/commit"] = ["drop", OK]
    with pytest.raises(Unreachable):
        prover.deliver("/commit", BODY, time.time() - 1, landed="already_committed")
    assert len(gateway.received) == 1 and gateway.script["/commit"] == [OK]
