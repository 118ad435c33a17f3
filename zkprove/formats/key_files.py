"""A proving key from either file zkprove takes: a snarkjs ``.zkey`` or a zkprove ``.npz``, told apart by magic.

Users pass keys by whatever name they have, so the first four bytes decide,
not the suffix. A witness, a constraint system or a powers of tau passed by
mistake is named as what it is.

:func:`read_proving_key` reads the file once, validates every point of it
on its first reading and keeps that verdict beside the file
(:mod:`.key_check`), so that later processes skip the point checks.
"""

from os import PathLike
from pathlib import Path

from zkprove.groth16.keys import ProvingKey

from .binfile import load_buffer
from .key_check import KeyCheck
from .npz_key_file import load_proving_key
from .zkey_file import read_zkey

#: First bytes of the proving-key files, and of the files most often passed in their place.
KEY_MAGICS = {b"zkey": "zkey", b"PK\x03\x04": "npz", b"wtns": "a witness (.wtns)",
              b"r1cs": "a constraint system (.r1cs)", b"ptau": "a powers of tau (.ptau)"}


def key_kind(path: str | PathLike, head: bytes | None = None) -> str:
    """``"zkey"`` or ``"npz"`` from the file's first bytes (``head``, or read); a ValueError naming anything else."""
    if head is None:
        with open(path, "rb") as handle:
            head = handle.read(4)
    kind = KEY_MAGICS.get(head[:4])
    if kind in ("zkey", "npz"):
        return kind
    what = kind or f"a file starting with {head[:4]!r}"
    raise ValueError(f"{path}: {what}, not a proving key (a snarkjs .zkey or a zkprove .npz)")


def read_proving_key(path: str | PathLike) -> ProvingKey:
    """The proving key in ``path``, whichever of the two formats it is in, every point validated.

    The points are checked only if the sidecar holds no verdict for these
    bytes; after a full check the sidecar is (re)written where it can be.
    """
    data = load_buffer(path)
    kind = key_kind(path, bytes(data[:4]))
    check = KeyCheck.of(path, data, kind)
    points = "checked" if check.sealed else "all"
    if kind == "zkey":
        pk = read_zkey(data, points=points).pk
    else:
        pk = load_proving_key(path, points=points, data=data)
    if not check.sealed:
        check.seal()
    return pk


__all__ = ["KEY_MAGICS", "key_kind", "read_proving_key"]
