"""Phase-2 contributions in snarkjs's form: delta updates that ``snarkjs zkey verify`` accepts, and their checks.

Bowe, Gabizon and Miers (ePrint 2017/1050) phase 2, with the transcript and
proof layout of snarkjs's ``zkey contribute``, ``zkey beacon`` and ``zkey
verify``, so that one chain of contributions can mix both tools. A key
carries a 64-byte circuit hash and the list of contributions so far
(the ``.zkey``'s section 10, :mod:`zkprove.formats.zkey_file`). Contribution
i, with secret x, publishes

* ``delta_after`` = x * delta (G1; the new key's delta);
* ``s_g1`` (a random point) and ``sx_g1`` = x * s_g1;
* ``transcript`` = BLAKE2b-512(circuit hash || pub(c_1) || ... || pub(c_(i-1)) || s_g1 || sx_g1);
* ``spx_g2`` = x * hash_to_g2(transcript) (:mod:`.snarkjs_stream`),

where pub(c) is delta_after || s_g1 || sx_g1 || spx_g2 || transcript, points
uncompressed (big-endian x then y, an Fq2 coordinate imaginary part first).
The contribution hash that contributors publish is BLAKE2b-512(pub(c)).
The key's delta moves to x * delta in G1 and G2, and every L and H point
is divided by x. A beacon (the last step of a real ceremony) is the same
with x and s_g1 drawn from the stream seeded by a public beacon hash.

:func:`chain_problem` checks a list of contributions from delta = 1:
each transcript, e(s, spx) = e(sx, sp) and e(delta_prev, spx) =
e(delta_after, sp) for sp = hash_to_g2(transcript), and a beacon's
re-derived secret. How the whole key is then compared with the initial
one: :func:`zkprove.ceremony.zkey_ceremony.key_problem`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from zkprove.curve import G1, G2
from zkprove.field.params import R
from zkprove.formats.binfile import Section, SectionReader
from zkprove.formats.snarkjs_parameters import (
    BEACON_HASH,
    ITERATIONS_EXP,
    MAX_NAME_BYTES,
    NAME,
    parameter_bytes,
    read_parameters,
)
from zkprove.formats.snarkjs_points import lem_bytes, read_points, uncompressed_bytes

from .pok import random_scalar
from .ratio import Claim, first_false
from .snarkjs_stream import SeededStream, beacon_seed, g1_from_stream, hash_to_g2, scalar_from_stream

#: The transcript and contribution hashes are BLAKE2b-512.
HASH_BYTES = 64
#: A contribution record's type: 0 a contribution, 1 a beacon.
_BEACON = 1
#: snarkjs accepts beacon iteration exponents in this range (``zkey beacon``).
BEACON_EXPONENTS = range(10, 64)


@dataclass(frozen=True)
class Beacon:
    """The public seed of a beacon contribution: x and s_g1 follow from SHA-256^(2^iterations_exp)(hash)."""

    hash: bytes
    iterations_exp: int

    def __post_init__(self) -> None:
        if not 0 < len(self.hash) < 256:
            raise ValueError(f"a beacon hash has 1 to 255 bytes, not {len(self.hash)}")
        if self.iterations_exp not in BEACON_EXPONENTS:
            raise ValueError(f"a beacon's iteration exponent lies in [10, 63], not {self.iterations_exp}")

    def secret_and_blinding(self) -> tuple[int, np.ndarray]:
        stream = SeededStream(beacon_seed(self.hash, self.iterations_exp))
        secret = scalar_from_stream(stream)
        return secret, g1_from_stream(stream)


@dataclass(frozen=True)
class Contribution:
    """One phase-2 step as the ``.zkey`` stores it; points affine, Montgomery limbs."""

    delta_after: np.ndarray
    s_g1: np.ndarray
    sx_g1: np.ndarray
    spx_g2: np.ndarray
    transcript: bytes
    name: str = ""
    beacon: Beacon | None = None

    def public_key(self) -> bytes:
        """pub(c): the bytes later transcripts and the contribution hash cover."""
        g1 = uncompressed_bytes(np.stack([self.delta_after, self.s_g1, self.sx_g1]))
        return g1 + uncompressed_bytes(self.spx_g2[None]) + self.transcript

    def hash(self) -> bytes:
        """The contribution hash snarkjs prints: BLAKE2b-512(pub(c))."""
        return hashlib.blake2b(self.public_key(), digest_size=HASH_BYTES).digest()


@dataclass(frozen=True)
class DeltaUpdate:
    """A key's delta-dependent parts after a contribution, and the contribution itself."""

    delta_g1: np.ndarray
    delta_g2: np.ndarray
    l_query: np.ndarray
    h_query: np.ndarray
    contribution: Contribution


def transcript(circuit_hash: bytes, previous: Sequence[Contribution], s_g1: np.ndarray, sx_g1: np.ndarray) -> bytes:
    """The digest a new contribution's proof is bound to (see the module doc)."""
    hasher = hashlib.blake2b(circuit_hash, digest_size=HASH_BYTES)
    for contribution in previous:
        hasher.update(contribution.public_key())
    hasher.update(uncompressed_bytes(np.stack([s_g1, sx_g1])))
    return hasher.digest()


