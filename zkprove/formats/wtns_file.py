"""Read and write iden3 ``.wtns`` witness files, version 2.

Layout (snarkjs ``src/wtns_utils.js``), in the iden3 container of
:mod:`.binfile` with magic ``"wtns"`` and version 2:

* section 1, header: ``n8:u32`` (bytes per element), ``prime[n8]``, ``n_witness:u32``;
* section 2, values: ``n_witness`` elements of n8 bytes, little-endian,
  canonical (not Montgomery) form, wire 0 (the constant 1) first.
"""

from collections.abc import Sequence
from os import PathLike

from ..field.params import R
from .binfile import (
    BinFile,
    FormatError,
    Source,
    decode_elements,
    encode_elements,
    field_size,
    first_out_of_range,
    load_bytes,
    pack_binfile,
    read_prime,
)

MAGIC = b"wtns"
VERSION = 2
HEADER, VALUES = 1, 2


def wtns_bytes(values: Sequence[int], prime: int = R) -> bytes:
    """The ``.wtns`` encoding of a full wire assignment."""
    n8 = field_size(prime)
    header = n8.to_bytes(4, "little") + prime.to_bytes(n8, "little") + len(values).to_bytes(4, "little")
    return pack_binfile(MAGIC, VERSION, [(HEADER, header), (VALUES, encode_elements(values, n8, prime))])


def write_wtns(values: Sequence[int], path: str | PathLike, prime: int = R) -> None:
    """Write a wire assignment (wire 0 first) as a ``.wtns`` v2 file."""
    with open(path, "wb") as handle:
        handle.write(wtns_bytes(values, prime))


def read_wtns(source: Source, prime: int | None = R) -> list[int]:
    """The wire assignment stored in a ``.wtns`` file (a path or its bytes).

    With ``prime`` given (BN254's r by default), a file over another field is
    rejected; pass ``None`` to accept any. Raises :class:`FormatError` naming the
    section and byte offset of any malformation.
    """
    binfile = BinFile(load_bytes(source), "wtns", MAGIC, VERSION)
    header = binfile.section(HEADER, "header")
    n8 = header.u32("field size")
    if n8 == 0 or n8 % 8:
        raise header.error(f"field size {n8} is not a positive multiple of 8", header.pos - 4)
    file_prime = read_prime(header, n8, prime)
    n_witness = header.u32("witness count")
    header.expect_end()
    section = binfile.section(VALUES, "values")
    start = section.pos
    values = decode_elements(section.take(n_witness * n8, "witness values"), n8)
    section.expect_end()
    bad = first_out_of_range(values, file_prime)
    if bad is not None:
        raise section.error(f"witness value {bad} is not below the prime", start + bad * n8)
    return values


__all__ = ["FormatError", "read_wtns", "write_wtns", "wtns_bytes"]
