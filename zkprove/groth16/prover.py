"""The Groth16 prover (Groth 2016, "On the Size of Pairing-based Non-interactive Arguments", section 3.2).

For wire values z (z_0 = 1, then the public wires) and fresh random r, s:

    A = alpha + sum_i z_i u_i(tau) + r delta                          (G1)
    B = beta  + sum_i z_i v_i(tau) + s delta                          (G2, and in G1 as B1 for C)
    C = sum_{i private} z_i L_i + sum_j h_j H_j + s A + r B1 − r s delta    (G1)

where L_i, H_j are the key's ``l_query`` and ``h_query`` points and h_j the
coefficients of the quotient H = (A·B − C)/Z of the QAP
(:func:`~zkprove.groth16.qap.quotient`). The phases, each a named step of
the :class:`~zkprove.timing.StepTimer` (as arkworks' ``create_random_proof``
times its own): ``witness`` (wire values to limbs), ``reduce`` (A·z, B·z,
C·z and the satisfaction check), ``quotient`` (7 NTTs), ``bases`` (the key's
MSM bases, validated on the key's first proof only), ``msm`` (A, B in G2,
B in G1, C; L and H in one MSM) and ``blind`` (adding alpha, beta, the r, s
terms).

Signature: ``prove(pk, witness, *, cs=None, rng=None, timer=None)``. The key
carries the constraint system's QAP (as a snarkjs ``.zkey`` carries its
coefficients), so the witness check needs nothing else and a ``.wtns``
proves on its own; passing ``cs`` adds the DSL's diagnostic (gadget, source
line, signal names) and a check that the key was made for it.

A key read from a snarkjs ``.zkey`` has no C matrix and an H query over
the odd coset (:mod:`.qap`, "The snarkjs variant"): its proofs follow
snarkjs's witness map, and a witness cannot be checked before proving (a
bad one gives a proof that does not verify; the CLI verifies each such
proof before writing it). Otherwise a witness that does not satisfy the
constraints is refused before any MSM, with :class:`~zkprove.r1cs.system.UnsatisfiedConstraint` naming the
first violated constraint: the check reads the A·z, B·z, C·z the quotient
needs anyway, so it costs one product per constraint.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from random import Random

import numpy as np
from numba import njit

from zkprove.curve import G1, G2, Group, scalar_limbs
from zkprove.curve import points as pt
from zkprove.curve.kernels import signed_sum, store_affine
from zkprove.field import Fr
from zkprove.field.params import R
from zkprove.r1cs.system import ConstraintSystem, UnsatisfiedConstraint, Witness, first_unsatisfied
from zkprove.timing import StepTimer

from .data import Proof
from .keys import ProvingKey, QueryBases, g1_to_ints, g2_to_ints
from .qap import QAP, odd_coset_numerator, quotient

#: Queries with at most this many finite bases skip Pippenger (see :func:`_combination`).
SERIAL_MSM_MAX = 16


class WrongKey(ValueError):
    """The proving key was made for another constraint system than the one given."""


def prove(
    pk: ProvingKey,
    witness: Witness | Sequence[int],
    *,
    cs: ConstraintSystem | None = None,
    rng: Random | None = None,
    timer: StepTimer | None = None,
) -> Proof:
    """A Groth16 proof that ``witness`` (a :class:`~zkprove.r1cs.system.Witness` or all wire values, wire 0 first) satisfies
    the constraint system ``pk`` was made for.

    ``cs``, optional: that constraint system, which makes a violated
    constraint's message name its gadget, source line and signals, and
    raises :class:`WrongKey` if ``pk`` was made for another. ``rng`` draws
    the blinding r, s (default: the OS's CSPRNG); ``timer`` records the steps.
    Raises :class:`UnsatisfiedConstraint` before any MSM for a witness that
    violates a constraint, ValueError for a malformed one.
    """
    timer = timer if timer is not None else StepTimer()
    rng = rng if rng is not None else secrets.SystemRandom()
    if cs is not None:
        require_key_for(pk, cs)
    with timer.step("witness"):
        values = list(witness.values if isinstance(witness, Witness) else witness)
        z = _wire_limbs(pk, values)
        z_mont = Fr.from_standard_limbs(z)
    with timer.step("reduce"):
        az, bz, cz = pk.qap.reduce(z_mont)
        bad = first_unsatisfied(az, bz, cz, pk.n_constraints) if pk.qap.c is not None else None
        if bad is not None:
            raise _unsatisfied(pk.qap, bad, values, cs)
    with timer.step("quotient"):
        witness_map = odd_coset_numerator if pk.h_on_odd_coset else quotient
        h = Fr.to_standard_limbs(witness_map(az, bz, cz, pk.qap.domain(), timer))
    with timer.step("bases"):
        bases = pk.msm_bases()
    with timer.step("msm"):
        with timer.step("a"):
            a = _msm(G1, bases.a, z)
        with timer.step("b_g2"):
            b2 = _msm(G2, bases.b_g2, z)
        with timer.step("b_g1"):
            b1 = _msm(G1, bases.b_g1, z)
        with timer.step("c"):
            c = _msm(G1, bases.c, np.concatenate([z[pk.n_public + 1 :], h]))
    with timer.step("blind"):
        r, s = rng.randrange(R), rng.randrange(R)
        proof_a = _combine(G1, [pk.alpha_g1, a, pk.delta_g1], [1, 1, r])
        proof_b = _combine(G2, [pk.beta_g2, b2, pk.delta_g2], [1, 1, s])
        proof_b1 = _combine(G1, [pk.beta_g1, b1, pk.delta_g1], [1, 1, s])
        proof_c = _combine(G1, [c, proof_a, proof_b1, pk.delta_g1], [1, s, r, (-r * s) % R])
    return Proof(a=g1_to_ints(proof_a), b=g2_to_ints(proof_b), c=g1_to_ints(proof_c))


def require_key_for(pk: ProvingKey, cs: ConstraintSystem) -> None:
    """Raise :class:`WrongKey` unless ``pk`` was made for ``cs`` (their QAP digests, without C for a ``.zkey``)."""
    qap = QAP.of(cs)
    if (qap.without_c() if pk.qap.c is None else qap).digest != pk.qap.digest:
        raise WrongKey("the proving key was made for a different constraint system (QAP digests differ)")


def _wire_limbs(pk: ProvingKey, values: list[int]) -> np.ndarray:
    """The wire values as standard-form limbs, after checking count, range and wire 0."""
    if len(values) != pk.n_wires:
        raise ValueError(f"witness has {len(values)} values, the proving key has {pk.n_wires} wires")
    if values[0] != 1:
        raise ValueError(f"witness value of wire 0 must be 1, got {values[0]}")
    return Fr.standard_limbs(values, "witness value")


def _unsatisfied(qap: QAP, index: int, values: list[int], cs: ConstraintSystem | None) -> UnsatisfiedConstraint:
    """The diagnostic for constraint ``index``: the constraint system's own when given, else from the key."""
    if cs is not None:
        return UnsatisfiedConstraint(index, cs.describe(index, values), cs.origin(index))
    wires = sorted({int(w) for m in qap.matrices for w in m.wires[m.indptr[index] : m.indptr[index + 1]]})
    return UnsatisfiedConstraint(index, "signals " + ", ".join(f"w{w}={values[w]}" for w in wires))


def _msm(group: Group, query: QueryBases, scalars: np.ndarray) -> np.ndarray:
    """sum_k scalars[query.index[k]] * query.bases[k] (affine); a few bases go serially (:func:`_combination`)."""
    picked = np.ascontiguousarray(scalars[query.index])
    if len(query.index) <= SERIAL_MSM_MAX:
        return _combine_limbs(group, query.bases.points, picked)
    return group.msm(query.bases, picked)


def _combine(group: Group, points: list[np.ndarray], scalars: list[int]) -> np.ndarray:
    """sum_k scalars[k] * points[k] for a handful of affine points the key's preparation validated."""
    return _combine_limbs(group, np.stack(points), scalar_limbs(scalars))


def _combine_limbs(group: Group, points: np.ndarray, limbs: np.ndarray) -> np.ndarray:
    out = group.infinity()
    if len(points):
        _combination(points, limbs, out)
    return out[0]


@njit(cache=True)
def _combination(points, scalars, out):
    """out[0] = sum_k scalars[k] * points[k] on one thread, affine in and out (see :func:`signed_sum`)."""
    n = points.shape[0]
    acc = signed_sum(points, np.arange(n), scalars, np.zeros(n, np.bool_), 0, n)
    store_affine(out, 0, pt.to_affine(acc))
