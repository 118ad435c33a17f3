"""BLAKE2b-512 resumed from a saved midstate, as a ``.ptau`` contribution stores one.

A snarkjs ``.ptau`` contribution keeps the hash of its response file up to
the contributor's public key as a 216-byte "partial hash" (snarkjs
``src/misc.js``, ``toPartialHash``/``fromPartialHash``, the internal state
of noble-hashes' BLAKE2b): the 128-byte pending block, then little-endian
u32 words, h[0..7] as (low, high) pairs, the count of bytes already
compressed as a u64, and the count of bytes pending. ``hashlib`` cannot
start from a midstate, so this module has the compression function of
RFC 7693 in plain Python; it hashes a few hundred bytes per contribution.
"""

MASK = (1 << 64) - 1
BLOCK = 128
PARTIAL_HASH_BYTES = 216
IV = (
    0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
    0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179,
)
SIGMA = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    (14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3),
    (11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4),
    (7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8),
    (9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13),
    (2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9),
    (12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11),
    (13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10),
    (6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5),
    (10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0),
)


def _rotr(x: int, n: int) -> int:
    return ((x >> n) | (x << (64 - n))) & MASK


def _compress(h: list[int], block: bytes, counter: int, last: bool) -> None:
    """RFC 7693 section 3.2, F: mix one 128-byte block into the state ``h`` (in place)."""
    m = [int.from_bytes(block[8 * i : 8 * i + 8], "little") for i in range(16)]
    v = h + list(IV)
    v[12] ^= counter & MASK
    v[13] ^= counter >> 64
    if last:
        v[14] ^= MASK
    for round_index in range(12):
        s = SIGMA[round_index % 10]
        for i, (a, b, c, d) in enumerate(((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
                                          (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14))):
            x, y = m[s[2 * i]], m[s[2 * i + 1]]
            v[a] = (v[a] + v[b] + x) & MASK
            v[d] = _rotr(v[d] ^ v[a], 32)
            v[c] = (v[c] + v[d]) & MASK
            v[b] = _rotr(v[b] ^ v[c], 24)
            v[a] = (v[a] + v[b] + y) & MASK
            v[d] = _rotr(v[d] ^ v[a], 16)
            v[c] = (v[c] + v[d]) & MASK
            v[b] = _rotr(v[b] ^ v[c], 63)
    for i in range(8):
        h[i] ^= v[i] ^ v[i + 8]


class Blake2b512:
    """A BLAKE2b-512 (unkeyed) hash in progress: ``h``, bytes compressed, pending bytes."""

    def __init__(self, h: list[int] | None = None, compressed: int = 0, pending: bytes = b""):
        self.h = list(h) if h is not None else [IV[0] ^ 0x01010040, *IV[1:]]
        self.compressed = compressed
        self.pending = pending

    @classmethod
    def from_partial(cls, partial: bytes) -> "Blake2b512":
        """The state snarkjs saved in a contribution's 216-byte partial hash (module doc)."""
        if len(partial) != PARTIAL_HASH_BYTES:
            raise ValueError(f"a partial hash is {PARTIAL_HASH_BYTES} bytes, got {len(partial)}")
        words = [int.from_bytes(partial[BLOCK + 4 * i : BLOCK + 4 * i + 4], "little") for i in range(22)]
        h = [words[2 * i] | words[2 * i + 1] << 32 for i in range(8)]
        compressed = words[16] | words[17] << 32
        pending = words[18] | words[19] << 32
        if pending > BLOCK:
            raise ValueError(f"a partial hash with {pending} pending bytes, a block holds {BLOCK}")
        return cls(h, compressed, partial[:pending])

    def update(self, data: bytes) -> "Blake2b512":
        """Absorb ``data``; a full block is compressed only once more data follows (it may be the last)."""
        buffer = self.pending + data
        while len(buffer) > BLOCK:
            self.compressed += BLOCK
            _compress(self.h, buffer[:BLOCK], self.compressed, False)
            buffer = buffer[BLOCK:]
        self.pending = buffer
        return self

    def digest(self) -> bytes:
        h = list(self.h)
        _compress(h, self.pending.ljust(BLOCK, b"\0"), self.compressed + len(self.pending), True)
        return b"".join(x.to_bytes(8, "little") for x in h)
