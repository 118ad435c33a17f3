"""The time an external prover takes to fetch the proving key over an emulated link.

What is timed is the prover's own download path: :class:`workers.key_cache.KeyCache`
over :class:`workers.gateway_client.GatewayClient` (signed ``GET /v1/key/<sha256>``
with ``Range: bytes=A-`` on every retry, the whole file hashed before it is
kept), through a :class:`bench.wan.relay.Relay` that shapes the link. The
bytes come from :class:`KeyServer`, which answers that one endpoint of the
gateway protocol (docs/wan.md says why: the key download is plain HTTP range
serving, and the gateway's signature check is not what a 10 Mbit/s link waits on).

Each figure stands beside its floor: two round trips (the TCP handshake the
relay charges, then the request), then the bytes beyond the link's token
bucket (full at the start) at the link's rate, so the ratio says how close the
client and relay come to the link.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from bench.rows import Row
from workers.gateway_client import GatewayClient, Unreachable
from workers.identity import Identity
from workers.key_cache import KeyCache

from .link import LinkSpec
from .relay import Relay, RelayThread

MAX_RESUMES = 50
"""Retries of one key download before the measurement gives up (each resumes where the last stopped)."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class KeyServer:
    """``GET /v1/key/<sha256>`` for one file, with HTTP range requests (aiohttp's FileResponse, RFC 9110 14.2),
    on an event loop in a daemon thread; a context manager that stops the server on exit."""

    def __init__(self, key_path: Path, host: str = "127.0.0.1") -> None:
        self.key_path, self.host = key_path, host
        self.sha256 = file_sha256(key_path)
        self.size = key_path.stat().st_size
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="wan-key-server", daemon=True)
        self._runner: web.AppRunner | None = None
        self.address: tuple[str, int] | None = None

    async def _key(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["sha256"] != self.sha256:
            return web.json_response({"error": "no key with that sha256 here", "code": "unknown_key"}, status=404)
        return web.FileResponse(self.key_path, headers={"ETag": f'"{self.sha256}"'})

    async def _start(self) -> tuple[str, int]:
        app = web.Application()
        app.router.add_get("/v1/key/{sha256}", self._key)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        return site._server.sockets[0].getsockname()[:2]

    def __enter__(self) -> KeyServer:
        self._thread.start()
        self.address = asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(30)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@dataclass(frozen=True)
class Fetch:
    """One timed download: seconds, the connections it took (1 + resumes), what crossed the relay, and the
    depth of the relay's token bucket."""

    seconds: float
    connections: int
    counters: dict
    burst_bytes: int


def fetch_through(spec: LinkSpec, server: KeyServer, listen_host: str, lifetime_s: float) -> Fetch:
    """Download the server's key into an empty cache through a relay of ``spec``, resuming after each cut."""
    identity = Identity.generate()
    with RelayThread() as relays, tempfile.TemporaryDirectory(prefix="zkprove-wan-keys-") as folder:
        relay = Relay(spec, server.address, listen_host=listen_host, lifetime_s=lifetime_s,
                      max_bytes=4 * server.size + (1 << 20))
        host, port = relays.add(relay)
        client, cache = GatewayClient(f"http://{host}:{port}", identity), KeyCache(folder)
        start, connections = time.perf_counter(), 0
        while True:
            connections += 1
            try:
                path = cache.fetch(server.sha256, server.size, client)
                break
            except (Unreachable, ConnectionError):
                if connections > MAX_RESUMES:
                    raise RuntimeError(f"the key download did not finish in {MAX_RESUMES} connections") from None
        seconds = time.perf_counter() - start
        if file_sha256(path) != server.sha256:
            raise RuntimeError("the cached key does not hash to the key served")
        return Fetch(seconds, connections, relays.counters(relay), relay.burst_bytes)


def floor_s(spec: LinkSpec, size: int, burst_bytes: int) -> float:
    """The least a download of ``size`` bytes can take on ``spec``: the handshake's and the request's round
    trips, then what the bucket (``burst_bytes`` deep, full at the start) does not hold, at the rate."""
    rate = spec.bytes_per_s
    return 2 * spec.rtt_s + (max(0, size - burst_bytes) / rate if rate else 0.0)


def key_fetch_rows(key_path: Path, links: dict[str, LinkSpec], listen_host: str = "127.0.0.10",
                   lifetime_s: float = 300.0) -> list[Row]:
    """One row per link: the key's fetch time beside its floor; resumes and relay bytes in the name."""
    rows = []
    with KeyServer(key_path) as server:
        for name, spec in links.items():
            fetch = fetch_through(spec, server, listen_host, lifetime_s)
            counted = fetch.counters["bytes_down"]
            rows.append(Row(f"key fetch, {name}: {fetch.connections} connection(s), {counted:,} B down the link",
                            server.size, fetch.seconds, "s", "floor: 2 RTT + bytes past the bucket at the rate",
                            floor_s(spec, server.size, fetch.burst_bytes), seconds=fetch.seconds))
    return rows
