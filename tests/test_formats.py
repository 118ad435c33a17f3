"""The iden3 .r1cs (v1) and .wtns (v2) readers and writers: layout, round trips, errors, fuzzing.

Interop with files that circom2 and snarkjs produce is in test_circom_interop.py.
"""

import numpy as np
import pytest
from helpers.fuzz import refusal_names_a_place
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zkprove.field.params import R
from zkprove.formats import (
    PROVENANCE,
    FormatError,
    r1cs_bytes,
    read_r1cs,
    read_wtns,
    write_r1cs,
    write_wtns,
    wtns_bytes,
)
from zkprove.r1cs import ConstraintSystem, SparseMatrix


def cubic_system(with_provenance: bool = True) -> ConstraintSystem:
    """x³ + x + 5 = y: wires one, y (public), x (private), x², x³."""
    a = SparseMatrix.from_rows([{2: 1}, {3: 1}, {0: 5, 2: 1, 4: 1}])
    b = SparseMatrix.from_rows([{2: 1}, {2: 1}, {0: 1}])
    c = SparseMatrix.from_rows([{3: 1}, {4: 1}, {1: 1}])
    origins = (
        {
            "origin_table": [("mul", "cubic.py:3"), ("assert_equal", "cubic.py:4 ünïcode")],
            "origin_index": np.array([0, 0, 1]),
        }
        if with_provenance
        else {}
    )
    return ConstraintSystem(
        a, b, c, n_wires=5, n_pub_out=0, n_pub_in=1, n_prv_in=1, wire_labels=np.array([0, 1, 2, 4, 7]), **origins
    )


CUBIC_WITNESS = [1, 35, 3, 9, 27]


def assert_same_system(x: ConstraintSystem, y: ConstraintSystem) -> None:
    for m, n in ((x.a, y.a), (x.b, y.b), (x.c, y.c)):
        assert m.indptr.tolist() == n.indptr.tolist()
        assert m.wires.tolist() == n.wires.tolist()
        assert m.coeffs == n.coeffs
    assert (x.n_wires, x.n_pub_out, x.n_pub_in, x.n_prv_in, x.prime) == (
        y.n_wires,
        y.n_pub_out,
        y.n_pub_in,
        y.n_prv_in,
        y.prime,
    )


def test_r1cs_round_trip_keeps_constraints_labels_and_provenance(tmp_path):
    cs = cubic_system()
    write_r1cs(cs, tmp_path / "cubic.r1cs")
    back = read_r1cs(tmp_path / "cubic.r1cs")
    assert_same_system(cs, back)
    assert back.wire_labels.tolist() == [0, 1, 2, 4, 7]
    assert back.origin_table == cs.origin_table
    assert back.origin_index.tolist() == [0, 0, 1]
    back.check(CUBIC_WITNESS)
    assert r1cs_bytes(back) == r1cs_bytes(cs)


def test_r1cs_without_provenance_has_no_extra_section():
    data = r1cs_bytes(cubic_system(with_provenance=False))
    assert int.from_bytes(data[8:12], "little") == 3
    back = read_r1cs(data)
    assert back.origin_table is None and back.origin_index is None


def test_r1cs_byte_layout_follows_the_iden3_spec():
    data = r1cs_bytes(cubic_system(with_provenance=False))
    assert data[:4] == b"r1cs" and int.from_bytes(data[4:8], "little") == 1
    # Section 1, header: type, size 64, n8 = 32, prime, then the counts.
    assert int.from_bytes(data[12:16], "little") == 1
    assert int.from_bytes(data[16:24], "little") == 4 + 32 + 4 * 4 + 8 + 4
    assert int.from_bytes(data[24:28], "little") == 32
    assert int.from_bytes(data[28:60], "little") == R
    counts = [int.from_bytes(data[60 + 4 * i : 64 + 4 * i], "little") for i in range(4)]
    assert counts == [5, 0, 1, 1]
    assert int.from_bytes(data[76:84], "little") == 8  # n_labels: largest label + 1
    assert int.from_bytes(data[84:88], "little") == 3
    # Section 2 starts with constraint 0's A: one term, wire 2, coefficient 1.
    assert int.from_bytes(data[88:92], "little") == 2
    body = data[100:]
    assert [int.from_bytes(body[i : i + 4], "little") for i in (0, 4)] == [1, 2]
    assert int.from_bytes(body[8:40], "little") == 1


def test_wtns_round_trip_and_layout(tmp_path):
    write_wtns(CUBIC_WITNESS, tmp_path / "w.wtns")
    data = (tmp_path / "w.wtns").read_bytes()
    assert data[:4] == b"wtns" and int.from_bytes(data[4:8], "little") == 2
    assert int.from_bytes(data[8:12], "little") == 2
    assert int.from_bytes(data[16:24], "little") == 40  # n8, prime, n_witness
    assert int.from_bytes(data[60:64], "little") == len(CUBIC_WITNESS)
    assert int.from_bytes(data[76:108], "little") == 1  # wire 0 after the values section header
    assert len(data) == 12 + 12 + 40 + 12 + 32 * len(CUBIC_WITNESS)
    assert read_wtns(tmp_path / "w.wtns") == CUBIC_WITNESS
    assert read_wtns(data) == CUBIC_WITNESS


