"""The HTTP side of an external prover: signed requests to the prover gateway, as its wire protocol (v1) says.

Plain blocking HTTP/1.1 from the standard library (:mod:`http.client`), one
request at a time: a prover does one thing at a time, and a blocking client
keeps the retry logic of :mod:`workers.external_prover` straight-line. The
requests share one kept-alive connection, so an attempt pays a TCP handshake
(one round trip) only when that connection was lost; a connection the
gateway closed while idle is noticed before sending and replaced. The key's
download streams on a connection of its own. Every request but
``GET /v1/hello`` carries the identity's signature headers
(:func:`workers.gateway_protocol.sign_headers`). The errors a caller tells
apart:

* :class:`Unreachable` (a ConnectionError): no answer, a dropped
  connection, a 5xx or a rate limit — worth retrying after a pause;
* :class:`GatewayRefused`: a 4xx with the gateway's reason ``code``
  (``not_registered``, ``past_deadline``, ...), which retrying will not fix.
"""

from __future__ import annotations

import http.client
import json
import select
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from .gateway_protocol import WORK_FRAMED, sign_headers, unframe_work
from .identity import Identity

BASE = "/v1"
TIMEOUT_S = 30.0
"""Socket timeout of an ordinary request; a long poll adds its wait."""
CHUNK = 1 << 20
MAX_ANSWER = 256 << 20
"""Bytes of a JSON answer, at most (a long poll's answer carries its witnesses inline)."""
TRANSIENT = {429, 500, 502, 503, 504}


class Unreachable(ConnectionError):
    """The gateway did not answer, dropped the connection, or asked to be retried later."""


class GatewayRefused(ValueError):
    """The gateway refused a request: ``status`` and its reason ``code`` from the error body."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"gateway refused ({status} {code}): {message}")
        self.status, self.code = status, code


def parse_gateway_url(url: str) -> tuple[str, int]:
    """(host, port) of an ``http://host:port`` URL; a ValueError naming what is wrong otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"--gateway must be an http://HOST:PORT URL, not {url!r}")
    if parts.path not in ("", "/") or parts.query:
        raise ValueError(f"--gateway must name only scheme, host and port (the API lives at {BASE}), not {url!r}")
    try:
        port = parts.port or 80
    except ValueError as error:
        raise ValueError(f"--gateway {url!r}: {error}") from None
    return parts.hostname, port


def _dropped(connection: http.client.HTTPConnection) -> bool:
    """Whether an idle kept connection was closed by the other end: its socket reads (EOF) at once."""
    if connection.sock is None:
        return True
    readable, _, _ = select.select([connection.sock], [], [], 0)
    return bool(readable)


