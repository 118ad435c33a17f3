"""The EVM's byte layout for Groth16: words, Fq2 order, pairing input, calldata.

Every value the EVM sees is a 32-byte big-endian word (EIP-196). An Fq2
element ``re + im*i`` is written imaginary part first, ``(im, re)``
(EIP-197), which is the opposite of py_ecc's order, of snarkjs's
``proof.json`` and of :mod:`zkprove.groth16.data`. :func:`fq2_to_evm` and its
inverse :func:`fq2_from_evm` are the only places that swap; everything below
builds on them.

Calldata is the ABI encoding of the generated contract's entry point
(:mod:`zkprove.l1.solidity`), the same one snarkjs's verifiers expose::

    verifyProof(uint256[2] a, uint256[2][2] b, uint256[2] c, uint256[n] input)

so it reads: 4-byte selector, a.x, a.y, b.x.im, b.x.re, b.y.im, b.y.re, c.x,
c.y, then the n public inputs: 4 + 32 * (8 + n) bytes. A key with no public
inputs has no ``input`` parameter at all (Solidity has no zero-length arrays).
"""

from collections.abc import Sequence

from Crypto.Hash import keccak

from zkprove.groth16.data import G1, G2, Fq2, Proof

WORD_BYTES = 32
PROOF_WORDS = 8
SELECTOR_BYTES = 4
PAIR_BYTES = 6 * WORD_BYTES


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256 (the pre-standard SHA-3 padding), as opcode SHA3 computes it."""
    return keccak.new(digest_bits=256, data=data).digest()


def word(value: int) -> bytes:
    """One 32-byte big-endian EVM word; ValueError for a value that is not a uint256."""
    if not 0 <= value < 1 << 256:
        raise ValueError(f"{value} is not a uint256")
    return value.to_bytes(WORD_BYTES, "big")


def pack_words(values: Sequence[int]) -> bytes:
    """Concatenated words, as ``abi.encode`` of static uint256 values writes them."""
    return b"".join(word(v) for v in values)


def unpack_words(data: bytes) -> list[int]:
    """Inverse of :func:`pack_words`; the length must be a multiple of 32."""
    if len(data) % WORD_BYTES:
        raise ValueError(f"{len(data)} bytes is not a whole number of 32-byte words")
    return [int.from_bytes(data[i : i + WORD_BYTES], "big") for i in range(0, len(data), WORD_BYTES)]


def fq2_to_evm(value: Fq2) -> tuple[int, int]:
    """EIP-197 word order ``(im, re)`` for the library's ``(re, im)``."""
    re, im = value
    return (im, re)


def fq2_from_evm(words: tuple[int, int]) -> Fq2:
    """The library's ``(re, im)`` for EIP-197 words ``(im, re)``."""
    im, re = words
    return (re, im)


def g1_words(point: G1) -> tuple[int, int]:
    """x, y of a G1 point (EIP-196); infinity is (0, 0)."""
    return point


def g2_words(point: G2) -> tuple[int, int, int, int]:
    """x.im, x.re, y.im, y.re of a G2 point (EIP-197); infinity is four zeros."""
    x, y = point
    return fq2_to_evm(x) + fq2_to_evm(y)


def g2_from_words(words: Sequence[int]) -> G2:
    """Inverse of :func:`g2_words`."""
    x_im, x_re, y_im, y_re = words
    return (fq2_from_evm((x_im, x_re)), fq2_from_evm((y_im, y_re)))


def pairing_input(pairs: Sequence[tuple[G1, G2]]) -> bytes:
    """Input of the pairing precompile 0x08: 192 bytes per (G1, G2) pair."""
    return b"".join(pack_words(g1_words(p) + g2_words(q)) for p, q in pairs)


def function_signature(n_public: int) -> str:
    """Canonical ABI signature of the verifier's entry point for n public inputs."""
    inputs = f",uint256[{n_public}]" if n_public else ""
    return f"verifyProof(uint256[2],uint256[2][2],uint256[2]{inputs})"


def selector(n_public: int) -> bytes:
    """The 4-byte function selector: the first bytes of keccak256 of the signature."""
    return keccak256(function_signature(n_public).encode())[:SELECTOR_BYTES]


def proof_words(proof: Proof) -> tuple[int, ...]:
    """The 8 words of a proof in calldata order: a, b (EIP-197 order), c."""
    return g1_words(proof.a) + g2_words(proof.b) + g1_words(proof.c)


def encode_calldata(proof: Proof, public_inputs: Sequence[int]) -> bytes:
    """Exactly the bytes a transaction to the verifier contract carries."""
    return selector(len(public_inputs)) + pack_words(proof_words(proof) + tuple(public_inputs))


def decode_calldata(data: bytes) -> tuple[Proof, list[int]]:
    """Proof and public inputs back from calldata; ValueError if it is not a verifyProof call."""
    words = unpack_words(data[SELECTOR_BYTES:])
    n_public = len(words) - PROOF_WORDS
    if len(data) < SELECTOR_BYTES or n_public < 0 or data[:SELECTOR_BYTES] != selector(n_public):
        raise ValueError("not a verifyProof call: wrong selector or length")
    proof = Proof(a=(words[0], words[1]), b=g2_from_words(words[2:6]), c=(words[6], words[7]))
    return proof, words[PROOF_WORDS:]
