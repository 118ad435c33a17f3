"""The corpus of damaged files: each refused with its reader's own error, naming what is wrong.

The corpus is generated at test time from good files, seeded
(``helpers.damaged_files``, ``helpers.damaged_json``, ``helpers.damaged_npz``):
.r1cs, .wtns, the proving key and snarkjs proof, public-input and key JSON. Every case must be
refused with the reader's error class (never another exception, never a
crash) and a message naming the file section and offset, the JSON field, or
the key member; a sample goes through the CLI, which must exit 2. A sample
also runs as real ``python -m zkprove`` processes: no traceback, exit code 1 or 2.
"""

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path
from random import Random

import numpy as np
import pytest
from helpers.circuits import INPUTS, ThreePublic
from helpers.damaged_files import r1cs_cases, wtns_cases
from helpers.damaged_json import document_cases
from helpers.damaged_npz import key_cases
from typer.testing import CliRunner

from zkprove import groth16
from zkprove.cli import app
from zkprove.formats import FormatError, r1cs_bytes, read_r1cs, read_wtns, wtns_bytes
from zkprove.formats.snarkjs_json import (
    SnarkjsFormatError,
    proof_to_json,
    public_to_json,
    read_proof,
    read_public,
    read_verifying_key,
    verifying_key_to_json,
    write_proof,
    write_public,
    write_verifying_key,
)
from zkprove.formats.npz_key_file import load_proving_key, save_proving_key
from zkprove.groth16 import KeyFormatError

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A ThreePublic circuit's .r1cs, .wtns, proving key (as arrays) and snarkjs files, all valid."""
    folder = tmp_path_factory.mktemp("good")
    cs = ThreePublic.compile()
    witness = cs.solve(**INPUTS[ThreePublic])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
        pk, vk = groth16.setup(cs)
    save_proving_key(pk, folder / "pk.npz")
    with np.load(folder / "pk.npz") as archive:
        arrays = {name: archive[name] for name in archive.files}
    proof = groth16.prove(pk, witness)
    for name, write, value in (("vk.json", write_verifying_key, vk), ("proof.json", write_proof, proof),
                               ("public.json", write_public, witness.public)):
        write(folder / name, value)
    return {"folder": folder, "r1cs": r1cs_bytes(cs), "wtns": wtns_bytes(witness.values), "arrays": arrays,
            "proof": proof_to_json(proof), "public": public_to_json(witness.public), "vk": verifying_key_to_json(vk)}


def _refusal(reader, source, error_class) -> str | None:
    """The refusal's message, None if ``source`` was read; anything but ``error_class`` fails the test."""
    try:
        reader(source)
    except error_class as error:
        return str(error)
    return None


def _mismatches(cases, reader, error_class) -> tuple[int, list[str]]:
    """How many cases, and how each one that was not refused as it must be went wrong.

    A case read from a file must also name the file in its refusal.
    """
    count, wrong = 0, []
    for case in cases:
        count += 1
        on_disk = isinstance(case, _OnDisk)
        message = _refusal(reader, case.path if on_disk else case.data, error_class)
        expected = case.fragments if not (on_disk and case.fragments) else (*case.fragments, str(case.path))
        if case.fragments is None:
            if message is not None:
                wrong.append(f"{case.name}: refused although harmless: {message}")
        elif message is None:
            wrong.append(f"{case.name}: accepted")
        elif not all(f in message for f in expected):
            wrong.append(f"{case.name}: message {message[:200]!r} lacks {expected}")
    return count, wrong


def test_damaged_r1cs_files_name_the_section_and_offset(good):
    count, wrong = _mismatches(r1cs_cases(good["r1cs"]), read_r1cs, FormatError)
    assert count >= 500 and not wrong, wrong[:10]


def test_damaged_wtns_files_name_the_section_and_offset(good):
    count, wrong = _mismatches(wtns_cases(good["wtns"]), read_wtns, FormatError)
    assert count >= 300 and not wrong, wrong[:10]


class _OnDisk:
    """A corpus case written to a file, for readers that take paths."""

    def __init__(self, case, path: Path):
        path.write_bytes(case.data)
        self.name, self.fragments, self.path = case.name, case.fragments, path


def _written(cases, folder: Path, suffix: str):
    return [_OnDisk(case, folder / f"{i}{suffix}") for i, case in enumerate(cases)]


def test_damaged_proving_keys_name_the_member(good, tmp_path):
    cases = _written(key_cases(good["arrays"]), tmp_path, ".npz")
    count, wrong = _mismatches(cases, load_proving_key, KeyFormatError)
    assert count >= 250 and not wrong, wrong[:10]


