"""A seeded corpus of damaged proving-key files (``.npz``, :mod:`zkprove.formats.npz_key_file`).

Each case is the bytes of a file and fragments its KeyFormatError must
contain, naming the member (or the archive, for damage to the zip itself).

Kinds of damage, per member: missing; another dtype (float64, int32,
uint32); an extra axis; one row short; Fortran order; a coordinate >= p;
a bit flipped in its data (the zip's CRC catches it). For the archive:
truncation at seeded offsets, compressed members, a member whose ``.npy``
header claims 4 TiB. For the header: each field wrong in type or range,
nesting and length bombs. For the content: sizes that disagree with the
members, broken matrices, a digest that does not match, verifying-key
points off the curve, a vk that differs from the key's own points, and a
degenerate vk (delta = gamma).
"""

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from random import Random

import numpy as np

from zkprove.field import Fq, Fr
from zkprove.formats.npz_key_file import _expected_members

MEMBER_EDITS = ("missing", "float64", "int32", "uint32", "extra axis", "one row short", "fortran", "above p", "bit flip")


@dataclass(frozen=True)
class DamagedKey:
    name: str
    data: bytes
    fragments: tuple[str, ...]


def archive_bytes(arrays: dict[str, np.ndarray], compressed: bool = False) -> bytes:
    out = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(out, **arrays)
    return out.getvalue()


def _header_with(arrays: dict[str, np.ndarray], **changes) -> dict[str, np.ndarray]:
    header = json.loads(arrays["header"].tobytes())
    raw = json.dumps({**header, **changes}).encode()
    return {**arrays, "header": np.frombuffer(raw, np.uint8)}


def _member_edit(arrays: dict, name: str, edit: str) -> tuple[dict, tuple[str, ...]] | None:
    array, member = arrays[name], (f"member {name}",)
    edited = dict(arrays)
    if edit == "missing":
        del edited[name]
        return edited, (*member, "missing from the archive")
    if edit in ("float64", "int32", "uint32"):
        edited[name] = array.astype(edit)
        return edited, (*member, "expected")
    if edit == "extra axis":
        edited[name] = array[None]
        return edited, (*member, "axes")
    if edit == "one row short" and len(array) and name != "header":
        edited[name] = array[:-1]
        follows = {"wires": "coeffs"}.get(name.rpartition("_")[2])
        return edited, ((f"member {name[:-5]}coeffs",) if follows else (*member, "shape"))
    if edit == "fortran" and array.ndim >= 2 and array.shape[-1] > 1 and array.size > 4:
        edited[name] = np.asfortranarray(array)
        return edited, (*member, "Fortran-order")
    if edit == "above p" and array.dtype == np.uint64 and not name.endswith("coeffs") and array.size:
        bumped = array.copy()
        bumped.reshape(-1, 4)[0] = np.array(Fq.spec.modulus, np.uint64)
        edited[name] = bumped
        return edited, (*member, "is not below p")
    return None


def _payload_bit_flip(good: bytes, name: str) -> bytes:
    """``good`` with the last byte of member ``name``'s data flipped (its CRC then fails)."""
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        info = archive.getinfo(f"{name}.npy")
        local = info.header_offset
    name_length = int.from_bytes(good[local + 26 : local + 28], "little")
    extra_length = int.from_bytes(good[local + 28 : local + 30], "little")
    last = local + 30 + name_length + extra_length + info.file_size - 1
    return good[:last] + bytes([good[last] ^ 0x01]) + good[last + 1 :]


