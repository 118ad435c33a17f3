"""A proving key from either file zkprove takes: a snarkjs ``.zkey`` or a zkprove ``.npz``, told apart by magic.

Users pass keys by whatever name they have, so the first four bytes decide,
not the suffix. A witness, a constraint system or a powers of tau passed by
mistake is named as what it is.
"""

from os import PathLike
from pathlib import Path

from zkprove.groth16.keys import ProvingKey

from .npz_key_file import load_proving_key
from .zkey_file import read_zkey

#: First bytes of the proving-key files, and of the files most often passed in their place.
KEY_MAGICS = {b"zkey": "zkey", b"PK\x03\x04": "npz", b"wtns": "a witness (.wtns)",
              b"r1cs": "a constraint system (.r1cs)", b"ptau": "a powers of tau (.ptau)"}


def key_kind(path: str | PathLike) -> str:
    """``"zkey"`` or ``"npz"`` from the file's first bytes; a ValueError naming anything else."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    kind = KEY_MAGICS.get(head)
    if kind in ("zkey", "npz"):
        return kind
    what = kind or f"a file starting with {head!r}"
    raise ValueError(f"{path}: {what}, not a proving key (a snarkjs .zkey or a zkprove .npz)")


def read_proving_key(path: str | PathLike) -> ProvingKey:
    """The proving key in ``path``, whichever of the two formats it is in."""
    if key_kind(path) == "zkey":
        return read_zkey(Path(path)).pk
    return load_proving_key(path)


__all__ = ["KEY_MAGICS", "key_kind", "read_proving_key"]
