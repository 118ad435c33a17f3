"""Proving keys cached by content hash, downloaded with resumable range requests and checked before use.

An external prover needs the service's proving key (tens to hundreds of MB)
before its first proof, over a link that may drop. The cache keeps each key
under its SHA-256 in ``$ZKPROVE_CACHE/keys`` (the folder
:mod:`zkprove.formats.key_check` keeps its secret in; by default
``$XDG_CACHE_HOME/zkprove`` or ``~/.cache/zkprove``):

* ``<sha256>.part`` holds the bytes received so far. A download asks for
  ``Range: bytes=<size of .part>-`` (RFC 9110, section 14.2) and appends, so
  a dropped connection costs only what was in flight; a server that answers
  200 instead of 206 (it ignored the range) restarts the file from zero.
* when ``.part`` reaches the advertised size, the SHA-256 of the whole file
  is computed; only a match is renamed to ``<sha256>`` (atomic on one
  filesystem), and a mismatch deletes the ``.part`` and raises
  :class:`KeyHashMismatch` naming both hashes.
* ``<sha256>.lock`` is held (``flock``) while a key is fetched, so that
  provers sharing one cache download it once, one after the other;
* bytes stream in :data:`CHUNK` pieces, so memory stays bounded whatever
  the key's size.

A cached key is then read with
:func:`zkprove.formats.key_files.read_proving_key`, which validates every
point on the first load and keeps that verdict in its keyed sidecar, so
later processes skip the point checks.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from zkprove.formats.key_check import CACHE_ENV

CHUNK = 1 << 20
"""Bytes read from the connection and hashed at a time."""
PART = ".part"
LOCK = ".lock"


class KeyHashMismatch(ValueError):
    """A downloaded key whose bytes do not hash to the SHA-256 it was asked for (the file is deleted)."""


class RangeSource(Protocol):
    """Where the bytes come from: ``open(sha256, start)`` -> (status, chunks); status 200 is the whole file,
    206 the bytes from ``start`` on."""

    def open(self, sha256: str, start: int) -> tuple[int, Iterator[bytes]]: ...


Progress = Callable[[int, int], None]
"""Called with (bytes held, total bytes) as the download advances."""


def cache_folder() -> Path:
    """``$ZKPROVE_CACHE/keys``, by default under ``$XDG_CACHE_HOME/zkprove`` or ``~/.cache/zkprove``."""
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(os.environ.get(CACHE_ENV) or Path(cache) / "zkprove") / "keys"


def _check_hex(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"a key's sha256 must be 64 lowercase hex digits, not {sha256!r}")
    return sha256


class KeyCache:
    """The keys in one folder, each named by its SHA-256."""

    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else cache_folder()

    def path(self, sha256: str) -> Path:
        return self.folder / _check_hex(sha256)

    def part(self, sha256: str) -> Path:
        return self.folder / (_check_hex(sha256) + PART)

    def fetch(self, sha256: str, size: int, source: RangeSource, progress: Progress | None = None) -> Path:
        """The key's path, downloading what is missing first (resuming a ``.part``); one call, one connection.

        Raises :class:`KeyHashMismatch` (the ``.part`` deleted) when the
        whole file does not hash to ``sha256``, ValueError when the server
        sends more than ``size`` bytes, and the source's connection errors
        (OSError) as they come: the bytes received so far stay in ``.part``
        for the next call.
        """
        final = self.path(sha256)
        if final.exists():
            return final
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / (sha256 + LOCK), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one download per key: provers sharing a cache wait for it
            if final.exists():
                return final
            return self._download(sha256, size, source, final, progress)

    def _download(self, sha256: str, size: int, source: RangeSource, final: Path, progress: Progress | None) -> Path:
        part = self.part(sha256)
        held = part.stat().st_size if part.exists() else 0
        if held > size:
            part.unlink()
            held = 0
        if held < size:
            self._receive(sha256, size, source, part, held, progress)
        if progress is not None:
            progress(size, size)
        return self._seal(sha256, part, final)

    def _receive(self, sha256: str, size: int, source: RangeSource, part: Path, held: int,
                 progress: Progress | None) -> None:
        status, chunks = source.open(sha256, held)
        if status == 200:
            held = 0  # the server sent the whole file: start again from its first byte
        elif status != 206:
            raise ValueError(f"key {sha256[:16]}: the gateway answered HTTP {status} to a range request")
        with open(part, "r+b" if held else "wb") as handle:
            handle.truncate(held)
            handle.seek(held)
            for chunk in chunks:
                held += len(chunk)
                if held > size:
                    raise ValueError(f"key {sha256[:16]}: the gateway sent more than the {size} bytes it announced")
                handle.write(chunk)
                if progress is not None:
                    progress(held, size)
        if held < size:
            raise ConnectionError(f"key {sha256[:16]}: the download ended at {held} of {size} bytes")

    @staticmethod
    def _seal(sha256: str, part: Path, final: Path) -> Path:
        digest = hashlib.sha256()
        with open(part, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        actual = digest.hexdigest()
        if actual != sha256:
            part.unlink()
            raise KeyHashMismatch(f"downloaded key hashes to sha256 {actual}, expected {sha256}; the file was deleted")
        os.replace(part, final)
        return final


__all__ = ["CHUNK", "KeyCache", "KeyHashMismatch", "RangeSource", "cache_folder"]