def _lying_member(arrays: dict, name: str) -> bytes:
    """An archive whose member ``name`` declares a shape of 2^40 rows but holds 16 bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member, array in arrays.items():
            body = io.BytesIO()
            if member == name:
                header = {"descr": "<u8", "fortran_order": False, "shape": (1 << 40, *array.shape[1:])}
                np.lib.format.write_array_header_1_0(body, header)
                body.write(b"\0" * 16)
            else:
                np.lib.format.write_array(body, array)
            archive.writestr(f"{member}.npy", body.getvalue())
    return out.getvalue()


def key_cases(arrays: dict[str, np.ndarray]) -> Iterator[DamagedKey]:
    """Damage to the key whose members are ``arrays`` (a small circuit's key, IC of 2+ points)."""
    header = json.loads(arrays["header"].tobytes())
    good = archive_bytes(arrays)
    for name in _expected_members(header):
        for edit in MEMBER_EDITS:
            if edit == "bit flip":
                if arrays[name].size:
                    yield DamagedKey(f"{name}: {edit}", _payload_bit_flip(good, name), (f"member {name}", "CRC"))
                continue
            made = _member_edit(arrays, name, edit)
            if made is not None:
                yield DamagedKey(f"{name}: {edit}", archive_bytes(made[0]), made[1])
    for name in ("a_query", "b_g2_query", "h_query", "a_coeffs"):
        yield DamagedKey(f"{name} declares 2^40 rows", _lying_member(arrays, name),
                         (f"member {name}", "bytes, the archive holds 16"))
    yield DamagedKey("compressed", archive_bytes(arrays, compressed=True), ("compressed",))
    for cut in sorted(Random(13).sample(range(1, len(good)), 40)):
        yield DamagedKey(f"truncated at byte {cut}", good[:cut], ("proving key",))
    yield DamagedKey("not a zip", b"\x93NUMPY" + good[6:200], ("not a zkprove proving key",))
    yield from _header_cases(arrays, header)
    yield from _content_cases(arrays, header)


def _header_cases(arrays: dict, header: dict) -> Iterator[DamagedKey]:
    member = "member header"
    for field, value, says in (
        ("format", "something else", "not a zkprove proving key"), ("version", 2, "version 2"),
        ("n_wires", True, "n_wires is True"), ("n_wires", -1, "n_wires is -1"), ("n_wires", "5", "n_wires is '5'"),
        ("n_public", 10**6, "public inputs need more than"), ("domain_size", 3, "not a power of two"),
        ("domain_size", 1 << 30, "not a power of two in [2, 2^28]"), ("domain_size", 0, "not a power of two"),
        ("qap_digest", 5, "qap_digest is not a string"), ("n_constraints", [], "n_constraints is []"),
        ("n_wires", {"a": [[[1]]]}, "nested"),
    ):
        yield DamagedKey(f"header {field} = {value!r}", archive_bytes(_header_with(arrays, **{field: value})), (says,))
    for raw, says in ((b"[" * 1000 + b"]" * 1000, "nested 1000 levels"), (b"{" + b" " * 70_000 + b"}", "bytes"),
                      (b"\xff\xfe", "not readable JSON"), (b'{"n_wires": 1' + b"0" * 100 + b"}", "a number of 101 digits")):
        yield DamagedKey(f"header bytes {raw[:12]!r}", archive_bytes({**arrays, "header": np.frombuffer(raw, np.uint8)}),
                         (member, says))
    for field in ("n_wires", "n_constraints", "domain_size"):
        bigger = header[field] * 2 if field == "domain_size" else header[field] + 1
        yield DamagedKey(f"header {field} disagrees with the members",
                         archive_bytes(_header_with(arrays, **{field: bigger})), ("shape", "expected"))


def _content_cases(arrays: dict, header: dict) -> Iterator[DamagedKey]:
    def replaced(**members) -> bytes:
        return archive_bytes({**arrays, **members})

    indptr = arrays["a_indptr"].copy()
    indptr[1], indptr[2] = indptr[2], indptr[1] - 1
    yield DamagedKey("a_indptr decreasing", replaced(a_indptr=indptr), ("QAP matrix a", "row pointer"))
    wires = arrays["b_wires"].copy()
    wires[0] = header["n_wires"]
    yield DamagedKey("b_wires out of range", replaced(b_wires=wires), ("QAP matrix b", "wire index"))
    coeffs = arrays["c_coeffs"].copy()
    coeffs[0] = np.array(Fr.spec.modulus, np.uint64)
    yield DamagedKey("c_coeffs above r", replaced(c_coeffs=coeffs), ("QAP matrix c", "not reduced"))
    coeffs = arrays["a_coeffs"].copy()
    coeffs[0, 0] ^= 1
    yield DamagedKey("a coefficient changed", replaced(a_coeffs=coeffs), ("do not match the recorded digest",))
    swapped = arrays["vk_ic"].copy()
    swapped[1] = swapped[1][::-1]
    yield DamagedKey("vk_ic point off the curve", replaced(vk_ic=swapped), ("member vk_ic", "point 1 is not on the G1 curve"))
    gamma = arrays["vk_gamma_g2"].copy()
    gamma[0] = gamma[0][:, ::-1]
    yield DamagedKey("vk_gamma_g2 off the curve", replaced(vk_gamma_g2=gamma), ("member vk_gamma_g2", "not on the G2 curve"))
    yield DamagedKey("vk_delta_g2 differs from delta_g2", replaced(vk_delta_g2=arrays["vk_beta_g2"]),
                     ("member vk_delta_g2", "differs from the key's own delta_g2"))
    yield DamagedKey("vk alpha differs from alpha_g1", replaced(alpha_g1=arrays["beta_g1"]),
                     ("member vk_alpha_g1", "differs from the key's own alpha_g1"))
    yield DamagedKey("delta = gamma", replaced(vk_delta_g2=arrays["vk_gamma_g2"], delta_g2=arrays["vk_gamma_g2"][0]),
                     ("verifying key: delta = gamma",))
    ic = arrays["vk_ic"].copy()
    ic[2] = ic[1]
    yield DamagedKey("IC[2] = IC[1]", replaced(vk_ic=ic), ("IC[2]", "equal or opposite to IC[1]"))
