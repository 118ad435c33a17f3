"""The prover gateway's wire protocol v1: what the gateway server and an external prover client share.

Plain data and pure functions only (no server code), so the client, the
server and the WAN bench sign, check and hash identically:

* :func:`signed_message` / :func:`sign_headers` / :func:`check_headers`: every
  request but ``GET /v1/hello`` is signed with the prover's Ed25519 key
  (RFC 8032) over the method, the path with its query, a timestamp, a random
  nonce and sha256 of the body, so a request cannot be altered, replayed
  within the clock window, or replayed after it (the timestamp is too old);
* :func:`commitment` / :func:`canonical_proof_bytes`: commit-then-reveal, so a
  proof copied from another prover earns nothing (docs/gateway.md);
* :func:`parse_proof`: proof JSON with coordinates as ints or decimal
  strings, anything else refused with the reason;
* :data:`CODES`: the fixed vocabulary of refusal codes and their HTTP status;
* the limits every side needs to know (also sent in ``hello``).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Mapping

from zkprove.field.params import P

from .identity import PUBLIC_KEY_SIZE, SIGNATURE_SIZE, Identity, prover_id_of, verify

VERSION = "v1"
BASE = "/v1"
DOMAIN = b"zkprove-gateway-v1\n"
COMMIT_DOMAIN = b"zkprove-commit-v1"
HEADERS = ("X-Zk-Key", "X-Zk-Time", "X-Zk-Nonce", "X-Zk-Signature")

WORK_FRAMED = "application/vnd.zkprove.work"
"""``Accept`` value of a long poll that wants its witnesses in the answer (:func:`frame_work`), so an
attempt costs no request for its inputs; without it the answer is JSON and witnesses come from
``GET /v1/witness``."""
MAX_BODY = 64 * 1024
"""Bytes of a JSON request body, at most."""
CLOCK_WINDOW_S = 30
"""A signed request's time may differ from the server's clock by this much."""
LONG_POLL_MAX_S = 30.0
NONCES_PER_KEY = 4096
"""Nonces remembered per key within the window; a key that would need more is refused (``rate_limited``)."""
RATE_PER_S = 50.0
RATE_BURST = 100
MAX_CONNECTIONS = 256
HANDLER_TIMEOUT_S = 60.0
KEY_CHUNK = 1 << 20
"""Bytes per chunk of a streamed key download."""
MAX_ERROR_TEXT = 1000
REVEALED_REMEMBERED = 4096
"""Revealed attempts the gateway remembers, to answer a resent reveal with ``already_revealed``."""
ATTEMPT_ROUND_TRIPS = 3
"""Round trips one attempt costs an external prover on its kept connection: the long poll's answer
(half), the reveal (half), a new connection's handshake when the kept one was lost (one), and one to
spare for jitter and a resent request. An external prover's deadlines grow by this many times the
round-trip time it declares."""
MAX_RTT_S = 5.0
"""The largest round-trip time a prover may declare (its deadlines grow by ATTEMPT_ROUND_TRIPS times it)."""

LIMITS = {
    "max_body": MAX_BODY, "clock_window_s": CLOCK_WINDOW_S, "long_poll_max_s": LONG_POLL_MAX_S,
    "nonces_per_key": NONCES_PER_KEY, "rate_per_s": RATE_PER_S, "rate_burst": RATE_BURST,
    "max_connections": MAX_CONNECTIONS, "handler_timeout_s": HANDLER_TIMEOUT_S, "key_chunk": KEY_CHUNK,
}

CODES: dict[str, int] = {
    "malformed": 400, "unsigned": 401, "bad_signature": 401, "stale_timestamp": 401,
    "replayed_nonce": 401, "unknown_identity": 401, "not_registered": 403, "not_assigned": 403,
    "unknown_job": 404, "not_found": 404, "method_not_allowed": 405, "already_registered": 409,
    "wrong_key": 409, "past_deadline": 409, "no_commitment": 409, "commitment_mismatch": 409,
    "commitments_closed": 409, "already_committed": 409, "already_revealed": 409, "too_slow": 409, "body_too_large": 413,
    "range_not_satisfiable": 416, "rate_limited": 429, "internal": 500, "draining": 503,
    "too_many_connections": 503, "timeout": 503,
}
"""Every refusal code of protocol v1 and its HTTP status. ``unknown_identity``, ``unknown_job`` and
``draining`` are reserved by the contract with the client: this gateway answers a request for a job it does
not hold with ``not_assigned`` (it tells no stranger which jobs exist) and does not refuse registrations while
the service drains (provers help a drain finish)."""


@dataclass(frozen=True)
class Refusal(Exception):
    """Why a request is refused: a code of :data:`CODES` and the reason in words."""

    code: str
    reason: str

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unknown refusal code {self.code!r}")

    @property
    def status(self) -> int:
        return CODES[self.code]

    def body(self) -> dict[str, str]:
        return {"error": self.reason, "code": self.code}


@dataclass(frozen=True)
class Caller:
    """The verified sender of a signed request."""

    public_key: bytes
    prover_id: str


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def signed_message(method: str, path_with_query: str, at: int, nonce: str, body: bytes) -> bytes:
    """The bytes a request's signature covers (docs/gateway.md, section "Identity and signed requests")."""
    parts = (method.upper(), path_with_query, str(at), nonce, body_hash(body))
    return DOMAIN + "\n".join(parts).encode("ascii")


