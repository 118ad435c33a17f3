"""Is a ceremony's first phase-2 key the one phase 1 and the circuit determine? Checked without recomputing it.

:func:`.phase2.initialize` computes that key: four inverse NTTs "in the
exponent" ((n/2) log2 n scalar multiplications each, :mod:`.group_ntt`),
then every query point. A verifier only needs to know that the stored key
equals it, and every query is a linear map of the phase-1 powers:

    Q_w = sum_j M[j][w] [L_j(tau)]   and   [L_j(tau)] = (1/n) sum_i omega^(-ij) [tau^i],

so for random weights rho_w,

    sum_w rho_w Q_w = sum_i c_i [tau^i]   with   c = INTT(s),  s_j = sum_w rho_w M[j][w],

where the INTT runs over Fr (milliseconds) and each side is one MSM. The
combined query (the verifying key's IC followed by the L query) sums three
such maps, over beta*tau, alpha*tau and tau. The stored points must lie in
their groups (G1 has cofactor 1; the G2 MSM validates its bases, subgroup
included): then the difference of the two sides is a random combination of
points of prime order r, zero with probability at most 2^-128 over the
128-bit weights unless the key is right, the same argument as the batched
claims of :mod:`.ratio` (BGM17 check vectors the same way). The remaining
fields are compared exactly; h_query costs only n point additions.
"""

import numpy as np

from zkprove.curve import G1, G2, Group
from zkprove.field import Fr
from zkprove.field.params import R
from zkprove.poly.ntt import intt
from zkprove.r1cs.system import ConstraintSystem

from zkprove.groth16.keys import ProvingKey, g1_array, g1_to_ints, g2_to_ints
from zkprove.groth16.qap import QAP, Matrix
from .phase1 import Accumulator
from .ratio import random_weights


def _row_sums(matrix: Matrix, weights: list[int]) -> list[int]:
    """s_j = sum_w weights[w] * M[j][w] mod r for every row j of the QAP matrix."""
    coeffs = Fr.to_ints(matrix.coeffs) if len(matrix.wires) else []
    sums = [0] * matrix.n_rows
    wires = matrix.wires.tolist()
    for row in range(matrix.n_rows):
        total = 0
        for t in range(int(matrix.indptr[row]), int(matrix.indptr[row + 1])):
            total += weights[wires[t]] * coeffs[t]
        sums[row] = total % R
    return sums


def _power_scalars(matrix: Matrix, weights: list[int], n: int) -> list[int]:
    """c = INTT(s) over the size-n domain: the weights on the powers [tau^i] that sum_w rho_w Q_w equals."""
    sums = _row_sums(matrix, weights)
    return Fr.to_ints(intt(Fr.from_ints(sums + [0] * (n - len(sums)))))


def _same(group: Group, stored: np.ndarray, weights: list[int], bases: np.ndarray, scalars: list[int]) -> bool:
    """sum_w weights[w] * stored[w] == sum_i scalars[i] * bases[i] (both MSMs validate their bases)."""
    return np.array_equal(group.msm(stored, weights), group.msm(bases, scalars))


def initial_key_problem(acc: Accumulator, cs: ConstraintSystem, key: ProvingKey) -> str | None:
    """Why ``key`` is not :func:`.phase2.initialize` (acc, cs), or None (see the module doc)."""
    qap = QAP.of(cs)
    n = qap.domain_size
    if n > acc.size:
        return f"the circuit needs a domain of 2^{n.bit_length() - 1}, phase 1 has powers for 2^{acc.power}"
    sizes = {"n_wires": qap.n_wires, "n_public": qap.n_public, "domain_size": n}
    for name, expected in sizes.items():
        if getattr(key, name) != expected:
            return f"{name} is {getattr(key, name)}, the circuit gives {expected}"
    if key.qap.digest != qap.digest:
        return "the key is for another constraint system (QAP digest differs)"
    g1, g2 = G1.generator()[0], G2.generator()[0]
    exact = {
        "alpha_g1": acc.alpha_tau_g1[0], "beta_g1": acc.beta_tau_g1[0], "beta_g2": acc.beta_g2,
        "delta_g1": g1, "delta_g2": g2, "h_query": G1.add(acc.tau_g1[n : 2 * n - 1], G1.neg(acc.tau_g1[: n - 1])),
    }
    for name, expected in exact.items():
        if not np.array_equal(getattr(key, name), expected):
            return f"{name} differs from the one phase 1 gives"
    vk = key.vk
    if (vk.alpha_g1, vk.beta_g2) != (g1_to_ints(acc.alpha_tau_g1[0]), g2_to_ints(acc.beta_g2)):
        return "the verifying key's alpha or beta differs from phase 1's"
    if vk.gamma_g2 != g2_to_ints(g2) or vk.delta_g2 != g2_to_ints(g2):
        return "the verifying key's gamma or delta is not the G2 generator"
    n_pub1 = qap.n_public + 1
    if len(vk.ic) != n_pub1 or len(key.l_query) != qap.n_wires - n_pub1:
        return f"IC has {len(vk.ic)} points and l_query {len(key.l_query)}, the circuit needs {n_pub1} and {qap.n_wires - n_pub1}"
    return _queries_problem(acc, qap, key)


def _queries_problem(acc: Accumulator, qap: QAP, key: ProvingKey) -> str | None:
    n = qap.domain_size
    rho = random_weights(qap.n_wires)
    tau, tau_g2 = acc.tau_g1[:n], acc.tau_g2[:n]
    a_scalars, b_scalars = _power_scalars(qap.a, rho, n), _power_scalars(qap.b, rho, n)
    if not _same(G1, key.a_query, rho, tau, a_scalars):
        return "a_query is not the circuit's A polynomials at tau"
    if not _same(G1, key.b_g1_query, rho, tau, b_scalars):
        return "b_g1_query is not the circuit's B polynomials at tau"
    if not _same(G2, key.b_g2_query, rho, tau_g2, b_scalars):
        return "b_g2_query is not the circuit's B polynomials at tau (G2)"
    combined = np.concatenate([g1_array(key.vk.ic), key.l_query])
    bases = np.concatenate([acc.beta_tau_g1[:n], acc.alpha_tau_g1[:n], tau])
    scalars = a_scalars + b_scalars + _power_scalars(qap.c, rho, n)
    if not _same(G1, combined, rho, bases, scalars):
        return "IC and l_query are not the circuit's beta*A + alpha*B + C at tau"
    return None
