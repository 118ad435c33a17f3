"""Poseidon round constants and MDS matrices for BN254, drawn from the Grain LFSR.

Poseidon (Grassi, Khovratovich, Rechberger, Roy, Schofnegger, "Poseidon: A New
Hash Function for Zero-Knowledge Proof Systems", USENIX Security 2021) derives
its parameters from an 80-bit Grain LFSR seeded with the instance description
(appendix F and the reference script ``generate_parameters_grain.sage``).
circomlib's BN254 constants come from that script with field = 1 (prime field),
sbox = 0 (x^alpha), n = 254 bits, the width t, RF = 8 full rounds and RP
partial rounds; :data:`PARTIAL_ROUNDS` lists RP per t.

The recipe, step by step:

1. Seed: the 80 bits field(2) | sbox(4) | n(12) | t(12) | RF(10) | RP(10) |
   thirty 1s, each field most significant bit first. Clock the register 160
   times and discard the output (feedback taps b62, b51, b38, b23, b13, b0).
2. Output bits are self-shrunk: clock twice; if the first bit is 1 emit the
   second, otherwise discard both.
3. Round constants: (RF + RP)·t field elements, each 254 output bits read most
   significant first, redrawn while the value is ≥ r (rejection sampling).
4. MDS: 2t further 254-bit draws, reduced mod r, give x_0..x_{t-1},
   y_0..y_{t-1}; redrawn as a whole while any two coincide. The matrix is the
   Cauchy matrix M[i][j] = 1 / (x_i + y_j).

No security rejection of the MDS matrix happens for these instances: the
first draw is the published one. The tests check every circomlibjs vector.
A width's parameters take 0.1-0.4 s to generate, so they are made on first
use and cached, never at import.
"""

from dataclasses import dataclass
from functools import cache

from ..field.params import R

FULL_ROUNDS = 8
#: Partial rounds RP per width t = 2..7 (circomlib's N_ROUNDS_P).
PARTIAL_ROUNDS = {2: 56, 3: 57, 4: 56, 5: 60, 6: 60, 7: 63}
FIELD_BITS = 254


@dataclass(frozen=True)
class PoseidonParams:
    """One Poseidon instance: width t, round counts, constants C and MDS matrix M.

    ``round_constants[r * t + i]`` is added to state element i in round r;
    the linear layer maps the state s to ``[sum(M[i][j] * s[j]) for i]``.
    """

    t: int
    full_rounds: int
    partial_rounds: int
    round_constants: tuple[int, ...]
    mds: tuple[tuple[int, ...], ...]

    @property
    def n_rounds(self) -> int:
        return self.full_rounds + self.partial_rounds


class _Grain:
    """The self-shrinking 80-bit Grain LFSR of the Poseidon reference script."""

    _WIDTH = 80

    def __init__(self, seed_bits: str):
        assert len(seed_bits) == self._WIDTH
        # Bit k of the integer holds b_k; b_0 is the oldest bit.
        self._state = int(seed_bits[::-1], 2)
        for _ in range(160):
            self._clock()

    def _clock(self) -> int:
        s = self._state
        bit = ((s >> 62) ^ (s >> 51) ^ (s >> 38) ^ (s >> 23) ^ (s >> 13) ^ s) & 1
        self._state = (s >> 1) | (bit << (self._WIDTH - 1))
        return bit

    def bit(self) -> int:
        while True:
            keep = self._clock()
            value = self._clock()
            if keep:
                return value

    def bits(self, n: int) -> int:
        """The next n output bits as an integer, first bit most significant."""
        value = 0
        for _ in range(n):
            value = (value << 1) | self.bit()
        return value


def _seed(t: int, full_rounds: int, partial_rounds: int) -> str:
    field, sbox = 1, 0
    return f"{field:02b}{sbox:04b}{FIELD_BITS:012b}{t:012b}{full_rounds:010b}{partial_rounds:010b}" + "1" * 30


@cache
def poseidon_params(t: int) -> PoseidonParams:
    """circomlib's Poseidon parameters for width t (2..7), generated from the LFSR."""
    if t not in PARTIAL_ROUNDS:
        raise ValueError(f"Poseidon width t must be in 2..7, got {t}")
    rp = PARTIAL_ROUNDS[t]
    grain = _Grain(_seed(t, FULL_ROUNDS, rp))
    constants = []
    for _ in range((FULL_ROUNDS + rp) * t):
        value = grain.bits(FIELD_BITS)
        while value >= R:
            value = grain.bits(FIELD_BITS)
        constants.append(value)
    while True:
        draws = [grain.bits(FIELD_BITS) % R for _ in range(2 * t)]
        if len(set(draws)) == 2 * t:
            break
    xs, ys = draws[:t], draws[t:]
    mds = tuple(tuple(pow(x + y, -1, R) for y in ys) for x in xs)
    return PoseidonParams(t, FULL_ROUNDS, rp, tuple(constants), mds)
