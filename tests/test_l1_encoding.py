"""The EVM byte layout: words, the Fq2 order of EIP-197, pairing input and calldata."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from py_ecc import optimized_bn128 as bn

from zkprove.groth16.data import Proof
from zkprove.l1.curve import from_py_ecc_g2
from zkprove.l1.encoding import (
    decode_calldata,
    encode_calldata,
    fq2_from_evm,
    fq2_to_evm,
    g2_words,
    keccak256,
    pack_words,
    pairing_input,
    selector,
    unpack_words,
    word,
)

uint256 = st.integers(min_value=0, max_value=2**256 - 1)
fq2 = st.tuples(uint256, uint256)
proofs = st.builds(Proof, st.tuples(uint256, uint256), st.tuples(fq2, fq2), st.tuples(uint256, uint256))

# The G2 generator as EIP-197 prints it: x = X_IM * i + X_RE, y = Y_IM * i + Y_RE.
X_IM = 11559732032986387107991004021392285783925812861821192530917403151452391805634
X_RE = 10857046999023057135944570762232829481370756359578518086990519993285655852781
Y_IM = 4082367875863433681332203403145435568316851327593401208105741076214120093531
Y_RE = 8495653923123431417604973247489272438418190587263600148770280649306958101930


def test_word_is_32_bytes_big_endian_and_refuses_non_uint256():
    assert word(1) == b"\0" * 31 + b"\x01"
    assert word(2**256 - 1) == b"\xff" * 32
    for bad in (-1, 2**256):
        with pytest.raises(ValueError, match="not a uint256"):
            word(bad)
    with pytest.raises(ValueError, match="whole number"):
        unpack_words(b"\0" * 33)


def test_fq2_goes_to_the_evm_imaginary_part_first():
    assert fq2_to_evm((X_RE, X_IM)) == (X_IM, X_RE)
    assert fq2_from_evm((X_IM, X_RE)) == (X_RE, X_IM)


def test_g2_generator_encodes_as_eip197_prints_it():
    generator = from_py_ecc_g2(bn.G2)
    assert generator == ((X_RE, X_IM), (Y_RE, Y_IM)), "library order is (re, im), as py_ecc's FQ2 coefficients"
    assert g2_words(generator) == (X_IM, X_RE, Y_IM, Y_RE)


@given(fq2)
def test_fq2_conversion_round_trips(value):
    assert fq2_from_evm(fq2_to_evm(value)) == value


def test_pairing_input_is_192_bytes_per_pair_in_eip197_order():
    generator = from_py_ecc_g2(bn.G2)
    data = pairing_input([((1, 2), generator), ((0, 0), ((0, 0), (0, 0)))])
    assert len(data) == 2 * 192
    assert unpack_words(data[:192]) == [1, 2, X_IM, X_RE, Y_IM, Y_RE]
    assert data[192:] == b"\0" * 192


def test_keccak256_is_ethereums_not_sha3():
    assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"


def test_selectors_match_what_solc_assigns():
    # Values from solc 0.8.28's methodIdentifiers for the generated verifiers.
    assert selector(0).hex() == "6668a9fa"
    assert selector(1).hex() == "43753b4d"
    assert selector(2).hex() == "f5c9d69e"


def test_calldata_layout():
    proof = Proof(a=(1, 2), b=((3, 4), (5, 6)), c=(7, 8))
    data = encode_calldata(proof, [9, 10])
    assert len(data) == 4 + 32 * 10
    assert data[:4] == selector(2)
    assert unpack_words(data[4:]) == [1, 2, 4, 3, 6, 5, 7, 8, 9, 10]
    assert encode_calldata(proof, [])[4:] == pack_words([1, 2, 4, 3, 6, 5, 7, 8])


@given(proofs, st.lists(uint256, max_size=5))
def test_calldata_round_trips(proof, public_inputs):
    assert decode_calldata(encode_calldata(proof, public_inputs)) == (proof, public_inputs)


def test_decode_refuses_what_is_not_a_verify_call():
    data = encode_calldata(Proof(a=(1, 2), b=((3, 4), (5, 6)), c=(7, 8)), [9])
    for bad in (b"", data[:-32], b"\0\0\0\0" + data[4:], data + b"\0"):
        with pytest.raises(ValueError):
            decode_calldata(bad)
