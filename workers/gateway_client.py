"""The HTTP side of an external prover: signed requests to the prover gateway, as its wire protocol (v1) says.

Plain blocking HTTP/1.1 from the standard library (:mod:`http.client`), one
request at a time: a prover does one thing at a time, and a blocking client
keeps the retry logic of :mod:`workers.external_prover` straight-line. Every
request but ``GET /v1/hello`` carries the identity's signature headers
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
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from .gateway_protocol import sign_headers
from .identity import Identity

BASE = "/v1"
TIMEOUT_S = 30.0
"""Socket timeout of an ordinary request; a long poll adds its wait."""
CHUNK = 1 << 20
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


class GatewayClient:
    """Signed requests to one gateway under one identity."""

    def __init__(self, url: str, identity: Identity):
        self.url = url
        self.host, self.port = parse_gateway_url(url)
        self.identity = identity

    def hello(self) -> dict[str, Any]:
        return self._json("GET", "/hello", signed=False)

    def get(self, path: str, timeout_s: float = TIMEOUT_S) -> dict[str, Any]:
        return self._json("GET", path, timeout_s=timeout_s)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._json("POST", path, body)

    def witness(self, job_id: int, attempt: int, limit: int) -> bytes:
        """The witness bytes of an attempt this prover holds, refusing an answer longer than ``limit``."""
        return self.download(f"/witness/{job_id}/{attempt}", limit, f"witness of job {job_id} attempt {attempt}")

    def download(self, path: str, limit: int, what: str) -> bytes:
        """A binary answer of at most ``limit`` bytes (a witness), ValueError naming ``what`` if longer."""
        status, response, connection = self._send("GET", path)
        try:
            self._raise_for(status, response)
            data = response.read(limit + 1)
        except (OSError, http.client.HTTPException) as error:
            raise Unreachable(f"gateway {self.url}: {error or type(error).__name__}") from None
        finally:
            connection.close()
        if len(data) > limit:
            raise ValueError(f"{what}: more than the {limit} bytes announced")
        return data

    def open(self, sha256: str, start: int) -> tuple[int, Iterator[bytes]]:
        """:class:`workers.key_cache.RangeSource`: the key's bytes from ``start`` on, streamed in chunks."""
        headers = {"Range": f"bytes={start}-"} if start else {}
        status, response, connection = self._send("GET", f"/key/{sha256}", headers=headers)
        if status not in (200, 206):
            try:
                self._raise_for(status, response)
            finally:
                connection.close()
        return status, self._chunks(response, connection)

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
        status, response, connection = self._send(method, path, raw, signed=signed, timeout_s=timeout_s)
        try:
            self._raise_for(status, response)
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise Unreachable(f"gateway {self.url}: {error or type(error).__name__}") from None
        finally:
            connection.close()
        try:
            return json.loads(data)
        except ValueError:
            raise Unreachable(f"gateway {self.url}: {method} {path} answered something that is not JSON") from None

    def _send(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
              signed: bool = True, timeout_s: float = TIMEOUT_S):
        full = BASE + path
        headers = dict(headers or {})
        if body:
            headers["Content-Type"] = "application/json"
        if signed:
            headers.update(sign_headers(self.identity, method, full, body))
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout_s)
        try:
            connection.request(method, full, body=body or None, headers=headers)
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            raise Unreachable(f"gateway {self.url}: {error or type(error).__name__}") from None
        return response.status, response, connection

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
