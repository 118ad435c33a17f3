"""snarkjs's seeded random stream, and the curve points it derives from a hash.

A snarkjs phase-2 contribution proves knowledge of its secret against a G2
point that every verifier recomputes from the contribution's transcript
digest (``hashToG2`` in snarkjs's ``keypair.js``), and a beacon derives its
secret and blinding point from a public seed. To write contributions that
``snarkjs zkey verify`` accepts, and to check snarkjs's, we must derive the
same points bit for bit. The recipe, as ffjavascript implements it:

* **the stream**: ChaCha20 keyed by eight 32-bit words with an all-zero
  nonce and counter, read as little-endian 32-bit words (the original
  Bernstein variant; the counter never leaves its low 64 bits here);
* **a field element** (``F.fromRng``): four 64-bit draws, each the first
  word times 2^32 plus the second, assembled little-endian into v, masked
  to the modulus's bit length and redrawn while v >= modulus. The bytes of
  v are then taken *as a Montgomery form*, so the element is v / 2^256;
* **a point** (``G.fromRng``): draw x (an Fq2 element draws its real part
  first), then one bit; redraw until x^3 + b is a square; take y its square
  root, negated when the bit differs from "y is negative" (the canonical
  value of its last non-zero coordinate exceeds (p - 1) / 2); then clear
  the cofactor (G2 only);
* **the seed of a hash** (``hashToG2``): its first 32 bytes as eight
  big-endian words; a beacon's seed is the beacon hash after 2^e rounds of
  SHA-256 (``rngFromBeaconParams``).

How the contributions use these points: :mod:`.zkey_phase2`.
"""

import hashlib
import struct

import numpy as np
from Crypto.Cipher import ChaCha20
from py_ecc import optimized_bn128 as bn

from zkprove.curve import G1, G2
from zkprove.field.params import P, R

from .pok import G2_COFACTOR, fq2_sqrt

_MONTGOMERY_R = 1 << 256
_HALF_P = (P - 1) // 2
_BLOCK_WORDS = 16


class SeededStream:
    """The 32-bit words of ChaCha20 under an eight-word seed, as ffjavascript's ``ChaCha`` yields them."""

    def __init__(self, seed_words: tuple[int, ...]) -> None:
        if len(seed_words) != 8 or not all(0 <= w < 1 << 32 for w in seed_words):
            raise ValueError("a ChaCha seed is eight 32-bit words")
        key = struct.pack("<8I", *seed_words)
        self._cipher = ChaCha20.new(key=key, nonce=bytes(8))
        self._words: tuple[int, ...] = ()
        self._next = 0

    def next_u32(self) -> int:
        if self._next == len(self._words):
            self._words = struct.unpack(f"<{_BLOCK_WORDS}I", self._cipher.encrypt(bytes(4 * _BLOCK_WORDS)))
            self._next = 0
        word = self._words[self._next]
        self._next += 1
        return word

    def next_u64(self) -> int:
        high = self.next_u32()
        return high << 32 | self.next_u32()

    def next_bool(self) -> bool:
        return self.next_u32() & 1 == 1

    def element(self, modulus: int) -> int:
        """``F.fromRng`` for the prime field of ``modulus`` (a 4-limb field): the element's canonical value."""
        mask = (1 << modulus.bit_length()) - 1
        while True:
            v = sum(self.next_u64() << (64 * i) for i in range(4)) & mask
            if v < modulus:
                return v * pow(_MONTGOMERY_R, -1, modulus) % modulus


def seed_of_digest(digest: bytes) -> tuple[int, ...]:
    """``hashToG2``'s seed: the digest's first 32 bytes as big-endian words."""
    if len(digest) < 32:
        raise ValueError("a seed needs at least 32 bytes of digest")
    return struct.unpack(">8I", digest[:32])


def beacon_seed(beacon_hash: bytes, iterations_exp: int) -> tuple[int, ...]:
    """``rngFromBeaconParams``: SHA-256 applied 2^iterations_exp times, its words big-endian."""
    current = beacon_hash
    for _ in range(1 << iterations_exp):
        current = hashlib.sha256(current).digest()
    return seed_of_digest(current)


def _is_negative(value: int) -> bool:
    return value > _HALF_P


def g1_from_stream(stream: SeededStream) -> np.ndarray:
    """``G1.fromRng``: an affine G1 point (shape (2, 4)); G1 has cofactor 1."""
    while True:
        x = stream.element(P)
        greatest = stream.next_bool()
        rhs = (x * x * x + 3) % P
        y = pow(rhs, (P + 1) // 4, P)
        if y * y % P == rhs:
            break
    if greatest ^ _is_negative(y):
        y = P - y
    return G1.from_py_ecc([(bn.FQ(x), bn.FQ(y), bn.FQ.one())])[0]


def g2_from_stream(stream: SeededStream) -> np.ndarray:
    """``G2.fromRng``: an affine G2 point (shape (2, 2, 4)), the cofactor cleared."""
    while True:
        x = bn.FQ2([stream.element(P), stream.element(P)])
        greatest = stream.next_bool()
        y = fq2_sqrt(x**3 + bn.b2)
        if y is not None:
            break
    real, imaginary = (int(c) for c in y.coeffs)
    if greatest ^ _is_negative(imaginary if imaginary else real):
        y = -y
    return G2.from_py_ecc([bn.multiply((x, y, bn.FQ2.one()), G2_COFACTOR)])[0]


def hash_to_g2(digest: bytes) -> np.ndarray:
    """snarkjs's ``hashToG2``: the G2 point a contribution's transcript digest names."""
    return g2_from_stream(SeededStream(seed_of_digest(digest)))


def scalar_from_stream(stream: SeededStream) -> int:
    """``Fr.fromRng``: a scalar below r, as a beacon draws its secret."""
    return stream.element(R)


__all__ = ["SeededStream", "beacon_seed", "g1_from_stream", "g2_from_stream", "hash_to_g2", "scalar_from_stream",
           "seed_of_digest"]
