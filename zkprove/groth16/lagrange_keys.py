"""The delta = 1 Groth16 key of a circuit from phase-1 points in the Lagrange basis.

For the QAP's domain of size n and L_j the Lagrange basis there, phase 1
provides [L_j(tau)] in G1 and G2 and [alpha L_j(tau)], [beta L_j(tau)] in
G1 (a prepared snarkjs ``.ptau`` stores exactly these, sections 12 to 15;
our ceremony computes them by group NTTs). Every query point is then a
sparse combination over the QAP's matrix entries (BGM17, ePrint 2017/1050,
the per-circuit phase; snarkjs ``src/zkey_new.js``):

* A_i = sum_j A[j][i] [L_j], B1_i and B2_i likewise over B in G1 and G2;
* K_i = sum_j (A[j][i] [beta L_j] + B[j][i] [alpha L_j] + C[j][i] [L_j]),
  the verifying key's IC for the constant and public wires, the l_query for
  the others (gamma = delta = 1 until phase 2 updates delta).

H is passed in as the caller builds it: our ceremony's n − 1 points
[tau^i (tau^n − 1)], or the snarkjs variant's n points [L'_{2j+1}(tau)]
over the odd coset of the 2n domain (:mod:`zkprove.groth16.qap`).
"""

from dataclasses import dataclass

import numpy as np

from zkprove.curve import G1, G2, Group
from zkprove.timing import StepTimer

from .data import VerifyingKey
from .keys import ProvingKey, g1_to_ints, g2_to_ints
from .lincomb import combine
from .qap import QAP, Matrix


@dataclass(frozen=True)
class LagrangeBases:
    """Phase 1 on the circuit's domain: the four Lagrange-basis queries (n points each) and the single points."""

    tau_g1: np.ndarray
    tau_g2: np.ndarray
    alpha_tau_g1: np.ndarray
    beta_tau_g1: np.ndarray
    alpha_g1: np.ndarray
    beta_g1: np.ndarray
    beta_g2: np.ndarray


def _terms(matrix: Matrix, base_offset: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(wire, basis row + offset, coefficient) for every entry: u_i(tau) = sum_j M[j][i] L_j(tau)."""
    rows = np.repeat(np.arange(matrix.n_rows, dtype=np.int64), np.diff(matrix.indptr))
    return matrix.wires, rows + base_offset, matrix.coeffs


def _query(group: Group, bases: np.ndarray, n_wires: int, *terms: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    wires, rows, coeffs = (np.concatenate(parts) for parts in zip(*terms))
    return combine(group, bases, wires, rows, coeffs, n_wires)


def keys_from_lagrange(
    qap: QAP, bases: LagrangeBases, h_query: np.ndarray, timer: StepTimer | None = None
) -> ProvingKey:
    """The delta = gamma = 1 proving key for ``qap`` (module doc); its QAP needs C."""
    timer = timer if timer is not None else StepTimer()
    n = qap.domain_size
    if qap.c is None:
        raise ValueError("a key from phase 1 needs the QAP's C matrix (read the circuit's .r1cs, not a .zkey)")
    for name in ("tau_g1", "tau_g2", "alpha_tau_g1", "beta_tau_g1"):
        if len(getattr(bases, name)) != n:
            raise ValueError(f"{name} has {len(getattr(bases, name))} points, the circuit's domain {n}")
    with timer.step("queries"):
        a_query = _query(G1, bases.tau_g1, qap.n_wires, _terms(qap.a, 0))
        b_g1_query = _query(G1, bases.tau_g1, qap.n_wires, _terms(qap.b, 0))
        b_g2_query = _query(G2, bases.tau_g2, qap.n_wires, _terms(qap.b, 0))
        stacked = np.concatenate([bases.beta_tau_g1, bases.alpha_tau_g1, bases.tau_g1])
        combined = _query(G1, stacked, qap.n_wires, _terms(qap.a, 0), _terms(qap.b, n), _terms(qap.c, 2 * n))
    n_pub1 = qap.n_public + 1
    g1, g2 = G1.generator()[0], G2.generator()[0]
    vk = VerifyingKey(
        alpha_g1=g1_to_ints(bases.alpha_g1), beta_g2=g2_to_ints(bases.beta_g2),
        gamma_g2=g2_to_ints(g2), delta_g2=g2_to_ints(g2),
        ic=[g1_to_ints(p) for p in combined[:n_pub1]],
    )
    return ProvingKey(
        vk=vk, n_wires=qap.n_wires, n_public=qap.n_public, domain_size=n,
        alpha_g1=bases.alpha_g1, beta_g1=bases.beta_g1, beta_g2=bases.beta_g2, delta_g1=g1, delta_g2=g2,
        a_query=a_query, b_g1_query=b_g1_query, b_g2_query=b_g2_query,
        h_query=h_query, l_query=combined[n_pub1:], qap=qap,
    )
