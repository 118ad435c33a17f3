"""The iden3 binary container shared by ``.r1cs``, ``.wtns``, ``.zkey`` and ``.ptau``.

Layout (iden3 "binfileutils"; see the r1cs spec in iden3/r1csfile and
snarkjs's ``src/wtns_utils.js``), every integer little-endian::

    magic[4]  version:u32  n_sections:u32
    n_sections × ( type:u32  size:u64  content[size] )

Sections may come in any order (circom2 writes the constraints before the
header), so :class:`BinFile` indexes them first and the format readers then
ask for sections by type. Every check raises :class:`FormatError` naming the
file kind, the section and the absolute byte offset of the problem.

:class:`BinFile` holds the whole file; :class:`FileSections` keeps only the
section table of an open file and reads the slices asked for, for files too
large to load whole (a 2^16 ``.ptau`` is about 70 MB).
"""

from collections.abc import Sequence
from dataclasses import dataclass
import os
from itertools import repeat
from os import PathLike
from typing import BinaryIO

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


def load_buffer(source: Source) -> bytearray:
    """The file's bytes in a writable buffer that numpy arrays can view (numba takes no read-only arrays
    without compiling its kernels again); a ``bytearray`` ``source`` is that buffer itself, not copied."""
    if isinstance(source, bytearray):
        return source
    if isinstance(source, (bytes, memoryview)):
        return bytearray(source)
    with open(source, "rb") as handle:
        data = bytearray(os.fstat(handle.fileno()).st_size)
        with memoryview(data) as view:
            done = 0
            while done < len(data) and (n := handle.readinto(view[done:])):
                done += n
    return data if done == len(data) else data[:done]


@dataclass(frozen=True)
class Section:
    """One section's type and the absolute byte range of its content."""

    type: int
    offset: int
    size: int


class SectionReader:
    """A bounds-checked little-endian cursor over one section's content.

    ``data`` holds the file's bytes from absolute offset ``base`` on (the whole
    file when ``base`` is 0); positions and error offsets are absolute.
    """

    def __init__(self, data: bytes, section: Section, where: str, base: int = 0):
        self._data = data
        self._base = base
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
        start = self.pos - self._base
        self.pos += n
        return memoryview(self._data)[start : start + n]

    def sub(self, n: int, what: str) -> "SectionReader":
        """A cursor over the next n bytes (bounds-checked), which this cursor then skips."""
        start = self.pos
        return SectionReader(self.take(n, what), Section(0, start, n), self._where, base=start)

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


def _section_table(read_at, length: int, kind: str, magic: bytes, version: int) -> dict[int, list[Section]]:
    """The section table of a container of ``length`` bytes; ``read_at(offset, n)`` reads its bytes."""
    if length < 12:
        raise FormatError(f"{kind}: file header at offset 0: file is {length} bytes, shorter than the 12-byte header")
    head = read_at(0, 12)
    if head[:4] != magic:
        raise FormatError(f"{kind}: file header at offset 0: magic {bytes(head[:4])!r}, expected {magic!r}")
    found = int.from_bytes(head[4:8], "little")
    if found != version:
        raise FormatError(f"{kind}: file header at offset 4: version {found}, expected {version}")
    n_sections = int.from_bytes(head[8:12], "little")
    sections: dict[int, list[Section]] = {}
    pos = 12
    for index in range(n_sections):
        if length - pos < 12:
            raise FormatError(f"{kind}: section table entry {index} at offset {pos}: truncated section header")
        entry = read_at(pos, 12)
        type_id = int.from_bytes(entry[:4], "little")
        size = int.from_bytes(entry[4:12], "little")
        if size > length - pos - 12:
            raise FormatError(
                f"{kind}: section {type_id} at offset {pos}: declared size {size} runs past the end of the file"
            )
        sections.setdefault(type_id, []).append(Section(type_id, pos + 12, size))
        pos += 12 + size
    if pos != length:
        raise FormatError(f"{kind}: file at offset {pos}: {length - pos} bytes after the last section")
    return sections


class _Sections:
    """Lookup of a parsed section table (shared by :class:`BinFile` and :class:`FileSections`)."""

    kind: str
    length: int
    sections: dict[int, list[Section]]

    def find(self, type_id: int, name: str, required: bool = True) -> Section | None:
        """The one section of ``type_id``; missing (if required) or repeated is an error."""
        found = self.sections.get(type_id, [])
        where = self.where(type_id, name)
        if len(found) > 1:
            raise FormatError(f"{where} at offset {found[1].offset - 12}: appears {len(found)} times")
        if not found:
            if required:
                raise FormatError(f"{where} at offset {self.length}: missing from the file")
            return None
        return found[0]

    def where(self, type_id: int, name: str) -> str:
        return f"{self.kind}: section {name} (type {type_id})"


class BinFile(_Sections):
    """An iden3 container held in memory, parsed down to its section table."""

    def __init__(self, data: bytes, kind: str, magic: bytes, version: int):
        self.data = data
        self.kind = kind
        self.length = len(data)
        self.sections = _section_table(lambda at, n: data[at : at + n], len(data), kind, magic, version)

    def section(self, type_id: int, name: str, required: bool = True) -> SectionReader | None:
        """A cursor over the one section of ``type_id``; missing (if required) or repeated is an error."""
        found = self.find(type_id, name, required)
        return None if found is None else SectionReader(self.data, found, self.where(type_id, name))


class FileSections(_Sections):
    """The section table of an open binary file; section contents are read on request, in slices."""

    def __init__(self, handle: BinaryIO, kind: str, magic: bytes, version: int):
        self.handle = handle
        self.kind = kind
        self.length = handle.seek(0, 2)
        self.sections = _section_table(self._read_at, self.length, kind, magic, version)

    def _read_at(self, offset: int, n: int) -> bytes:
        self.handle.seek(offset)
        return self.handle.read(n)

    def section(
        self, type_id: int, name: str, start: int = 0, size: int | None = None, required: bool = True
    ) -> SectionReader | None:
        """A cursor over bytes [start, start + size) of the section's content (to its end when size is None).

        The slice must lie inside the section (checked before anything is read).
        """
        found = self.find(type_id, name, required)
        if found is None:
            return None
        where = self.where(type_id, name)
        size = found.size - start if size is None else size
        if start < 0 or size < 0 or start + size > found.size:
            raise FormatError(
                f"{where} at offset {found.offset}: {found.size} bytes, too short for bytes {start}..{start + size} "
                "that this file's header calls for"
            )
        piece = Section(type_id, found.offset + start, size)
        return SectionReader(self._read_at(piece.offset, size), piece, where, base=piece.offset)


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
