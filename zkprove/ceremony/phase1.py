"""Phase 1, the powers of tau: the accumulator, a contribution to it, and its checks.

Bowe, Gabizon and Miers, ePrint 2017/1050, the "powers of tau" phase. For a
domain of size n = 2^power the accumulator holds

    tau_g1       [tau^i]_1           i < 2n - 1   (the H query needs tau^(i+n))
    tau_g2       [tau^i]_2           i < n
    alpha_tau_g1 [alpha * tau^i]_1   i < n
    beta_tau_g1  [beta * tau^i]_1    i < n
    beta_g2      [beta]_2

It starts at tau = alpha = beta = 1 (every point a generator). A contributor
draws secrets (t, a, b), multiplies the points so that tau, alpha, beta
become t*tau, a*alpha, b*beta, and publishes a proof of knowledge of each
secret (:mod:`.pok`) bound to the digest of the accumulator it updated.
Whoever contributed honestly and forgot its secrets makes the result
secure, however the others behaved.

:func:`check` turns one contribution into same-ratio claims (:mod:`.ratio`):
the three proofs, the three updates (each new first point is the old one
times the proven secret) and the shape of the new accumulator (each vector
consists of consecutive powers of the tau in [tau]_2, checked by random
linear combinations, and beta_g2 matches beta_tau_g1[0]).
"""

from dataclasses import dataclass, fields

import numpy as np

from zkprove.curve import G1, G2
from zkprove.field.params import R

from .encoding import digest, points_to_bytes
from .pok import KnowledgeProof, prove_knowledge, random_scalar
from .ratio import Claim, weighted_sums

#: Domain separators of the three secrets' proofs of knowledge.
DOMAINS = {"tau": b"zkprove/ceremony/phase1/tau", "alpha": b"zkprove/ceremony/phase1/alpha", "beta": b"zkprove/ceremony/phase1/beta"}
#: The point of the accumulator that each secret multiplies exactly once: (field, index).
FIRST_POINTS = {"tau": ("tau_g1", 1), "alpha": ("alpha_tau_g1", 0), "beta": ("beta_tau_g1", 0)}
#: Largest supported power: the BN254 scalar field's 2-adicity.
MAX_POWER = 28


@dataclass(frozen=True)
class Accumulator:
    """Phase-1 parameters for domains up to 2^power (affine point arrays, see the module doc)."""

    tau_g1: np.ndarray
    tau_g2: np.ndarray
    alpha_tau_g1: np.ndarray
    beta_tau_g1: np.ndarray
    beta_g2: np.ndarray

    @classmethod
    def initial(cls, power: int) -> "Accumulator":
        """The starting point tau = alpha = beta = 1, for domains up to 2^power (power >= 1)."""
        if not 1 <= power <= MAX_POWER:
            raise ValueError(f"power must lie in [1, {MAX_POWER}], got {power}")
        n = 1 << power
        g1, g2 = G1.generator(), G2.generator()
        return cls(np.repeat(g1, 2 * n - 1, 0), np.repeat(g2, n, 0), np.repeat(g1, n, 0), np.repeat(g1, n, 0), g2[0])

    @property
    def size(self) -> int:
        """n: the largest domain size these powers serve."""
        return len(self.tau_g2)

    @property
    def power(self) -> int:
        return self.size.bit_length() - 1

    def shape_problem(self) -> str | None:
        """Why the vectors' lengths do not fit one power of two, or None."""
        n = self.size
        if n < 2 or n & (n - 1):
            return f"tau_g2 has {n} points, not a power of two >= 2"
        expected = {"tau_g1": 2 * n - 1, "alpha_tau_g1": n, "beta_tau_g1": n}
        for name, length in expected.items():
            if len(getattr(self, name)) != length:
                return f"{name} has {len(getattr(self, name))} points, expected {length} for n = {n}"
        return None

    def digest(self) -> bytes:
        """The transcript hash a contribution's proofs bind to: every point, in field order."""
        parts = []
        for f in fields(self):
            group = G2 if f.name.endswith("g2") else G1
            parts.append(points_to_bytes(group, getattr(self, f.name).reshape((-1, 2) + group.element_shape)))
        return digest(b"zkprove/ceremony/phase1/accumulator", *parts)


