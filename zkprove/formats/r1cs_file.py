"""Read and write iden3 ``.r1cs`` constraint files, version 1.

Layout (iden3/r1csfile ``doc/r1cs_bin_format.md``), in the iden3 container of
:mod:`.binfile` with magic ``"r1cs"`` and version 1, integers little-endian:

* section 1, header: ``n8:u32``, ``prime[n8]``, ``n_wires:u32``,
  ``n_pub_out:u32``, ``n_pub_in:u32``, ``n_prv_in:u32``, ``n_labels:u64``,
  ``n_constraints:u32``;
* section 2, constraints: per constraint the linear combinations A, B, C,
  each ``n_terms:u32`` then ``n_terms × (wire:u32, coefficient[n8])`` with
  coefficients in canonical (not Montgomery) form;
* section 3, wire-to-label map: ``n_wires × label:u64``;
* sections 4 and 5 hold PLONK custom gates (circom ``--O2`` with
  ``pragma custom_templates``); Groth16 has no use for them and the reader
  rejects them.

zkprove adds section :data:`PROVENANCE` (type 0x7A6B0001, "zk" in the high
bytes, far from iden3's small ids; snarkjs ignores sections it does not know):
``n_entries:u32``, then per entry two strings (gadget, "file:line"), each
``length:u32`` plus UTF-8 bytes, then ``n_constraints × entry:u32``. It carries
:attr:`ConstraintSystem.origin_table` and ``origin_index`` so that a file keeps
its per-gadget breakdown.

Every term is 4 + n8 bytes, a multiple of 4, so the constraints section is an
array of u32 words: the writer builds it with one ``np.insert`` of the term
counts into the term records, and the reader walks the counts once and then
slices all terms with numpy.
"""

from os import PathLike

import numpy as np

from ..field.params import R
from ..r1cs.system import ConstraintSystem, SparseMatrix
from .binfile import (
    BinFile,
    FormatError,
    SectionReader,
    Source,
    decode_elements,
    encode_elements,
    field_size,
    first_out_of_range,
    load_bytes,
    pack_binfile,
    read_prime,
)

MAGIC = b"r1cs"
VERSION = 1
HEADER, CONSTRAINTS, WIRE_LABELS, CUSTOM_GATES_LIST, CUSTOM_GATES_USES = 1, 2, 3, 4, 5
PROVENANCE = 0x7A6B0001


def r1cs_bytes(cs: ConstraintSystem) -> bytes:
    """The ``.r1cs`` encoding of a constraint system, provenance included when recorded."""
    n8 = field_size(cs.prime)
    if not cs.a.n_rows == cs.b.n_rows == cs.c.n_rows:
        raise ValueError(f"A, B, C have {cs.a.n_rows}, {cs.b.n_rows}, {cs.c.n_rows} rows")
    labels = np.arange(cs.n_wires, dtype=np.int64) if cs.wire_labels is None else np.asarray(cs.wire_labels)
    if len(labels) != cs.n_wires:
        raise ValueError(f"{len(labels)} wire labels for {cs.n_wires} wires")
    n_labels = int(labels.max()) + 1 if len(labels) else 0
    header = b"".join(
        [
            n8.to_bytes(4, "little"),
            cs.prime.to_bytes(n8, "little"),
            *(x.to_bytes(4, "little") for x in (cs.n_wires, cs.n_pub_out, cs.n_pub_in, cs.n_prv_in)),
            n_labels.to_bytes(8, "little"),
            cs.n_constraints.to_bytes(4, "little"),
        ]
    )
    sections = [
        (HEADER, header),
        (CONSTRAINTS, _constraint_words(cs, n8).tobytes()),
        (WIRE_LABELS, labels.astype("<u8").tobytes()),
    ]
    if cs.origin_table is not None and cs.origin_index is not None:
        sections.append((PROVENANCE, _provenance_bytes(cs)))
    return pack_binfile(MAGIC, VERSION, sections)


def write_r1cs(cs: ConstraintSystem, path: str | PathLike) -> None:
    """Write ``cs`` as an iden3 ``.r1cs`` v1 file that snarkjs and circom tools read."""
    with open(path, "wb") as handle:
        handle.write(r1cs_bytes(cs))


