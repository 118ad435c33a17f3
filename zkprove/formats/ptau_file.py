"""Read snarkjs ``.ptau`` powers of tau (phase 1), section by section (docs/formats.md).

Layout (snarkjs ``src/powersoftau_utils.js``, ``powersoftau_new.js`` and
``powersoftau_preparephase2.js``), in the iden3 container of :mod:`.binfile`
with magic ``"ptau"`` and version 1, points in the LEM encoding of
:mod:`.snarkjs_points`; for a file of power p, N = 2^p:

==== ================ ======================================================
id   section          content
==== ================ ======================================================
1    header           ``n8:u32 q[n8] power:u32 ceremony_power:u32``
2    tauG1            [tau^i]_1 for i < 2N − 1
3    tauG2            [tau^i]_2 for i < N
4    alphaTauG1       [alpha tau^i]_1 for i < N
5    betaTauG1        [beta tau^i]_1 for i < N
6    betaG2           [beta]_2
7    contributions    ``count:u32``, then per contribution: tauG1, tauG2,
                      alphaG1, betaG1, betaG2 after it; its public key (6 G1
                      then 3 G2 points); the 216-byte partial response hash;
                      the 64-byte next challenge; ``type:u32``;
                      ``params_length:u32`` and the parameters (1 name, 2
                      beacon iterations exponent, 3 beacon hash)
12   lagrange tauG1   for k = 0 .. p + 1, the 2^k points [L_j(tau)]_1 of the
                      domain of size 2^k, block k at point 2^k − 1
13   lagrange tauG2   the same in G2 for k = 0 .. p
14   lagrange alpha   the same of alpha tau^i, k = 0 .. p
15   lagrange beta    the same of beta tau^i, k = 0 .. p
==== ================ ======================================================

Sections 12 to 15 exist only after ``snarkjs powersoftau prepare phase2``.
A 2^16 file is about 70 MB, so :class:`PtauFile` keeps the file open with
its section table (:class:`~.binfile.FileSections`, every size checked
against the power first) and reads only the slices asked for.

The hashes ``snarkjs powersoftau verify`` prints per contribution: the
*next challenge* is stored; the *response hash* is the stored partial hash
resumed over the contributor's public key in the uncompressed encoding
(:mod:`.blake2b_resume`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from os import PathLike

import numpy as np

from zkprove.curve import G1, G2
from zkprove.field.params import P
from zkprove.groth16.lagrange_keys import LagrangeBases

from .binfile import FileSections, FormatError, SectionReader, read_prime
from .blake2b_resume import PARTIAL_HASH_BYTES, Blake2b512
from .snarkjs_parameters import BEACON_HASH, ITERATIONS_EXP, NAME, read_parameters
from .snarkjs_points import point_bytes, read_points, uncompressed_bytes

MAGIC = b"ptau"
VERSION = 1
HEADER, TAU_G1, TAU_G2, ALPHA_TAU_G1, BETA_TAU_G1, BETA_G2, CONTRIBUTIONS = range(1, 8)
LAGRANGE_TAU_G1, LAGRANGE_TAU_G2, LAGRANGE_ALPHA_TAU_G1, LAGRANGE_BETA_TAU_G1 = range(12, 16)
LAGRANGE_SECTIONS = (LAGRANGE_TAU_G1, LAGRANGE_TAU_G2, LAGRANGE_ALPHA_TAU_G1, LAGRANGE_BETA_TAU_G1)
#: Fr's two-adicity: no radix-2 domain above 2^28.
MAX_POWER = 28
_N8 = 32
_NAMES = {
    HEADER: "header", TAU_G1: "tauG1", TAU_G2: "tauG2", ALPHA_TAU_G1: "alphaTauG1", BETA_TAU_G1: "betaTauG1",
    BETA_G2: "betaG2", CONTRIBUTIONS: "contributions", LAGRANGE_TAU_G1: "lagrange tauG1",
    LAGRANGE_TAU_G2: "lagrange tauG2", LAGRANGE_ALPHA_TAU_G1: "lagrange alphaTauG1",
    LAGRANGE_BETA_TAU_G1: "lagrange betaTauG1",
}
_GROUPS = {TAU_G2: G2, BETA_G2: G2, LAGRANGE_TAU_G2: G2}


class PtauFormatError(FormatError):
    """A malformed ``.ptau`` file, or one that cannot serve the circuit at hand."""


@contextmanager
def _ptau_errors() -> Iterator[None]:
    """The container's FormatErrors raised as PtauFormatError."""
    try:
        yield
    except PtauFormatError:
        raise
    except FormatError as error:
        raise PtauFormatError(str(error)) from None