def test_empty_system_and_witness_round_trip():
    empty = SparseMatrix.from_rows([])
    back = read_r1cs(r1cs_bytes(ConstraintSystem(empty, empty, empty, n_wires=1)))
    assert (back.n_constraints, back.n_wires) == (0, 1)
    assert read_wtns(wtns_bytes([])) == []


def test_format_error_is_a_value_error():
    assert issubclass(FormatError, ValueError)


def test_writers_reject_values_outside_the_field():
    with pytest.raises(ValueError, match="outside"):
        wtns_bytes([1, R])
    cs = cubic_system()
    bad = ConstraintSystem(SparseMatrix.from_rows([{0: R}, {}, {}]), cs.b, cs.c, 5)
    with pytest.raises(ValueError, match="outside"):
        r1cs_bytes(bad)


def test_large_system_round_trip():
    """2^14 random constraints exercise the vectorized paths (the 2^20 case is in the slow suite)."""
    cs = random_system(1 << 14, seed=1)
    assert_same_system(cs, read_r1cs(r1cs_bytes(cs)))


@pytest.mark.slow
def test_million_constraint_round_trip():
    cs = random_system(1 << 20, seed=2)
    assert_same_system(cs, read_r1cs(r1cs_bytes(cs)))


def random_system(n: int, seed: int) -> ConstraintSystem:
    rng = np.random.default_rng(seed)
    n_wires = n + 3

    def matrix() -> SparseMatrix:
        counts = rng.integers(0, 4, size=n)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        wires = rng.integers(0, n_wires, size=int(indptr[-1])).astype(np.int64)
        coeffs = [1 if k % 3 else int(rng.integers(1 << 62)) * R >> 62 for k in range(len(wires))]
        return SparseMatrix(indptr, wires, coeffs)

    return ConstraintSystem(matrix(), matrix(), matrix(), n_wires, 1, 1, 1)


# ---- malformed files: each raises FormatError naming the section and the offset ----

GOOD_R1CS = r1cs_bytes(cubic_system())
GOOD_WTNS = wtns_bytes(CUBIC_WITNESS)


def sections_of(data: bytes) -> dict[int, tuple[int, int]]:
    """type → (offset of the section's 12-byte header, content size)."""
    pos, out = 12, {}
    for _ in range(int.from_bytes(data[8:12], "little")):
        size = int.from_bytes(data[pos + 4 : pos + 12], "little")
        out[int.from_bytes(data[pos : pos + 4], "little")] = (pos, size)
        pos += 12 + size
    return out


def patch(data: bytes, offset: int, value: int, width: int) -> bytes:
    return data[:offset] + value.to_bytes(width, "little") + data[offset + width :]


def expect_error(data: bytes, *fragments: str, reader=read_r1cs) -> str:
    with pytest.raises(FormatError) as info:
        reader(data)
    message = str(info.value)
    assert "offset" in message
    for fragment in fragments:
        assert fragment in message
    return message


def test_wrong_magic_version_and_short_file():
    expect_error(b"r1c", "shorter than the 12-byte header")
    expect_error(b"wtns" + GOOD_R1CS[4:], "magic")
    expect_error(patch(GOOD_R1CS, 4, 2, 4), "version 2, expected 1", "offset 4")
    expect_error(patch(GOOD_WTNS, 4, 1, 4), "version 1, expected 2", reader=read_wtns)


def test_every_truncation_is_reported():
    for data, reader in ((GOOD_R1CS, read_r1cs), (GOOD_WTNS, read_wtns)):
        for cut in range(len(data)):
            expect_error(data[:cut], reader=reader)


def test_bogus_section_size_names_the_section():
    pos, _ = sections_of(GOOD_R1CS)[2]
    expect_error(patch(GOOD_R1CS, pos + 4, 1 << 40, 8), "section 2", f"offset {pos}", "runs past the end")


def test_header_inconsistencies():
    pos, _ = sections_of(GOOD_R1CS)[1]
    field_size = pos + 12
    expect_error(patch(GOOD_R1CS, field_size, 31, 4), "section header (type 1)", "field size 31")
    n_wires = field_size + 4 + 32
    expect_error(patch(GOOD_R1CS, n_wires, 2, 4), "cannot hold")
    expect_error(
        patch(GOOD_R1CS, n_wires, 4, 4),
        "term 5: wire 4",
        f"offset {sections_of(GOOD_R1CS)[2][0] + 12 + 4 * (5 * 10 + 1)}",
    )
    expect_error(patch(GOOD_R1CS, n_wires, 6, 4), "wire-to-label map")
    n_constraints = n_wires + 24
    expect_error(patch(GOOD_R1CS, n_constraints, 4, 4), "section constraints (type 2)", "no room")
    expect_error(patch(GOOD_R1CS, n_constraints, 2, 4), "section constraints (type 2)", "ends at word")
    n_labels = n_wires + 16
    expect_error(patch(GOOD_R1CS, n_labels, 5, 8), "label 7")


