"""Proofs of knowledge of a contributor's secret, and the hash into G2 they rest on.

Bowe, Gabizon and Miers (ePrint 2017/1050, "rp" and "POK") let each participant
prove that it knows the secret x it multiplied the parameters by, so that
no one can cancel earlier contributions by choosing its update as a
function of them. For a secret x the proof is

    rp(x) = ([s]_1, [s*x]_1)  for a fresh random s,
    POK(x) = (rp(x), [x*r]_2)  with r = hash_to_g2(domain, transcript || rp(x)),

and it verifies when e([s]_1, [x*r]_2) = e([s*x]_1, r), a same-ratio claim.
The transcript digest binds the proof to the state the contributor
updated, so a proof cannot be replayed elsewhere in the chain; the domain
separates the secrets of one contribution (tau, alpha, beta, delta).

**Why r must be hashed into G2.** The paper's knowledge-soundness argument
(random oracle model) needs r to be a random group element whose discrete
log no one knows. Hashing to a scalar h and using [h]_2 would give every
one that discrete log, and the extraction argument no longer applies. So
:func:`hash_to_g2` maps bytes onto the twist by try-and-increment:
x = (H(m, k, "re"), H(m, k, "im")) mod p for k = 0, 1, ... until
x^3 + b' is a square in Fq2, y its square root with sgn0(y) = 0
(RFC 9380, section 4.1), then the cofactor 2p - r of the twist is cleared.
Half the x values succeed, so the expected work is two square roots and one
254-bit scalar multiplication. The map is not constant time and not
exactly uniform (each x yields one of +-y), which does not matter here:
everything hashed is public, and what the argument needs is that no one
knows log r, which holds for any point the hash lands on.
"""

import secrets
from dataclasses import dataclass

import numpy as np
from py_ecc import optimized_bn128 as bn

from zkprove.curve import G1, G2
from zkprove.field.params import P, R

from .encoding import digest, is_infinity, point_to_bytes
from .ratio import Claim

#: |E'(Fq2)| = r * (2p - r) for BN254's sextic twist; multiplying by 2p - r lands in G2.
G2_COFACTOR = 2 * P - R
_MAX_ATTEMPTS = 256


def fq2_sqrt(value: bn.FQ2) -> bn.FQ2 | None:
    """A square root in Fq2 = Fq[i]/(i^2 + 1) for p = 3 mod 4, or None.

    Algorithm 9 of Adj and Rodriguez-Henriquez, "Square root computation over
    even extension fields" (IEEE Trans. Computers 63(11), 2014); the final
    squaring check replaces its explicit non-residue test.
    """
    a1 = value ** ((P - 3) // 4)
    alpha = a1 * a1 * value
    x0 = a1 * value
    if alpha == bn.FQ2([P - 1, 0]):
        root = bn.FQ2([0, 1]) * x0
    else:
        root = (alpha + bn.FQ2.one()) ** ((P - 1) // 2) * x0
    return root if root * root == value else None


def _sgn0(value: bn.FQ2) -> int:
    """RFC 9380's sign of an Fq2 element: the parity of the first non-zero coefficient."""
    re, im = (int(c) for c in value.coeffs)
    return re & 1 if re else im & 1


def hash_to_g2(domain: bytes, message: bytes) -> np.ndarray:
    """A point of G2 (affine, shape (2, 2, 4)) whose discrete log no one knows (see module doc)."""
    for attempt in range(_MAX_ATTEMPTS):
        seed = (b"zkprove/hash-to-G2", domain, message, attempt.to_bytes(4, "little"))
        x = bn.FQ2([int.from_bytes(digest(*seed, part), "little") % P for part in (b"re", b"im")])
        y = fq2_sqrt(x**3 + bn.b2)
        if y is None:
            continue
        if _sgn0(y):
            y = -y
        point = bn.multiply((x, y, bn.FQ2.one()), G2_COFACTOR)
        if not bn.is_inf(point):
            return G2.from_py_ecc([point])[0]
    raise RuntimeError(f"hash_to_g2 found no point in {_MAX_ATTEMPTS} attempts")


def random_scalar() -> int:
    """A uniformly random non-zero scalar from the OS's CSPRNG: a contributor's toxic secret."""
    return 1 + secrets.randbelow(R - 1)


def challenge(s_g1: np.ndarray, sx_g1: np.ndarray, domain: bytes, transcript: bytes) -> np.ndarray:
    """r = hash_to_g2(domain, transcript || [s]_1 || [s*x]_1)."""
    return hash_to_g2(domain, transcript + point_to_bytes(G1, s_g1) + point_to_bytes(G1, sx_g1))


@dataclass(frozen=True)
class KnowledgeProof:
    """BGM17's POK(x): ``s_g1`` = [s]_1, ``sx_g1`` = [s*x]_1, ``rx_g2`` = [x*r]_2 (affine points)."""

    s_g1: np.ndarray
    sx_g1: np.ndarray
    rx_g2: np.ndarray

    def challenge(self, domain: bytes, transcript: bytes) -> np.ndarray:
        """The G2 point r that the secret multiplies in ``rx_g2`` (see :func:`challenge`)."""
        return challenge(self.s_g1, self.sx_g1, domain, transcript)

    def problem(self) -> str | None:
        """Why the proof is degenerate (it would verify for x = 0), or None."""
        if is_infinity(self.s_g1):
            return "[s]_1 is the point at infinity"
        if is_infinity(self.sx_g1):
            return "[s*x]_1 is the point at infinity (secret 0)"
        return None

    def claim(self, what: str, challenge: np.ndarray) -> Claim:
        """The proof's own equation e([s]_1, [x*r]_2) = e([s*x]_1, r), for the batch check."""
        return Claim(f"{what}: proof of knowledge", self.s_g1, self.rx_g2, self.sx_g1, challenge)


def prove_knowledge(secret: int, domain: bytes, transcript: bytes, blinding: int | None = None) -> KnowledgeProof:
    """POK(secret) bound to ``transcript``; ``blinding`` is s (random unless a test fixes it)."""
    if not 0 < secret < R:
        raise ValueError("a contribution's secret must lie in [1, r)")
    s = random_scalar() if blinding is None else blinding
    g1 = G1.scalar_mul(G1.generator(), [s, s * secret % R])
    r = challenge(g1[0], g1[1], domain, transcript)
    return KnowledgeProof(g1[0], g1[1], G2.scalar_mul(r[None], [secret])[0])