@dataclass(frozen=True)
class PtauContribution:
    """One phase-1 contribution's record: its name and the hashes ``snarkjs powersoftau verify`` prints."""

    index: int
    name: str
    next_challenge: bytes
    response_hash: bytes
    beacon_hash: bytes | None = None
    beacon_iterations_exp: int | None = None


def format_hash(digest: bytes, indent: str = "\t\t") -> str:
    """A 64-byte hash as snarkjs prints it: four lines of four 8-digit hex words."""
    words = [digest[i : i + 4].hex() for i in range(0, len(digest), 4)]
    return "\n".join(indent + " ".join(words[i : i + 4]) for i in range(0, len(words), 4))


def _expected_points(type_id: int, power: int) -> int:
    """How many points section ``type_id`` holds in a file of ``power``."""
    n = 1 << power
    return {
        TAU_G1: 2 * n - 1, TAU_G2: n, ALPHA_TAU_G1: n, BETA_TAU_G1: n, BETA_G2: 1,
        LAGRANGE_TAU_G1: 4 * n - 1, LAGRANGE_TAU_G2: 2 * n - 1, LAGRANGE_ALPHA_TAU_G1: 2 * n - 1,
        LAGRANGE_BETA_TAU_G1: 2 * n - 1,
    }[type_id]


