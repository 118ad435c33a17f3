"""Canonical bytes of curve points, and the transcript digest computed over them.

Every point that a ceremony hashes or writes to a file goes through
:func:`points_to_bytes`: affine coordinates in standard (not Montgomery)
form, each a 32-byte little-endian integer below p, x then y; an Fq2
coordinate is its real part then its imaginary part; the point at infinity
is all zeros. So a G1 point takes 64 bytes and a G2 point 128. The
encoding is canonical (one byte string per point), which is what makes the
file round trip exact and the Fiat-Shamir digests well defined.

Decoding validates fully: coordinates below p, the curve equation and, for
G2, the r-order subgroup. A point outside G2 would let a contributor break
the pairing checks' soundness, so it is rejected before any check runs.
"""

import hashlib

import numpy as np

from zkprove.curve import Group
from zkprove.field import Fq

#: Bytes per affine point of each group.
POINT_BYTES = {"G1": 64, "G2": 128}


def points_to_bytes(group: Group, points: np.ndarray) -> bytes:
    """The canonical encoding of an array of points (affine or Jacobian), concatenated."""
    affine = group.to_affine(points)
    return Fq.to_standard_limbs(affine.reshape(-1, 4)).astype("<u8").tobytes()


def point_to_bytes(group: Group, point: np.ndarray) -> bytes:
    """The canonical encoding of one affine point (shape (2, 4) or (2, 2, 4))."""
    return points_to_bytes(group, point[None])


def points_from_bytes(group: Group, data: bytes | memoryview, what: str) -> np.ndarray:
    """Decode and validate an affine point array; ValueError names ``what`` and the point."""
    size = POINT_BYTES[group.name]
    if len(data) % size:
        raise ValueError(f"{what}: {len(data)} bytes is not a whole number of {size}-byte {group.name} points")
    limbs = np.frombuffer(data, dtype="<u8").astype(np.uint64).reshape(-1, 4)
    try:
        montgomery = Fq.from_standard_limbs(limbs)
    except ValueError:
        coordinate = _first_unreduced(limbs)
        raise ValueError(f"{what}: point {coordinate // (size // 32)} has a coordinate >= p") from None
    return group.validate(montgomery.reshape((-1, 2) + group.element_shape), what)


def _first_unreduced(limbs: np.ndarray) -> int:
    values = [int.from_bytes(row.astype("<u8").tobytes(), "little") for row in limbs]
    return next(i for i, v in enumerate(values) if v >= Fq.modulus)


def is_infinity(point: np.ndarray) -> bool:
    """True for the all-zero affine encoding of the point at infinity."""
    return not point.any()


def digest(*parts: bytes) -> bytes:
    """BLAKE2b-512 of the length-prefixed parts: the ceremony's transcript hash.

    Each part is prefixed with its 8-byte length so that no two different
    sequences of parts hash the same bytes.
    """
    h = hashlib.blake2b(digest_size=64)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


__all__ = ["POINT_BYTES", "digest", "is_infinity", "point_to_bytes", "points_from_bytes", "points_to_bytes"]
