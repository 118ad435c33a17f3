"""Read and write snarkjs Groth16 ``.zkey`` proving keys (docs/formats.md).

Layout (snarkjs ``src/zkey_utils.js`` and ``src/zkey_new.js``), in the iden3
container of :mod:`.binfile` with magic ``"zkey"`` and version 1, integers
little-endian, points in the LEM encoding of :mod:`.snarkjs_points`:

==== ============= =========================================================
id   section       content
==== ============= =========================================================
1    header        ``protocol:u32`` (1 = Groth16)
2    groth16       ``n8q:u32 q[n8q] n8r:u32 r[n8r] n_vars:u32 n_public:u32
                   domain_size:u32``, alpha1, beta1, beta2, gamma2, delta1, delta2
3    IC            n_public + 1 G1 points
4    coefficients  ``n:u32``, then n × (``matrix:u32`` 0 = A, 1 = B,
                   ``constraint:u32``, ``signal:u32``, ``value[n8r]``); the
                   value is v·R² mod r with R = 2^256, so a Montgomery-form
                   reading of it is v·R, our own coefficient limbs
5, 6 A, B1         n_vars G1 points each
7    B2            n_vars G2 points
8    C             n_vars − n_public − 1 G1 points (the private wires)
9    H             domain_size G1 points, over the odd coset of the 2n domain
10   contributions the 64-byte circuit hash (BLAKE2b-512), ``count:u32``, then
                   each phase-2 contribution
==== ============= =========================================================

``snarkjs zkey new`` writes the sections in the order 1, 2, 4, 3, 9, 8, 5, 6,
7, 10 (:data:`NEW_ORDER`), its contributions and beacons in the order 1 to 10;
:class:`ZkeyFile` remembers the order it was read in and :func:`write_zkey`
keeps it, so a key written back is the file read, byte for byte, and our
setup's file equals snarkjs's. C is not stored: :mod:`zkprove.groth16.qap`
("The snarkjs variant") says how the key proves without it.

The circuit hash (:func:`circuit_hash`, as ``zkey new`` computes it) is
BLAKE2b-512 over the uncompressed alpha1, beta1, beta2, gamma2, delta1,
delta2, then for IC, H, C, A, B1, B2 in that order a big-endian ``u32``
count and the uncompressed points; for H, snarkjs hashes the n − 1 points
[tau^i (tau^n − 1)] of its powers of tau, not the section's Lagrange points.

Reading checks every size against the header before it reads, every
coefficient's matrix, constraint, signal and value, and the contributions'
framing, and, as ``points`` asks (:data:`POINT_CHECKS`), every coordinate
below p, every point on the curve and the header's G2 points in the
subgroup (``"curve"``, the default; the query points are then checked in
the subgroup when the prover first prepares them), the B2 points in the
subgroup too (``"all"``), or none of it (``"checked"``: the caller holds a
verdict for these very bytes, :mod:`.key_check`). Each refusal is a
:class:`ZkeyFormatError` naming the section, the point and the byte offset.
The point arrays are views of the bytes read, not copies, except for the
sections that do not start on an 8-byte boundary.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from os import PathLike

import numpy as np

from zkprove.curve import G1, G2, Group
from zkprove.field import Fr
from zkprove.field import arrays as field_arrays
from zkprove.field.params import P, R
from zkprove.groth16.data import VerifyingKey
from zkprove.groth16.key_sanity import degenerate_key_error
from zkprove.groth16.keys import ProvingKey, g1_array, g1_to_ints, g2_array, g2_to_ints
from zkprove.groth16.qap import QAP, Matrix

from .binfile import BinFile, FormatError, SectionReader, Source, load_buffer, pack_binfile, read_prime
from .snarkjs_points import check_points, lem_bytes, point_view, uncompressed_bytes

MAGIC = b"zkey"
VERSION = 1
GROTH16 = 1
HEADER, GROTH_HEADER, IC, COEFFICIENTS, POINTS_A, POINTS_B1, POINTS_B2, POINTS_C, POINTS_H, CONTRIBUTIONS = range(1, 11)
#: The section order of ``snarkjs zkey new``.
NEW_ORDER = (HEADER, GROTH_HEADER, COEFFICIENTS, IC, POINTS_H, POINTS_C, POINTS_A, POINTS_B1, POINTS_B2, CONTRIBUTIONS)
MAX_LOG_DOMAIN = 27
_N8 = 32
_COEFFICIENT = np.dtype([("matrix", "<u4"), ("constraint", "<u4"), ("signal", "<u4"), ("value", "<u8", (4,))])
_R_LIMBS = np.array(Fr.spec.modulus, dtype=np.uint64)
#: One contribution's fixed part: deltaAfter, delta.g1_s, delta.g1_sx (G1), delta.g2_spx (G2), transcript.
_CONTRIBUTION_FIXED = 3 * 64 + 128 + 64
#: What ``read_zkey(points=...)`` checks of the points (module doc).
POINT_CHECKS = ("curve", "all", "checked")


class ZkeyFormatError(FormatError):
    """A malformed ``.zkey`` file."""


@dataclass(frozen=True)
class ZkeyFile:
    """A ``.zkey``'s proving key (its QAP without C) and its phase-2 record.

    ``mpc`` is section 10's content as stored: the circuit hash, the
    contribution count, the contributions; a ceremony appends to it.
    ``section_order`` is the order the sections are written in.
    """

    pk: ProvingKey
    mpc: bytes
    section_order: tuple[int, ...] = NEW_ORDER

    def __post_init__(self) -> None:
        if sorted(self.section_order) != list(range(1, 11)):
            raise ValueError(f"section order {self.section_order} is not a permutation of sections 1 to 10")

    @property
    def vk(self) -> VerifyingKey:
        return self.pk.vk

    @property
    def cs_hash(self) -> bytes:
        """The circuit hash (64 bytes) that ``snarkjs zkey new`` printed."""
        return self.mpc[:64]

    @property
    def n_contributions(self) -> int:
        return int.from_bytes(self.mpc[64:68], "little")


def initial_mpc(cs_hash: bytes) -> bytes:
    """Section 10 of a key no one has contributed to."""
    if len(cs_hash) != 64:
        raise ValueError(f"a circuit hash is 64 bytes, got {len(cs_hash)}")
    return cs_hash + (0).to_bytes(4, "little")


def dev_zkey(pk: ProvingKey) -> ZkeyFile:
    """A dev key (snarkjs variant, its toxic waste drawn here) as an uncontributed ``.zkey``.

    With no powers of tau behind it, its circuit hash covers its own H
    points where snarkjs's covers the n - 1 tau powers, so ``snarkjs zkey
    verify`` cannot check it; snarkjs and rapidsnark prove with it.
    """
    return ZkeyFile(pk, initial_mpc(circuit_hash(pk, pk.h_query)))


def read_zkey(source: Source, allow_degenerate: bool = False, points: str = "curve") -> ZkeyFile:
    """Read a snarkjs Groth16 ``.zkey`` (a path or its bytes); :class:`ZkeyFormatError` names what is wrong.

    The key's point arrays view the bytes read (a ``bytearray`` given is
    viewed in place, so it must not change while the key is in use).

    ``allow_degenerate`` reads a key no one has contributed to yet, whose
    delta equals gamma (anyone could forge proofs under it), as a ceremony
    must. ``points`` is one of :data:`POINT_CHECKS` (module doc); with
    ``"all"`` or ``"checked"`` the key comes with ``points_checked`` set.
    """
    if points not in POINT_CHECKS:
        raise ValueError(f"points={points!r}, expected one of {POINT_CHECKS}")
    try:
        binfile = BinFile(load_buffer(source), "zkey", MAGIC, VERSION)
        return _read(binfile, allow_degenerate, points)
    except ZkeyFormatError:
        raise
    except FormatError as error:
        raise ZkeyFormatError(str(error)) from None


def _read(binfile: BinFile, allow_degenerate: bool, points: str) -> ZkeyFile:
    header = binfile.section(HEADER, "header")
    protocol = header.u32("protocol")
    if protocol != GROTH16:
        raise header.error(f"protocol {protocol} ({ {2: 'PLONK', 10: 'FFLONK'}.get(protocol, 'unknown') }), "
                           "this reader takes Groth16 (1) keys", header.pos - 4)
    header.expect_end()
    check = points != "checked"
    sizes, singles = _groth_header(binfile.section(GROTH_HEADER, "groth16 header"), check)
    n_vars, n_public, domain = sizes
    ic = _points(binfile, IC, "IC", G1, n_public + 1, check)
    qap = _coefficients(binfile.section(COEFFICIENTS, "coefficients"), n_vars, n_public, domain)
    queries = {
        "a_query": _points(binfile, POINTS_A, "A", G1, n_vars, check),
        "b_g1_query": _points(binfile, POINTS_B1, "B1", G1, n_vars, check),
        "b_g2_query": _points(binfile, POINTS_B2, "B2", G2, n_vars, check, subgroup=points == "all"),
        "l_query": _points(binfile, POINTS_C, "C", G1, n_vars - n_public - 1, check),
        "h_query": _points(binfile, POINTS_H, "H", G1, domain, check),
    }
    mpc = _contributions(binfile.section(CONTRIBUTIONS, "contributions"))
    vk = VerifyingKey(
        alpha_g1=g1_to_ints(singles["alpha1"]), beta_g2=g2_to_ints(singles["beta2"]),
        gamma_g2=g2_to_ints(singles["gamma2"]), delta_g2=g2_to_ints(singles["delta2"]),
        ic=[g1_to_ints(p) for p in ic],
    )
    problem = None if allow_degenerate else degenerate_key_error(vk)
    if problem is not None:
        raise ZkeyFormatError(f"zkey: section groth16 header (type 2): {problem}")
    pk = ProvingKey(
        vk=vk, n_wires=n_vars, n_public=n_public, domain_size=domain, qap=qap,
        alpha_g1=singles["alpha1"], beta_g1=singles["beta1"], beta_g2=singles["beta2"],
        delta_g1=singles["delta1"], delta_g2=singles["delta2"], points_checked=points != "curve", **queries,
    )
    order = sorted(NEW_ORDER, key=lambda type_id: binfile.sections[type_id][0].offset)
    return ZkeyFile(pk, mpc, tuple(order))


def _groth_header(section: SectionReader, check: bool) -> tuple[tuple[int, int, int], dict[str, np.ndarray]]:
    """(n_vars, n_public, domain_size) and section 2's six single points (if ``check``: validated, G2's in the subgroup)."""
    for what, prime in (("n8q", P), ("n8r", R)):
        at = section.pos
        n8 = section.u32(what)
        if n8 != _N8:
            raise section.error(f"{what} is {n8}, BN254 needs {_N8}", at)
        read_prime(section, n8, prime)
    at = section.pos
    n_vars, n_public, domain = (section.u32(what) for what in ("n_vars", "n_public", "domain_size"))
    if n_public >= n_vars:
        raise section.error(f"{n_public} public inputs need more than {n_vars} wires", at + 4)
    if domain & (domain - 1) or not n_public + 1 <= domain <= 1 << MAX_LOG_DOMAIN:
        raise section.error(f"domain size {domain} is not a power of two in [{n_public + 1}, 2^{MAX_LOG_DOMAIN}]", at + 8)
    singles = {}
    for name, group in (("alpha1", G1), ("beta1", G1), ("beta2", G2), ("gamma2", G2), ("delta1", G1), ("delta2", G2)):
        start = section.pos
        point = point_view(section, group, 1, name)
        if check:
            check_points(section, group, point, name, start, subgroup=True)
        singles[name] = point[0]
    section.expect_end()
    return (n_vars, n_public, domain), singles


def _points(binfile: BinFile, type_id: int, name: str, group: Group, count: int, check: bool,
            subgroup: bool = False) -> np.ndarray:
    section = binfile.section(type_id, name)
    expected = count * 64 * group.degree
    if section.remaining != expected:
        raise section.error(f"section is {section.remaining} bytes, {count} {group.name} points need {expected}")
    start = section.pos
    points = point_view(section, group, count, name)
    if check:
        check_points(section, group, points, name, start, subgroup)
    return points


def _coefficients(section: SectionReader, n_vars: int, n_public: int, domain: int) -> QAP:
    """Section 4 as the QAP's A and B (CSR, our Montgomery coefficients), C absent."""
    count = section.u32("coefficient count")
    start = section.pos
    if section.remaining != count * _COEFFICIENT.itemsize:
        raise section.error(f"{section.remaining} bytes for {count} coefficients of {_COEFFICIENT.itemsize} bytes", start)
    entries = np.frombuffer(section.take(count * _COEFFICIENT.itemsize, "coefficients"), dtype=_COEFFICIENT)
    for field, limit, what in (("matrix", 2, "matrix (0 = A, 1 = B)"), ("constraint", domain, "constraint"),
                               ("signal", n_vars, "signal")):
        values = entries[field]
        if count and int(values.max()) >= limit:
            bad = int(np.argmax(values >= limit))
            raise section.error(f"coefficient {bad}: {what} {int(values[bad])}, must be below {limit}",
                                start + bad * _COEFFICIENT.itemsize)
    stored = np.ascontiguousarray(entries["value"], dtype=np.uint64)
    bad = field_arrays.first_at_least(stored, _R_LIMBS) if count else -1
    if bad >= 0:
        raise section.error(f"coefficient {bad}: value not below r", start + bad * _COEFFICIENT.itemsize + 12)
    coeffs = Fr.to_standard_limbs(stored) if count else np.zeros((0, 4), np.uint64)
    rows = max(int(entries["constraint"].max()) + 1 if count else 0, n_public + 1)
    matrices = []
    for k in (0, 1):
        chosen = np.flatnonzero(entries["matrix"] == k)
        chosen = chosen[np.argsort(entries["constraint"][chosen], kind="stable")]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(entries["constraint"][chosen], minlength=rows))])
        matrices.append(Matrix(indptr.astype(np.int64), entries["signal"][chosen].astype(np.int64), coeffs[chosen]))
    return QAP(n_wires=n_vars, n_public=n_public, n_constraints=rows - n_public - 1, domain_size=domain,
               a=matrices[0], b=matrices[1], c=None)


