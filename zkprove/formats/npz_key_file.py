"""The proving key's file, version 1, and every check on what such a file may claim.

**Layout**: an uncompressed numpy ``.npz`` archive (``np.savez``), read
without pickles. Member ``header`` is UTF-8 JSON (as uint8)::

    {"format": "zkprove-groth16-proving-key", "version": 1, "n_wires": ...,
     "n_public": ..., "n_constraints": ..., "domain_size": ..., "qap_digest": "<hex>"}

The other members are the :class:`~zkprove.groth16.keys.ProvingKey` fields
under their names, the verifying key as ``vk_alpha_g1``, ``vk_beta_g2``,
``vk_gamma_g2``, ``vk_delta_g2``, ``vk_ic``, and the QAP as
``{a,b,c}_indptr``, ``{a,b,c}_wires`` (int64) and ``{a,b,c}_coeffs`` (uint64
``(nnz, 4)``, Montgomery). With W wires, N public inputs, M constraints and
domain size D, the shapes are:

================================= ======== ==========================
member                            dtype    shape
================================= ======== ==========================
alpha_g1, beta_g1, delta_g1       uint64   (2, 4)
beta_g2, delta_g2                 uint64   (2, 2, 4)
a_query, b_g1_query               uint64   (W, 2, 4)
b_g2_query                        uint64   (W, 2, 2, 4)
h_query                           uint64   (D - 1, 2, 4)
l_query                           uint64   (W - N - 1, 2, 4)
vk_alpha_g1                       uint64   (1, 2, 4)
vk_beta_g2, vk_gamma_g2, ...      uint64   (1, 2, 2, 4)
vk_ic                             uint64   (N + 1, 2, 4)
{a,b,c}_indptr                    int64    (M + N + 2,)
{a,b,c}_wires                     int64    (nnz,)
{a,b,c}_coeffs                    uint64   (nnz, 4)
================================= ======== ==========================

**Checks on load**, each refusal a :class:`KeyFormatError` naming the file
and the member:

* before any member is read, its ``.npy`` header: stored uncompressed, a
  plain little-endian dtype, and a declared size equal to the bytes the
  archive really holds for it (so a member claiming 4 TiB allocates
  nothing); the header JSON within small size and depth limits;
* the header: the format, version 1, sizes that are non-negative ints (not
  bools), a domain that is a power of two up to 2^28 (Fr's two-adicity);
* every member's dtype and shape as in the table, every coordinate below p;
* the matrices (row pointers, wire indices, coefficients below r) and
  their digest;
* the verifying key: its points on the curve and in the subgroup, equal to
  the key's own alpha, beta and delta, and not degenerate
  (:func:`~zkprove.groth16.key_sanity.degenerate_key_error`) unless the
  caller reads a ceremony's unfinished key.

The query points are validated on the curve (and G2's in the subgroup) when
the prover first prepares its MSM bases (:meth:`ProvingKey.msm_bases`), or,
with ``points="all"``, on load, each refusal naming the member and the
point's index; ``points="checked"`` skips every point check, for bytes the
caller holds a verdict for (:mod:`.key_check`). Members are views of the
archive's bytes where they lie on an 8-byte boundary, copies otherwise.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from os import PathLike

import numpy as np

from zkprove.curve import G1, G2
from zkprove.field import Fq
from zkprove.field import arrays as field_arrays
from zkprove.groth16.data import VerifyingKey
from zkprove.groth16.key_sanity import degenerate_key_error
from zkprove.groth16.keys import KeyFormatError, ProvingKey, g1_array, g1_to_ints, g2_array, g2_to_ints
from zkprove.groth16.qap import QAP, Matrix

from .binfile import load_buffer
from .bounded_json import parse_json

FORMAT = "zkprove-groth16-proving-key"
VERSION = 1
MAX_DOMAIN = 1 << 28
MAX_HEADER_BYTES = 1 << 16
_G1, _G2 = (2, 4), (2, 2, 4)
_POINT_FIELDS = (
    "alpha_g1", "beta_g1", "beta_g2", "delta_g1", "delta_g2",
    "a_query", "b_g1_query", "b_g2_query", "h_query", "l_query",
)
_VK_FIELDS = ("vk_alpha_g1", "vk_beta_g2", "vk_gamma_g2", "vk_delta_g2", "vk_ic")
_MATRICES = ("a", "b", "c")
_SIZES = ("n_wires", "n_public", "n_constraints", "domain_size")
_DTYPES = {"uint8": np.dtype("<u1"), "uint64": np.dtype("<u8"), "int64": np.dtype("<i8")}
_P_LIMBS = np.array(Fq.spec.modulus, dtype=np.uint64)
_POINT_CHECKS = ("curve", "all", "checked")


def save_proving_key(pk: ProvingKey, path: str | PathLike) -> None:
    """Write ``pk`` in the version-1 file format (see the module doc).

    A key in the snarkjs variant (H over the odd coset, perhaps no C) has no
    place in this format; it is written as a ``.zkey`` (:mod:`zkprove.formats.zkey_file`).
    """
    if pk.qap.c is None or pk.h_on_odd_coset:
        raise KeyFormatError("this key is in the snarkjs variant (H over the odd coset); write it as a .zkey")
    header = {
        "format": FORMAT, "version": VERSION, "n_wires": pk.n_wires, "n_public": pk.n_public,
        "n_constraints": pk.n_constraints, "domain_size": pk.domain_size, "qap_digest": pk.qap.digest,
    }
    arrays = {"header": np.frombuffer(json.dumps(header).encode(), np.uint8)}
    arrays.update({name: getattr(pk, name) for name in _POINT_FIELDS})
    arrays["vk_alpha_g1"] = g1_array([pk.vk.alpha_g1])
    arrays["vk_beta_g2"] = g2_array([pk.vk.beta_g2])
    arrays["vk_gamma_g2"] = g2_array([pk.vk.gamma_g2])
    arrays["vk_delta_g2"] = g2_array([pk.vk.delta_g2])
    arrays["vk_ic"] = g1_array(list(pk.vk.ic))
    for name in _MATRICES:
        matrix = getattr(pk.qap, name)
        for part in ("indptr", "wires", "coeffs"):
            arrays[f"{name}_{part}"] = getattr(matrix, part)
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def _expected_members(h: dict) -> dict[str, tuple[str, tuple[int, ...] | None]]:
    """Member name -> (dtype name, shape); None for the matrices' wires and coeffs, whose length is nnz."""
    w, n, rows = h["n_wires"], h["n_public"], h["n_constraints"] + h["n_public"] + 1
    members: dict[str, tuple[str, tuple[int, ...] | None]] = {
        "alpha_g1": ("uint64", _G1), "beta_g1": ("uint64", _G1), "delta_g1": ("uint64", _G1),
        "beta_g2": ("uint64", _G2), "delta_g2": ("uint64", _G2),
        "a_query": ("uint64", (w, *_G1)), "b_g1_query": ("uint64", (w, *_G1)),
        "b_g2_query": ("uint64", (w, *_G2)), "h_query": ("uint64", (h["domain_size"] - 1, *_G1)),
        "l_query": ("uint64", (w - n - 1, *_G1)),
        "vk_alpha_g1": ("uint64", (1, *_G1)), "vk_beta_g2": ("uint64", (1, *_G2)),
        "vk_gamma_g2": ("uint64", (1, *_G2)), "vk_delta_g2": ("uint64", (1, *_G2)), "vk_ic": ("uint64", (n + 1, *_G1)),
    }
    for m in _MATRICES:
        members.update({f"{m}_indptr": ("int64", (rows + 1,)), f"{m}_wires": ("int64", None),
                        f"{m}_coeffs": ("uint64", None)})
    return members


