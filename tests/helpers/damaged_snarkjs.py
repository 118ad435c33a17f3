"""Good and damaged snarkjs binary files (.zkey, .ptau) for the hardening tests, made without node.

The good ``.zkey`` is a dev key written by :func:`zkprove.formats.zkey_file.write_zkey`;
the good ``.ptau`` is built here from known toxic waste at power 2 (every
section a real file has, the Lagrange sections and one contribution
included). Each case says what the refusal must contain (see
:mod:`helpers.damaged_files`); the damage kinds are those of the iden3 container
plus each format's own: a foreign curve or prime, field sizes, lying
counts, a domain or power out of range, points off the curve or not below p.
"""

from collections.abc import Iterator

from .damaged_files import BLS12_381_R, EXTREMES, Damaged, _container_damage, patch, sections_of

from zkprove.curve import G1, G2
from zkprove.field.params import P, R
from zkprove.formats.binfile import pack_binfile
from zkprove.formats.snarkjs_points import lem_bytes
from zkprove.groth16.fixed_base import fixed_base_mul
from zkprove.groth16.qap import lagrange_basis_at
from zkprove.field import Fr
from zkprove.poly import EvaluationDomain

TAU, ALPHA, BETA = 7, 11, 13


def _g1(scalars: list[int]) -> bytes:
    return lem_bytes(fixed_base_mul(G1, G1.generator(), [s % R for s in scalars]))


def _g2(scalars: list[int]) -> bytes:
    return lem_bytes(fixed_base_mul(G2, G2.generator(), [s % R for s in scalars]))


def _lagrange(size: int) -> list[int]:
    return Fr.to_ints(lagrange_basis_at(EvaluationDomain.of(size), TAU))


def synthetic_ptau(power: int = 2) -> bytes:
    """A prepared ``.ptau`` of ``power`` from tau, alpha, beta = 7, 11, 13, with one contribution."""
    n = 1 << power
    powers = [pow(TAU, i, R) for i in range(2 * n)]
    header = (32).to_bytes(4, "little") + P.to_bytes(32, "little") + power.to_bytes(4, "little") * 2
    contribution = (_g1([TAU]) + _g2([TAU]) + _g1([ALPHA, BETA]) + _g2([BETA]) + _g1([1, TAU, 1, ALPHA, 1, BETA])
                    + _g2([TAU, ALPHA, BETA]) + bytes(128) + (128).to_bytes(8, "little") + bytes(80)
                    + bytes(range(64)) + (0).to_bytes(4, "little") + (8).to_bytes(4, "little") + b"\x01\x06corpus")
    lagrange = [_lagrange(1 << k) for k in range(power + 2)]
    sections = [
        (1, header), (2, _g1(powers[: 2 * n - 1])), (3, _g2(powers[:n])), (4, _g1([ALPHA * x for x in powers[:n]])),
        (5, _g1([BETA * x for x in powers[:n]])), (6, _g2([BETA])), (7, (1).to_bytes(4, "little") + contribution),
        (12, _g1([x for block in lagrange for x in block])),
        (13, _g2([x for block in lagrange[:-1] for x in block])),
        (14, _g1([ALPHA * x for block in lagrange[:-1] for x in block])),
        (15, _g1([BETA * x for block in lagrange[:-1] for x in block])),
    ]
    return pack_binfile(b"ptau", 1, sections)


def _by_type(good: bytes) -> dict[int, tuple[int, int]]:
    """type -> (content offset, size)."""
    return {t: (pos + 12, size) for t, pos, size in sections_of(good)}


def _off_curve(good: bytes, offset: int, width: int = 64) -> bytes:
    """The point at ``offset`` with y + 1 (mod p) in its last coordinate: then on no curve."""
    y_at = offset + width - 32
    y = int.from_bytes(good[y_at : y_at + 32], "little")
    return patch(good, y_at, (y + 1) % P, 32)


