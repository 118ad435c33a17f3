"""Python models of the BN254 precompiles, bytes in and bytes out.

ecAdd (0x06) and ecMul (0x07) follow EIP-196, the pairing check (0x08)
follows EIP-197: inputs are 32-byte big-endian words, short ecAdd/ecMul
input is padded with zeros and extra bytes are ignored, the pairing input
must be a whole number of 192-byte pairs, and any invalid point makes the
call fail, which :class:`PrecompileError` stands for. The verifier runs its
check through these functions, so that it computes exactly what a contract
computes from the same bytes.

The pairing check multiplies py_ecc Miller loops and applies one final
exponentiation to the product (the EVM's result is the same; py_ecc's
``pairing`` would pay for one exponentiation per pair).
"""

from collections.abc import Sequence

from py_ecc import optimized_bn128 as bn

from zkprove.groth16.data import G1, G2
from zkprove.l1.curve import (
    from_py_ecc_g1,
    g1_error,
    g2_error,
    to_py_ecc_g1,
    to_py_ecc_g2,
)
from zkprove.l1.encoding import PAIR_BYTES, WORD_BYTES, g2_from_words, pack_words, unpack_words


class PrecompileError(Exception):
    """The precompile call fails (returns 0 to STATICCALL), for the stated reason."""


def _g1(words: list[int], what: str) -> G1:
    point = (words[0], words[1])
    problem = g1_error(point)
    if problem is not None:
        raise PrecompileError(f"{what}: {problem}")
    return point


def _g2(words: list[int], what: str) -> G2:
    point = g2_from_words(words)
    problem = g2_error(point)
    if problem is not None:
        raise PrecompileError(f"{what}: {problem}")
    return point


def _fixed_input(data: bytes, n_words: int) -> list[int]:
    return unpack_words(data[: n_words * WORD_BYTES].ljust(n_words * WORD_BYTES, b"\0"))


def ec_add(data: bytes) -> bytes:
    """ecAdd (EIP-196): two G1 points (128 bytes) to their sum (64 bytes)."""
    words = _fixed_input(data, 4)
    p1, p2 = _g1(words[:2], "first point"), _g1(words[2:], "second point")
    total = bn.add(to_py_ecc_g1(p1), to_py_ecc_g1(p2))
    return pack_words(from_py_ecc_g1(total))


def ec_mul(data: bytes) -> bytes:
    """ecMul (EIP-196): a G1 point and a uint256 scalar (96 bytes) to the product (64 bytes).

    The scalar is not reduced mod r first, which changes nothing: every
    valid point has order r.
    """
    words = _fixed_input(data, 3)
    point = _g1(words[:2], "point")
    return pack_words(from_py_ecc_g1(bn.multiply(to_py_ecc_g1(point), words[2])))


def ec_pairing(data: bytes) -> bytes:
    """Pairing check (EIP-197): the word 1 if the product of e(P_i, Q_i) is 1, else 0.

    Empty input is the empty product, hence 1.
    """
    if len(data) % PAIR_BYTES:
        raise PrecompileError(f"input of {len(data)} bytes is not a whole number of 192-byte pairs")
    product = bn.FQ12.one()
    for index in range(len(data) // PAIR_BYTES):
        words = unpack_words(data[index * PAIR_BYTES : (index + 1) * PAIR_BYTES])
        p = _g1(words[:2], f"pair {index} G1 point")
        q = _g2(words[2:], f"pair {index} G2 point")
        product *= bn.pairing(to_py_ecc_g2(q), to_py_ecc_g1(p), final_exponentiate=False)
    return pack_words((int(bn.final_exponentiate(product) == bn.FQ12.one()),))


def mul_point(point: G1, scalar: int) -> G1:
    """scalar * point through :func:`ec_mul`, on plain-int points."""
    x, y = unpack_words(ec_mul(pack_words(point + (scalar,))))
    return (x, y)


def sum_points(points: Sequence[G1]) -> G1:
    """The points added left to right through :func:`ec_add`, as a contract's loop does."""
    acc = pack_words(points[0])
    for point in points[1:]:
        acc = ec_add(acc + pack_words(point))
    x, y = unpack_words(acc)
    return (x, y)
