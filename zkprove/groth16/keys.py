"""The Groth16 proving key, and its versioned file format.

For a QAP with wire polynomials u_i, v_i, w_i on a domain of size n,
vanishing polynomial Z, and toxic waste tau, alpha, beta, gamma, delta
(Groth 2016, "On the Size of Pairing-based Non-interactive Arguments",
section 3.2; field names as in arkworks' ``ProvingKey``):

============== ======= ================================================
field          group   value
============== ======= ================================================
alpha_g1       G1      [alpha]
beta_g1/_g2    G1, G2  [beta]
delta_g1/_g2   G1, G2  [delta]
a_query        G1      [u_i(tau)] for every wire
b_g1_query     G1      [v_i(tau)] for every wire
b_g2_query     G2      [v_i(tau)] for every wire
h_query        G1      [tau^i Z(tau) / delta] for i < n − 1
l_query        G1      [(beta u_i + alpha v_i + w_i)(tau) / delta], private wires
============== ======= ================================================

The verifying key's IC points are the same combination divided by gamma,
for the constant and public wires. Points are affine Montgomery arrays
(G1 ``(2, 4)``, G2 ``(2, 2, 4)``, queries with a leading axis), infinity all
zero. The key also carries the constraint system's QAP
(:class:`~zkprove.groth16.qap.QAP`): the prover checks the witness against
it and reduces it with it, so proving needs nothing but key and witness, and
``key.qap.digest`` names the constraint system the key was made for.

**File format**, version 1: an uncompressed numpy ``.npz`` archive, read
with ``allow_pickle=False``. Member ``header`` is UTF-8 JSON (as uint8)::

    {"format": "zkprove-groth16-proving-key", "version": 1, "n_wires": ...,
     "n_public": ..., "n_constraints": ..., "domain_size": ..., "qap_digest": "<hex>"}

The other members are the table's fields under their names, the verifying
key as ``vk_alpha_g1``, ``vk_beta_g2``, ``vk_gamma_g2``, ``vk_delta_g2``,
``vk_ic``, and the QAP as ``{a,b,c}_indptr``, ``{a,b,c}_wires`` (int64) and
``{a,b,c}_coeffs`` (uint64 ``(nnz, 4)``, Montgomery). Loading checks the
header, every shape, and the QAP against its recorded digest; the points
are validated (on curve, G2 subgroup) once, when the prover first prepares
its MSM bases (:meth:`ProvingKey.msm_bases`).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from os import PathLike

import numpy as np

from zkprove.curve import G1, G2, Bases, Group
from zkprove.field import fq2

from .data import G1 as G1Point
from .data import G2 as G2Point
from .data import VerifyingKey
from .qap import QAP, Matrix

FORMAT = "zkprove-groth16-proving-key"
VERSION = 1
_G1_SHAPE = (2, 4)
_G2_SHAPE = (2, 2, 4)


class KeyFormatError(ValueError):
    """A proving-key file that is not one, is of another version, or is inconsistent."""


@dataclass(frozen=True)
class QueryBases:
    """One query's MSM bases with its points at infinity dropped: ``bases[k]`` pairs with scalar ``index[k]``."""

    bases: Bases
    index: np.ndarray

    @classmethod
    def prepare(cls, group: Group, points: np.ndarray) -> QueryBases:
        """Validate ``points`` once (:meth:`Group.prepare`) and keep the finite ones."""
        index = np.flatnonzero(points.reshape(len(points), -1).any(axis=1))
        return cls(group.prepare(np.ascontiguousarray(points[index])), index)


@dataclass(frozen=True)
class MsmBases:
    """The prover's MSM bases: ``a``, ``b_g1``, ``b_g2`` over the wire values,
    ``c`` over the private wire values followed by H's coefficients (l_query then h_query)."""

    a: QueryBases
    b_g1: QueryBases
    b_g2: QueryBases
    c: QueryBases