def test_constraint_contents_are_checked():
    pos, _ = sections_of(GOOD_R1CS)[2]
    first_wire, first_coeff = pos + 16, pos + 20
    expect_error(patch(GOOD_R1CS, first_wire, 99, 4), "term 0: wire 99", f"offset {first_wire}")
    expect_error(
        patch(GOOD_R1CS, first_coeff, R, 32), "term 0: coefficient not below the prime", f"offset {first_wire}"
    )


def test_missing_duplicate_and_custom_gate_sections():
    pos, size = sections_of(GOOD_R1CS)[3]
    labels = GOOD_R1CS[pos : pos + 12 + size]
    without = GOOD_R1CS[:pos] + GOOD_R1CS[pos + 12 + size :]
    expect_error(patch(without, 8, 3, 4), "wire-to-label map", "missing")
    expect_error(patch(GOOD_R1CS + labels, 8, 5, 4), "appears 2 times")
    custom = (4).to_bytes(4, "little") + (0).to_bytes(8, "little")
    expect_error(patch(GOOD_R1CS + custom, 8, 5, 4), "custom gates")


def test_provenance_section_is_validated():
    pos, size = sections_of(GOOD_R1CS)[PROVENANCE]
    content = pos + 12
    expect_error(patch(GOOD_R1CS, content, 1000, 4), "zkprove provenance")
    gadget = content + 8  # entry count, then entry 0's gadget length, then its bytes
    expect_error(patch(GOOD_R1CS, gadget, 0xFF, 1), "not UTF-8")
    last_index = pos + 12 + size - 4
    expect_error(patch(GOOD_R1CS, last_index, 2, 4), "points at entry 2 of 2")


def test_wtns_content_is_checked():
    expect_error(patch(GOOD_WTNS, 28, R + 2, 32), "prime", reader=read_wtns)
    assert read_wtns(patch(GOOD_WTNS, 28, 101, 32), prime=None) == [1, 35, 3, 9, 27]
    expect_error(patch(GOOD_WTNS, 76, R, 32), "witness value 0", "offset 76", reader=read_wtns)
    expect_error(patch(GOOD_WTNS, 60, 6, 4), "values", reader=read_wtns)
    expect_error(patch(GOOD_WTNS, 60, 4, 4), "trailing", reader=read_wtns)


# ---- fuzzing: whatever the bytes, only FormatError escapes, naming a section or an offset ----

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    out = bytearray(data)
    for position, value in edits:
        out[position % len(out)] = value
    return bytes(out[:cut]) if cut is not None else bytes(out)


def survives(reader, data: bytes) -> None:
    refusal_names_a_place(reader, FormatError, data)


edits = st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), max_size=6)
cuts = st.none() | st.integers(0, len(GOOD_R1CS))


@FUZZ
@given(edits=edits, cut=cuts)
def test_fuzz_r1cs_byte_edits_and_truncation(edits, cut):
    survives(read_r1cs, mutate(GOOD_R1CS, edits, cut))


@FUZZ
@given(edits=edits, cut=st.none() | st.integers(0, len(GOOD_WTNS)))
def test_fuzz_wtns_byte_edits_and_truncation(edits, cut):
    survives(read_wtns, mutate(GOOD_WTNS, edits, cut))


field_words = st.sampled_from([0, 1, 2, 3, 4, 5, 7, 8, 31, 32, 33, 40, 64, 1 << 31, (1 << 32) - 1])


@FUZZ
@given(word=st.integers(0, len(GOOD_R1CS) // 4 - 1), value=field_words, wide=st.booleans())
def test_fuzz_r1cs_header_and_size_fields(word, value, wide):
    """Aligned small and extreme integers where counts, sizes and ids live."""
    width = 8 if wide and 4 * word + 8 <= len(GOOD_R1CS) else 4
    survives(read_r1cs, patch(GOOD_R1CS, 4 * word, value, width))


@FUZZ
@given(word=st.integers(0, len(GOOD_WTNS) // 4 - 1), value=field_words)
def test_fuzz_wtns_header_and_size_fields(word, value):
    survives(read_wtns, patch(GOOD_WTNS, 4 * word, value, 4))


@FUZZ
@given(magic=st.sampled_from([b"r1cs", b"wtns"]), body=st.binary(max_size=400))
def test_fuzz_random_bodies(magic, body):
    data = magic + (1 if magic == b"r1cs" else 2).to_bytes(4, "little") + body
    survives(read_r1cs if magic == b"r1cs" else read_wtns, data)