def _constraint_words(cs: ConstraintSystem, n8: int) -> np.ndarray:
    """Section 2 as u32 words: counts interleaved with (wire, coefficient) records."""
    matrices = (cs.a, cs.b, cs.c)
    counts = np.stack([np.diff(m.indptr) for m in matrices], axis=1).ravel()
    # A stable sort of all terms by block (row, matrix) gives file order and keeps each row's order.
    block = [np.repeat(np.arange(cs.n_constraints) * 3 + k, np.diff(m.indptr)) for k, m in enumerate(matrices)]
    file_order = np.argsort(np.concatenate(block), kind="stable")
    coeffs = [v for m in matrices for v in m.coeffs]
    coeff_words = np.frombuffer(encode_elements(coeffs, n8, cs.prime), dtype="<u4").reshape(len(coeffs), n8 // 4)
    records = np.empty((len(coeffs), 1 + n8 // 4), dtype="<u4")
    records[:, 0] = np.concatenate([m.wires for m in matrices])[file_order]
    records[:, 1:] = coeff_words[file_order]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64) * records.shape[1]
    return np.insert(records.ravel(), starts, counts.astype("<u4"))


def _provenance_bytes(cs: ConstraintSystem) -> bytes:
    parts = [len(cs.origin_table).to_bytes(4, "little")]
    for entry in cs.origin_table:
        for text in entry:
            raw = text.encode()
            parts += [len(raw).to_bytes(4, "little"), raw]
    parts.append(np.asarray(cs.origin_index, dtype="<u4").tobytes())
    return b"".join(parts)


def read_r1cs(source: Source, prime: int | None = R) -> ConstraintSystem:
    """Load an ``.r1cs`` v1 file (a path or its bytes) into a :class:`ConstraintSystem`.

    Raises :class:`FormatError` naming the section and byte offset of any
    malformation: truncation, bad magic or version, inconsistent counts, wire
    ids or labels out of range, coefficients not below the prime. With
    ``prime`` given (BN254's r by default, the field Groth16 here proves
    over), a file over another field is refused at once, naming both
    primes; pass ``None`` to accept any.
    """
    binfile = BinFile(load_bytes(source), "r1cs", MAGIC, VERSION)
    for custom in (CUSTOM_GATES_LIST, CUSTOM_GATES_USES):
        if custom in binfile.sections:
            raise FormatError(
                f"r1cs: section {custom} (custom gates) at offset {binfile.sections[custom][0].offset - 12}: PLONK custom gates are not supported"
            )
    header = binfile.section(HEADER, "header")
    n8 = header.u32("field size")
    if n8 == 0 or n8 % 8:
        raise header.error(f"field size {n8} is not a positive multiple of 8", header.pos - 4)
    prime = read_prime(header, n8, prime)
    n_wires, n_pub_out, n_pub_in, n_prv_in = (
        header.u32(what) for what in ("n_wires", "n_pub_out", "n_pub_in", "n_prv_in")
    )
    n_labels = header.u64("n_labels")
    n_constraints = header.u32("n_constraints")
    header.expect_end()
    if 1 + n_pub_out + n_pub_in + n_prv_in > n_wires:
        raise header.error(
            f"{n_wires} wires cannot hold the constant, {n_pub_out} outputs, {n_pub_in} public and {n_prv_in} private inputs",
            header.pos - 28,
        )
    a, b, c = _read_constraints(binfile.section(CONSTRAINTS, "constraints"), n_constraints, n_wires, n8, prime)
    labels = _read_labels(binfile.section(WIRE_LABELS, "wire-to-label map"), n_wires, n_labels)
    origin_table, origin_index = _read_provenance(
        binfile.section(PROVENANCE, "zkprove provenance", required=False), n_constraints
    )
    return ConstraintSystem(
        a,
        b,
        c,
        n_wires,
        n_pub_out,
        n_pub_in,
        n_prv_in,
        prime,
        wire_labels=labels,
        origin_table=origin_table,
        origin_index=origin_index,
    )


def _read_constraints(
    section: SectionReader, n_constraints: int, n_wires: int, n8: int, prime: int
) -> tuple[SparseMatrix, SparseMatrix, SparseMatrix]:
    start = section.pos
    if section.remaining % 4:
        raise section.error(f"section size {section.remaining} is not a multiple of 4", start)
    if 12 * n_constraints > section.remaining:
        raise section.error(
            f"{section.remaining} bytes cannot hold {n_constraints} constraints of at least 12 bytes", start
        )
    words = section.array("<u4", section.remaining // 4, "constraints").astype("=u4", copy=False)
    record = 1 + n8 // 4
    # Walk the term counts, the only sequential step; a block is a count word plus its records.
    native = memoryview(words).cast("B").cast("I")
    count_at = [0] * (3 * n_constraints)
    pos, total = 0, len(words)
    for block in range(3 * n_constraints):
        if pos >= total:
            raise section.error(
                f"constraint {block // 3} {'ABC'[block % 3]}: no room for its term count", start + 4 * pos
            )
        count_at[block] = pos
        pos += 1 + record * native[pos]
    if pos != total:
        raise section.error(f"the last constraint ends at word {pos} of {total}", start + 4 * min(pos, total))
    counts = words[count_at].astype(np.int64)
    records = np.delete(words, count_at).reshape(-1, record)

    def term_error(term: int, message: str) -> FormatError:
        word = int(np.delete(np.arange(total), count_at)[term * record])
        return section.error(f"term {term}: {message}", start + 4 * word)

    wires = records[:, 0].astype(np.int64)
    if len(wires) and int(wires.max()) >= n_wires:
        bad = int(np.argmax(wires >= n_wires))
        raise term_error(bad, f"wire {int(wires[bad])}, the header declares {n_wires} wires")
    # Terms come in (row, matrix) order; a stable sort by matrix makes each matrix contiguous.
    by_matrix = np.argsort(np.repeat(np.arange(3 * n_constraints) % 3, counts), kind="stable")
    wires = wires[by_matrix]
    coeffs = decode_elements(np.ascontiguousarray(records[by_matrix, 1:]), n8)
    bad = first_out_of_range(coeffs, prime)
    if bad is not None:
        raise term_error(int(by_matrix[bad]), "coefficient not below the prime")
    matrices, lo = [], 0
    for k in range(3):
        indptr = np.concatenate([[0], np.cumsum(counts[k::3])]).astype(np.int64)
        hi = lo + int(indptr[-1])
        matrices.append(SparseMatrix(indptr, wires[lo:hi], coeffs[lo:hi]))
        lo = hi
    return matrices[0], matrices[1], matrices[2]


def _read_labels(section: SectionReader, n_wires: int, n_labels: int) -> np.ndarray:
    if section.remaining != 8 * n_wires:
        raise section.error(f"map is {section.remaining} bytes, {n_wires} wires need {8 * n_wires}")
    labels = section.array("<u8", n_wires, "labels")
    if n_wires and int(labels.max()) >= n_labels:
        bad = int(np.argmax(labels >= n_labels))
        raise section.error(f"wire {bad} has label {int(labels[bad])}, the header declares {n_labels} labels")
    return labels.astype(np.int64)


def _read_provenance(
    section: SectionReader | None, n_constraints: int
) -> tuple[list[tuple[str, str]] | None, np.ndarray | None]:
    if section is None:
        return None, None
    table = []
    for entry in range(section.u32("entry count")):
        texts = []
        for what in ("gadget", "location"):
            length = section.u32(f"entry {entry} {what} length")
            at = section.pos
            try:
                texts.append(str(section.take(length, f"entry {entry} {what}"), "utf-8"))
            except UnicodeDecodeError as exc:
                raise section.error(f"entry {entry} {what} is not UTF-8 ({exc.reason})", at) from None
        table.append((texts[0], texts[1]))
    at = section.pos
    index = section.array("<u4", n_constraints, "constraint origins").astype(np.int64)
    section.expect_end()
    if n_constraints and int(index.max()) >= len(table):
        bad = int(np.argmax(index >= len(table)))
        raise section.error(f"constraint {bad} points at entry {int(index[bad])} of {len(table)}", at + 4 * bad)
    return table, index


__all__ = ["PROVENANCE", "FormatError", "r1cs_bytes", "read_r1cs", "write_r1cs"]