class GatewayClient:
    """Signed requests to one gateway under one identity."""

    def __init__(self, url: str, identity: Identity):
        self.url = url
        self.host, self.port = parse_gateway_url(url)
        self.identity = identity
        self._kept: http.client.HTTPConnection | None = None

    def hello(self) -> dict[str, Any]:
        return self._json("GET", "/hello", signed=False)

    def get(self, path: str, timeout_s: float = TIMEOUT_S) -> dict[str, Any]:
        return self._json("GET", path, timeout_s=timeout_s)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._json("POST", path, body)

    def work(self, wait_s: float) -> tuple[dict[str, Any], list[bytes]]:
        """One long poll of at most ``wait_s``: the answer and each assignment's witness, in one framed
        answer (:func:`workers.gateway_protocol.frame_work`)."""
        response, data = self._read("GET", f"/work?wait={wait_s:g}", MAX_ANSWER, timeout_s=wait_s + TIMEOUT_S,
                                    headers={"Accept": WORK_FRAMED})
        if len(data) > MAX_ANSWER or response.getheader("Content-Type", "").split(";")[0] != WORK_FRAMED:
            raise Unreachable(f"gateway {self.url}: GET /work answered something other than a framed work answer")
        try:
            return unframe_work(data)
        except ValueError as error:
            raise Unreachable(f"gateway {self.url}: {error}") from None

    def download(self, path: str, limit: int, what: str) -> bytes:
        """A binary answer of at most ``limit`` bytes (the warm-up witness), ValueError naming ``what`` if longer."""
        _, data = self._read("GET", path, limit)
        if len(data) > limit:
            raise ValueError(f"{what}: more than the {limit} bytes announced")
        return data

    def open(self, sha256: str, start: int) -> tuple[int, Iterator[bytes]]:
        """:class:`workers.key_cache.RangeSource`: the key's bytes from ``start`` on, streamed in chunks."""
        headers = {"Range": f"bytes={start}-"} if start else {}
        connection = self._connect(TIMEOUT_S)
        try:
            status, response = self._request(connection, "GET", f"/key/{sha256}", b"", headers, True)
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            raise Unreachable(f"gateway {self.url}: {error or type(error).__name__}") from None
        if status not in (200, 206):
            try:
                self._raise_for(status, response)
            finally:
                connection.close()
        return status, self._chunks(response, connection)

    def close(self) -> None:
        """Close the kept connection (the next request opens a new one)."""
        if self._kept is not None:
            self._kept.close()
            self._kept = None

    def _chunks(self, response: http.client.HTTPResponse, connection: http.client.HTTPConnection) -> Iterator[bytes]:
        try:
            while chunk := response.read(CHUNK):
                yield chunk
        except (OSError, http.client.HTTPException) as error:
            raise Unreachable(f"gateway {self.url}: the key download broke off ({error or type(error).__name__})") \
                from None
        finally:
            connection.close()

    def _json(self, method: str, path: str, body: dict[str, Any] | None = None, signed: bool = True,
              timeout_s: float = TIMEOUT_S) -> dict[str, Any]:
        raw = b"" if body is None else json.dumps(body).encode()
        _, data = self._read(method, path, MAX_ANSWER, raw, signed, timeout_s)
        if len(data) > MAX_ANSWER:
            raise Unreachable(f"gateway {self.url}: {method} {path} answered more than {MAX_ANSWER} bytes")
        try:
            return json.loads(data)
        except ValueError:
            raise Unreachable(f"gateway {self.url}: {method} {path} answered something that is not JSON") from None

    def _read(self, method: str, path: str, limit: int, body: bytes = b"", signed: bool = True,
              timeout_s: float = TIMEOUT_S, headers: dict[str, str] | None = None,
              ) -> tuple[http.client.HTTPResponse, bytes]:
        """One request and its answer's bytes, at most ``limit`` + 1 of them (one more than ``limit``: the
        answer is longer, and its connection is closed, as it cannot carry another request)."""
        status, response = self._exchange(method, path, body, signed, timeout_s, headers)
        try:
            self._raise_for(status, response)
            data = response.read(limit + 1)
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise Unreachable(f"gateway {self.url}: {error or type(error).__name__}") from None
        finally:
            if not response.isclosed():
                self.close()  # an answer left unread (too long, or refused): the connection is spent
        return response, data

    def _exchange(self, method: str, path: str, body: bytes = b"", signed: bool = True,
                  timeout_s: float = TIMEOUT_S, headers: dict[str, str] | None = None,
                  ) -> tuple[int, http.client.HTTPResponse]:
        """Send on the kept connection (a new one if there is none, or if the gateway closed it while
        idle) and read the status line."""
        if self._kept is not None and _dropped(self._kept):
            self.close()
        if self._kept is None:
            self._kept = self._connect(timeout_s)
        self._kept.timeout = timeout_s
        if self._kept.sock is not None:
            self._kept.sock.settimeout(timeout_s)
        try:
            status, response = self._request(self._kept, method, path, body, headers or {}, signed)
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise Unreachable(f"gateway {self.url}: {error or type(error).__name__}") from None
        if response.will_close:
            self._kept = None  # its response still reads; the connection closes with it
        return status, response

    def _connect(self, timeout_s: float) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout_s)

    def _request(self, connection: http.client.HTTPConnection, method: str, path: str, body: bytes,
                 headers: dict[str, str], signed: bool) -> tuple[int, http.client.HTTPResponse]:
        full = BASE + path
        headers = dict(headers)
        if body:
            headers["Content-Type"] = "application/json"
        if signed:
            headers.update(sign_headers(self.identity, method, full, body))
        connection.request(method, full, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response

    def _raise_for(self, status: int, response: http.client.HTTPResponse) -> None:
        if status < 400:
            return
        raw = response.read(64 * 1024)
        try:
            answer = json.loads(raw)
            code, message = str(answer.get("code", "")), str(answer.get("error", ""))
        except (ValueError, AttributeError):
            code, message = "", raw[:200].decode(errors="replace")
        if status in TRANSIENT:
            raise Unreachable(f"gateway {self.url}: HTTP {status} {code} {message}".rstrip())
        raise GatewayRefused(status, code, message)


__all__ = ["BASE", "GatewayClient", "GatewayRefused", "Unreachable", "parse_gateway_url"]