def _contributions(section: SectionReader) -> bytes:
    """Section 10 as bytes, after checking that its contributions are framed as snarkjs writes them."""
    start = section.pos
    section.take(64, "circuit hash")
    for index in range(section.u32("contribution count")):
        section.take(_CONTRIBUTION_FIXED + 4, f"contribution {index}")
        length = section.u32(f"contribution {index} parameter length")
        section.take(length, f"contribution {index} parameters")
    section.expect_end()
    return _slice(section, start)


def _slice(section: SectionReader, start: int) -> bytes:
    """The section's bytes from ``start`` to the cursor."""
    end = section.pos
    section.pos = start
    return bytes(section.take(end - start, "section"))


def _coefficient_entries(qap: QAP) -> np.ndarray:
    """Section 4's entries: A and B terms ordered by constraint, A before B within one (as ``zkey new``)."""
    rows, matrix, signal, coeffs = [], [], [], []
    for k, m in enumerate((qap.a, qap.b)):
        rows.append(np.repeat(np.arange(m.n_rows), np.diff(m.indptr)))
        matrix.append(np.full(len(m.wires), k))
        signal.append(m.wires)
        coeffs.append(m.coeffs)
    row, kind = np.concatenate(rows), np.concatenate(matrix)
    order = np.argsort(row * 2 + kind, kind="stable")
    entries = np.zeros(len(row), dtype=_COEFFICIENT)
    entries["matrix"], entries["constraint"] = kind[order], row[order]
    entries["signal"] = np.concatenate(signal)[order]
    stacked = np.concatenate(coeffs)
    if len(stacked):
        entries["value"] = Fr.from_standard_limbs(np.ascontiguousarray(stacked[order]))
    return entries


