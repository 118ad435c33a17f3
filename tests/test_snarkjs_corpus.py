"""Damaged .zkey and .ptau files: refused with the reader's error class, naming the section and byte offset.

The corpus (:mod:`helpers.damaged_snarkjs`) is generated from good files made at
test time without node: every case must raise :class:`ZkeyFormatError` or
:class:`PtauFormatError` (never another exception) with the fragments it
names; a fuzz over byte edits and truncations asserts that nothing else
escapes and that every message names a section or an offset. A sample goes
through the CLI, which must exit 2 with a one-line error.
"""

import tempfile
import warnings
from pathlib import Path

import pytest
from helpers.circuits import INPUTS, ThreePublic
from helpers.damaged_snarkjs import ptau_cases, synthetic_ptau, zkey_cases
from helpers.fuzz import refusal_names_a_place
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from zkprove import groth16
from zkprove.cli import app
from zkprove.formats.ptau_file import PtauFile, PtauFormatError
from zkprove.formats.r1cs_file import write_r1cs
from zkprove.formats.wtns_file import write_wtns
from zkprove.formats.zkey_file import ZkeyFormatError, dev_zkey, read_zkey, zkey_bytes

runner = CliRunner()


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    folder = tmp_path_factory.mktemp("snarkjs_good")
    cs = ThreePublic.compile()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
        pk, _ = groth16.setup(cs, odd_coset_h=True)
    write_r1cs(cs, folder / "c.r1cs")
    write_wtns(cs.solve(**INPUTS[ThreePublic]).values, folder / "w.wtns")
    return {"folder": folder, "zkey": zkey_bytes(dev_zkey(pk)),
            "ptau": synthetic_ptau()}


def read_ptau_fully(path: Path) -> None:
    """Everything a setup of a domain of 4 reads from a ptau."""
    with PtauFile(path) as pot:
        pot.contributions()
        pot.lagrange_bases(4)
        pot.odd_coset_h(4)
        pot.h_hash_points(4)


def _mismatches(cases, reader, error_class, folder: Path) -> tuple[int, list[str]]:
    count, wrong = 0, []
    for case in cases:
        count += 1
        path = folder / "case.bin"
        path.write_bytes(case.data)
        try:
            reader(path)
            message = None
        except error_class as error:
            message = str(error)
        if case.fragments is None:
            if message is not None:
                wrong.append(f"{case.name}: refused although harmless: {message}")
        elif message is None:
            wrong.append(f"{case.name}: accepted")
        elif not all(f in message for f in case.fragments):
            wrong.append(f"{case.name}: message {message[:200]!r} lacks {case.fragments}")
    return count, wrong


def test_damaged_zkeys_name_the_section_and_offset(good, tmp_path):
    count, wrong = _mismatches(zkey_cases(good["zkey"]), read_zkey, ZkeyFormatError, tmp_path)
    assert count >= 900 and not wrong, wrong[:10]


def test_damaged_ptaus_name_the_section_and_offset(good, tmp_path):
    count, wrong = _mismatches(ptau_cases(good["ptau"]), read_ptau_fully, PtauFormatError, tmp_path)
    assert count >= 1000 and not wrong, wrong[:10]


def test_the_cli_exits_2_on_a_sample_of_damaged_keys_and_ptaus(good, tmp_path):
    files = good["folder"]
    samples = [("zkey", case, ["prove", "{path}", files / "w.wtns", tmp_path / "p.json", tmp_path / "pub.json"])
               for i, case in enumerate(zkey_cases(good["zkey"])) if i % 40 == 0]
    samples += [("ptau", case, ["setup", files / "c.r1cs", "--ptau", "{path}", "-o", tmp_path / "k"])
                for i, case in enumerate(ptau_cases(good["ptau"])) if i % 40 == 0]
    assert len(samples) >= 40
    for kind, case, argv in samples:
        path = tmp_path / f"case.{kind}"
        path.write_bytes(case.data)
        result = runner.invoke(app, [str(path) if a == "{path}" else str(a) for a in argv])
        assert result.exit_code == 2, (kind, case.name, result.output)
        assert "error:" in result.output and "Traceback" not in result.output, (kind, case.name, result.output)
        assert not (tmp_path / "p.json").exists() and not (tmp_path / "k").exists(), case.name


def _edited(data: bytes, edits: list[tuple[int, int]], cut: int) -> bytes:
    out = bytearray(data)
    for position, value in edits:
        out[position % len(out)] = value
    return bytes(out[: len(out) - cut])


def _only_format_errors(reader, error_class, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(suffix=".bin") as handle:
        handle.write(data)
        handle.flush()
        refusal_names_a_place(reader, error_class, Path(handle.name))


_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_EDITS = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=4)


@_FUZZ
@given(edits=_EDITS, cut=st.integers(0, 200))
def test_fuzz_zkey_byte_edits_and_truncation(good, edits, cut):
    _only_format_errors(read_zkey, ZkeyFormatError, _edited(good["zkey"], edits, cut))


@_FUZZ
@given(edits=_EDITS, cut=st.integers(0, 200))
def test_fuzz_ptau_byte_edits_and_truncation(good, edits, cut):
    _only_format_errors(read_ptau_fully, PtauFormatError, _edited(good["ptau"], edits, cut))
