"""Groth16 proofs and verifying keys as plain Python integers.

The prover works on numba limb arrays and the L1 verifier on py_ecc field
elements; this module is the hand-off between them, so it holds nothing but
canonical affine coordinates as ``int``:

* a G1 point is ``(x, y)``;
* an Fq2 element is ``(re, im)``, meaning ``re + im*i``, real part first,
  as inside the library (the EVM wants the opposite order; only
  :func:`zkprove.l1.encoding.fq2_to_evm` converts);
* a G2 point is ``((x_re, x_im), (y_re, y_im))``.

The point at infinity is represented explicitly as all-zero coordinates,
``G1_INFINITY = (0, 0)`` and ``G2_INFINITY = ((0, 0), (0, 0))``. That is the
encoding EIP-196 and EIP-197 give it, and it cannot collide with a real point
because (0, 0) is not on y^2 = x^3 + 3 nor on its twist.

The classes do not validate: a proof read from a file may well be malformed,
and saying why is the verifier's job (:mod:`zkprove.l1.verifier`).
"""

from collections.abc import Sequence
from dataclasses import dataclass

Fq2 = tuple[int, int]
G1 = tuple[int, int]
G2 = tuple[Fq2, Fq2]

G1_INFINITY: G1 = (0, 0)
G2_INFINITY: G2 = ((0, 0), (0, 0))


@dataclass(frozen=True)
class Proof:
    """A Groth16 proof (A, B, C): A and C in G1, B in G2."""

    a: G1
    b: G2
    c: G1


@dataclass(frozen=True)
class VerifyingKey:
    """A Groth16 verifying key.

    ``ic[0]`` is the constant wire's point and ``ic[i]`` the i-th public
    input's, so a key for n public inputs has n + 1 of them. Any sequence is
    accepted for ``ic`` and stored as a tuple, which keeps the key hashable.
    """

    alpha_g1: G1
    beta_g2: G2
    gamma_g2: G2
    delta_g2: G2
    ic: Sequence[G1]

    def __post_init__(self) -> None:
        object.__setattr__(self, "ic", tuple(self.ic))

    @property
    def n_public(self) -> int:
        """How many public inputs a proof under this key has."""
        return len(self.ic) - 1