def ptau_cases(good: bytes) -> Iterator[Damaged]:
    """Damage to :func:`synthetic_ptau` (power 2); sections 12-15 may vanish only to be reported missing."""
    yield from _container_damage("ptau", good, optional=set())
    at = _by_type(good)
    header = at[1][0]
    for n8 in (0, 8, 48, (1 << 32) - 8):
        yield Damaged(f"field size {n8}", patch(good, header, n8, 4), ("ptau: section header (type 1)", "offset"))
    for prime, name in ((R, "BN254's scalar field r"), (BLS12_381_R, "BLS12-381's scalar field r"), (P + 2, str(P + 2))):
        yield Damaged(f"prime {name}", patch(good, header + 4, prime, 32),
                      ("ptau: section header (type 1)", f"offset {header + 4}", "prime is", name, "BN254's base field p"))
    for power in (0, 29, (1 << 32) - 1):
        yield Damaged(f"power {power}", patch(good, header + 36, power, 4), (f"power {power} is not in", "offset"))
    for power in (1, 3):
        yield Damaged(f"power {power}, sections for 2", patch(good, header + 36, power, 4),
                      ("ptau: section tauG1 (type 2)", "offset", f"power {power} needs"))
    yield Damaged("power 1 everywhere but the Lagrange sections", patch(patch(good, header + 36, 1, 4), header + 40, 1, 4),
                  ("ptau: section", "offset", "power 1 needs"))
    for type_id, name, index, width in ((12, "lagrange tauG1", 4, 64), (13, "lagrange tauG2", 3, 128),
                                        (14, "lagrange alphaTauG1", 5, 64), (4, "alpha", 0, 64)):
        offset = at[type_id][0] + index * width
        yield Damaged(f"{name} point {index} off the curve", _off_curve(good, offset, width),
                      (f"ptau: section {name if type_id != 4 else 'alphaTauG1'}", f"offset {offset}", "not on the"))
        yield Damaged(f"{name} point {index} x = 2^256 - 1", patch(good, offset, (1 << 256) - 1, 32),
                      (f"offset {offset}", "not below p"))
    contributions = at[7][0]
    for value in ((1 << 32) - 1, 2, 0):
        fragments = ("ptau: section contributions (type 7)", "offset") if value else ("trailing bytes", "offset")
        yield Damaged(f"contribution count {value}", patch(good, contributions, value, 4), fragments)
    params = contributions + 4 + 448 + 768 + 216 + 64 + 4
    for value in (1 << 20, (1 << 32) - 1, 3):
        yield Damaged(f"parameter length {value}", patch(good, params, value, 4), ("contribution 1", "offset"))
    yield Damaged("parameter id 9", patch(good, params + 4, 9, 1), ("parameter id 9", "offset"))
    yield Damaged("name length 200", patch(good, params + 5, 200, 1), ("contribution 1", "offset"))
    yield Damaged("contribution public key off the curve", _off_curve(good, contributions + 4 + 448),
                  ("contribution 1 public key point 0 is not on the G1 curve", "offset"))


def zkey_cases(good: bytes) -> Iterator[Damaged]:
    """Damage to a dev ``.zkey`` with at least one private wire and two public inputs."""
    yield from _container_damage("zkey", good, optional=set())
    at = _by_type(good)
    yield Damaged("protocol 2", patch(good, at[1][0], 2, 4), ("protocol 2 (PLONK)", "offset"))
    groth = at[2][0]
    groth_section = ("zkey: section groth16 header (type 2)", "offset")
    for where, name in ((groth, "n8q"), (groth + 36, "n8r")):
        for n8 in (0, 48, (1 << 32) - 8):
            yield Damaged(f"{name} {n8}", patch(good, where, n8, 4), (*groth_section, f"{name} is {n8}"))
    for where, prime, expected in ((groth + 4, BLS12_381_R, "BN254's base field p"), (groth + 4, R, "BN254's base field p"),
                                   (groth + 40, P, "BN254's scalar field r")):
        yield Damaged(f"prime {prime:#x} at {where}", patch(good, where, prime, 32), (*groth_section, "prime is", expected))
    sizes = groth + 72
    for value in EXTREMES:
        yield Damaged(f"n_vars = {value}", patch(good, sizes, value, 4), ("zkey: section", "offset"))
        yield Damaged(f"n_public = {value}", patch(good, sizes + 4, value, 4), ("zkey: section", "offset"))
    for value in (0, 3, 1 << 28, 1 << 31, 2):
        yield Damaged(f"domain size {value}", patch(good, sizes + 8, value, 4), ("zkey: section", "offset"))
    for index, (name, width) in enumerate((("alpha1", 64), ("beta1", 64), ("beta2", 128))):
        offset = groth + 84 + (0, 64, 128)[index]
        yield Damaged(f"{name} off the curve", _off_curve(good, offset, width), (*groth_section, f"offset {offset}", "not on the"))
    for type_id, name, index in ((3, "IC", 1), (5, "A", 1), (7, "B2", 1), (8, "C", 0), (9, "H", 1)):
        width = 128 if type_id == 7 else 64
        offset = at[type_id][0] + index * width
        yield Damaged(f"{name} point {index} off the curve", _off_curve(good, offset, width),
                      (f"zkey: section {name} (type {type_id})", f"offset {offset}", f"{name} point {index} is not on the"))
    coefficients = at[4][0]
    for value in ((1 << 32) - 1, 0, 1 << 20):
        yield Damaged(f"coefficient count {value}", patch(good, coefficients, value, 4),
                      ("zkey: section coefficients (type 4)", "offset"))
    entry = coefficients + 4
    for field, delta, bad in (("matrix", 0, 2), ("constraint", 4, 1 << 20), ("signal", 8, 1 << 30)):
        yield Damaged(f"coefficient 0 {field} {bad}", patch(good, entry + delta, bad, 4),
                      (f"coefficient 0: {field}", f"offset {entry}"))
    yield Damaged("coefficient 0 value = r", patch(good, entry + 12, R, 32), ("value not below r", f"offset {entry + 12}"))
    mpc = at[10][0]
    for value in (1, (1 << 32) - 1):
        yield Damaged(f"contribution count {value}", patch(good, mpc + 64, value, 4),
                      ("zkey: section contributions (type 10)", "offset"))