class PtauFile:
    """An open ``.ptau``: header, section table, and reads of the slices a setup needs.

    Use as a context manager (or call :meth:`close`). Opening checks the
    header and every point section's size against the power; reading a slice
    checks its points (below p, on the curve).
    """

    def __init__(self, path: str | PathLike):
        self.path = path
        self._handle = open(path, "rb")
        try:
            with _ptau_errors():
                self._sections = FileSections(self._handle, "ptau", MAGIC, VERSION)
                self.power, self.ceremony_power = self._header()
                self._check_sizes()
        except BaseException:
            self._handle.close()
            raise

    def __enter__(self) -> PtauFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._handle.close()

    def _header(self) -> tuple[int, int]:
        header = self._sections.section(HEADER, "header")
        at = header.pos
        n8 = header.u32("field size")
        if n8 != _N8:
            raise header.error(f"field size {n8}, BN254's base field needs {_N8}", at)
        read_prime(header, n8, P)
        at = header.pos
        power, ceremony_power = header.u32("power"), header.u32("ceremony power")
        header.expect_end()
        if not 1 <= power <= MAX_POWER:
            raise header.error(f"power {power} is not in [1, {MAX_POWER}]", at)
        return power, ceremony_power

    def _check_sizes(self) -> None:
        for type_id in (TAU_G1, TAU_G2, ALPHA_TAU_G1, BETA_TAU_G1, BETA_G2, *LAGRANGE_SECTIONS):
            required = type_id not in LAGRANGE_SECTIONS
            found = self._sections.find(type_id, _NAMES[type_id], required)
            if found is None:
                continue
            count = _expected_points(type_id, self.power)
            expected = count * point_bytes(_GROUPS.get(type_id, G1))
            if found.size != expected:
                raise PtauFormatError(
                    f"{self._sections.where(type_id, _NAMES[type_id])} at offset {found.offset - 12}: "
                    f"section is {found.size} bytes, power {self.power} needs {count} points ({expected} bytes)"
                )
        self._sections.find(CONTRIBUTIONS, _NAMES[CONTRIBUTIONS])

    @property
    def prepared(self) -> bool:
        """Whether the Lagrange sections 12 to 15 are present (``snarkjs powersoftau prepare phase2``)."""
        return all(type_id in self._sections.sections for type_id in LAGRANGE_SECTIONS)

    def _read(self, type_id: int, first: int, count: int, what: str | None = None) -> np.ndarray:
        """Points [first, first + count) of section ``type_id``, checked."""
        group = _GROUPS.get(type_id, G1)
        size = point_bytes(group)
        with _ptau_errors():
            section = self._sections.section(type_id, _NAMES[type_id], first * size, count * size)
            return read_points(section, group, count, what or _NAMES[type_id])

    def require_domain(self, domain_size: int) -> None:
        """Refuse (PtauFormatError) unless this file can set up a circuit of ``domain_size``."""
        log = domain_size.bit_length() - 1
        if log > self.power:
            header = self._sections.find(HEADER, "header")
            raise PtauFormatError(
                f"{self._sections.where(HEADER, 'header')} at offset {header.offset + 4 + _N8}: the circuit needs "
                f"2^{log} (a domain of {domain_size:,}), pot has 2^{self.power}; use a powers of tau of power {log} or more"
            )
        for type_id in LAGRANGE_SECTIONS:
            if type_id not in self._sections.sections:
                raise PtauFormatError(
                    f"{self._sections.where(type_id, _NAMES[type_id])} at offset {self._sections.length}: missing, "
                    "so there are no Lagrange sections (12-15); run `snarkjs powersoftau prepare phase2` on the file first"
                )

    def lagrange_bases(self, domain_size: int) -> LagrangeBases:
        """Phase 1 in the Lagrange basis of the domain of ``domain_size`` (sections 12-15, 4, 5, 6)."""
        self.require_domain(domain_size)
        n = domain_size
        return LagrangeBases(
            tau_g1=self._read(LAGRANGE_TAU_G1, n - 1, n),
            tau_g2=self._read(LAGRANGE_TAU_G2, n - 1, n),
            alpha_tau_g1=self._read(LAGRANGE_ALPHA_TAU_G1, n - 1, n),
            beta_tau_g1=self._read(LAGRANGE_BETA_TAU_G1, n - 1, n),
            alpha_g1=self._read(ALPHA_TAU_G1, 0, 1, "alpha")[0],
            beta_g1=self._read(BETA_TAU_G1, 0, 1, "beta")[0],
            beta_g2=self._read(BETA_G2, 0, 1, "beta")[0],
        )

    def odd_coset_h(self, domain_size: int) -> np.ndarray:
        """[L'_{2j+1}(tau)]_1 for j < n on the domain of size 2n: the snarkjs variant's H query (delta = 1)."""
        self.require_domain(domain_size)
        n = domain_size
        return np.ascontiguousarray(self._read(LAGRANGE_TAU_G1, 2 * n - 1, 2 * n)[1::2])

    def h_hash_points(self, domain_size: int) -> np.ndarray:
        """[tau^i (tau^n − 1)]_1 for i < n − 1: what ``zkey new``'s circuit hash covers for H."""
        n = domain_size
        tau = self._read(TAU_G1, 0, 2 * n - 1)
        return G1.add(tau[n:], G1.neg(tau[: n - 1])) if n > 1 else tau[:0]

    def contributions(self) -> list[PtauContribution]:
        """Every contribution's record (section 7), in order."""
        with _ptau_errors():
            section = self._sections.section(CONTRIBUTIONS, _NAMES[CONTRIBUTIONS])
            out = [_contribution(section, index) for index in range(1, section.u32("contribution count") + 1)]
            section.expect_end()
        return out


def _contribution(section: SectionReader, index: int) -> PtauContribution:
    what = f"contribution {index}"
    for group, name in ((G1, "tauG1"), (G2, "tauG2"), (G1, "alphaG1"), (G1, "betaG1"), (G2, "betaG2")):
        read_points(section, group, 1, f"{what} {name}")
    key_g1 = read_points(section, G1, 6, f"{what} public key")
    key_g2 = read_points(section, G2, 3, f"{what} public key")
    partial = bytes(section.take(PARTIAL_HASH_BYTES, f"{what} partial hash"))
    next_challenge = bytes(section.take(64, f"{what} next challenge"))
    section.u32(f"{what} type")
    params = read_parameters(section, what)
    try:
        response = Blake2b512.from_partial(partial).update(uncompressed_bytes(key_g1) + uncompressed_bytes(key_g2))
    except ValueError as error:
        raise section.error(f"{what} partial hash: {error}") from None
    return PtauContribution(index, params.get(NAME, b"").decode("utf-8", "replace"), next_challenge, response.digest(),
                            params.get(BEACON_HASH), params[ITERATIONS_EXP][0] if ITERATIONS_EXP in params else None)

