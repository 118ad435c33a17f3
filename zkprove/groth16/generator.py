"""The Groth16 dev setup: draw the toxic waste here and compute both keys from it.

Key generation follows Groth 2016 ("On the Size of Pairing-based
Non-interactive Arguments", section 3.2) and arkworks'
``generate_parameters_with_qap`` (ark-groth16 ``generator.rs``):

1. the Lagrange basis of the domain at tau, L_j(tau) = Z(tau)/n · omega^j/(tau − omega^j),
   with one batch inversion (:func:`~zkprove.groth16.qap.lagrange_basis_at`);
2. every wire's u_i(tau), v_i(tau), w_i(tau) as column sums of the QAP
   matrices weighted by L_j(tau);
3. the scalars of every key point, then two fixed-base multiplications, one
   for all G1 points and one for all G2 points (:mod:`.fixed_base`).

With ``odd_coset_h`` the H query is the snarkjs variant's (:mod:`.qap`):
L'_{2j+1}(tau)/delta for j < n, the Lagrange basis of the 2n domain at its
odd points, which a ``.zkey`` needs.

**Not for production.** Whoever knows tau, alpha, beta, gamma, delta can
prove anything (the trapdoor of the zero-knowledge simulator), and this
process had them in memory: :func:`setup` warns with
:class:`ToxicWasteWarning` every time. Real keys come from a multi-party
ceremony. gamma is drawn at random here, as in the paper; snarkjs fixes
gamma = 1 (vk gamma_g2 = the G2 generator) because its phase 2 only updates
delta. Verifiers read gamma_g2 from the key, so both kinds verify alike.
"""

from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass
from random import Random

import numpy as np

from zkprove.curve import G1, G2
from zkprove.field import Fr
from zkprove.field.params import R
from zkprove.poly import EvaluationDomain
from zkprove.poly.domain import montgomery_limbs
from zkprove.r1cs.system import ConstraintSystem
from zkprove.timing import StepTimer

from .data import VerifyingKey
from .fixed_base import fixed_base_mul
from .keys import ProvingKey, g1_to_ints, g2_to_ints
from .qap import QAP, lagrange_basis_at, powers_of


class ToxicWasteWarning(UserWarning):
    """A key was made from secrets this process knew: unfit for production."""


@dataclass(frozen=True)
class ToxicWaste:
    """The secret scalars behind a Groth16 key (each in [1, r))."""

    tau: int
    alpha: int
    beta: int
    gamma: int
    delta: int

    @classmethod
    def sample(cls, domain: EvaluationDomain, rng: Random) -> ToxicWaste:
        """Fresh non-zero scalars, with tau outside the domain (tau^n != 1)."""
        while True:
            tau = rng.randrange(1, R)
            if pow(tau, domain.size, R) != 1:
                break
        return cls(tau, *(rng.randrange(1, R) for _ in range(4)))


def setup(
    cs: ConstraintSystem, rng: Random | None = None, timer: StepTimer | None = None, odd_coset_h: bool = False
) -> tuple[ProvingKey, VerifyingKey]:
    """Dev keys for ``cs`` from toxic waste drawn with ``rng`` (default: the OS's CSPRNG).

    Always warns with :class:`ToxicWasteWarning`. ``timer`` records the steps;
    ``odd_coset_h`` makes the snarkjs variant's H query (module doc).
    """
    warnings.warn(
        "groth16.setup draws its own toxic waste (tau, alpha, beta, gamma, delta): anyone who learns it can "
        "forge proofs. Use these keys for development only; production keys need a multi-party ceremony.",
        ToxicWasteWarning,
        stacklevel=2,
    )
    qap = QAP.of(cs)
    waste = ToxicWaste.sample(qap.domain(), rng if rng is not None else secrets.SystemRandom())
    return keys_from_toxic_waste(qap, waste, timer, odd_coset_h)


def _h_scalars(domain: EvaluationDomain, waste: ToxicWaste, odd_coset_h: bool) -> np.ndarray:
    """H's scalars: tau^i Z(tau)/delta for i < n − 1, or L'_{2j+1}(tau)/delta for j < n (module doc)."""
    delta_inv = pow(waste.delta, -1, R)
    if odd_coset_h:
        double = EvaluationDomain.of(2 * domain.size)
        return _scaled(np.ascontiguousarray(lagrange_basis_at(double, waste.tau)[1::2]), delta_inv)
    z_tau = (pow(waste.tau, domain.size, R) - 1) % R
    h = _constant(z_tau * delta_inv, domain.size - 1)
    powers_of(h, waste.tau)
    return h


def _constant(value: int, n: int) -> np.ndarray:
    """n copies of value (Montgomery)."""
    out = np.empty((n, 4), np.uint64)
    out[:] = montgomery_limbs(value % R)
    return out


def _scaled(values: np.ndarray, factor: int) -> np.ndarray:
    return Fr.mul(values, _constant(factor, len(values)))


def keys_from_toxic_waste(
    qap: QAP, waste: ToxicWaste, timer: StepTimer | None = None, odd_coset_h: bool = False
) -> tuple[ProvingKey, VerifyingKey]:
    """The proving and verifying keys that ``waste`` defines for ``qap`` (deterministic)."""
    timer = timer if timer is not None else StepTimer()
    domain = qap.domain()
    n_pub1 = qap.n_public + 1
    with timer.step("scalars"):
        u, v, w = qap.wire_evaluations(lagrange_basis_at(domain, waste.tau))
        combined = Fr.add(Fr.add(_scaled(u, waste.beta), _scaled(v, waste.alpha)), w)
        ic = _scaled(combined[:n_pub1], pow(waste.gamma, -1, R))
        l_scalars = _scaled(combined[n_pub1:], pow(waste.delta, -1, R))
        h = _h_scalars(domain, waste, odd_coset_h)
        singles = Fr.from_ints([waste.alpha, waste.beta, waste.delta])
        g1_parts = [singles, u, v, ic, l_scalars, h]
        g2_parts = [Fr.from_ints([waste.beta, waste.gamma, waste.delta]), v]
    with timer.step("g1"):
        g1 = fixed_base_mul(G1, G1.generator(), Fr.to_standard_limbs(np.concatenate(g1_parts)))
    with timer.step("g2"):
        g2 = fixed_base_mul(G2, G2.generator(), Fr.to_standard_limbs(np.concatenate(g2_parts)))
    alpha_g1, beta_g1, delta_g1, a_query, b_g1_query, ic_points, l_query, h_query = np.split(
        g1, np.cumsum([1, 1, 1] + [len(part) for part in g1_parts[1:-1]])
    )
    vk = VerifyingKey(
        alpha_g1=g1_to_ints(alpha_g1[0]),
        beta_g2=g2_to_ints(g2[0]),
        gamma_g2=g2_to_ints(g2[1]),
        delta_g2=g2_to_ints(g2[2]),
        ic=[g1_to_ints(p) for p in ic_points],
    )
    pk = ProvingKey(
        vk=vk, n_wires=qap.n_wires, n_public=qap.n_public, domain_size=qap.domain_size,
        alpha_g1=alpha_g1[0], beta_g1=beta_g1[0], beta_g2=g2[0], delta_g1=delta_g1[0], delta_g2=g2[2],
        a_query=a_query, b_g1_query=b_g1_query, b_g2_query=g2[3:],
        h_query=h_query, l_query=l_query, qap=qap,
    )
    return pk, vk
