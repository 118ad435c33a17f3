"""The same pairing check in py_ecc: the slow, independent reference the numba kernels answer to.

Tests hold :func:`zkprove.pairing.pairing_check` to this function, and
benchmarks time it beside the kernels on the same inputs. It takes the
same arrays (affine Montgomery, infinity as (0, 0)) and gives the same
answer: one py_ecc Miller loop per pair, the product, one final
exponentiation.
"""

import numpy as np
from py_ecc import optimized_bn128 as bn

from zkprove.curve import G1, G2


def pairing_check(g1: np.ndarray, g2: np.ndarray) -> bool:
    """True when prod_i e(g1[i], g2[i]) = 1, computed by py_ecc (about 0.2 s per pair)."""
    g1 = np.asarray(g1, dtype=np.uint64).reshape(-1, 2, 4)
    g2 = np.asarray(g2, dtype=np.uint64).reshape(-1, 2, 2, 4)
    if len(g1) != len(g2):
        raise ValueError(f"pairing: {len(g1)} G1 points but {len(g2)} G2 points")
    product = bn.FQ12.one()
    for p, q in zip(G1.to_py_ecc(g1, optimized=True), G2.to_py_ecc(g2, optimized=True)):
        product *= bn.pairing(q, p, final_exponentiate=False)
    return bn.final_exponentiate(product) == bn.FQ12.one()