def contribute(circuit_hash: bytes, previous: Sequence[Contribution], delta_g1: np.ndarray, delta_g2: np.ndarray,
               l_query: np.ndarray, h_query: np.ndarray, name: str = "", beacon: Beacon | None = None,
               secret: int | None = None) -> DeltaUpdate:
    """Multiply delta by a secret (fresh from the OS's CSPRNG, or the beacon's) and divide L and H by it.

    ``secret`` exists for tests that need a known update; a ceremony never passes it.
    """
    if len(name.encode()) > MAX_NAME_BYTES:
        raise ValueError(f"a contribution's name has at most {MAX_NAME_BYTES} UTF-8 bytes")
    if beacon is not None:
        secret, s_g1 = beacon.secret_and_blinding()
    else:
        secret = random_scalar() if secret is None else secret
        s_g1 = G1.scalar_mul(G1.generator(), [random_scalar()])[0]
    if not 0 < secret < R:
        raise ValueError("a contribution's secret must lie in [1, r)")
    sx_g1, delta_after = G1.scalar_mul(np.stack([s_g1, delta_g1]), [secret, secret])
    digest = transcript(circuit_hash, previous, s_g1, sx_g1)
    spx_g2 = G2.scalar_mul(hash_to_g2(digest)[None], [secret])[0]
    inverse = pow(secret, -1, R)
    return DeltaUpdate(
        delta_g1=delta_after,
        delta_g2=G2.scalar_mul(delta_g2[None], [secret])[0],
        l_query=G1.scalar_mul(l_query, [inverse] * len(l_query)),
        h_query=G1.scalar_mul(h_query, [inverse] * len(h_query)),
        contribution=Contribution(delta_after, s_g1, sx_g1, spx_g2, digest, name, beacon),
    )


def chain_problem(circuit_hash: bytes, contributions: Sequence[Contribution]) -> str | None:
    """Why the chain of contributions from delta = 1 does not verify (naming the step), or None."""
    claims = []
    delta = G1.generator()[0]
    for index, contribution in enumerate(contributions):
        step = f"contribution {index + 1}" + (f" ({contribution.name!r})" if contribution.name else "")
        expected = transcript(circuit_hash, contributions[:index], contribution.s_g1, contribution.sx_g1)
        if expected != contribution.transcript:
            return f"{step}: its transcript is not the hash of the chain before it"
        if contribution.beacon is not None:
            secret, s_g1 = contribution.beacon.secret_and_blinding()
            sx_g1 = G1.scalar_mul(s_g1[None], [secret])[0]
            if not (np.array_equal(s_g1, contribution.s_g1) and np.array_equal(sx_g1, contribution.sx_g1)):
                return f"{step}: its key does not follow from the beacon hash"
        challenge = hash_to_g2(contribution.transcript)
        claims += [Claim(f"{step}: the proof of knowledge of its secret",
                         contribution.s_g1, contribution.spx_g2, contribution.sx_g1, challenge),
                   Claim(f"{step}: the new delta is the previous one times its secret",
                         delta, contribution.spx_g2, contribution.delta_after, challenge)]
        delta = contribution.delta_after
    failed = first_false(claims)
    return None if failed is None else f"{failed.what} does not hold"



def read_record(mpc: bytes) -> tuple[bytes, list[Contribution]]:
    """Section 10 of a ``.zkey`` as (circuit hash, contributions); FormatError names the field and offset.

    Layout (snarkjs ``zkey_utils.js``): the 64-byte circuit hash, a u32
    count, then per contribution delta_after, s_g1, sx_g1 (G1), spx_g2 (G2),
    the transcript, a u32 type (0 a contribution, 1 a beacon) and the
    parameters of :mod:`zkprove.formats.snarkjs_parameters` (a name; a
    beacon's hash and exponent). Offsets count from the section's start.
    """
    section = SectionReader(mpc, Section(10, 0, len(mpc)), "zkey: section contributions (type 10, offset in section)")
    circuit_hash = bytes(section.take(HASH_BYTES, "circuit hash"))
    contributions = []
    for index in range(section.u32("contribution count")):
        what = f"contribution {index + 1}"
        g1 = read_points(section, G1, 3, f"{what} G1")
        spx_start = section.pos
        spx = read_points(section, G2, 1, f"{what} spx_g2")
        if not G2.in_subgroup(spx).all():
            raise section.error(f"{what}: spx_g2 is not in the G2 subgroup", spx_start)
        digest = bytes(section.take(HASH_BYTES, f"{what} transcript"))
        kind = section.u32(f"{what} type")
        parameters = read_parameters(section, what)
        beacon_parameters = {ITERATIONS_EXP, BEACON_HASH} & parameters.keys()
        if kind not in (0, _BEACON) or len(beacon_parameters) != (2 if kind == _BEACON else 0):
            raise section.error(f"{what}: type {kind} with parameters {sorted(parameters)}")
        beacon = None
        if kind == _BEACON:
            try:
                beacon = Beacon(parameters[BEACON_HASH], parameters[ITERATIONS_EXP][0])
            except ValueError as error:
                raise section.error(f"{what}: {error}") from None
        name = parameters.get(NAME, b"").decode("utf-8", errors="replace")
        contributions.append(Contribution(g1[0], g1[1], g1[2], spx[0], digest, name, beacon))
    section.expect_end()
    return circuit_hash, contributions


def record_bytes(circuit_hash: bytes, contributions: Sequence[Contribution]) -> bytes:
    """Section 10's bytes for a chain (the inverse of :func:`read_record`)."""
    parts = [circuit_hash, len(contributions).to_bytes(4, "little")]
    for c in contributions:
        beacon = c.beacon
        parameters = parameter_bytes(c.name, beacon.hash if beacon else None, beacon.iterations_exp if beacon else None)
        kind = _BEACON if beacon is not None else 0
        parts += [lem_bytes(np.stack([c.delta_after, c.s_g1, c.sx_g1])), lem_bytes(c.spx_g2), c.transcript,
                  kind.to_bytes(4, "little"), parameters]
    return b"".join(parts)


__all__ = ["Beacon", "Contribution", "DeltaUpdate", "chain_problem", "contribute", "read_record",
           "record_bytes", "transcript"]
