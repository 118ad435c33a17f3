"""The prover gateway: external provers on other machines join the service over signed HTTP.

An aiohttp web app inside a Ray async actor that ``zkprove cluster serve
--gateway HOST:PORT`` starts on its own node (:func:`start_gateway`). aiohttp
rather than Ray Serve: it ships with ``ray[default]``, runs in the one actor
with no extra processes or controller, streams range responses from a file,
and leaves every limit (body size, connections, timeouts) to us. The wire
protocol is :mod:`workers.gateway_protocol`; docs/gateway.md describes it.

The gateway adds no second coordinator: an external prover registers
through the service's own request path (the mailbox, :mod:`workers.inbox`)
as an :class:`ExternalHandle`, whose ``prove`` and ``capacity`` calls are
methods of this actor. The coordinator's ``prove`` call for an external
prover resolves when that prover reveals its proof (after a matching
commitment), gives up, or leaves; the proof then goes to the verifier actor
like any other. Signatures, hashing and witness encoding run here, never in
the verifier actor, and every refusal is counted by its code.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ray
from aiohttp import web
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from zkprove.formats.wtns_file import wtns_bytes

from . import gateway_protocol as gp
from .cluster import ProverHandle, Slot
from .faults import FaultSpec
from .gateway_keys import serve_file
from .gateway_state import External, Held, TokenBucket
from .messages import SUPERSEDED, UNSATISFIABLE, Capacity, ProveRequest, ProveResult


class _Bound:
    """``method.remote(prover_id, *args)`` as ``.remote(*args)``: what the coordinator calls on a prover."""

    def __init__(self, method: Any, prover_id: str):
        self.method, self.prover_id = method, prover_id

    def remote(self, *args: Any) -> ray.ObjectRef:
        return self.method.remote(self.prover_id, *args)


@dataclass
class ExternalProver:
    """Stands where a prover actor would: ``prove`` and ``capacity`` are the gateway's, bound to one prover."""

    gateway: Any
    prover_id: str

    @property
    def prove(self) -> _Bound:
        return _Bound(self.gateway.prove, self.prover_id)

    @property
    def capacity(self) -> _Bound:
        return _Bound(self.gateway.capacity, self.prover_id)


class ExternalHandle(ProverHandle):
    """A :class:`~workers.cluster.ProverHandle` for an external prover: stopping it tells the gateway."""

    def stop(self) -> None:
        self.actor.gateway.dropped.remote(self.prover_id)


def _int(body: dict, name: str, low: int = 0, high: int = 2**63 - 1) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise gp.Refusal("malformed", f"{name} must be an integer in [{low}, {high}]")
    return value


def _number(body: dict, name: str, low: float = 0.0, high: float = 1e12) -> float:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise gp.Refusal("malformed", f"{name} must be a number in [{low:g}, {high:g}]")
    return float(value)


