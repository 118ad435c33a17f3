"""go-ethereum's alt_bn128 precompile vectors: both arithmetics return exactly the expected bytes.

The vectors (tests/vectors/evm, provenance in tests/vectors/README.md) are
geth's own test data for ecAdd (0x06), ecMul (0x07) and the pairing check
(0x08); each gives the input, the expected output and the EIP-1108 gas.
"""

import json
from pathlib import Path

import pytest

from zkprove.l1.arithmetic import NATIVE, PY_ECC
from zkprove.l1.curve import P
from zkprove.l1.encoding import PAIR_BYTES, pack_words, unpack_words
from zkprove.l1.gas import EC_ADD, EC_MUL, pairing_gas
from zkprove.l1.precompiles import ec_add, ec_mul, ec_pairing

VECTORS = Path(__file__).parent / "vectors" / "evm"


def cases(name: str) -> list:
    return [pytest.param(case, id=case["Name"]) for case in json.loads((VECTORS / f"{name}.json").read_text())]


def test_the_vector_files_are_whole():
    assert [len(cases(name)) for name in ("bn256Add", "bn256ScalarMul", "bn256Pairing")] == [16, 19, 14]


@pytest.mark.parametrize("arithmetic", [NATIVE, PY_ECC], ids=lambda a: a.name)
@pytest.mark.parametrize("case", cases("bn256Add"))
def test_ec_add_vectors(case, arithmetic):
    assert ec_add(bytes.fromhex(case["Input"]), arithmetic).hex() == case["Expected"]
    assert case["Gas"] == EC_ADD


@pytest.mark.parametrize("arithmetic", [NATIVE, PY_ECC], ids=lambda a: a.name)
@pytest.mark.parametrize("case", cases("bn256ScalarMul"))
def test_ec_mul_vectors(case, arithmetic):
    assert ec_mul(bytes.fromhex(case["Input"]), arithmetic).hex() == case["Expected"]
    assert case["Gas"] == EC_MUL


@pytest.mark.parametrize("case", cases("bn256Pairing"))
def test_pairing_vectors_native(case):
    data = bytes.fromhex(case["Input"])
    assert ec_pairing(data, NATIVE).hex() == case["Expected"]
    assert case["Gas"] == pairing_gas(len(data) // PAIR_BYTES)


@pytest.mark.slow
@pytest.mark.parametrize("case", cases("bn256Pairing"))
def test_pairing_vectors_py_ecc(case):
    assert ec_pairing(bytes.fromhex(case["Input"]), PY_ECC).hex() == case["Expected"]


def test_a_false_pairing_vector_turns_true_when_one_point_is_negated():
    """The vectors hold true and false products; flipping a G1 point's y must flip a product of two pairs."""
    case = next(c for c in json.loads((VECTORS / "bn256Pairing.json").read_text()) if c["Name"] == "jeff1")
    words = unpack_words(bytes.fromhex(case["Input"]))
    words[1] = P - words[1]
    flipped = ec_pairing(pack_words(words), NATIVE)
    assert flipped.hex() != case["Expected"]