def _groth_header_bytes(pk: ProvingKey) -> bytes:
    parts = [_N8.to_bytes(4, "little"), P.to_bytes(_N8, "little"), _N8.to_bytes(4, "little"), R.to_bytes(_N8, "little")]
    parts += [x.to_bytes(4, "little") for x in (pk.n_wires, pk.n_public, pk.domain_size)]
    gamma2 = g2_array([pk.vk.gamma_g2])[0]
    parts += [lem_bytes(p) for p in (pk.alpha_g1, pk.beta_g1, pk.beta_g2, gamma2, pk.delta_g1, pk.delta_g2)]
    return b"".join(parts)


def zkey_bytes(zkey: ZkeyFile) -> bytes:
    """The ``.zkey`` encoding of a key in the snarkjs variant, sections in ``zkey.section_order``."""
    pk = zkey.pk
    if not pk.h_on_odd_coset:
        raise ValueError("a .zkey needs the H query over the odd coset (the snarkjs variant); "
                         "this key has the n - 1 powers of tau instead")
    entries = _coefficient_entries(pk.qap)
    content = {
        HEADER: GROTH16.to_bytes(4, "little"),
        GROTH_HEADER: _groth_header_bytes(pk),
        COEFFICIENTS: len(entries).to_bytes(4, "little") + entries.tobytes(),
        IC: lem_bytes(g1_array(list(pk.vk.ic))),
        POINTS_H: lem_bytes(pk.h_query), POINTS_C: lem_bytes(pk.l_query), POINTS_A: lem_bytes(pk.a_query),
        POINTS_B1: lem_bytes(pk.b_g1_query), POINTS_B2: lem_bytes(pk.b_g2_query), CONTRIBUTIONS: zkey.mpc,
    }
    return pack_binfile(MAGIC, VERSION, [(t, content[t]) for t in zkey.section_order])


