"""A proving key validated once: the sidecar verdict, and every way a stale or foreign one is ignored."""

import json
import warnings

import numpy as np
import pytest
from helpers.circuits import INPUTS, Cubic
from py_ecc import optimized_bn128 as bn

from zkprove import groth16
from zkprove.ceremony.pok import fq2_sqrt
from zkprove.field.params import R
from zkprove.formats import key_check, npz_key_file, zkey_file
from zkprove.formats.binfile import BinFile
from zkprove.formats.key_files import read_proving_key
from zkprove.formats.npz_key_file import save_proving_key
from zkprove.formats.snarkjs_points import lem_bytes
from zkprove.formats.zkey_file import POINTS_B2, ZkeyFormatError, dev_zkey, write_zkey
from zkprove.groth16.keys import KeyFormatError, g2_array
from zkprove.l1.verifier import verify


@pytest.fixture(scope="module")
def cubic():
    cs = Cubic.compile()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
        zkey_pk, _ = groth16.setup(cs, odd_coset_h=True)
        npz_pk, _ = groth16.setup(cs)
    return cs.solve(**INPUTS[Cubic]), zkey_pk, npz_pk


@pytest.fixture
def keys(cubic, tmp_path, monkeypatch):
    """A fresh .zkey and .npz in their own folder, this test's own user secret, and a count of point checks."""
    monkeypatch.setenv("ZKPROVE_CACHE", str(tmp_path / "cache"))
    _, zkey_pk, npz_pk = cubic
    folder = tmp_path / "keys"
    folder.mkdir()
    write_zkey(folder / "c.zkey", dev_zkey(zkey_pk))
    save_proving_key(npz_pk, folder / "pk.npz")
    calls = []
    for module, name in ((zkey_file, "check_points"), (npz_key_file, "_validate_points")):
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _f=original, **k: calls.append(1) or _f(*a, **k))
    return folder, calls


def _proves(pk, witness) -> bool:
    return verify(pk.vk, witness.public, groth16.prove(pk, witness.values)).ok


@pytest.mark.parametrize("name", ["c.zkey", "pk.npz"])
def test_first_read_validates_and_seals_later_reads_trust_the_sidecar(cubic, keys, name):
    folder, calls = keys
    first = read_proving_key(folder / name)
    assert calls and first.points_checked
    record = json.loads((folder / f"{name}.checked").read_text())
    assert record["format"] == key_check.FORMAT and record["version"] == key_check.VERSION
    assert record["key_format"] == name.split(".")[1] and record["checks"] == key_check.CHECKS
    assert record["size"] == (folder / name).stat().st_size and len(record["blake2b"]) == 64
    calls.clear()
    second = read_proving_key(folder / name)
    assert not calls and second.points_checked
    assert _proves(second, cubic[0])


def _g2_outside_subgroup() -> bytes:
    """An LEM G2 point on the twist but outside the r-order subgroup."""
    x = next(bn.FQ2([k, 1]) for k in range(1, 100) if fq2_sqrt(bn.FQ2([k, 1]) ** 3 + bn.b2) is not None)
    y = fq2_sqrt(x**3 + bn.b2)
    assert not bn.is_inf(bn.multiply((x, y, bn.FQ2.one()), R))
    return lem_bytes(g2_array([(tuple(map(int, x.coeffs)), tuple(map(int, y.coeffs)))]))


def test_changed_bytes_fail_the_hash_and_the_bad_point_is_refused(keys):
    folder, calls = keys
    path = folder / "c.zkey"
    read_proving_key(path)
    data = bytearray(path.read_bytes())
    b2 = BinFile(bytes(data), "zkey", b"zkey", 1).sections[POINTS_B2][0].offset
    data[b2 + 128 : b2 + 256] = _g2_outside_subgroup()  # on the curve: only the subgroup check can see it
    path.write_bytes(data)
    calls.clear()
    refusal = rf"section B2 \(type 7\) at offset {b2 + 128}: B2 point 1 is not in the G2 subgroup"
    with pytest.raises(ZkeyFormatError, match=refusal):
        read_proving_key(path)
    assert calls


def test_a_bad_npz_point_is_refused_naming_its_member(keys):
    folder, _ = keys
    path = folder / "pk.npz"
    read_proving_key(path)
    with np.load(path) as archive:
        members = dict(archive)
    members["b_g2_query"][1] = np.frombuffer(_g2_outside_subgroup(), "<u8").reshape(2, 2, 4)
    with open(path, "wb") as handle:
        np.savez(handle, **members)
    with pytest.raises(KeyFormatError, match=r"member b_g2_query: point 1 is not in the G2 subgroup"):
        read_proving_key(path)


@pytest.mark.parametrize("damage", ["garbage", "digest", "checks", "foreign", "other user"])
def test_a_sidecar_that_does_not_match_is_ignored_and_rewritten(keys, tmp_path, monkeypatch, damage):
    folder, calls = keys
    path, sidecar = folder / "c.zkey", folder / "c.zkey.checked"
    read_proving_key(path)
    record = json.loads(sidecar.read_text())
    if damage == "garbage":
        sidecar.write_bytes(b"\x00not json")
    elif damage == "digest":
        sidecar.write_text(json.dumps({**record, "blake2b": "0" * 64}))
    elif damage == "checks":
        sidecar.write_text(json.dumps({**record, "checks": key_check.CHECKS - 1}))
    elif damage == "foreign":
        read_proving_key(folder / "pk.npz")
        sidecar.write_bytes((folder / "pk.npz.checked").read_bytes())
    else:
        monkeypatch.setenv("ZKPROVE_CACHE", str(tmp_path / "another user's cache"))
    calls.clear()
    assert read_proving_key(path).points_checked
    assert calls, "the key was not validated again"
    calls.clear()
    read_proving_key(path)
    assert not calls, "the rewritten sidecar was not used"


def test_a_read_only_folder_or_home_still_proves(cubic, keys, tmp_path, monkeypatch):
    folder, calls = keys
    path = folder / "c.zkey"

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    with monkeypatch.context() as patch:
        patch.setattr(key_check.tempfile, "mkstemp", refuse)  # as in a folder this user cannot write
        for _ in range(2):
            calls.clear()
            assert _proves(read_proving_key(path), cubic[0]) and calls
    assert not (folder / "c.zkey.checked").exists()
    (tmp_path / "not a folder").write_text("")
    monkeypatch.setenv("ZKPROVE_CACHE", str(tmp_path / "not a folder" / "zkprove"))  # no secret can be kept
    assert key_check.user_secret() is None
    calls.clear()
    assert _proves(read_proving_key(path), cubic[0]) and calls
    assert not (folder / "c.zkey.checked").exists()
