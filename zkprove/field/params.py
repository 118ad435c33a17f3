"""BN254 moduli and the Montgomery constants derived from them.

Each prime field is described by a :class:`FieldSpec`, a namedtuple of uint64
limb tuples that numba kernels take as an argument. Module-level specs are
frozen into compiled code as constants, so one compiled kernel serves both
Fq and Fr without a copy per field.
"""

from typing import NamedTuple

import numpy as np

LIMBS = 4
WORD = 1 << 64

#: BN254 base field modulus p (EIP-196; ``py_ecc.bn128.field_modulus``).
P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
#: BN254 scalar field modulus r, the group order (``py_ecc.bn128.curve_order``).
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617


def int_to_limbs(value: int) -> tuple:
    """Little-endian uint64 limbs of a non-negative integer below 2^256."""
    return tuple(np.uint64((value >> (64 * i)) & (WORD - 1)) for i in range(LIMBS))


def limbs_to_int(limbs) -> int:
    """Inverse of :func:`int_to_limbs`; accepts any sequence of 4 limbs."""
    return sum(int(x) << (64 * i) for i, x in enumerate(limbs))


class FieldSpec(NamedTuple):
    """Everything a Montgomery kernel needs to know about one prime field.

    ``modulus``: the prime q as limbs; ``inv``: -q^-1 mod 2^64 (the CIOS
    reduction factor); ``one``: R mod q, i.e. 1 in Montgomery form with
    R = 2^256; ``r2``: R^2 mod q, used to enter Montgomery form;
    ``q_minus_2``: the Fermat inversion exponent.
    """

    modulus: tuple
    inv: np.uint64
    one: tuple
    r2: tuple
    q_minus_2: tuple


def make_spec(q: int) -> FieldSpec:
    """Derive the Montgomery constants of an odd prime q < 2^255."""
    if q % 2 == 0 or q.bit_length() > 255:
        raise ValueError("Montgomery kernels need an odd modulus below 2^255")
    montgomery_r = 1 << (64 * LIMBS)
    return FieldSpec(
        modulus=int_to_limbs(q),
        inv=np.uint64((-pow(q, -1, WORD)) % WORD),
        one=int_to_limbs(montgomery_r % q),
        r2=int_to_limbs(montgomery_r * montgomery_r % q),
        q_minus_2=int_to_limbs(q - 2),
    )


FQ_SPEC = make_spec(P)
FR_SPEC = make_spec(R)


def _self_check() -> None:
    """Guard the constants the whole library rests on (as py_ecc does)."""
    for q, spec in ((P, FQ_SPEC), (R, FR_SPEC)):
        assert limbs_to_int(spec.modulus) == q
        assert (q * int(spec.inv)) % WORD == WORD - 1
        # The no-carry CIOS variant needs a spare top bit (gnark's condition).
        assert int(spec.modulus[3]) < (WORD >> 1) - 1
    assert (R - 1) % (1 << 28) == 0, "r - 1 must be divisible by 2^28 for the NTT"


_self_check()
