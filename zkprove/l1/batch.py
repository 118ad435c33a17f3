"""Batch verification: n Groth16 proofs under one key, one final exponentiation.

Each proof i satisfies e(A_i, B_i) = e(alpha, beta) * e(vk_x_i, gamma) * e(C_i, delta).
Raising equation i to a random weight rho_i and multiplying them all gives

    prod_i e(-rho_i*A_i, B_i) * e(s*alpha, beta) * e(sum_i rho_i*vk_x_i, gamma)
        * e(sum_i rho_i*C_i, delta) = 1,          s = sum_i rho_i,

n + 3 Miller loops and one final exponentiation instead of 4n of each. The
weighted vk_x needs no per-proof ecMul, since
sum_i rho_i*vk_x_i = s*IC0 + sum_j (sum_i rho_i*x_ij)*IC_j with the scalars
summed mod r. Any false proof makes the product differ from 1 except with
probability about 1/r over the weights.

On chain there is no randomness, so the weights come from Fiat-Shamir over
the calldata words of every proof and its public inputs, in order (the key
is a constant of the contract): seed = keccak256(words),
rho_i = keccak256(seed || i) mod r. A prover cannot choose a proof after
seeing its weight, since the weight hashes the proof.

When a batch fails, :func:`verify_batch` names the culprits: proofs the
precompiles would refuse at once, the others by halving the batch
(:func:`find_failing`). A batch of valid proofs always holds, so a failing
half holds a false proof for certain, and one false proof among n costs
about 2 log2(n) smaller batch checks instead of n single ones.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from zkprove.groth16.data import Proof, VerifyingKey
from zkprove.l1.arithmetic import NATIVE, Arithmetic, arithmetic_named
from zkprove.l1.curve import R
from zkprove.l1.encoding import keccak256, pack_words, pairing_input, proof_words
from zkprove.l1.gas import batch_precompile_gas
from zkprove.l1.precompiles import ec_pairing, mul_point, sum_points
from zkprove.l1.values import MalformedValue, coerce_inputs, coerce_key, coerce_proof
from zkprove.l1.verifier import PAIRING_FAILED, VALID, precheck


@dataclass(frozen=True)
class BatchReport:
    """The verdict on a whole batch.

    ``bad`` lists the indices of the proofs that fail on their own (empty
    when the batch holds); ``reason`` says why, naming the first of them.
    ``precompile_gas`` is what the batched check spends in precompiles
    (EIP-1108), against ``4n`` pairings' worth for n single checks.
    """

    ok: bool
    reason: str
    bad: tuple[int, ...]
    precompile_gas: int
    reasons: tuple[str, ...] = ()
    """Per proof: :data:`~zkprove.l1.verifier.VALID` or why it fails."""


def batch_weights(proofs: Sequence[Proof], public_inputs: Sequence[Sequence[int]]) -> list[int]:
    """The Fiat-Shamir weights rho_i, as a contract would derive them from its calldata."""
    transcript = b"".join(pack_words(proof_words(p) + tuple(x)) for p, x in zip(proofs, public_inputs))
    seed = keccak256(transcript)
    return [int.from_bytes(keccak256(seed + pack_words((i,))), "big") % R for i in range(len(proofs))]


def batch_pairing_holds(vk: VerifyingKey, proofs: Sequence[Proof], public_inputs: Sequence[Sequence[int]],
                        arithmetic: Arithmetic = NATIVE) -> bool:
    """The weighted product check above; every proof must pass :func:`precheck`."""
    rho = batch_weights(proofs, public_inputs)
    total = sum(rho) % R
    input_scalars = [sum(w * x[j] for w, x in zip(rho, public_inputs)) % R for j in range(vk.n_public)]

    def mul(point, scalar):
        return mul_point(point, scalar, arithmetic)

    vk_x = sum_points([mul(vk.ic[0], total)] + [mul(p, s) for p, s in zip(vk.ic[1:], input_scalars)], arithmetic)
    c_sum = sum_points([mul(p.c, w) for p, w in zip(proofs, rho)], arithmetic)
    pairs = [(mul(p.a, (R - w) % R), p.b) for p, w in zip(proofs, rho)]
    pairs += [(mul(vk.alpha_g1, total), vk.beta_g2), (vk_x, vk.gamma_g2), (c_sum, vk.delta_g2)]
    return ec_pairing(pairing_input(pairs), arithmetic) == pack_words((1,))


def find_failing(indices: Sequence[int], holds: Callable[[Sequence[int]], bool]) -> list[int]:
    """The indices whose proofs are false, given that the batch of all ``indices`` fails.

    ``holds(subset)`` is a batch check of a subset. Each failing batch is split
    in two; when the left half holds, the right half must fail and is split
    without being checked. The simulation calls this with its own ``holds``
    to charge the same checks.
    """
    if len(indices) == 1:
        return list(indices)
    left, right = indices[: len(indices) // 2], indices[len(indices) // 2 :]
    failing = [] if holds(left) else find_failing(left, holds)
    if failing and holds(right):
        return failing
    return failing + find_failing(right, holds)


def _coerced(proofs: Sequence, public_inputs: Sequence) -> tuple[list, list, list[str | None]]:
    """Each proof and input list as plain ints (:mod:`zkprove.l1.values`), or the reason it is not."""
    coerced_proofs, coerced_inputs, reasons = [], [], []
    for proof, inputs in zip(proofs, public_inputs):
        try:
            coerced_proofs.append(coerce_proof(proof))
            coerced_inputs.append(coerce_inputs(inputs))
            reasons.append(None)
        except MalformedValue as error:
            coerced_proofs.append(None)
            coerced_inputs.append(None)
            reasons.append(str(error))
    return coerced_proofs, coerced_inputs, reasons


def verify_batch(vk: VerifyingKey, proofs: Sequence[Proof], public_inputs: Sequence[Sequence[int]],
                 arithmetic: str | Arithmetic = "native") -> BatchReport:
    """Verify n proofs under one key with one pairing check; name the bad ones if it fails.

    Never raises on bad values: a proof or input list that is not made of
    integers in the right shape gets its reason, like any other rejection.
    Proofs that fail the precompiles' checks are named without a pairing and
    the rest are checked as a batch; only if that batch fails is it halved
    until the false proofs are found (:func:`find_failing`). ``arithmetic``
    is "native" (numba) or "py_ecc", as for :func:`~zkprove.l1.verifier.verify`.
    """
    arithmetic = arithmetic_named(arithmetic)
    if len(proofs) != len(public_inputs) or not proofs:
        reason = f"need one or more proofs and one input list each: got {len(proofs)} and {len(public_inputs)}"
        return BatchReport(ok=False, reason=reason, bad=(), precompile_gas=0)
    try:
        vk = coerce_key(vk)
    except MalformedValue as error:
        return BatchReport(ok=False, reason=str(error), bad=tuple(range(len(proofs))), precompile_gas=0,
                           reasons=(str(error),) * len(proofs))
    gas = batch_precompile_gas(len(proofs), max(vk.n_public, 0))
    proofs, public_inputs, reasons = _coerced(proofs, public_inputs)
    reasons = [reason or precheck(vk, x, p, arithmetic) for p, x, reason in zip(proofs, public_inputs, reasons)]
    clean = [i for i, reason in enumerate(reasons) if reason is None]

    def holds(subset: Sequence[int]) -> bool:
        return batch_pairing_holds(vk, [proofs[i] for i in subset], [public_inputs[i] for i in subset], arithmetic)

    if clean and not holds(clean):
        for i in find_failing(clean, holds):
            reasons[i] = PAIRING_FAILED
    bad = tuple(i for i, reason in enumerate(reasons) if reason is not None)
    verdicts = tuple(reason or VALID for reason in reasons)
    if not bad:
        return BatchReport(ok=True, reason=VALID, bad=(), precompile_gas=gas, reasons=verdicts)
    return BatchReport(ok=False, reason=f"proof {bad[0]}: {reasons[bad[0]]}", bad=bad, precompile_gas=gas,
                       reasons=verdicts)