def sign_headers(identity: Identity, method: str, path_with_query: str, body: bytes = b"",
                 at: int | None = None, nonce: str | None = None) -> dict[str, str]:
    """The four ``X-Zk-*`` headers of a request signed by ``identity`` (time and nonce fresh unless given)."""
    at = int(time.time()) if at is None else at
    nonce = secrets.token_hex(16) if nonce is None else nonce
    signature = identity.sign(signed_message(method, path_with_query, at, nonce, body))
    return {"X-Zk-Key": identity.public_key.hex(), "X-Zk-Time": str(at), "X-Zk-Nonce": nonce,
            "X-Zk-Signature": signature.hex()}


class NonceStore:
    """Nonces seen per key within the clock window: bounded in time (entries expire) and in count per key.

    A key whose store is full is refused rather than made to forget a nonce
    still in the window, which would let that nonce be replayed.
    """

    def __init__(self, window_s: float = CLOCK_WINDOW_S, per_key: int = NONCES_PER_KEY):
        self.window_s = 2 * window_s  # a time may be window_s either side of the clock
        self.per_key = per_key
        self._seen: dict[bytes, OrderedDict[str, float]] = {}

    def _expire(self, key: bytes, now: float) -> OrderedDict[str, float]:
        seen = self._seen.setdefault(key, OrderedDict())
        while seen and next(iter(seen.values())) < now - self.window_s:
            seen.popitem(last=False)
        return seen

    def seen(self, key: bytes, nonce: str, now: float) -> bool:
        return nonce in self._expire(key, now)

    def full(self, key: bytes, now: float) -> bool:
        return len(self._expire(key, now)) >= self.per_key

    def add(self, key: bytes, nonce: str, now: float) -> None:
        self._expire(key, now)[nonce] = now

    def sweep(self, now: float) -> None:
        """Forget keys with no nonce left in the window."""
        for key in list(self._seen):
            if not self._expire(key, now):
                del self._seen[key]

    def __len__(self) -> int:
        return sum(len(s) for s in self._seen.values())


_HEX = re.compile(r"[0-9a-f]+")
_INT = re.compile(r"-?[0-9]{1,20}")


def _hex_header(headers: Mapping[str, str], name: str, size: int) -> bytes:
    value = headers.get(name, "")
    if len(value) != 2 * size or not _HEX.fullmatch(value):
        raise Refusal("unsigned", f"{name} must be {2 * size} lowercase hex digits")
    return bytes.fromhex(value)


def check_headers(headers: Mapping[str, str], method: str, path_with_query: str, body: bytes,
                  nonces: NonceStore, now: float | None = None) -> Caller | Refusal:
    """The verified caller of a request, or the :class:`Refusal` that says why it is not accepted.

    Checked cheapest first: header shapes, the clock window, the nonce (not
    yet seen from this key), then the signature; a nonce is remembered only
    once the signature holds, so forged requests cannot fill the store.
    """
    now = time.time() if now is None else now
    try:
        if any(name not in headers for name in HEADERS):
            raise Refusal("unsigned", "a signed request needs the headers " + ", ".join(HEADERS))
        key = _hex_header(headers, "X-Zk-Key", PUBLIC_KEY_SIZE)
        nonce = headers["X-Zk-Nonce"]
        _hex_header(headers, "X-Zk-Nonce", 16)
        signature = _hex_header(headers, "X-Zk-Signature", SIGNATURE_SIZE)
        if not _INT.fullmatch(headers["X-Zk-Time"]):
            raise Refusal("unsigned", "X-Zk-Time must be integer unix seconds")
        at = int(headers["X-Zk-Time"])
        if abs(at - now) > CLOCK_WINDOW_S:
            raise Refusal("stale_timestamp", f"X-Zk-Time {at} is more than {CLOCK_WINDOW_S} s from "
                                             f"the server's clock ({int(now)})")
        if nonces.seen(key, nonce, now):
            raise Refusal("replayed_nonce", "this nonce was already used by this key")
        if nonces.full(key, now):
            raise Refusal("rate_limited", f"more than {nonces.per_key} requests from this key within "
                                          f"{2 * CLOCK_WINDOW_S} s")
        if not verify(key, signed_message(method, path_with_query, at, nonce, body), signature):
            raise Refusal("bad_signature", "the signature does not match the key and the request")
    except Refusal as refusal:
        return refusal
    nonces.add(key, nonce, now)
    return Caller(key, prover_id_of(key))