@dataclass(frozen=True)
class Secrets:
    """One contributor's toxic waste: the multipliers of tau, alpha and beta (each in [1, r))."""

    tau: int
    alpha: int
    beta: int

    @classmethod
    def random(cls) -> "Secrets":
        return cls(random_scalar(), random_scalar(), random_scalar())


@dataclass(frozen=True)
class Contribution:
    """What a contributor publishes besides the new accumulator: a proof per secret."""

    tau: KnowledgeProof
    alpha: KnowledgeProof
    beta: KnowledgeProof


def contribute(before: Accumulator, secrets: Secrets | None = None) -> tuple[Accumulator, Contribution]:
    """Apply fresh (or, in tests, given) secrets; return the new accumulator and the proofs."""
    secrets = Secrets.random() if secrets is None else secrets
    n, t, a, b = before.size, secrets.tau, secrets.alpha, secrets.beta
    powers = [1] * (2 * n - 1)
    for i in range(1, 2 * n - 1):
        powers[i] = powers[i - 1] * t % R
    after = Accumulator(
        tau_g1=G1.scalar_mul(before.tau_g1, powers),
        tau_g2=G2.scalar_mul(before.tau_g2, powers[:n]),
        alpha_tau_g1=G1.scalar_mul(before.alpha_tau_g1, [a * p % R for p in powers[:n]]),
        beta_tau_g1=G1.scalar_mul(before.beta_tau_g1, [b * p % R for p in powers[:n]]),
        beta_g2=G2.scalar_mul(before.beta_g2[None], [b])[0],
    )
    transcript = before.digest()
    proofs = {name: prove_knowledge(getattr(secrets, name), DOMAINS[name], transcript) for name in DOMAINS}
    return after, Contribution(**proofs)


def check(before: Accumulator, after: Accumulator, contribution: Contribution) -> tuple[str | None, list[Claim]]:
    """Check one phase-1 contribution: (a structural problem or None, the pairing claims to batch)."""
    problem = after.shape_problem()
    if problem is None and after.size != before.size:
        problem = f"the accumulator changed size from 2^{before.power} to 2^{after.power}"
    if problem is None and not np.array_equal(after.tau_g1[0], G1.generator()[0]):
        problem = "tau_g1[0] is not the G1 generator"
    if problem is None and not np.array_equal(after.tau_g2[0], G2.generator()[0]):
        problem = "tau_g2[0] is not the G2 generator"
    proofs = {name: getattr(contribution, name) for name in DOMAINS}
    for name, proof in proofs.items():
        problem = problem or (None if proof.problem() is None else f"{name} proof: {proof.problem()}")
    if problem is not None:
        return problem, []
    transcript = before.digest()
    claims = []
    for name, proof in proofs.items():
        r = proof.challenge(DOMAINS[name], transcript)
        claims.append(proof.claim(name, r))
        field, index = FIRST_POINTS[name]
        new, old = getattr(after, field)[index], getattr(before, field)[index]
        claims.append(Claim(f"{name} update: the new {field}[{index}] is the old one times the proven secret", new, r, old, proof.rx_g2))
    return None, claims + shape_claims(after)


def shape_claims(acc: Accumulator) -> list[Claim]:
    """Claims that every vector of ``acc`` holds consecutive powers of its tau, and beta_g2 matches."""
    g1, g2 = G1.generator()[0], G2.generator()[0]
    tau_g2 = acc.tau_g2[1]
    claims = []
    for name in ("tau_g1", "alpha_tau_g1", "beta_tau_g1"):
        points = getattr(acc, name)
        lower, upper = weighted_sums(G1, points[:-1], points[1:])
        claims.append(Claim(f"{name} holds consecutive powers of the tau of tau_g2[1]", lower, tau_g2, upper, g2))
    lower, upper = weighted_sums(G2, acc.tau_g2[:-1], acc.tau_g2[1:])
    claims.append(Claim("tau_g2 holds consecutive powers of the tau of tau_g1[1]", acc.tau_g1[1], lower, g1, upper))
    claims.append(Claim("beta_g2 and beta_tau_g1[0] hold the same beta", acc.beta_tau_g1[0], g2, g1, acc.beta_g2))
    return claims
