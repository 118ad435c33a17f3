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
h_query        G1      [tau^i Z(tau) / delta] for i < n − 1, or, in the
                       snarkjs variant, [L'_{2j+1}(tau) / delta] for j < n
l_query        G1      [(beta u_i + alpha v_i + w_i)(tau) / delta], private wires
============== ======= ================================================

The snarkjs variant (a key read from or made for a ``.zkey``; see
:mod:`zkprove.groth16.qap` and docs/formats.md) has n H points over the odd
coset of the 2n domain; its QAP may lack C.

The verifying key's IC points are the same combination divided by gamma,
for the constant and public wires. Points are affine Montgomery arrays
(G1 ``(2, 4)``, G2 ``(2, 2, 4)``, queries with a leading axis), infinity all
zero. The key also carries the constraint system's QAP
(:class:`~zkprove.groth16.qap.QAP`): the prover checks the witness against
it and reduces it with it, so proving needs nothing but key and witness, and
``key.qap.digest`` names the constraint system the key was made for.

The key's file formats, and the checks on reading one, are in
:mod:`zkprove.formats.npz_key_file` and :mod:`zkprove.formats.zkey_file`.
The points are validated (on the curve, G2's in the subgroup) once: when
the prover first prepares its MSM bases (:meth:`ProvingKey.msm_bases`), or,
for a key read through :mod:`zkprove.formats.key_check`, when its file was
first read, the verdict then kept beside the file; such a key arrives with
``points_checked`` set and its bases are not validated again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from zkprove.curve import G1, G2, Bases, Group
from zkprove.field import fq2

from .data import G1 as G1Point
from .data import G2 as G2Point
from .data import VerifyingKey
from .qap import QAP

_G1_SHAPE = (2, 4)
_G2_SHAPE = (2, 2, 4)


class KeyFormatError(ValueError):
    """A proving key (or its file) that is not one, is of another version, or is inconsistent."""


@dataclass(frozen=True)
class QueryBases:
    """One query's MSM bases with its points at infinity dropped: ``bases[k]`` pairs with scalar ``index[k]``."""

    bases: Bases
    index: np.ndarray

    @classmethod
    def prepare(cls, group: Group, points: np.ndarray, checked: bool = False) -> QueryBases:
        """Validate ``points`` once (:meth:`Group.prepare`; not when ``checked``) and keep the finite ones."""
        index = np.flatnonzero(points.reshape(len(points), -1).any(axis=1))
        finite = points if len(index) == len(points) else points[index]
        return cls(group.prepare(np.require(finite, requirements=("C", "A")), checked), index)


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
    """A Groth16 proving key (see the module doc for each field).

    ``points_checked``: every point has been validated already (on the
    curve, G2's in the subgroup), so :meth:`msm_bases` trusts them.
    """

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
    points_checked: bool = False
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
        if self.qap.c is None or getattr(self.h_query, "shape", ())[:1] == (self.domain_size,):
            expected["h_query"] = (self.domain_size, *_G1_SHAPE)
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

    @property
    def h_on_odd_coset(self) -> bool:
        """Whether the H query is snarkjs's (n points over the odd coset) rather than n − 1 powers of tau."""
        return len(self.h_query) == self.domain_size

    def msm_bases(self) -> MsmBases:
        """The validated MSM bases, prepared on first use and then cached on the key.

        Preparing validates every point of the key once (on the curve, G2 in
        its subgroup), alpha, beta and delta included, unless ``points_checked``.
        """
        if self._msm_bases is None:
            checked = self.points_checked
            if not checked:
                G1.validate(np.stack([self.alpha_g1, self.beta_g1, self.delta_g1]), "alpha/beta/delta in G1")
                G2.validate(np.stack([self.beta_g2, self.delta_g2]), "beta/delta in G2")
            self._msm_bases = MsmBases(
                a=QueryBases.prepare(G1, self.a_query, checked),
                b_g1=QueryBases.prepare(G1, self.b_g1_query, checked),
                b_g2=QueryBases.prepare(G2, self.b_g2_query, checked),
                c=QueryBases.prepare(G1, np.concatenate([self.l_query, self.h_query]), checked),
            )
        return self._msm_bases


def g1_array(points: Sequence[G1Point]) -> np.ndarray:
    """Plain-int affine G1 points as a Montgomery ``(n, 2, 4)`` array, infinity (0, 0) included."""
    return fq2.fq_from_ints(c for p in points for c in p).reshape(-1, 2, 4)


def g2_array(points: Sequence[G2Point]) -> np.ndarray:
    """Plain-int affine G2 points as a Montgomery ``(n, 2, 2, 4)`` array, infinity included."""
    return fq2.fq_from_ints(c for p in points for xy in p for c in xy).reshape(-1, 2, 2, 4)


def g1_to_ints(point: np.ndarray) -> G1Point:
    """An affine ``(2, 4)`` Montgomery G1 point as plain ints (infinity (0, 0))."""
    x, y = fq2.fq_to_ints(point)
    return (x, y)


def g2_to_ints(point: np.ndarray) -> G2Point:
    """An affine ``(2, 2, 4)`` Montgomery G2 point as ``((x_re, x_im), (y_re, y_im))``."""
    x_re, x_im, y_re, y_im = fq2.fq_to_ints(point)
    return ((x_re, x_im), (y_re, y_im))


def key_fingerprint(pk: ProvingKey) -> str:
    """A BLAKE2b-128 digest of the proving key's sizes, arrays and verifying key.

    Two keys with the same fingerprint prove and verify the same statements:
    a prover cluster compares them when a prover registers.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((pk.vk, pk.n_wires, pk.n_public, pk.domain_size)).encode())
    for item in fields(pk):
        value = getattr(pk, item.name)
        if item.init and isinstance(value, np.ndarray):
            digest.update(item.name.encode())
            digest.update(np.ascontiguousarray(value).tobytes())
    return digest.hexdigest()