#: A zip local file header's fixed part; its name and extra field lengths are at bytes 26 and 28.
_LOCAL_HEADER = 30
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


class _Archive:
    """The members of an ``.npz``, each read only after its declared size is checked against the archive."""

    def __init__(self, path: str | PathLike, data: bytearray | None = None):
        self.path = path
        try:
            self.data = data = load_buffer(path) if data is None else data
            self.size = len(data)
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except OSError as error:
            raise KeyFormatError(f"{path}: cannot read the file ({error.strerror or error})") from None
        except (zipfile.BadZipFile, ValueError, EOFError) as error:
            raise KeyFormatError(f"{path}: not a zkprove proving key ({error})") from None

    def error(self, name: str, message: str) -> KeyFormatError:
        return KeyFormatError(f"{self.path}: member {name}: {message}")

    def _npy_header(self, info: zipfile.ZipInfo) -> tuple[tuple[int, ...], bool, np.dtype, int]:
        """(shape, Fortran order, dtype, payload bytes) from a member's ``.npy`` header."""
        with self.zip.open(info) as stream:
            version = np.lib.format.read_magic(stream)
            if version not in _HEADER_READERS:
                raise ValueError(f".npy format version {version}")
            shape, fortran, dtype = _HEADER_READERS[version](stream)
            return shape, fortran, dtype, info.file_size - stream.tell()

    def read(self, name: str, dtype: str, ndim: int) -> np.ndarray:
        """Member ``name``: its header checked (dtype, rank, size against the bytes present), then read."""
        try:
            info = self.zip.getinfo(f"{name}.npy")
        except KeyError:
            raise self.error(name, "missing from the archive") from None
        if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
            raise self.error(name, "compressed; a proving key is an uncompressed .npz (np.savez)")
        if info.file_size > self.size:
            raise self.error(name, f"declares {info.file_size:,} bytes, the whole file has {self.size:,}")
        try:
            shape, fortran, found, payload = self._npy_header(info)
        except (ValueError, EOFError, OSError, zipfile.BadZipFile) as error:
            raise self.error(name, f"unreadable .npy header ({error})") from None
        if found != _DTYPES[dtype] or fortran or len(shape) != ndim:
            order = "Fortran-order " if fortran else ""
            raise self.error(name, f"expected {dtype} with {ndim} axes, got {order}{found} of shape {shape}")
        declared = math.prod(shape) * found.itemsize
        if declared != payload:
            raise self.error(name, f"shape {shape} needs {declared:,} bytes, the archive holds {payload:,}")
        local = self.data[info.header_offset : info.header_offset + _LOCAL_HEADER]
        if len(local) < _LOCAL_HEADER or local[:4] != b"PK\x03\x04":
            raise self.error(name, f"no local file header at offset {info.header_offset}")
        name_and_extra = int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
        start = info.header_offset + _LOCAL_HEADER + name_and_extra + info.file_size - payload
        if start + payload > self.size:
            raise self.error(name, f"runs past the end of the file at offset {start}")
        array = np.frombuffer(self.data, dtype=found, count=math.prod(shape), offset=start).reshape(shape)
        return np.require(array, requirements=("C", "A"))


