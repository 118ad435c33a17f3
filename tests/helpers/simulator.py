"""A Groth16 proof simulator for tests: valid proofs with no circuit and no prover.

Whoever knows a key's trapdoor (the discrete logs alpha, beta, gamma, delta
and u_j of IC_j = u_j * G1) can make a proof that verifies for any public
inputs: pick random a and b, put A = a*G1 and B = b*G2, and solve the
verification equation in the exponent,

    a*b = alpha*beta + (sum_j x_j*u_j)*gamma + c*delta   (mod r),

for c, then C = c*G1. This is the zero-knowledge simulator of the Groth16
paper. It is test scaffolding only: a real key's trapdoor is toxic waste.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from random import Random

from py_ecc import optimized_bn128 as bn

from zkprove.ceremony.pok import fq2_sqrt
from zkprove.groth16.data import G1, G2, Proof, VerifyingKey
from zkprove.l1.curve import R, from_py_ecc_g1, from_py_ecc_g2


def g1_mul(scalar: int) -> G1:
    """scalar * G1 as a plain-int affine point."""
    return from_py_ecc_g1(bn.multiply(bn.G1, scalar % R))


def g2_mul(scalar: int) -> G2:
    """scalar * G2 as a plain-int affine point."""
    return from_py_ecc_g2(bn.multiply(bn.G2, scalar % R))


def _nonzero_scalar(rng: Random) -> int:
    return rng.randrange(1, R)


@dataclass(frozen=True)
class Trapdoor:
    """The secret exponents behind a verifying key."""

    alpha: int
    beta: int
    gamma: int
    delta: int
    ic_logs: tuple[int, ...]

    @classmethod
    def sample(cls, n_public: int, rng: Random, gamma_is_generator: bool = True) -> "Trapdoor":
        """A fresh trapdoor; gamma = 1 by default, as in snarkjs keys."""
        gamma = 1 if gamma_is_generator else _nonzero_scalar(rng)
        logs = tuple(_nonzero_scalar(rng) for _ in range(n_public + 1))
        return cls(_nonzero_scalar(rng), _nonzero_scalar(rng), gamma, _nonzero_scalar(rng), logs)

    def verifying_key(self) -> VerifyingKey:
        """The public key these exponents define."""
        return VerifyingKey(
            alpha_g1=g1_mul(self.alpha),
            beta_g2=g2_mul(self.beta),
            gamma_g2=g2_mul(self.gamma),
            delta_g2=g2_mul(self.delta),
            ic=[g1_mul(u) for u in self.ic_logs],
        )

    def prove(self, public_inputs: Sequence[int], rng: Random) -> Proof:
        """A valid proof for these public inputs under :meth:`verifying_key`."""
        a, b = _nonzero_scalar(rng), _nonzero_scalar(rng)
        public = self.ic_logs[0] + sum(x * u for x, u in zip(public_inputs, self.ic_logs[1:]))
        c = (a * b - self.alpha * self.beta - public * self.gamma) * pow(self.delta, -1, R)
        return Proof(a=g1_mul(a), b=g2_mul(b), c=g1_mul(c))


def g2_point_outside_subgroup() -> G2:
    """A point on the twist curve y^2 = x^3 + b2 that is not in the order-r subgroup.

    The twist has a huge cofactor, so the first x = k + i with a square
    x^3 + b2 gives such a point; the precompile must refuse it (EIP-197).
    """
    for k in range(1, 1000):
        x = bn.FQ2([k, 1])
        y = fq2_sqrt(x**3 + bn.b2)
        if y is not None:
            point = (x, y, bn.FQ2.one())
            assert not bn.is_inf(bn.multiply(point, R))
            return from_py_ecc_g2(point)
    raise AssertionError("no twist point found")
