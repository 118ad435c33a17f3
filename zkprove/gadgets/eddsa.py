"""EdDSA over Baby Jubjub with Poseidon (circomlib's EdDSAPoseidon), plain and in-circuit.

The scheme of circomlibjs ``eddsa.js`` (``signPoseidon`` / ``verifyPoseidon``)
and circomlib ``eddsaposeidon.circom``: a secret scalar s (low 3 bits clear),
public key A = (s >> 3)·B8, a signature (R8, S) on a field element M with
R8 = r·B8, h = Poseidon(R8x, R8y, Ax, Ay, M), S = (r + h·s) mod l; it verifies
when S < l and S·B8 == R8 + (8·h)·A.

Keys. As in circomlibjs, a private key is 32 bytes; BLAKE-512 of it gives
s (its first half, pruned: low 3 bits clear, bit 255 clear, bit 254 set)
and a nonce prefix (its second half), and the nonce is
r = BLAKE-512(prefix || M as 32 bytes little-endian) mod l. Python's hashlib
has no BLAKE-512 (only BLAKE2), hence :mod:`.blake512`. Keys, public keys
and signatures are byte-identical to circomlibjs's.

In-circuit verification (:func:`assert_eddsa`) costs about 5,500 constraints;
the largest parts are h·(8A) (13 per bit of h's 254) and S·B8 (7 per 2 bits).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cached_property

from ..dsl import API
from ..dsl.var import Operand
from ..field.params import R
from . import babyjubjub as bj
from .blake512 import blake512
from .poseidon import poseidon, poseidon_hash

#: Bits of a canonical field element: r < 2^254.
FIELD_BITS = 254
#: Bits of S < l < 2^251.
S_BITS = bj.SUBORDER.bit_length()


@dataclass(frozen=True)
class Signature:
    """(R8, S): the nonce point and the response scalar."""

    r8: bj.Point
    s: int


@dataclass(frozen=True)
class SecretKey:
    """circomlibjs's expanded private key: the pruned scalar s and the nonce prefix."""

    s: int
    prefix: bytes

    @classmethod
    def from_private_key(cls, private_key: bytes) -> SecretKey:
        """Expand 32 private-key bytes as circomlibjs ``prv2pub``/``signPoseidon`` do (``pruneBuffer(blake512(prv))``)."""
        if len(private_key) != 32:
            raise ValueError(f"a private key is 32 bytes, got {len(private_key)}")
        digest = blake512(private_key)
        s = int.from_bytes(digest[:32], "little") & ~7 & ~(1 << 255) | 1 << 254
        return cls(s, digest[32:])

    @classmethod
    def generate(cls) -> SecretKey:
        """A fresh random key."""
        return cls.from_private_key(secrets.token_bytes(32))

    @cached_property
    def public(self) -> bj.Point:
        """A = (s >> 3)·B8 (circomlibjs ``prv2pub``)."""
        return bj.mul(bj.BASE8, self.s >> 3)


def challenge(r8: bj.Point, public: bj.Point, message: int) -> int:
    """h = Poseidon(R8x, R8y, Ax, Ay, M)."""
    return poseidon_hash([*r8, *public, message])


def sign(key: SecretKey, message: int) -> Signature:
    """circomlibjs ``signPoseidon``: the same (R8, S) for the same key and message."""
    if not 0 <= message < R:
        raise ValueError("the message must be a field element")
    r = int.from_bytes(blake512(key.prefix + message.to_bytes(32, "little")), "little") % bj.SUBORDER
    r8 = bj.mul(bj.BASE8, r)
    h = challenge(r8, key.public, message)
    return Signature(r8, (r + h * key.s) % bj.SUBORDER)


def verify(public: bj.Point, message: int, signature: Signature) -> bool:
    """circomlibjs ``verifyPoseidon``: points on the curve, S < l, S·B8 == R8 + 8h·A."""
    if not (bj.on_curve(signature.r8) and bj.on_curve(public)):
        return False
    if not 0 <= signature.s < bj.SUBORDER or not 0 <= message < R:
        return False
    h = challenge(signature.r8, public, message)
    right = bj.add(signature.r8, bj.mul(public, 8 * h))
    return bj.mul(bj.BASE8, signature.s) == right


def assert_eddsa(
    api: API, enabled: Operand, public: bj.CircuitPoint, message: Operand, r8: bj.CircuitPoint, s: Operand
) -> None:
    """In-circuit ``verify``, enforced where ``enabled`` is 1 (circomlib EdDSAPoseidonVerifier).

    Always enforced, whatever ``enabled``: A and R8 lie on the curve (circomlib
    skips this; without it an off-curve R8 could make the addition law divide
    by zero and free its outputs) and S < l. Where enabled: 8A is not the
    identity (a small-order key would accept anything) and S·B8 == R8 + h·8A.
    A disabled slot is satisfiable with A = R8 = (0, 1), S = 0. Requires
    ``enabled`` boolean. Unsatisfiable, labelled ``eddsa``, for a bad signature.
    """
    with api.gadget("eddsa"):
        bj.assert_on_curve(api, public)
        bj.assert_on_curve(api, r8)
        s_bits = api.to_bits(s, S_BITS)
        api.assert_in_range(bj.SUBORDER - 1 - s, S_BITS)
        a8 = bj.point_double(api, bj.point_double(api, bj.point_double(api, public)))
        api.assert_equal(api.mul(enabled, api.is_zero(a8[0])), 0)
        h = poseidon(api, [r8[0], r8[1], public[0], public[1], message])
        right = bj.point_add(api, r8, bj.scalar_mul(api, to_bits_strict(api, h), a8))
        left = bj.fixed_base_mul(api, s_bits, bj.BASE8)
        api.assert_equal(api.mul(enabled, left[0] - right[0]), 0)
        api.assert_equal(api.mul(enabled, left[1] - right[1]), 0)


_TOP = 1 << (FIELD_BITS - 1)
#: c = r − 2^253: with the top bit set, the other 253 bits must stay below c.
_ALIAS_BOUND = R - _TOP
assert 2 * _ALIAS_BOUND > _TOP  # what makes the one-sided range check exclude the alias


def _top_bit(x: int) -> int:
    return x >> (FIELD_BITS - 1)


def to_bits_strict(api: API, x: Operand) -> list:
    """The 254 little-endian bits of the canonical value of ``x`` (circomlib Num2Bits_strict).

    A 254-bit decomposition is not unique mod r (x and x + r may both fit),
    and h·P differs from (h + r)·P, so the alias is excluded: a hinted top
    bit, ``to_bits`` of the remaining 253, and where the top bit is set the
    rest must be below c = r − 2^253, checked as top·(c − 1 − rest) < 2^253
    (a rest >= c wraps to at least r − 2^253 + c = 2c > 2^253). 508
    constraints. Always satisfiable.
    """
    with api.gadget("to_bits_strict"):
        top = api.hint(_top_bit, x)
        api.assert_bool(top)
        rest = x - top * _TOP
        low = api.to_bits(rest, FIELD_BITS - 1)
        api.assert_in_range(api.mul(top, _ALIAS_BOUND - 1 - rest), FIELD_BITS - 1)
    return [*low, top]
