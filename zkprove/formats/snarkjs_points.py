"""BN254 points as snarkjs's binary files (``.zkey``, ``.ptau``) store them.

Two encodings (ffjavascript ``wasm_curve.js`` and wasmcurves' ``LEMtoU``), both affine:

* **LEM**, what the files hold: each Fq coordinate as 32 little-endian bytes
  in Montgomery form with R = 2^256, a G2 coordinate as (c0, c1), the point
  at infinity all zero. That is byte for byte the little-endian dump of our
  ``(n, 2, 4)`` (G1) and ``(n, 2, 2, 4)`` (G2) Montgomery limb arrays, so
  reading is a checked ``np.frombuffer`` and writing is ``tobytes``.
* **Uncompressed**, what snarkjs hashes (the zkey circuit hash, the ptau
  response hash): standard form, big-endian, G2 coordinates c1 first, the
  point at infinity all zero.
"""

import numpy as np

from zkprove.curve import Group
from zkprove.field import Fq
from zkprove.field import arrays as field_arrays

from .binfile import SectionReader

_P_LIMBS = np.array(Fq.spec.modulus, dtype=np.uint64)


def point_bytes(group: Group) -> int:
    """Bytes per affine point: 64 in G1, 128 in G2."""
    return 64 * group.degree


def point_view(section: SectionReader, group: Group, count: int, what: str) -> np.ndarray:
    """``count`` LEM points from the cursor as a read-only view of the file's bytes, unchecked.

    The section must hold the bytes before anything is allocated
    (:meth:`SectionReader.take`). A section whose content does not start on
    an 8-byte boundary (snarkjs's layout puts some there) is copied, since
    numba kernels take aligned arrays only; the rest are not copied at all.
    """
    raw = section.take(count * point_bytes(group), f"{count} {what} points")
    points = np.frombuffer(raw, dtype="<u8").reshape(count, 2, *group.element_shape)
    return np.require(points, requirements=("C", "A"))


def check_points(section: SectionReader, group: Group, points: np.ndarray, what: str, start: int,
                 subgroup: bool = False) -> None:
    """Refuse the first point with a coordinate not below p, off the curve, or (``subgroup``, G2) outside
    the r-order subgroup; the error names the point's index and its offset (``start`` is the first point's)."""
    if not len(points):
        return
    size = point_bytes(group)
    bad = field_arrays.first_at_least(points.reshape(-1, 4), _P_LIMBS)
    if bad >= 0:
        index = bad // (2 * group.degree)
        raise section.error(f"{what} point {index}: a coordinate is not below p", start + index * size)
    on_curve = group.is_on_curve(points)
    if not on_curve.all():
        index = int(np.argmin(on_curve))
        raise section.error(f"{what} point {index} is not on the {group.name} curve", start + index * size)
    if subgroup and group.has_cofactor:
        subgroup_check(section, group, points, what, start)


def read_points(section: SectionReader, group: Group, count: int, what: str) -> np.ndarray:
    """``count`` LEM points from the cursor (a writable copy), each coordinate below p and each point on the curve."""
    start = section.pos
    points = point_view(section, group, count, what).copy()
    check_points(section, group, points, what, start)
    return points


def subgroup_check(section: SectionReader, group: Group, points: np.ndarray, what: str, start: int) -> None:
    """Refuse G2 points outside the r-order subgroup (G1's cofactor is 1), naming the offset."""
    member = group.in_subgroup(points)
    if not member.all():
        index = int(np.argmin(member))
        raise section.error(f"{what} point {index} is not in the {group.name} subgroup",
                            start + index * point_bytes(group))


def lem_bytes(points: np.ndarray) -> bytes:
    """Affine Montgomery points in the LEM encoding."""
    return np.ascontiguousarray(points, dtype="<u8").tobytes()


def uncompressed_bytes(points: np.ndarray) -> bytes:
    """Affine Montgomery points (G1 ``(n, 2, 4)`` or G2 ``(n, 2, 2, 4)``) in the uncompressed encoding."""
    points = np.ascontiguousarray(points)
    if not len(points):
        return b""
    standard = Fq.to_standard_limbs(points.reshape(-1, 4)).reshape(points.shape)
    if points.ndim == 4:
        standard = standard[:, :, ::-1, :]
    return np.ascontiguousarray(standard[..., ::-1], dtype=">u8").tobytes()
