"""The gateway's key store: the proving key written once under its sha256, served in byte ranges.

Content addressing (the file is named by the sha256 of its bytes) lets a
client cache keys by hash, check a download against the name it asked for,
and resume a cut download with ``Range: bytes=A-`` (RFC 9110, section 14).
The file is streamed in chunks of :data:`~workers.gateway_protocol.KEY_CHUNK`
bytes, so serving it takes bounded memory however large the key.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path
from typing import Any

from aiohttp import web

from . import gateway_protocol as gp


def write_key_file(pk: Any, folder: Path) -> Path:
    """Save ``pk`` (:func:`zkprove.formats.npz_key_file.save_proving_key`) as ``folder/<sha256>.npz``; its path."""
    from zkprove.formats.npz_key_file import save_proving_key

    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f"incoming-{os.getpid()}.npz"
    save_proving_key(pk, temporary)
    digest = hashlib.sha256()
    with temporary.open("rb") as f:
        while chunk := f.read(gp.KEY_CHUNK):
            digest.update(chunk)
    final = folder / f"{digest.hexdigest()}.npz"
    os.replace(temporary, final)
    return final


def byte_range(header: str | None, size: int) -> tuple[int, int]:
    """``[start, end)`` of a single ``bytes=A-``, ``bytes=A-B`` or ``bytes=-N`` range, or a Refusal (416)."""
    if header is None:
        return 0, size
    spec = header.removeprefix("bytes=")
    first, sep, last = spec.partition("-")
    if spec == header or not sep or "," in spec or not (first + last).isdigit():
        raise gp.Refusal("range_not_satisfiable", "Range must be one bytes=A-, bytes=A-B or bytes=-N")
    if not first:
        start, end = max(0, size - int(last)), size
    else:
        start, end = int(first), size if not last else min(int(last) + 1, size)
    if start >= size or start >= end:
        raise gp.Refusal("range_not_satisfiable", f"the key has {size} bytes")
    return start, end


async def serve_file(request: web.Request, path: Path, sha256: str, size: int) -> web.StreamResponse:
    """The file at ``path`` (or the requested range of it: 206 with ``Content-Range``), ETag its sha256."""
    start, end = byte_range(request.headers.get("Range"), size)
    partial = "Range" in request.headers
    response = web.StreamResponse(status=206 if partial else 200, headers={
        "ETag": f'"{sha256}"', "Accept-Ranges": "bytes", "Content-Type": "application/octet-stream"})
    if partial:
        response.headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    response.content_length = end - start
    await response.prepare(request)
    with path.open("rb") as f:
        f.seek(start)
        left = end - start
        while left:
            chunk = await asyncio.to_thread(f.read, min(gp.KEY_CHUNK, left))
            if not chunk:  # the file shrank under us: end short, the client's hash check catches it
                break
            await response.write(chunk)
            left -= len(chunk)
    await response.write_eof()
    return response