def _off_curve_keys(document: dict):
    """The key document with one point's x moved by 1 (then on no curve), for each point."""
    names = ["vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2"] + [f"IC[{i}]" for i in range(len(document["IC"]))]
    for name in names:
        edited = json.loads(json.dumps(document))
        point = edited["IC"][int(name[3:-1])] if name.startswith("IC") else edited[name]
        if name.endswith("_2"):
            point[0][0] = str(int(point[0][0]) + 1)
        else:
            point[0] = str(int(point[0]) + 1)
        yield name, json.dumps(edited).encode()


@pytest.mark.parametrize("kind", ["proof", "public", "vk"])
def test_damaged_snarkjs_json_names_the_file_and_field(good, tmp_path, kind):
    reader = {"proof": read_proof, "public": read_public, "vk": read_verifying_key}[kind]
    ignored = ("vk_alphabeta_12",) if kind == "vk" else ()
    optional = ("curve",) if kind == "proof" else ()  # rapidsnark's proof.json has no curve field
    cases = _written(document_cases(good[kind], ignored, optional), tmp_path, ".json")
    count, wrong = _mismatches(cases, reader, SnarkjsFormatError)
    assert count >= 40 and not wrong, wrong[:10]
    if kind == "vk":
        for name, data in _off_curve_keys(good["vk"]):
            (tmp_path / "off.json").write_bytes(data)
            message = _refusal(reader, tmp_path / "off.json", SnarkjsFormatError)
            label = name if name.startswith("IC") else name.split("_")[1]
            assert message is not None and "not on the" in message and f"verifying key {label}" in message, name


def _cli_sample(good, folder: Path):
    """(name, argv) pairs: every 25th damaged file of each format, on the command that reads it."""
    files = good["folder"]
    pk, vk, proof, public = files / "pk.npz", files / "vk.json", files / "proof.json", files / "public.json"
    out = ["-o", str(folder / "p.json"), "--public", str(folder / "pub.json")]
    formats = [
        ("r1cs", r1cs_cases(good["r1cs"]), ".r1cs", lambda f: ["r1cs", "info", f]),
        ("wtns", wtns_cases(good["wtns"]), ".wtns", lambda f: ["prove", "--pk", pk, "--witness", f, *out]),
        ("npz", key_cases(good["arrays"]), ".npz", lambda f: ["prove", "--pk", f, "--witness", files / "w.wtns", *out]),
        ("proof", document_cases(good["proof"], optional=("curve",)), ".json", lambda f: ["verify", vk, f, public]),
        ("public", document_cases(good["public"]), ".json", lambda f: ["export", "calldata", proof, f]),
        ("vk", document_cases(good["vk"], ("vk_alphabeta_12",)), ".json",
         lambda f: ["export", "solidity", f, "-o", folder / "v.sol"]),
    ]
    (files / "w.wtns").write_bytes(good["wtns"])
    for kind, cases, suffix, argv in formats:
        for i, case in enumerate(cases):
            if i % 25 == 0 and case.fragments is not None:
                path = folder / f"{kind}{i}{suffix}"
                path.write_bytes(case.data)
                yield f"{kind}: {case.name}", [str(a) for a in argv(path)]


def test_the_cli_exits_2_on_every_damaged_file_of_the_sample(good, tmp_path):
    sample = list(_cli_sample(good, tmp_path))
    assert len(sample) >= 80
    for name, argv in sample:
        result = runner.invoke(app, argv)
        assert result.exception is None or isinstance(result.exception, SystemExit), (name, repr(result.exception))
        assert result.exit_code == 2, (name, result.output)
        assert "error:" in result.output and "Traceback" not in result.output, (name, result.output)
        assert not (tmp_path / "p.json").exists() and not (tmp_path / "v.sol").exists(), name


def test_python_m_zkprove_on_a_sample_of_the_corpus_prints_no_traceback(good, tmp_path):
    """Real processes (py_ecc's recursion limit included), one per kind of file."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests"), os.environ.get("PYTHONPATH", "")])}
    by_kind: dict[str, list] = {}
    for name, argv in _cli_sample(good, tmp_path):
        by_kind.setdefault(name.split(":")[0], []).append((name, argv))
    rng = Random(7)
    chosen = [rng.choice(cases) for cases in by_kind.values()]
    chosen += [(n, a) for n, a in (c for cases in by_kind.values() for c in cases) if "100,000" in n]
    for name, argv in chosen:
        done = subprocess.run([sys.executable, "-m", "zkprove", *argv], capture_output=True, text=True, env=env,
                              timeout=120)
        output = done.stdout + done.stderr
        assert done.returncode in (1, 2), (name, done.returncode, output[-2000:])
        assert "Traceback" not in output, (name, output[-2000:])