def _header(archive: _Archive) -> dict:
    raw = archive.read("header", "uint8", 1)
    try:
        header = parse_json(raw.tobytes(), max_bytes=MAX_HEADER_BYTES, max_depth=2)
    except ValueError as error:
        raise archive.error("header", f"not readable JSON ({error})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise KeyFormatError(f"{archive.path}: not a zkprove proving key")
    if header.get("version") != VERSION:
        raise KeyFormatError(f"{archive.path}: key format version {header.get('version')!r:.20}, this zkprove reads {VERSION}")
    for name in _SIZES:
        value = header.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise archive.error("header", f"{name} is {value!r:.40}, expected a non-negative integer")
    domain = header["domain_size"]
    if domain & (domain - 1) or not 2 <= domain <= MAX_DOMAIN:
        raise archive.error("header", f"domain_size {domain} is not a power of two in [2, 2^28]")
    if header["n_public"] >= header["n_wires"]:
        raise archive.error("header", f"{header['n_public']} public inputs need more than {header['n_wires']} wires")
    if not isinstance(header.get("qap_digest"), str):
        raise archive.error("header", "qap_digest is not a string")
    return header


def _members(archive: _Archive, header: dict, check: bool) -> dict[str, np.ndarray]:
    """Every member, dtype and shape checked, point coordinates below p if ``check``."""
    arrays = {}
    for name, (dtype, shape) in _expected_members(header).items():
        if name.endswith("_coeffs"):
            shape = (len(arrays[name.replace("_coeffs", "_wires")]), 4)
        array = archive.read(name, dtype, 1 if shape is None else len(shape))
        if shape is not None and array.shape != shape:
            raise archive.error(name, f"shape {array.shape}, expected {shape} for this header")
        if check and name in _POINT_FIELDS + _VK_FIELDS and array.size:
            bad = field_arrays.first_at_least(np.ascontiguousarray(array.reshape(-1, 4)), _P_LIMBS)
            if bad >= 0:
                index = tuple(map(int, np.unravel_index(bad, array.shape[:-1])))
                raise archive.error(name, f"coordinate at {index} is not below p")
        arrays[name] = array
    return arrays


def _verifying_key(archive: _Archive, arrays: dict[str, np.ndarray], allow_degenerate: bool,
                   check: bool) -> VerifyingKey:
    """The verifying key: its points validated if ``check``, equal to the key's own, not degenerate."""
    vk_groups = (("vk_alpha_g1", G1), ("vk_ic", G1), ("vk_beta_g2", G2), ("vk_gamma_g2", G2), ("vk_delta_g2", G2))
    for name, group in vk_groups if check else ():
        try:
            group.validate(arrays[name], name)
        except ValueError as error:
            raise KeyFormatError(f"{archive.path}: member {error}") from None
    for vk_name, own in (("vk_alpha_g1", "alpha_g1"), ("vk_beta_g2", "beta_g2"), ("vk_delta_g2", "delta_g2")):
        if not np.array_equal(arrays[vk_name][0], arrays[own]):
            raise archive.error(vk_name, f"differs from the key's own {own}")
    vk = VerifyingKey(
        alpha_g1=g1_to_ints(arrays["vk_alpha_g1"][0]),
        beta_g2=g2_to_ints(arrays["vk_beta_g2"][0]),
        gamma_g2=g2_to_ints(arrays["vk_gamma_g2"][0]),
        delta_g2=g2_to_ints(arrays["vk_delta_g2"][0]),
        ic=[g1_to_ints(p) for p in arrays["vk_ic"]],
    )
    problem = None if allow_degenerate else degenerate_key_error(vk)
    if problem is not None:
        raise KeyFormatError(f"{archive.path}: {problem}")
    return vk


def load_proving_key(path: str | PathLike, allow_degenerate: bool = False, points: str = "curve",
                     data: bytearray | None = None) -> ProvingKey:
    """Read a proving key written by :func:`save_proving_key`; KeyFormatError naming the
    member and the reason if it is not one (see the module doc for the checks).

    ``allow_degenerate`` reads a ceremony's unfinished key: the initial phase-2
    key has delta = gamma, a key under which anyone could forge proofs.
    ``points``: ``"curve"`` (the checks above), ``"all"`` (every point now)
    or ``"checked"`` (none; see the module doc); with the last two the key
    comes with ``points_checked`` set. ``data``: the file's bytes, if the
    caller has read them already (:func:`~.binfile.load_buffer`; the arrays view them).
    """
    if points not in _POINT_CHECKS:
        raise ValueError(f"points={points!r}, expected one of {_POINT_CHECKS}")
    archive = _Archive(path, data)
    check = points != "checked"
    with archive.zip:
        header = _header(archive)
        arrays = _members(archive, header, check)
    try:
        qap = QAP(
            **{name: header[name] for name in _SIZES},
            **{m: Matrix(arrays[f"{m}_indptr"], arrays[f"{m}_wires"], arrays[f"{m}_coeffs"]) for m in _MATRICES},
        )
    except ValueError as error:
        raise KeyFormatError(f"{path}: {error}") from None
    if qap.digest != header["qap_digest"]:
        raise KeyFormatError(f"{path}: the constraint matrices do not match the recorded digest")
    if points == "all":
        _validate_points(archive, arrays)
    vk = _verifying_key(archive, arrays, allow_degenerate, check)
    return ProvingKey(
        vk=vk, n_wires=header["n_wires"], n_public=header["n_public"], domain_size=header["domain_size"],
        qap=qap, points_checked=points != "curve", **{name: arrays[name] for name in _POINT_FIELDS},
    )


def _validate_points(archive: _Archive, arrays: dict[str, np.ndarray]) -> None:
    """Every point of the key on its curve, G2's in the subgroup; the error names the member and the point."""
    for name in _POINT_FIELDS:
        group = G2 if "_g2" in name else G1
        try:
            group.validate(arrays[name].reshape(-1, 2, *group.element_shape), f"member {name}")
        except ValueError as error:
            raise KeyFormatError(f"{archive.path}: {error}") from None
