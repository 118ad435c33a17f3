"""Ed25519 prover identities (RFC 8032, via pycryptodome) for the prover gateway.

An external prover is known by its public key alone: the key file is a
PKCS#8 PEM written with mode 0600, the prover id is derived from the raw
32-byte public key (so anyone can recompute it from the ``X-Zk-Key``
header), and requests are signed with pure Ed25519 (``mode="rfc8032"``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from Crypto.PublicKey import ECC
from Crypto.Signature import eddsa

CURVE = "Ed25519"
PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64


class IdentityError(Exception):
    """A key file that cannot be used, with the reason in words."""


def prover_id_of(public_key: bytes) -> str:
    """``"ext-"`` + the first 16 hex digits of sha256 of the raw public key."""
    return "ext-" + hashlib.sha256(public_key).hexdigest()[:16]


class Identity:
    """A private Ed25519 key: signs gateway requests and names the prover."""

    def __init__(self, key: ECC.EccKey):
        if key.curve != CURVE or not key.has_private():
            raise IdentityError("an identity needs a private Ed25519 key")
        self._key = key
        self.public_key: bytes = key.public_key().export_key(format="raw")
        self.prover_id = prover_id_of(self.public_key)

    @classmethod
    def generate(cls) -> Identity:
        return cls(ECC.generate(curve=CURVE))

    def sign(self, message: bytes) -> bytes:
        return eddsa.new(self._key, "rfc8032").sign(message)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the key as PKCS#8 PEM, readable by the owner only; refuse to overwrite."""
        path = Path(path)
        pem = self._key.export_key(format="PEM").encode()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise IdentityError(f"{path}: already exists; refusing to overwrite an identity") from None
        except OSError as e:
            raise IdentityError(f"{path}: cannot create the key file ({e.strerror})") from None
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        os.chmod(path, 0o600)
        return path


def load_identity(path: str | os.PathLike) -> Identity:
    """The identity in the PEM file at ``path``; a clear :class:`IdentityError` if it is not one."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise IdentityError(f"{path}: no such key file (make one first)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise IdentityError(f"{path}: cannot read the key file ({getattr(e, 'strerror', None) or e})") from None
    try:
        key = ECC.import_key(text)
    except (ValueError, IndexError, TypeError):
        raise IdentityError(f"{path}: not a PEM private key") from None
    if key.curve != CURVE:
        raise IdentityError(f"{path}: a {key.curve} key, not Ed25519")
    if not key.has_private():
        raise IdentityError(f"{path}: holds a public key only; the identity needs the private key")
    return Identity(key)


def load_or_make(path: str | os.PathLike) -> Identity:
    """The identity at ``path``, made (and saved) first if the file does not exist."""
    if not Path(path).exists():
        Identity.generate().save(path)
    return load_identity(path)


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True iff ``signature`` is a valid RFC 8032 Ed25519 signature of ``message`` by ``public_key``."""
    if len(public_key) != PUBLIC_KEY_SIZE or len(signature) != SIGNATURE_SIZE:
        return False
    try:
        key = eddsa.import_public_key(public_key)
        eddsa.new(key, "rfc8032").verify(message, signature)
    except ValueError:
        return False
    return True
