"""Python models of the BN254 precompiles, bytes in and bytes out.

ecAdd (0x06) and ecMul (0x07) follow EIP-196, the pairing check (0x08)
follows EIP-197: inputs are 32-byte big-endian words, short ecAdd/ecMul
input is padded with zeros and extra bytes are ignored, the pairing input
must be a whole number of 192-byte pairs, and any invalid point makes the
call fail, which :class:`PrecompileError` stands for. The verifier runs its
check through these functions, so that it computes exactly what a contract
computes from the same bytes.

The byte semantics are here; the curve arithmetic comes from an
:class:`~zkprove.l1.arithmetic.Arithmetic`: zkprove's numba kernels by
default (the pairing check is one multi-pair Miller loop and one final
exponentiation, :mod:`zkprove.pairing`), py_ecc when a caller asks for the
reference. Both give the same bytes and the same refusals on every input.
"""

from collections.abc import Sequence

from zkprove.groth16.data import G1, G2
from zkprove.l1.arithmetic import NATIVE, Arithmetic
from zkprove.l1.curve import g1_error, g2_error
from zkprove.l1.encoding import PAIR_BYTES, WORD_BYTES, g2_from_words, pack_words, unpack_words


class PrecompileError(Exception):
    """The precompile call fails (returns 0 to STATICCALL), for the stated reason."""


def _g1(words: list[int], what: str, arithmetic: Arithmetic) -> G1:
    point = (words[0], words[1])
    problem = g1_error(point, arithmetic)
    if problem is not None:
        raise PrecompileError(f"{what}: {problem}")
    return point


def _g2(words: list[int], what: str, arithmetic: Arithmetic) -> G2:
    point = g2_from_words(words)
    problem = g2_error(point, arithmetic)
    if problem is not None:
        raise PrecompileError(f"{what}: {problem}")
    return point


def _fixed_input(data: bytes, n_words: int) -> list[int]:
    return unpack_words(data[: n_words * WORD_BYTES].ljust(n_words * WORD_BYTES, b"\0"))


def ec_add(data: bytes, arithmetic: Arithmetic = NATIVE) -> bytes:
    """ecAdd (EIP-196): two G1 points (128 bytes) to their sum (64 bytes)."""
    words = _fixed_input(data, 4)
    p1, p2 = _g1(words[:2], "first point", arithmetic), _g1(words[2:], "second point", arithmetic)
    return pack_words(arithmetic.g1_add(p1, p2))


def ec_mul(data: bytes, arithmetic: Arithmetic = NATIVE) -> bytes:
    """ecMul (EIP-196): a G1 point and a uint256 scalar (96 bytes) to the product (64 bytes).

    The scalar is not reduced mod r first, which changes nothing: every
    valid point has order r.
    """
    words = _fixed_input(data, 3)
    point = _g1(words[:2], "point", arithmetic)
    return pack_words(arithmetic.g1_mul(point, words[2]))


def ec_pairing(data: bytes, arithmetic: Arithmetic = NATIVE) -> bytes:
    """Pairing check (EIP-197): the word 1 if the product of e(P_i, Q_i) is 1, else 0.

    Empty input is the empty product, hence 1. Every point is checked before
    any pairing, so the first invalid one names the failure.
    """
    if len(data) % PAIR_BYTES:
        raise PrecompileError(f"input of {len(data)} bytes is not a whole number of 192-byte pairs")
    pairs = []
    for index in range(len(data) // PAIR_BYTES):
        words = unpack_words(data[index * PAIR_BYTES : (index + 1) * PAIR_BYTES])
        pairs.append((_g1(words[:2], f"pair {index} G1 point", arithmetic),
                      _g2(words[2:], f"pair {index} G2 point", arithmetic)))
    return pack_words((int(arithmetic.pairing_is_one(pairs)),))


def mul_point(point: G1, scalar: int, arithmetic: Arithmetic = NATIVE) -> G1:
    """scalar * point through :func:`ec_mul`, on plain-int points."""
    x, y = unpack_words(ec_mul(pack_words(point + (scalar,)), arithmetic))
    return (x, y)


def sum_points(points: Sequence[G1], arithmetic: Arithmetic = NATIVE) -> G1:
    """The points added left to right through :func:`ec_add`, as a contract's loop does."""
    acc = pack_words(points[0])
    for point in points[1:]:
        acc = ec_add(acc + pack_words(point), arithmetic)
    x, y = unpack_words(acc)
    return (x, y)