@dataclass(eq=False)
class ProvingKey:
    """A Groth16 proving key (see the module doc for each field)."""

    vk: VerifyingKey
    n_wires: int
    n_public: int
    domain_size: int
    alpha_g1: np.ndarray
    beta_g1: np.ndarray
    beta_g2: np.ndarray
    delta_g1: np.ndarray
    delta_g2: np.ndarray
    a_query: np.ndarray
    b_g1_query: np.ndarray
    b_g2_query: np.ndarray
    h_query: np.ndarray
    l_query: np.ndarray
    qap: QAP
    _msm_bases: MsmBases | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        n_private = self.n_wires - self.n_public - 1
        expected = {
            "alpha_g1": _G1_SHAPE, "beta_g1": _G1_SHAPE, "beta_g2": _G2_SHAPE,
            "delta_g1": _G1_SHAPE, "delta_g2": _G2_SHAPE,
            "a_query": (self.n_wires, *_G1_SHAPE), "b_g1_query": (self.n_wires, *_G1_SHAPE),
            "b_g2_query": (self.n_wires, *_G2_SHAPE), "h_query": (self.domain_size - 1, *_G1_SHAPE),
            "l_query": (n_private, *_G1_SHAPE),
        }
        for name, shape in expected.items():
            value = getattr(self, name)
            if not isinstance(value, np.ndarray) or value.dtype != np.uint64 or value.shape != shape:
                got = getattr(value, "shape", type(value).__name__)
                raise KeyFormatError(f"proving key {name}: expected uint64 {shape}, got {got}")
        sizes = (self.n_wires, self.n_public, self.domain_size)
        qap_sizes = (self.qap.n_wires, self.qap.n_public, self.qap.domain_size)
        if sizes != qap_sizes:
            raise KeyFormatError(f"proving key (wires, public, domain) {sizes} differ from its QAP's {qap_sizes}")
        if self.vk.n_public != self.n_public:
            raise KeyFormatError(f"verifying key has {self.vk.n_public} public inputs, proving key {self.n_public}")

    @property
    def n_constraints(self) -> int:
        return self.qap.n_constraints

    def msm_bases(self) -> MsmBases:
        """The validated MSM bases, prepared on first use and then cached on the key.

        Preparing validates every point of the key once (on the curve, G2 in
        its subgroup), alpha, beta and delta included.
        """
        if self._msm_bases is None:
            G1.validate(np.stack([self.alpha_g1, self.beta_g1, self.delta_g1]), "alpha/beta/delta in G1")
            G2.validate(np.stack([self.beta_g2, self.delta_g2]), "beta/delta in G2")
            self._msm_bases = MsmBases(
                a=QueryBases.prepare(G1, self.a_query),
                b_g1=QueryBases.prepare(G1, self.b_g1_query),
                b_g2=QueryBases.prepare(G2, self.b_g2_query),
                c=QueryBases.prepare(G1, np.concatenate([self.l_query, self.h_query])),
            )
        return self._msm_bases


def g1_to_ints(point: np.ndarray) -> G1Point:
    """An affine ``(2, 4)`` Montgomery G1 point as plain ints (infinity (0, 0))."""
    x, y = fq2.fq_to_ints(point)
    return (x, y)


def g2_to_ints(point: np.ndarray) -> G2Point:
    """An affine ``(2, 2, 4)`` Montgomery G2 point as ``((x_re, x_im), (y_re, y_im))``."""
    x_re, x_im, y_re, y_im = fq2.fq_to_ints(point)
    return ((x_re, x_im), (y_re, y_im))


def _g1_array(points: list[G1Point]) -> np.ndarray:
    return fq2.fq_from_ints([c for p in points for c in p]).reshape(-1, *_G1_SHAPE)


def _g2_array(points: list[G2Point]) -> np.ndarray:
    return fq2.fq_from_ints([c for p in points for xy in p for c in xy]).reshape(-1, *_G2_SHAPE)


_POINT_FIELDS = (
    "alpha_g1", "beta_g1", "beta_g2", "delta_g1", "delta_g2",
    "a_query", "b_g1_query", "b_g2_query", "h_query", "l_query",
)
_MATRICES = ("a", "b", "c")


