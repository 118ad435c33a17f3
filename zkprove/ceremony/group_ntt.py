"""The inverse NTT "in the exponent": Lagrange-basis points from powers of tau.

Phase 1 of the ceremony yields [tau^i] for i < n; a Groth16 key needs the
circuit's polynomials at tau, which are linear combinations of the Lagrange
basis L_j(tau) of the domain H = <omega> of size n. Since

    L_j(X) = (1/n) * sum_i (omega^-j X)^i,   so   [L_j(tau)] = (1/n) * sum_i omega^-ij [tau^i],

the points [L_j(tau)] are the inverse DFT of the points [tau^i]
(BGM17, phase 2 preparation; snarkjs computes the same in ``powersoftau prepare phase2``).
We run the radix-2 Cooley-Tukey transform of :mod:`zkprove.poly.ntt` with
points in place of field elements: each butterfly (u, v) -> (u + w*v, u - w*v)
costs one scalar multiplication by a twiddle w and two additions, so the
transform is (n/2) log2 n scalar multiplications plus n for the 1/n scaling.
The inverse reuses the forward twiddles through the index negation
INTT(x)_j = (1/n) NTT(x[-i])_j, as the field NTT does.

Points stay affine between stages (one batch inversion per stage is cheap
next to the scalar multiplications), so each butterfly uses mixed additions.
The kernels serve G1 and G2 alike through the curve package's element-type
dispatch.
"""

import numpy as np
from numba import njit, prange

from zkprove.curve import Group
from zkprove.curve import points as pt
from zkprove.curve.kernels import load_affine, store_jacobian
from zkprove.field import Fr, arrays
from zkprove.field.chunks import CHUNKS, chunk_start
from zkprove.poly import EvaluationDomain
from zkprove.poly.ntt import bit_reversed_indices


@njit(cache=True)
def _butterflies(src, twiddles, out, half, lo, hi):
    """Butterflies lo..hi-1 of the stage whose pairs are ``half`` rows apart."""
    for b in range(lo, hi):
        j = b % half
        top = (b // half) * 2 * half + j
        u = load_affine(src, top)
        v = load_affine(src, top + half)
        if j == 0:
            wv = pt.from_affine(v)
        else:
            wv = pt.scalar_mul(v, arrays.load(twiddles, half - 1 + j))
        store_jacobian(out, top, pt.add_mixed(wv, u))
        store_jacobian(out, top + half, pt.add_mixed(pt.neg(wv), u))


@njit(cache=True, parallel=True)
def _stage(src, twiddles, out, half):
    """One radix-2 stage: affine ``src`` to Jacobian ``out``; twiddles in standard form."""
    n_butterflies = src.shape[0] // 2
    for c in prange(CHUNKS):
        _butterflies(src, twiddles, out, half, chunk_start(c, n_butterflies), chunk_start(c + 1, n_butterflies))


def lagrange_points(group: Group, powers: np.ndarray) -> np.ndarray:
    """[L_j(tau)] for j < n from the affine points [tau^i], i < n (n a power of two).

    More generally the inverse DFT of any point vector, so [x*tau^i] gives
    [x*L_j(tau)]. Returns affine points.
    """
    domain = EvaluationDomain.of(len(powers))
    n = domain.size
    # Row k of the bit-reversed, index-negated input is powers[(n - rev(k)) mod n].
    order = (n - bit_reversed_indices(domain.log_size)) % n
    current = group.scalar_mul(group.to_affine(powers)[order], [domain.size_inv] * n)
    twiddles = Fr.to_standard_limbs(domain.twiddles) if n > 1 else np.zeros((0, 4), np.uint64)
    scratch = np.empty((n, 3) + group.element_shape, np.uint64)
    for stage in range(domain.log_size):
        _stage(current, twiddles, scratch, 1 << stage)
        current = group.to_affine(scratch)
    return current