def _coordinate(value: Any, where: str) -> int:
    if isinstance(value, bool):
        raise Refusal("malformed", f"proof {where}: a boolean, not a number")
    if isinstance(value, str):
        if not value.isascii() or not value.isdigit() or len(value) > 78:
            raise Refusal("malformed", f"proof {where}: a string that is not a decimal integer")
        value = int(value)
    if not isinstance(value, int):
        raise Refusal("malformed", f"proof {where}: expected an integer or a decimal string, "
                                   f"got {type(value).__name__}")
    if not 0 <= value < P:
        raise Refusal("malformed", f"proof {where}: outside the base field [0, p)")
    return value


def _pair(value: Any, where: str) -> list:
    if not isinstance(value, list) or len(value) != 2:
        raise Refusal("malformed", f"proof {where}: expected a list of two")
    return value


def frame_work(answer: dict[str, Any], witnesses: list[bytes]) -> bytes:
    """A long poll's answer with its witnesses (:data:`WORK_FRAMED`): the JSON answer's length as 4
    bytes big-endian, the JSON, then each assignment's witness, ``witness_size`` bytes each, in order."""
    header = json.dumps(answer).encode()
    return len(header).to_bytes(4, "big") + header + b"".join(witnesses)


def unframe_work(data: bytes) -> tuple[dict[str, Any], list[bytes]]:
    """The inverse of :func:`frame_work`; ValueError naming the byte offset of a frame that does not add up."""
    if len(data) < 4:
        raise ValueError(f"a framed work answer is at least 4 bytes, this one {len(data)}")
    end = 4 + int.from_bytes(data[:4], "big")
    if end > len(data):
        raise ValueError(f"the work answer's header claims bytes 4..{end}, the frame has {len(data)}")
    try:
        answer = json.loads(data[4:end])
        sizes = [int(a["witness_size"]) for a in answer["assignments"]]
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(f"the work answer's header (bytes 4..{end}) is not a work answer: {error}") from None
    witnesses = []
    for size in sizes:
        if size < 0 or end + size > len(data):
            raise ValueError(f"a witness of {size} bytes at byte offset {end} runs past the frame's {len(data)}")
        witnesses.append(data[end:end + size])
        end += size
    if end != len(data):
        raise ValueError(f"{len(data) - end} bytes after the last witness at byte offset {end}")
    return answer, witnesses


def parse_proof(data: Any) -> dict[str, Any]:
    """A proof in :func:`workers.messages.proof_to_dict` form (ints) from wire JSON, or a ``malformed`` Refusal.

    Coordinates may be JSON integers or decimal strings, each in [0, p); the
    curve checks are the verifier's (an off-curve proof is an invalid proof).
    """
    if not isinstance(data, dict) or set(data) != {"a", "b", "c"}:
        raise Refusal("malformed", 'proof must be an object with exactly the keys "a", "b", "c"')
    a = [_coordinate(v, f"a[{i}]") for i, v in enumerate(_pair(data["a"], "a"))]
    b = [[_coordinate(v, f"b[{i}][{j}]") for j, v in enumerate(_pair(row, f"b[{i}]"))]
         for i, row in enumerate(_pair(data["b"], "b"))]
    c = [_coordinate(v, f"c[{i}]") for i, v in enumerate(_pair(data["c"], "c"))]
    return {"a": a, "b": b, "c": c}


def proof_to_wire(proof: dict[str, Any]) -> dict[str, Any]:
    """A proof dict with every coordinate as a decimal string (what clients emit)."""
    return {"a": [str(v) for v in proof["a"]], "b": [[str(v) for v in row] for row in proof["b"]],
            "c": [str(v) for v in proof["c"]]}


def canonical_proof_bytes(proof: dict[str, Any]) -> bytes:
    """a.x a.y b.x.re b.x.im b.y.re b.y.im c.x c.y, each 32 bytes big-endian (of a parsed proof)."""
    coords = [*proof["a"], *proof["b"][0], *proof["b"][1], *proof["c"]]
    return b"".join(int(v).to_bytes(32, "big") for v in coords)


def commitment(public_key: bytes, job_id: int, attempt: int, proof: dict[str, Any]) -> str:
    """sha256 binding a proof to its prover, job and attempt (docs/gateway.md, section "Commit, then reveal")."""
    data = (COMMIT_DOMAIN + public_key + job_id.to_bytes(8, "big") + attempt.to_bytes(4, "big")
            + canonical_proof_bytes(proof))
    return hashlib.sha256(data).hexdigest()
