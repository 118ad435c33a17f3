"""A proving key's points validated once: the verdict kept beside the key file, bound to its bytes.

Validating every point of a proving key (each coordinate below p, each point
on its curve, every G2 point in the r-order subgroup) takes seconds at 2^16
wires, most of it the G2 subgroup checks, and a fresh ``zkprove prove`` would
pay it in every process. So the first reader of a key file validates all of
it and writes a **sidecar** ``<key>.checked`` (docs/formats.md, "Proving-key
sidecar"), UTF-8 JSON::

    {"format": "zkprove-key-check", "version": 1, "key_format": "zkey",
     "checks": 1, "checked": [...what was checked...], "size": 36700676,
     "blake2b": "<64 hex digits>"}

``blake2b`` is BLAKE2b-256 (RFC 7693) over the key file's bytes in keyed
mode, keyed with a secret of this user's (:func:`user_secret`, 32 random
bytes made on first use in ``$ZKPROVE_CACHE``, by default
``$XDG_CACHE_HOME/zkprove`` or ``~/.cache/zkprove``). A later reader
hashes the bytes it has read (about 40 ms for a 2^16 key; the hash and the
parse use the same bytes, so a file changed between the two cannot slip
through) and skips the point checks only if the sidecar holds this digest,
this key format and :data:`CHECKS`, the version of the checks. Anything
else (no sidecar, an unreadable or malformed one, one made for other bytes,
by another user or on another machine, or by an older zkprove) is ignored:
the key is validated again, a bad point refused with its section and index,
and a good key's sidecar rewritten. Keying the hash means a sidecar cannot
be forged or shipped with a key: only this user's own zkprove can have
written a matching one. Where no sidecar can be written (a read-only
folder) or no secret kept (a read-only home), the key is simply validated
in every process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

FORMAT = "zkprove-key-check"
VERSION = 1
#: The version of the checks a verdict covers; raise it when the readers' point checks change.
CHECKS = 1
CHECKED = ("every coordinate below p", "every point on its curve", "every G2 point in the r-order subgroup")
SUFFIX = ".checked"
CACHE_ENV = "ZKPROVE_CACHE"
SECRET_BYTES = 32
MAX_SIDECAR_BYTES = 4096


def sidecar_path(key_path: str | os.PathLike) -> Path:
    """``<key>.checked``, beside the key file."""
    key_path = Path(key_path)
    return key_path.with_name(key_path.name + SUFFIX)


def user_secret() -> bytes | None:
    """This user's key for the sidecar digests, made on first use; None where it cannot be kept."""
    try:
        cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        folder = Path(os.environ.get(CACHE_ENV) or Path(cache) / "zkprove")
        path = folder / "key-check.secret"
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            _make_secret(folder, path)
        secret = path.read_bytes()
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    return secret if len(secret) == SECRET_BYTES else None


def _make_secret(folder: Path, path: Path) -> None:
    """Write a fresh secret to ``path`` atomically: of two first readers at once, one secret wins."""
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as handle:
        os.chmod(handle.name, 0o600)
        handle.write(secrets.token_bytes(SECRET_BYTES))
    try:
        os.link(handle.name, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(handle.name)


@dataclass(frozen=True)
class KeyCheck:
    """The digest of one key file's bytes (None without a secret), and whether its sidecar holds a verdict for them."""

    path: Path
    record: dict
    sealed: bool

    @classmethod
    def of(cls, path: str | os.PathLike, data: bytes, key_format: str) -> KeyCheck:
        """Hash ``data`` (the file's bytes, as read) and look for a matching sidecar."""
        secret = user_secret()
        digest = None if secret is None else hashlib.blake2b(data, digest_size=32, key=secret).hexdigest()
        record = {"format": FORMAT, "version": VERSION, "key_format": key_format, "checks": CHECKS,
                  "checked": list(CHECKED), "size": len(data), "blake2b": digest}
        return cls(Path(path), record, digest is not None and _stored(sidecar_path(path)) == record)

    def seal(self) -> bool:
        """Write the sidecar, after a full validation of these bytes; False where it cannot be written."""
        if self.record["blake2b"] is None:
            return False
        target = sidecar_path(self.path)
        try:
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        except OSError:
            return False
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(self.record, handle)
            os.replace(temp, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            return False
        return True


def _stored(path: Path) -> object:
    """A sidecar's content, or None when it is absent, too long or not JSON."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SIDECAR_BYTES + 1)
        return json.loads(raw) if len(raw) <= MAX_SIDECAR_BYTES else None
    except (OSError, ValueError):
        return None


__all__ = ["CHECKS", "FORMAT", "KeyCheck", "SUFFIX", "VERSION", "sidecar_path", "user_secret"]