def save_proving_key(pk: ProvingKey, path: str | PathLike) -> None:
    """Write ``pk`` in the version-1 file format (see the module doc)."""
    header = {
        "format": FORMAT, "version": VERSION, "n_wires": pk.n_wires, "n_public": pk.n_public,
        "n_constraints": pk.n_constraints, "domain_size": pk.domain_size, "qap_digest": pk.qap.digest,
    }
    arrays = {"header": np.frombuffer(json.dumps(header).encode(), np.uint8)}
    arrays.update({name: getattr(pk, name) for name in _POINT_FIELDS})
    arrays["vk_alpha_g1"] = _g1_array([pk.vk.alpha_g1])
    arrays["vk_beta_g2"] = _g2_array([pk.vk.beta_g2])
    arrays["vk_gamma_g2"] = _g2_array([pk.vk.gamma_g2])
    arrays["vk_delta_g2"] = _g2_array([pk.vk.delta_g2])
    arrays["vk_ic"] = _g1_array(list(pk.vk.ic))
    for name in _MATRICES:
        matrix = getattr(pk.qap, name)
        for part in ("indptr", "wires", "coeffs"):
            arrays[f"{name}_{part}"] = getattr(matrix, part)
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def load_proving_key(path: str | PathLike) -> ProvingKey:
    """Read a proving key written by :func:`save_proving_key`; KeyFormatError if it is not one."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise KeyFormatError(f"{path}: not a zkprove proving key ({error})") from None
    header = _header(arrays, path)
    missing = [name for name in _POINT_FIELDS + ("vk_alpha_g1", "vk_beta_g2", "vk_gamma_g2", "vk_delta_g2", "vk_ic")
               + tuple(f"{m}_{part}" for m in _MATRICES for part in ("indptr", "wires", "coeffs"))
               if name not in arrays]
    if missing:
        raise KeyFormatError(f"{path}: missing members {missing}")
    qap = QAP(
        n_wires=header["n_wires"], n_public=header["n_public"], n_constraints=header["n_constraints"],
        domain_size=header["domain_size"],
        **{m: _matrix(arrays, m, path) for m in _MATRICES},
    )
    if qap.digest != header["qap_digest"]:
        raise KeyFormatError(f"{path}: the constraint matrices do not match the recorded digest")
    vk = VerifyingKey(
        alpha_g1=g1_to_ints(arrays["vk_alpha_g1"][0]),
        beta_g2=g2_to_ints(arrays["vk_beta_g2"][0]),
        gamma_g2=g2_to_ints(arrays["vk_gamma_g2"][0]),
        delta_g2=g2_to_ints(arrays["vk_delta_g2"][0]),
        ic=[g1_to_ints(p) for p in arrays["vk_ic"]],
    )
    return ProvingKey(
        vk=vk, n_wires=header["n_wires"], n_public=header["n_public"], domain_size=header["domain_size"],
        qap=qap, **{name: arrays[name] for name in _POINT_FIELDS},
    )


def _matrix(arrays: dict[str, np.ndarray], name: str, path: str | PathLike) -> Matrix:
    indptr, wires, coeffs = (arrays[f"{name}_{part}"] for part in ("indptr", "wires", "coeffs"))
    if indptr.dtype != np.int64 or wires.dtype != np.int64 or indptr.ndim != 1 or wires.ndim != 1:
        raise KeyFormatError(f"{path}: matrix {name} indptr and wires must be 1-D int64")
    if coeffs.dtype != np.uint64 or coeffs.shape != (len(wires), 4):
        raise KeyFormatError(f"{path}: matrix {name} coeffs must be uint64 ({len(wires)}, 4), got {coeffs.shape}")
    return Matrix(indptr, wires, coeffs)


def _header(arrays: dict[str, np.ndarray], path: str | PathLike) -> dict:
    try:
        header = json.load(io.BytesIO(arrays["header"].tobytes()))
    except (KeyError, ValueError) as error:
        raise KeyFormatError(f"{path}: no readable header ({error})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise KeyFormatError(f"{path}: not a zkprove proving key")
    if header.get("version") != VERSION:
        raise KeyFormatError(f"{path}: key format version {header.get('version')}, this zkprove reads {VERSION}")
    for name in ("n_wires", "n_public", "n_constraints", "domain_size"):
        if not isinstance(header.get(name), int) or header[name] < 0:
            raise KeyFormatError(f"{path}: header field {name} is {header.get(name)!r}")
    return header