class GatewayActor:
    """Wrap with ``ray.remote`` (see :func:`start_gateway`); call :meth:`start` once."""

    def __init__(self, info: dict[str, Any], inbox: Any, circuit: list, key_file: str, policy: str,
                 node_id: str, rate_per_s: float = gp.RATE_PER_S, burst: float = gp.RATE_BURST,
                 nonces_per_key: int = gp.NONCES_PER_KEY):
        self.info, self.inbox, self.policy, self.node_id = info, inbox, policy, node_id
        self.circuit = ray.get(circuit[0])
        self.key_file = Path(key_file)
        self.key_sha256 = self.key_file.stem
        self.key_size = self.key_file.stat().st_size
        self.nonces = gp.NonceStore(per_key=nonces_per_key)
        self.buckets = TokenBucket(rate_per_s, burst)
        self.provers: dict[str, External] = {}
        self.held: dict[tuple[int, int], Held] = {}
        self.revealed: OrderedDict[tuple[int, int], str] = OrderedDict()
        """(job, attempt) -> its holder, for attempts whose proof was revealed: a reveal resent after a lost
        answer is told so (``already_revealed``) rather than ``not_assigned``."""
        self.rejections: Counter[str] = Counter()
        self.in_flight = 0
        self.runner: web.AppRunner | None = None
        self.warmup_wtns: bytes | None = None

    # the service's side --------------------------------------------------

    async def start(self, host: str, port: int) -> tuple[str, int]:
        """Bind and serve; returns the address bound (port 0 picks a free one)."""
        app = web.Application(client_max_size=gp.MAX_BODY, middlewares=[self._guard])
        app.router.add_get("/v1/hello", self._hello)
        for method, path, handler in self._routes():
            app.router.add_route(method, path, handler)
        self.runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port, backlog=gp.MAX_CONNECTIONS)
        await site.start()
        bound = site._server.sockets[0].getsockname()
        asyncio.get_running_loop().create_task(self._sweep())
        return bound[0], bound[1]

    async def counters(self) -> dict[str, Any]:
        return {"rejections": dict(self.rejections), "provers": len(self.provers), "held": len(self.held),
                "nonces": len(self.nonces)}

    async def prove(self, prover_id: str, request: ProveRequest) -> ProveResult:
        """The coordinator's call: hold the attempt for the prover until it reveals, gives up or leaves."""
        prover = self.provers.get(prover_id)
        if prover is None:
            return ProveResult(request.job_id, request.attempt, prover_id, None, 0.0,
                               "the external prover is no longer connected")
        start = time.perf_counter()
        try:
            witness = await asyncio.to_thread(self.circuit.witness, request.inputs)
        except ValueError as error:
            return ProveResult(request.job_id, request.attempt, prover_id, None, 0.0, f"{UNSATISFIABLE}: {error}")
        encoded = await asyncio.to_thread(wtns_bytes, witness.values)
        held = Held(request, prover_id, prover.public_key, encoded, witness.public,
                    asyncio.get_running_loop().create_future())
        await asyncio.to_thread(lambda: held.assignment)  # its hash and base64, off the event loop
        held.witness_s = time.perf_counter() - start
        self.held[held.key] = held
        prover.wake.set()
        try:
            return await held.future
        finally:
            self.held.pop(held.key, None)

    async def capacity(self, prover_id: str) -> Capacity:
        p = self.provers[prover_id]
        return Capacity(prover_id, p.threads, p.warm_prove_s, p.stake, self.node_id,
                        gp.ATTEMPT_ROUND_TRIPS * p.rtt_s)

    async def dropped(self, prover_id: str) -> None:
        """The coordinator let the prover go (it deregistered or was dropped): release what it held."""
        self.provers.pop(prover_id, None)
        for held in [h for h in self.held.values() if h.prover_id == prover_id]:
            held.resolve(None, 0.0, "the external prover left")

    # plumbing ------------------------------------------------------------

    def _routes(self) -> list[tuple[str, str, Any]]:
        return [("POST", "/v1/register", self._register), ("POST", "/v1/deregister", self._deregister),
                ("GET", "/v1/jobs", self._jobs), ("POST", "/v1/bid", self._bid), ("GET", "/v1/work", self._work),
                ("GET", "/v1/witness/{job_id}/{attempt}", self._witness), ("GET", "/v1/key/{sha256}", self._key),
                ("GET", "/v1/warmup", self._warmup),
                ("POST", "/v1/commit", self._commit), ("POST", "/v1/reveal", self._reveal),
                ("POST", "/v1/fail", self._fail), ("GET", "/v1/account", self._account)]

    def _refuse(self, refusal: gp.Refusal) -> web.Response:
        self.rejections[refusal.code] += 1
        return web.json_response(refusal.body(), status=refusal.status)

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Every request: connection cap, body cap, route, signature, rate limit, timeout, and no 5xx leaks."""
        if self.in_flight >= gp.MAX_CONNECTIONS:
            return self._refuse(gp.Refusal("too_many_connections", "the gateway is at its connection cap"))
        self.in_flight += 1
        try:
            async with asyncio.timeout(gp.HANDLER_TIMEOUT_S):  # no task of its own, unlike wait_for
                return await self._checked(request, handler)
        except gp.Refusal as refusal:
            return self._refuse(refusal)
        except asyncio.TimeoutError:
            return self._refuse(gp.Refusal("timeout", f"the request took over {gp.HANDLER_TIMEOUT_S:.0f} s"))
        finally:
            self.in_flight -= 1

    async def _checked(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.content_length is not None and request.content_length > gp.MAX_BODY:
            raise gp.Refusal("body_too_large", f"request bodies are at most {gp.MAX_BODY} bytes")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise gp.Refusal("body_too_large", f"request bodies are at most {gp.MAX_BODY} bytes") from None
        route = request.match_info.http_exception
        if route is not None:
            code = "method_not_allowed" if route.status == 405 else "not_found"
            raise gp.Refusal(code, f"no endpoint {request.method} {request.path}")
        if handler == self._hello:
            return await handler(request)
        caller = gp.check_headers(request.headers, request.method, request.path_qs, body, self.nonces)
        if isinstance(caller, gp.Refusal):
            raise caller
        if not self.buckets.take(caller.public_key):
            raise gp.Refusal("rate_limited", f"more than {self.buckets.rate:g} requests a second from this key")
        request["caller"], request["body"] = caller, body
        try:
            return await handler(request)
        except gp.Refusal:
            raise
        except (asyncio.TimeoutError, web.HTTPException):
            raise
        except Exception as error:  # noqa: BLE001 (answered as a counted 500, never a traceback)
            raise gp.Refusal("internal", f"the gateway failed: {type(error).__name__}") from None

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(gp.CLOCK_WINDOW_S)
            self.nonces.sweep(time.time())
            self.buckets.sweep()

    @staticmethod
    def _json(request: web.Request) -> dict[str, Any]:
        try:
            body = json.loads(request["body"] or b"{}")
        except (UnicodeDecodeError, ValueError):
            raise gp.Refusal("malformed", "the body is not JSON") from None
        if not isinstance(body, dict):
            raise gp.Refusal("malformed", "the body must be a JSON object")
        return body

    def _registered(self, request: web.Request) -> External:
        prover = self.provers.get(request["caller"].prover_id)
        if prover is None:
            raise gp.Refusal("not_registered", f"{request['caller'].prover_id} is not registered; POST /v1/register")
        return prover

    def _holding(self, request: web.Request, job_id: int, attempt: int, revealing: bool = False) -> Held:
        self._registered(request)
        held = self.held.get((job_id, attempt))
        if held is None or held.prover_id != request["caller"].prover_id:
            if revealing and held is None and self.revealed.get((job_id, attempt)) == request["caller"].prover_id:
                raise gp.Refusal("already_revealed", f"the proof of attempt {attempt} of job {job_id} was received")
            raise gp.Refusal("not_assigned", f"attempt {attempt} of job {job_id} is not held by the caller")
        return held

    async def _ask(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        answer = await self.inbox.request.remote(kind, payload)
        if "error" in answer:
            raise gp.Refusal("malformed", answer["error"])
        return answer

    # endpoints -----------------------------------------------------------

    async def _hello(self, _: web.Request) -> web.Response:
        return web.json_response({
            "service": self.info["service"], "circuit": self.info["circuit"], "policy": self.policy,
            "deadline_s": self.info["deadline_s"],
            "key": {"sha256": self.key_sha256, "size": self.key_size, "fingerprint": self.info["key"]},
            "server_time": time.time(), "limits": {
                **gp.LIMITS, "rate_per_s": self.buckets.rate, "rate_burst": self.buckets.burst,
                "nonces_per_key": self.nonces.per_key}})

    async def _register(self, request: web.Request) -> web.Response:
        caller, body = request["caller"], self._json(request)
        stake = _number(body, "stake")
        threads = _int(body, "threads", 1, 4096)
        warm = _number(body, "warm_prove_s", 1e-6, 86400.0)
        rtt = _number(body, "rtt_s", 0.0, gp.MAX_RTT_S) if "rtt_s" in body else 0.0
        if body.get("key_sha256") != self.key_sha256:
            raise gp.Refusal("wrong_key", f"this service proves under key sha256 {self.key_sha256}; "
                                          f"GET /v1/key/{self.key_sha256}")
        if caller.prover_id in self.provers:
            raise gp.Refusal("already_registered", f"{caller.prover_id} is already registered")
        if warm > self.info["deadline_s"]:
            raise gp.Refusal("too_slow", f"a proof takes this prover {warm:.2f} s (its warm_prove_s); attempts here "
                                         f"are due {self.info['deadline_s']:.2f} s after assignment, plus its round trips")
        self.provers[caller.prover_id] = External(caller.prover_id, caller.public_key, threads, warm, stake, rtt)
        handle = ExternalHandle(caller.prover_id, ExternalProver(self._self(), caller.prover_id), FaultSpec(),
                                stake, Slot(self.node_id, float(threads), threads))
        answer = await self.inbox.request.remote("register", {
            "prover_id": caller.prover_id, "key": self.info["key"], "threads": threads, "stake": stake,
            "handle": handle})
        if "ok" not in answer:
            self.provers.pop(caller.prover_id, None)
            reason = answer.get("refused") or answer.get("error", "refused")
            raise gp.Refusal("already_registered" if answer.get("already_registered") else "malformed", reason)
        return web.json_response({"prover_id": caller.prover_id, "service": self.info["service"]})

    @staticmethod
    def _self() -> Any:
        return ray.get_runtime_context().current_actor

    async def _deregister(self, request: web.Request) -> web.Response:
        prover = self._registered(request)
        await self._ask("deregister", {"prover_id": prover.prover_id})
        await self.dropped(prover.prover_id)
        return web.json_response({"ok": True})

    async def _jobs(self, _: web.Request) -> web.Response:
        return web.json_response(await self._ask("open_jobs", {}))

    async def _bid(self, request: web.Request) -> web.Response:
        prover = self._registered(request)
        price = _number(self._json(request), "price_per_tx", 1e-9, 1e9)
        await self._ask("bid", {"prover_id": prover.prover_id, "price_per_tx": price})
        return web.json_response({"ok": True})

    async def _work(self, request: web.Request) -> web.Response:
        prover = self._registered(request)
        try:
            wait = float(request.query.get("wait", "0"))
        except ValueError:
            wait = math.nan
        if not math.isfinite(wait):
            raise gp.Refusal("malformed", "wait must be a finite number of seconds")
        wait = min(max(wait, 0.0), gp.LONG_POLL_MAX_S)
        mine = self._assignments(prover.prover_id)
        if not mine and wait > 0:
            prover.wake.clear()
            try:
                await asyncio.wait_for(prover.wake.wait(), wait)
            except asyncio.TimeoutError:
                pass
            mine = self._assignments(prover.prover_id)
        answer = {"service": self.info["service"], "assignments": [h.assignment for h in mine]}
        if request.headers.get("Accept") == gp.WORK_FRAMED:
            return web.Response(body=gp.frame_work(answer, [h.witness for h in mine]), content_type=gp.WORK_FRAMED)
        return web.json_response(answer)

    def _assignments(self, prover_id: str) -> list[Held]:
        return [h for h in self.held.values() if h.prover_id == prover_id]

    async def _witness(self, request: web.Request) -> web.Response:
        job_id, attempt = _path_ints(request)
        held = self._holding(request, job_id, attempt)
        return web.Response(body=held.witness, content_type="application/octet-stream")

    async def _warmup(self, request: web.Request) -> web.Response:
        """The warm-up statement's witness (outside the chain), solved once: a prover proves it before it
        registers, to load its numba kernels and measure the speed it declares, as a Ray prover does."""
        if self.warmup_wtns is None:
            witness = await asyncio.to_thread(self.circuit.witness, self.info["warmup"])
            self.warmup_wtns = await asyncio.to_thread(wtns_bytes, witness.values)
        return web.Response(body=self.warmup_wtns, content_type="application/octet-stream")

    async def _key(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["sha256"] != self.key_sha256:
            raise gp.Refusal("wrong_key", f"this service serves key sha256 {self.key_sha256} only")
        return await serve_file(request, self.key_file, self.key_sha256, self.key_size)

    def _attempt_body(self, request: web.Request, revealing: bool = False) -> tuple[dict, Held]:
        body = self._json(request)
        held = self._holding(request, _int(body, "job_id"), _int(body, "attempt", 0, 2**32 - 1), revealing)
        if time.time() > held.request.deadline:
            why = f"attempt {held.request.attempt} of job {held.request.job_id} was due at {held.request.deadline:.3f}"
            held.resolve(None, 0.0, f"past its deadline: {why}")  # frees the prover for new work
            raise gp.Refusal("past_deadline", why)
        return body, held

    async def _commit(self, request: web.Request) -> web.Response:
        body, held = self._attempt_body(request)
        value = _commitment(body)
        if held.commitment is not None:
            raise gp.Refusal("already_committed", "this attempt already has a commitment")
        _refuse_if_closed(held)
        held.commitment, held.committed_at = value, time.time()
        return web.json_response({"ok": True, "received_at": held.committed_at})

    async def _reveal(self, request: web.Request) -> web.Response:
        """The proof, after the attempt's commitment or with it (one request: a commit and its reveal
        back to back, which keeps every refusal of the two steps; docs/gateway.md, "Commit, then reveal")."""
        body, held = self._attempt_body(request, revealing=True)
        inline = _commitment(body) if body.get("commitment") is not None else None
        if held.commitment is None and inline is None:
            raise gp.Refusal("no_commitment", "commit to the proof (POST /v1/commit, or commitment in this body) "
                                              "before revealing it")
        if held.commitment is None:
            _refuse_if_closed(held)
        elif inline is not None and inline != held.commitment:
            raise gp.Refusal("commitment_mismatch", "the commitment differs from the one this attempt committed")
        committed = held.commitment or inline
        proof = gp.parse_proof(body.get("proof"))
        prove_s = _number(body, "prove_s", 0.0, 86400.0)
        if gp.commitment(held.public_key, held.request.job_id, held.request.attempt, proof) != committed:
            raise gp.Refusal("commitment_mismatch", "the proof does not match this attempt's commitment")
        if held.commitment is None:
            held.commitment, held.committed_at = committed, time.time()
        for other in self.held.values():
            if other.request.job_id == held.request.job_id:
                other.closed = True
        self.revealed[held.key] = held.prover_id
        while len(self.revealed) > gp.REVEALED_REMEMBERED:
            self.revealed.popitem(last=False)
        held.resolve(proof, prove_s)
        return web.json_response({"accepted": True})

    async def _fail(self, request: web.Request) -> web.Response:
        body = self._json(request)
        held = self._holding(request, _int(body, "job_id"), _int(body, "attempt", 0, 2**32 - 1))
        error = body.get("error")
        if not isinstance(error, str):
            raise gp.Refusal("malformed", "error must be a string")
        held.resolve(None, 0.0, error[:gp.MAX_ERROR_TEXT] or "gave up")
        return web.json_response({"ok": True})

    async def _account(self, request: web.Request) -> web.Response:
        prover_id = request["caller"].prover_id
        answer = await self._ask("account", {"prover_id": prover_id})
        return web.json_response({"prover_id": prover_id, "registered": prover_id in self.provers, **answer})


def _commitment(body: dict) -> str:
    value = body.get("commitment")
    if not isinstance(value, str) or len(value) != 64 or not all(c in "0123456789abcdef" for c in value):
        raise gp.Refusal("malformed", "commitment must be 64 lowercase hex digits (a sha256)")
    return value


def _refuse_if_closed(held: Held) -> None:
    """Refuse a commitment to an attempt closed by another prover's reveal, and end that attempt: it can
    never deliver now, and its prover is free for new work (the core counts it wasted, not failed)."""
    if held.closed:
        why = f"a proof of job {held.request.job_id} was already revealed by another prover"
        held.resolve(None, 0.0, f"{SUPERSEDED}: {why}")
        raise gp.Refusal("commitments_closed", why)


def _path_ints(request: web.Request) -> tuple[int, int]:
    try:
        return int(request.match_info["job_id"]), int(request.match_info["attempt"])
    except ValueError:
        raise gp.Refusal("malformed", "job_id and attempt in the path must be integers") from None


def start_gateway(info: dict[str, Any], inbox: Any, circuit_ref: Any, key_file: Path, policy: str,
                  host: str, port: int, **limits: float) -> tuple[Any, tuple[str, int]]:
    """The gateway actor on this node, serving at ``host:port``; returns it and the address it bound."""
    here = ray.get_runtime_context().get_node_id()
    actor = ray.remote(GatewayActor).options(
        num_cpus=0, max_concurrency=gp.MAX_CONNECTIONS + 64, max_restarts=0,
        scheduling_strategy=NodeAffinitySchedulingStrategy(here, soft=False),
    ).remote(info, inbox, [circuit_ref], str(key_file), policy, here, **limits)
    try:
        return actor, tuple(ray.get(actor.start.remote(host, port)))
    except ray.exceptions.RayTaskError as error:
        ray.kill(actor, no_restart=True)
        raise ValueError(f"the gateway cannot serve at {host}:{port}: {error.cause}") from None