def write_zkey(path: str | PathLike, zkey: ZkeyFile) -> None:
    """Write a ``.zkey`` that snarkjs reads (a new key's ``mpc`` comes from :func:`initial_mpc`)."""
    data = zkey_bytes(zkey)
    with open(path, "wb") as handle:
        handle.write(data)


def circuit_hash(pk: ProvingKey, h_powers: np.ndarray) -> bytes:
    """The circuit hash of ``zkey new`` (module doc); ``h_powers`` are the n − 1 G1 points it hashes for H."""
    hasher = hashlib.blake2b(digest_size=64)
    gamma2 = g2_array([pk.vk.gamma_g2])
    for point in (pk.alpha_g1, pk.beta_g1, pk.beta_g2, gamma2[0], pk.delta_g1, pk.delta_g2):
        hasher.update(uncompressed_bytes(point[None]))
    for points in (g1_array(list(pk.vk.ic)), h_powers, pk.l_query, pk.a_query, pk.b_g1_query, pk.b_g2_query):
        hasher.update(len(points).to_bytes(4, "big"))
        hasher.update(uncompressed_bytes(points))
    return hasher.digest()


__all__ = ["NEW_ORDER", "ZkeyFile", "ZkeyFormatError", "circuit_hash", "dev_zkey", "initial_mpc", "read_zkey", "write_zkey", "zkey_bytes"]
