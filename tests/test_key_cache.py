"""The content-addressed key cache: resumable range downloads, the whole-file hash check, range edge cases.

The edge cases get their bytes over real HTTP from a small aiohttp server in
a thread that answers ``Range: bytes=A-`` with 206 and can cut a connection
after a given number of body bytes, the way a dropped WAN link does. The
resume is also checked against the real prover gateway of a live service
(:func:`helpers.gateway.running_service`), through a relay that drops the
first download partway (:class:`helpers.cut_relay.CutRelay`).
"""

import hashlib
import os

import pytest
from aiohttp import web

from helpers.app_thread import AppThread
from helpers.cut_relay import CutRelay
from helpers.gateway import running_service
from workers.gateway_client import GatewayClient, GatewayRefused
from workers.identity import Identity
from workers.key_cache import CHUNK, KeyCache, KeyHashMismatch
from workers.policies import RoundRobin
from zkprove.formats.key_files import read_proving_key

BODY = os.urandom(3 * CHUNK + 12345)
SHA = hashlib.sha256(BODY).hexdigest()


class RangeServer:
    """Serves ``BODY`` at ``/v1/key/<sha>``; ``cut_after`` bytes into a body the connection is dropped once."""

    def __init__(self):
        self.cut_after: int | None = None
        self.ignore_range = False
        self.ranges: list[str | None] = []
        self.app = AppThread(lambda app: app.router.add_get("/v1/key/{sha}", self._key))
        self.port = self.app.port

    async def _key(self, request):
        if request.match_info["sha"] != SHA:
            return web.json_response({"error": "no such key", "code": "not_found"}, status=404)
        header = request.headers.get("Range")
        self.ranges.append(header)
        start = 0 if header is None or self.ignore_range else int(header.removeprefix("bytes=").split("-")[0])
        if start >= len(BODY):
            return web.json_response({"error": "past the end", "code": "range_not_satisfiable"}, status=416)
        response = web.StreamResponse(status=206 if start else 200)
        response.content_length = len(BODY) - start
        if start:
            response.headers["Content-Range"] = f"bytes {start}-{len(BODY) - 1}/{len(BODY)}"
        await response.prepare(request)
        body = BODY[start:]
        if self.cut_after is not None:
            await response.write(body[:self.cut_after])
            self.cut_after = None
            request.transport.close()
            return response
        await response.write(body)
        await response.write_eof()
        return response



@pytest.fixture
def server():
    s = RangeServer()
    yield s
    s.app.close()


@pytest.fixture
def client(server):
    return GatewayClient(f"http://127.0.0.1:{server.port}", Identity.generate())


def test_a_cut_download_resumes_from_the_part_file(server, client, tmp_path):
    cache = KeyCache(tmp_path)
    server.cut_after = CHUNK + 777
    with pytest.raises(ConnectionError):  # the gateway client's Unreachable, or the cache's short body
        cache.fetch(SHA, len(BODY), client)
    held = cache.part(SHA).stat().st_size
    assert 0 < held < len(BODY) and not cache.path(SHA).exists()
    seen = []
    path = cache.fetch(SHA, len(BODY), client, lambda done, total: seen.append(done))
    assert server.ranges == [None, f"bytes={held}-"]
    assert path.read_bytes() == BODY and not cache.part(SHA).exists()
    assert seen[-1] == len(BODY) and seen == sorted(seen)
    assert cache.fetch(SHA, len(BODY), client) == path and len(server.ranges) == 2  # cached: no request


def test_a_wrong_hash_is_refused_and_deleted(server, client, tmp_path):
    cache = KeyCache(tmp_path)
    part = cache.part(SHA)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(b"\0" * 1000)  # a corrupt prefix: the resumed file is whole in size but wrong
    with pytest.raises(KeyHashMismatch, match=f"expected {SHA}") as caught:
        cache.fetch(SHA, len(BODY), client)
    actual = hashlib.sha256(b"\0" * 1000 + BODY[1000:]).hexdigest()
    assert actual in str(caught.value)
    assert not part.exists() and not cache.path(SHA).exists()
    assert cache.fetch(SHA, len(BODY), client).read_bytes() == BODY  # the next try starts clean


def test_range_edge_cases(server, client, tmp_path):
    cache = KeyCache(tmp_path)
    cache.folder.mkdir(parents=True, exist_ok=True)
    # a .part already whole: no request, only the hash check
    cache.part(SHA).write_bytes(BODY)
    assert cache.fetch(SHA, len(BODY), client).read_bytes() == BODY and server.ranges == []
    cache.path(SHA).unlink()
    # a .part longer than the key: dropped, fetched from zero
    cache.part(SHA).write_bytes(BODY + b"extra")
    assert cache.fetch(SHA, len(BODY), client).read_bytes() == BODY and server.ranges == [None]
    cache.path(SHA).unlink()
    # a server that ignores the range and sends the whole file (200): the .part restarts from zero
    cache.part(SHA).write_bytes(BODY[:5000])
    server.ignore_range = True
    assert cache.fetch(SHA, len(BODY), client).read_bytes() == BODY
    cache.path(SHA).unlink()
    server.ignore_range = False
    # a key that is larger than announced: refused, not written past the size
    with pytest.raises(ValueError, match="more than the 100 bytes"):
        cache.fetch(SHA, 100, client)
    # an unknown key: the gateway's refusal, with its code
    other = "0" * 64
    with pytest.raises(GatewayRefused, match="not_found"):
        cache.fetch(other, 10, client)
    with pytest.raises(ValueError, match="64 lowercase hex"):
        cache.fetch("../etc/passwd", 10, client)


@pytest.mark.slow  # a live service: Ray and the rollup's dev keys, about 40 s on two loaded cores
def test_a_download_from_the_real_gateway_cut_midway_resumes_and_loads(tmp_path):
    with running_service(tmp_path, RoundRobin(30.0), "key-cache-test") as running:
        host, port = running.service.gateway_address
        relay = CutRelay((host, port), cut_after=CHUNK + 4321)  # headers plus about a MiB of the body
        try:
            client = GatewayClient(f"http://127.0.0.1:{relay.port}", Identity.generate())
            key = client.hello()["key"]
            sha, size = key["sha256"], int(key["size"])
            cache = KeyCache(tmp_path / "keys")
            with pytest.raises(ConnectionError):
                cache.fetch(sha, size, client)
            held = cache.part(sha).stat().st_size
            assert relay.cuts == 1 and 0 < held < size and not cache.path(sha).exists()
            with pytest.raises(GatewayRefused, match="range_not_satisfiable"):
                client.open(sha, size)  # a range at the end: nothing left to send
            with pytest.raises(GatewayRefused, match="wrong_key"):
                KeyCache(tmp_path / "other").fetch("0" * 64, size, client)
            seen = []
            path = cache.fetch(sha, size, client, lambda done, total: seen.append(done))
        finally:
            relay.close()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha and not cache.part(sha).exists()
        assert seen[0] > held and seen[-1] == size  # it went on from the .part, not from byte 0
        assert read_proving_key(path).n_public == running.workload.pk.n_public
