"""The iden3 binary container shared by ``.r1cs``, ``.wtns`` (and ``.zkey``, ``.ptau``).

Layout (iden3 "binfileutils"; see the r1cs spec in iden3/r1csfile and
snarkjs's ``src/wtns_utils.js``), every integer little-endian::

    magic[4]  version:u32  n_sections:u32
    n_sections × ( type:u32  size:u64  content[size] )

Sections may come in any order (circom2 writes the constraints before the
header), so :class:`BinFile` indexes them first and the format readers then
ask for sections by type. Every check raises :class:`FormatError` naming the
file kind, the section and the absolute byte offset of the problem.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from os import PathLike

import numpy as np

from zkprove.field.params import P, R

#: Primes a file over the wrong field commonly carries, named in the refusal.
KNOWN_PRIMES = {
    R: "BN254's scalar field r",
    P: "BN254's base field p",
    0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001: "BLS12-381's scalar field r",
    0xFFFFFFFF00000001: "the Goldilocks prime",
}


class FormatError(ValueError):
    """A malformed or truncated iden3 binary file."""


Source = str | PathLike | bytes | bytearray | memoryview


def load_bytes(source: Source) -> bytes:
    """The file's bytes: ``source`` is a path or the content itself."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    with open(source, "rb") as handle:
        return handle.read()


@dataclass(frozen=True)
class Section:
    """One section's type and the absolute byte range of its content."""

    type: int
    offset: int
    size: int


class SectionReader:
    """A bounds-checked little-endian cursor over one section's content."""

    def __init__(self, data: bytes, section: Section, where: str):
        self._data = data
        self._end = section.offset + section.size
        self.pos = section.offset
        self._where = where

    def error(self, message: str, offset: int | None = None) -> FormatError:
        at = self.pos if offset is None else offset
        return FormatError(f"{self._where} at offset {at}: {message}")

    @property
    def remaining(self) -> int:
        return self._end - self.pos

    def take(self, n: int, what: str) -> memoryview:
        """The next n bytes; a section too short for them is an error."""
        if n < 0 or n > self.remaining:
            raise self.error(f"{what} needs {n} bytes, only {self.remaining} left in the section")
        start = self.pos
        self.pos += n
        return memoryview(self._data)[start : self.pos]

    def u32(self, what: str) -> int:
        return int.from_bytes(self.take(4, what), "little")

    def u64(self, what: str) -> int:
        return int.from_bytes(self.take(8, what), "little")

    def uint(self, n8: int, what: str) -> int:
        return int.from_bytes(self.take(n8, what), "little")

    def array(self, dtype: str, count: int, what: str) -> np.ndarray:
        """``count`` little-endian integers of ``dtype`` ("<u4", "<u8") as a numpy array."""
        itemsize = np.dtype(dtype).itemsize
        return np.frombuffer(self.take(count * itemsize, what), dtype=dtype)

    def expect_end(self) -> None:
        if self.remaining:
            raise self.error(f"{self.remaining} unexpected trailing bytes")


class BinFile:
    """An iden3 container parsed down to its section table."""

    def __init__(self, data: bytes, kind: str, magic: bytes, version: int):
        self.data = data
        self.kind = kind
        if len(data) < 12:
            raise FormatError(
                f"{kind}: file header at offset 0: file is {len(data)} bytes, shorter than the 12-byte header"
            )
        if data[:4] != magic:
            raise FormatError(f"{kind}: file header at offset 0: magic {bytes(data[:4])!r}, expected {magic!r}")
        found = int.from_bytes(data[4:8], "little")
        if found != version:
            raise FormatError(f"{kind}: file header at offset 4: version {found}, expected {version}")
        n_sections = int.from_bytes(data[8:12], "little")
        self.sections: dict[int, list[Section]] = {}
        pos = 12
        for index in range(n_sections):
            if len(data) - pos < 12:
                raise FormatError(f"{kind}: section table entry {index} at offset {pos}: truncated section header")
            type_id = int.from_bytes(data[pos : pos + 4], "little")
            size = int.from_bytes(data[pos + 4 : pos + 12], "little")
            if size > len(data) - pos - 12:
                raise FormatError(
                    f"{kind}: section {type_id} at offset {pos}: declared size {size} runs past the end of the file"
                )
            self.sections.setdefault(type_id, []).append(Section(type_id, pos + 12, size))
            pos += 12 + size
        if pos != len(data):
            raise FormatError(f"{kind}: file at offset {pos}: {len(data) - pos} bytes after the last section")

    def section(self, type_id: int, name: str, required: bool = True) -> SectionReader | None:
        """A cursor over the one section of ``type_id``; missing (if required) or repeated is an error."""
        found = self.sections.get(type_id, [])
        where = f"{self.kind}: section {name} (type {type_id})"
        if len(found) > 1:
            raise FormatError(f"{where} at offset {found[1].offset - 12}: appears {len(found)} times")
        if not found:
            if required:
                raise FormatError(f"{where} at offset {len(self.data)}: missing from the file")
            return None
        return SectionReader(self.data, found[0], where)


def prime_name(prime: int) -> str:
    """``prime`` in words when it is a well-known one, else its decimal value."""
    return f"{prime} ({KNOWN_PRIMES[prime]})" if prime in KNOWN_PRIMES else str(prime)


def read_prime(header: SectionReader, n8: int, expected: int | None) -> int:
    """The header's ``prime[n8]``; refused unless it is ``expected`` (any prime >= 2 when None)."""
    at = header.pos
    prime = header.uint(n8, "prime")
    if prime < 2:
        raise header.error(f"prime {prime} is not a field modulus", at)
    if expected is not None and prime != expected:
        raise header.error(f"prime is {prime_name(prime)}, expected {prime_name(expected)}", at)
    return prime


def pack_binfile(magic: bytes, version: int, sections: Sequence[tuple[int, bytes]]) -> bytes:
    """Serialize ``(type, content)`` sections into an iden3 container."""
    parts = [magic, version.to_bytes(4, "little"), len(sections).to_bytes(4, "little")]
    for type_id, content in sections:
        parts += [type_id.to_bytes(4, "little"), len(content).to_bytes(8, "little"), content]
    return b"".join(parts)


def field_size(prime: int) -> int:
    """Bytes per element: the prime's byte length rounded up to whole 64-bit words (iden3 n8)."""
    return (prime.bit_length() + 63) // 64 * 8


def first_out_of_range(values: Sequence[int], prime: int) -> int | None:
    """Index of the first value outside [0, prime), or None (min/max run at C speed)."""
    if not values or (min(values) >= 0 and max(values) < prime):
        return None
    return next(i for i, v in enumerate(values) if not 0 <= v < prime)


def encode_elements(values: Sequence[int], n8: int, prime: int) -> bytes:
    """Field elements in canonical form as n8-byte little-endian words."""
    bad = first_out_of_range(values, prime)
    if bad is not None:
        raise ValueError(f"value {bad} is {values[bad]}, outside [0, prime)")
    return b"".join(map(int.to_bytes, values, repeat(n8), repeat("little")))


def decode_elements(raw: bytes | memoryview | np.ndarray, n8: int) -> list[int]:
    """Consecutive n8-byte little-endian integers (numpy splits, ``int.from_bytes`` converts)."""
    chunks = np.frombuffer(raw, dtype=f"V{n8}").tolist()
    return list(map(int.from_bytes, chunks, repeat("little")))
