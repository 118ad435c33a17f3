"""The L1 verifier: zkprove's mirror of the rollup contract's Groth16 check.

It decides exactly what the contract of :mod:`zkprove.l1.solidity` decides,
by the same steps on the same bytes:

1. the call must carry one public input per ``vk.ic[1:]``, each below the
   scalar field modulus r (a contract that skipped this would accept x and
   x + r alike);
2. vk_x = IC0 + sum x_i * IC_i, through the ecMul and ecAdd precompile
   models (EIP-196);
3. one pairing-product check, precompile 0x08 (EIP-197), with a single
   final exponentiation: e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) = 1.

Before any pairing, every point is checked against the precompiles' rules,
so a rejection names the offending element ("proof.b: not in the order-r
subgroup of G2") instead of a failed call. Nothing here raises on a bad
proof, key or input list, whatever its types: the answer is a
:class:`VerificationReport`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from zkprove.groth16.data import G1, Proof, VerifyingKey
from zkprove.groth16.key_sanity import degenerate_key_error
from zkprove.l1.arithmetic import NATIVE, Arithmetic, arithmetic_named
from zkprove.l1.curve import P, R, g1_error, g2_error
from zkprove.l1.encoding import encode_calldata, pack_words, pairing_input
from zkprove.l1.gas import GasEstimate, verify_gas
from zkprove.l1.precompiles import ec_pairing, mul_point, sum_points
from zkprove.l1.values import MalformedValue, coerce_call, coerce_key

VALID = "valid"
PAIRING_FAILED = "pairing check failed: the proof does not match these public inputs under this key"


@dataclass(frozen=True)
class VerificationReport:
    """The verdict, why, and what the call costs on L1.

    ``gas`` and ``calldata_bytes`` are None when the verifier contract could
    not even receive the call: a public-input count it has no function for,
    or a value that is not a uint256.
    """

    ok: bool
    reason: str
    gas: GasEstimate | None
    calldata_bytes: int | None


def key_error(vk: VerifyingKey, arithmetic: Arithmetic = NATIVE) -> str | None:
    """Why this verifying key cannot be used, or None.

    Refused: a key that is not made of integers in the right shape
    (:mod:`zkprove.l1.values`), an empty IC, points the precompiles would
    reject (off the curve, coordinates >= p, G2 outside the subgroup), and
    the keys under which anyone can forge proofs
    (:func:`zkprove.groth16.key_sanity.degenerate_key_error`: alpha, beta,
    gamma or delta at infinity, two of beta, gamma, delta equal or opposite,
    an IC[i >= 1] at infinity or equal or opposite to another).
    """
    try:
        vk = coerce_key(vk)
    except MalformedValue as error:
        return str(error)
    return _checked_key_error(vk, arithmetic)


@lru_cache(maxsize=64)
def _checked_key_error(vk: VerifyingKey, arithmetic: Arithmetic) -> str | None:
    """:func:`key_error` on a coerced key, cached per key and arithmetic (both hashable): a
    coordinator verifying many proofs under one key pays the G2 subgroup checks once."""
    if not vk.ic:
        return "verifying key: IC is empty (it needs one point more than there are public inputs)"
    named = [("alpha", vk.alpha_g1, g1_error)] + [(f"IC[{i}]", p, g1_error) for i, p in enumerate(vk.ic)]
    named += [("beta", vk.beta_g2, g2_error), ("gamma", vk.gamma_g2, g2_error), ("delta", vk.delta_g2, g2_error)]
    for name, point, check in named:
        problem = check(point, arithmetic)
        if problem is not None:
            return f"verifying key {name}: {problem}"
    return degenerate_key_error(vk)


def precheck(vk: VerifyingKey, public_inputs: Sequence[int], proof: Proof,
             arithmetic: Arithmetic = NATIVE) -> str | None:
    """Why the contract rejects this call before any pairing, or None.

    Covers the key, the input count, inputs >= r, and the proof's points
    (coordinates >= p, off-curve points, G2 points outside the subgroup).
    The values must be plain ints in tuples, as :func:`~zkprove.l1.values.coerce_call`
    returns them (:func:`verify` coerces first; a caller of this function should too).
    """
    problem = _checked_key_error(vk, arithmetic)
    if problem is not None:
        return problem
    if len(public_inputs) != vk.n_public:
        return f"expected {vk.n_public} public inputs, got {len(public_inputs)}"
    for i, x in enumerate(public_inputs):
        if not 0 <= x < R:
            return f"public input {i} is not in [0, r): {x}"
    for name, point, check in (("a", proof.a, g1_error), ("b", proof.b, g2_error), ("c", proof.c, g1_error)):
        problem = check(point, arithmetic)
        if problem is not None:
            return f"proof.{name}: {problem}"
    return None


def vk_x(vk: VerifyingKey, public_inputs: Sequence[int], arithmetic: Arithmetic = NATIVE) -> G1:
    """IC0 + sum x_i * IC_i, one ecMul and one ecAdd per input, as the contract computes it."""
    products = [mul_point(point, x, arithmetic) for x, point in zip(public_inputs, vk.ic[1:])]
    return sum_points([vk.ic[0]] + products, arithmetic)


def negate(point: G1) -> G1:
    """-P for a valid G1 point, as the contract computes it: (x, (p - y) mod p)."""
    x, y = point
    return (x, (P - y) % P)


def pairing_holds(vk: VerifyingKey, public_inputs: Sequence[int], proof: Proof,
                  arithmetic: Arithmetic = NATIVE) -> bool:
    """The Groth16 equation through precompile 0x08; the inputs must pass :func:`precheck`."""
    pairs = [
        (negate(proof.a), proof.b),
        (vk.alpha_g1, vk.beta_g2),
        (vk_x(vk, public_inputs, arithmetic), vk.gamma_g2),
        (proof.c, vk.delta_g2),
    ]
    return ec_pairing(pairing_input(pairs), arithmetic) == pack_words((1,))


def _receivable_calldata(vk: VerifyingKey, public_inputs: Sequence[int], proof: Proof) -> bytes | None:
    if len(public_inputs) != vk.n_public:
        return None
    try:
        return encode_calldata(proof, public_inputs)
    except ValueError:
        return None


def verify(vk: VerifyingKey, public_inputs: Sequence[int], proof: Proof,
           arithmetic: str | Arithmetic = "native") -> VerificationReport:
    """Verify a Groth16 proof exactly as the L1 contract does, with its gas and calldata size.

    Never raises on bad values: a key, proof or input list that is not made of
    integers in the right shape is reported (gas None: no contract could even
    receive it), like any other reason to reject. ``arithmetic`` picks the
    curve arithmetic under the precompile models: "native" (numba,
    milliseconds) or "py_ecc" (the pure-Python reference, about half a
    second); the verdict and its reason are the same.
    """
    arithmetic = arithmetic_named(arithmetic)
    try:
        vk, public_inputs, proof = coerce_call(vk, public_inputs, proof)
    except MalformedValue as error:
        return VerificationReport(ok=False, reason=str(error), gas=None, calldata_bytes=None)
    calldata = _receivable_calldata(vk, public_inputs, proof)
    reason = precheck(vk, public_inputs, proof, arithmetic)
    if reason is None and not pairing_holds(vk, public_inputs, proof, arithmetic):
        reason = PAIRING_FAILED
    return VerificationReport(
        ok=reason is None,
        reason=reason or VALID,
        gas=None if calldata is None else verify_gas(calldata, vk.n_public),
        calldata_bytes=None if calldata is None else len(calldata),
    )
