"""Ed25519 prover identities (RFC 8032) for the prover gateway.

An external prover is known by its public key alone: the key file is a
PKCS#8 PEM written with mode 0600, the prover id is derived from the raw
32-byte public key (so anyone can recompute it from the ``X-Zk-Key``
header), and requests are signed with pure Ed25519.

Signing and checking use ``cryptography`` (OpenSSL): every signed request
is checked on the gateway's event loop, and an attempt's reveal is on the
path from proof to verification, where pycryptodome's Ed25519 cost 0.5 ms a
check against OpenSSL's 0.14 ms (docs/gateway.md, "Overhead per job").
pycryptodome stays the second implementation the tests check signatures
against.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64
_RAW = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)


class IdentityError(Exception):
    """A key file that cannot be used, with the reason in words."""


def prover_id_of(public_key: bytes) -> str:
    """``"ext-"`` + the first 16 hex digits of sha256 of the raw public key."""
    return "ext-" + hashlib.sha256(public_key).hexdigest()[:16]


class Identity:
    """A private Ed25519 key: signs gateway requests and names the prover."""

    def __init__(self, key: Ed25519PrivateKey):
        if not isinstance(key, Ed25519PrivateKey):
            raise IdentityError("an identity needs a private Ed25519 key")
        self._key = key
        self.public_key: bytes = key.public_key().public_bytes(*_RAW)
        self.prover_id = prover_id_of(self.public_key)

    @classmethod
    def generate(cls) -> Identity:
        return cls(Ed25519PrivateKey.generate())

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the key as PKCS#8 PEM, readable by the owner only; refuse to overwrite."""
        path = Path(path)
        pem = self._key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
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
    data = text.encode("ascii")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        if _is_public_key(data):
            raise IdentityError(f"{path}: holds a public key only; the identity needs the private key") from None
        raise IdentityError(f"{path}: not a PEM private key (or one protected by a password)") from None
    if not isinstance(key, Ed25519PrivateKey):
        kind = key.curve.name if isinstance(key, ec.EllipticCurvePrivateKey) else type(key).__name__
        raise IdentityError(f"{path}: a {kind} key, not Ed25519")
    return Identity(key)


def _is_public_key(pem: bytes) -> bool:
    try:
        serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


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
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
