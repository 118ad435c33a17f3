"""A seeded corpus of damaged binary files (.r1cs, .wtns) for the hardening tests.

Each :class:`Damaged` case is a good file with one kind of damage and the
outcome it must have: an error whose message contains ``fragments`` (every
reader error names the section and byte offset, so "offset" is always one),
or ``None`` for damage the format cannot tell from a good file (an unknown
section type is skipped, as snarkjs does).

Kinds of damage: truncation at and around every section boundary; every bit
of the file header and of each section header flipped; lying counts and
sizes (0, 1, 2^31, 2^32 - 1, 2^63 in each header field); a foreign prime;
a field element >= the prime; length bombs in the section table.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from random import Random

from zkprove.field.params import P, R
from zkprove.formats.r1cs_file import PROVENANCE

BLS12_381_R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
EXTREMES = (0, 1, 1 << 31, (1 << 32) - 1)


@dataclass(frozen=True)
class Damaged:
    name: str
    data: bytes
    fragments: tuple[str, ...] | None


def sections_of(data: bytes) -> list[tuple[int, int, int]]:
    """(type, offset of the 12-byte section header, content size) in file order."""
    pos, out = 12, []
    for _ in range(int.from_bytes(data[8:12], "little")):
        size = int.from_bytes(data[pos + 4 : pos + 12], "little")
        out.append((int.from_bytes(data[pos : pos + 4], "little"), pos, size))
        pos += 12 + size
    return out


def patch(data: bytes, offset: int, value: int, width: int) -> bytes:
    return data[:offset] + value.to_bytes(width, "little") + data[offset + width :]


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def _container_damage(kind: str, good: bytes, optional: set[int]) -> Iterator[Damaged]:
    """Damage to the iden3 container itself; ``optional`` section types may vanish harmlessly."""
    where = (f"{kind}:", "offset")
    sections = sections_of(good)
    cuts = {0, 3, 4, 8, 11}
    for _, pos, size in sections:
        cuts |= {pos, pos + 4, pos + 11, pos + 12, pos + 12 + size // 2, pos + 12 + size - 1}
    for cut in sorted(c for c in cuts if c < len(good)):
        yield Damaged(f"truncated at byte {cut}", good[:cut], where)
    for bit in range(96):
        yield Damaged(f"file header bit {bit} flipped", flip(good, bit), where)
    for type_id, pos, _ in sections:
        for bit in range(96):
            damaged = flip(good, 8 * pos + bit)
            harmless = bit < 32 and type_id in optional
            yield Damaged(f"section {type_id:#x} header bit {bit} flipped", damaged, None if harmless else where)
        for value in (1 << 32, 1 << 40, 1 << 63, (1 << 64) - 1):
            yield Damaged(f"section {type_id:#x} size {value}", patch(good, pos + 4, value, 8),
                          (f"{kind}: section {type_id}", f"offset {pos}", "runs past the end"))
    yield Damaged("a section table of 2^32 - 1 sections", patch(good, 8, (1 << 32) - 1, 4), where)
    yield Damaged("empty", b"", (f"{kind}: file header at offset 0", "shorter than the 12-byte header"))


def _field_header(kind: str, good: bytes, content: int) -> Iterator[Damaged]:
    """The ``n8, prime`` opening both formats' headers share; ``content`` is its offset."""
    header = (f"{kind}: section header (type 1)", "offset")
    for n8 in (0, 4, 31, 33, 1 << 31, (1 << 32) - 8):
        yield Damaged(f"field size {n8}", patch(good, content, n8, 4), header)
    for prime, name in ((P, "BN254's base field p"), (BLS12_381_R, "BLS12-381's scalar field r"),
                        (R + 2, str(R + 2)), (2, "2")):
        yield Damaged(f"prime {name}", patch(good, content + 4, prime, 32),
                      (*header, f"prime is {prime}", name, "expected", "BN254's scalar field r"))
    for bit in Random(kind).sample(range(256), 24):
        damaged = patch(good, content + 4, R ^ (1 << bit), 32)
        yield Damaged(f"prime bit {bit} flipped", damaged, (*header, "expected"))


def r1cs_cases(good: bytes) -> Iterator[Damaged]:
    """Damage to an ``.r1cs`` of at least one constraint with a provenance section."""
    yield from _container_damage("r1cs", good, optional={PROVENANCE})
    by_type = {t: (pos, size) for t, pos, size in sections_of(good)}
    header = by_type[1][0] + 12
    yield from _field_header("r1cs", good, header)
    counts = header + 4 + 32
    for value in EXTREMES:
        yield Damaged(f"n_wires = {value}", patch(good, counts, value, 4), ("r1cs: section", "offset"))
    for index, field in enumerate(("n_pub_out", "n_pub_in", "n_prv_in"), start=1):
        for value in EXTREMES[2:]:
            yield Damaged(f"{field} = {value}", patch(good, counts + 4 * index, value, 4), ("wires cannot hold", "offset"))
    yield Damaged("n_labels = 0", patch(good, counts + 16, 0, 8), ("wire-to-label map", "label"))
    for value in EXTREMES:
        yield Damaged(f"n_constraints = {value}", patch(good, counts + 24, value, 4),
                      ("r1cs: section constraints (type 2)", "offset"))
    constraints = by_type[2][0] + 12
    for value in ((1 << 31), (1 << 32) - 1):
        yield Damaged(f"first term count {value}", patch(good, constraints, value, 4),
                      ("section constraints", "offset"))
    yield Damaged("first wire id 2^32 - 1", patch(good, constraints + 4, (1 << 32) - 1, 4), ("term 0: wire", "offset"))
    yield Damaged("first coefficient = r", patch(good, constraints + 8, R, 32), ("coefficient not below the prime",))
    provenance = by_type[PROVENANCE][0] + 12
    for value in ((1 << 31), (1 << 32) - 1):
        yield Damaged(f"provenance entry count {value}", patch(good, provenance, value, 4), ("zkprove provenance", "offset"))
        yield Damaged(f"provenance string length {value}", patch(good, provenance + 4, value, 4),
                      ("zkprove provenance", "needs", "offset"))


def wtns_cases(good: bytes) -> Iterator[Damaged]:
    """Damage to a ``.wtns`` of at least one value."""
    yield from _container_damage("wtns", good, optional=set())
    header = sections_of(good)[0][1] + 12
    yield from _field_header("wtns", good, header)
    for value in EXTREMES + (2, 1 << 20):
        yield Damaged(f"n_witness = {value}", patch(good, header + 36, value, 4), ("wtns: section", "offset"))
    values = sections_of(good)[1][1] + 12
    yield Damaged("a value = r", patch(good, values + 32, R, 32), ("witness value 1 is not below the prime", "offset"))
    yield Damaged("a value = 2^256 - 1", patch(good, values, (1 << 256) - 1, 32), ("witness value 0", "offset"))
