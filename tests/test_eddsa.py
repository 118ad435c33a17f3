"""EdDSAPoseidon: circomlibjs's keys and signatures verify, plain and in-circuit; forgeries fail, naming the check."""

import json
from pathlib import Path

import pytest
from helpers.dsl import tamper_hint

from zkprove import Circuit, Public, Secret
from zkprove.dsl import UnsatisfiedConstraint, evaluate
from zkprove.field.params import R
from zkprove.gadgets import babyjubjub as bj
from zkprove.gadgets.blake512 import blake512
from zkprove.gadgets.eddsa import (
    SecretKey,
    Signature,
    assert_eddsa,
    sign,
    to_bits_strict,
    verify,
)

VECTORS = json.loads((Path(__file__).parent / "vectors" / "eddsa_circomlibjs.json").read_text())
KEYS = VECTORS["keys"]


def point(p):
    return int(p[0]), int(p[1])


def vector_signature(case):
    return point(KEYS[case["key"]]["public"]), int(case["message"]), Signature(point(case["r8"]), int(case["s"]))


def secret_key(index):
    return SecretKey.from_private_key(bytes.fromhex(KEYS[index]["private_key"]))


@pytest.mark.parametrize("case", VECTORS["blake512"])
def test_blake512(case):
    assert blake512(bytes.fromhex(case["data"])).hex() == case["digest"]


@pytest.mark.parametrize("index", range(len(KEYS)))
def test_keys_as_circomlibjs_derives_them(index):
    key = secret_key(index)
    assert key.s == int(KEYS[index]["s"]) and key.public == point(KEYS[index]["public"])


@pytest.mark.parametrize("case", VECTORS["signatures"])
def test_circomlibjs_signatures(case):
    assert verify(*vector_signature(case)) is case["valid"]
    if case["valid"]:  # the same nonce derivation: the very same signature
        assert sign(secret_key(case["key"]), int(case["message"])) == vector_signature(case)[2]


def test_sign_verify_and_rejections():
    key = secret_key(0)
    sig = sign(key, 42)
    assert verify(key.public, 42, sig)
    other = SecretKey.from_private_key(bytes(range(32)))
    assert not verify(other.public, 42, sig) and not verify(key.public, 43, sig)
    assert not verify(key.public, 42, Signature(sig.r8, sig.s + bj.SUBORDER))  # S >= l: malleated
    assert not verify(key.public, 42, Signature((sig.r8[0], sig.r8[1] + 1), sig.s))  # R8 off the curve
    with pytest.raises(ValueError):
        SecretKey.from_private_key(bytes(31))


class Verify(Circuit):
    """Knows an EdDSAPoseidon signature on ``message`` under key A (where enabled)."""

    message: Public
    enabled: Secret
    a: Secret[2]
    r8: Secret[2]
    s: Secret

    def define(self, api):
        api.assert_bool(self.enabled)
        assert_eddsa(api, self.enabled, self.a, self.message, self.r8, self.s)


@pytest.fixture(scope="module")
def verifier():
    return Verify.compile()


def inputs(public, message, sig, enabled=1):
    return {"message": message, "enabled": enabled, "a": list(public), "r8": list(sig.r8), "s": sig.s}


def test_circuit_accepts_circomlibjs_signatures(verifier):
    assert 5400 < verifier.n_constraints < 5600
    for case in VECTORS["signatures"][:-1]:
        verifier.check(verifier.solve(**inputs(*vector_signature(case))).values)
    verifier.solve(**inputs(bj.IDENTITY, 0, Signature(bj.IDENTITY, 0), enabled=0))  # a padding slot


@pytest.mark.parametrize(
    "forge, gadget",
    [
        (lambda a, m, s: (a, m + 1, s), "eddsa"),  # another message
        (lambda a, m, s: (SecretKey.from_private_key(bytes(32)).public, m, s), "eddsa"),  # another key
        (lambda a, m, s: (a, m, Signature(s.r8, bj.SUBORDER)), "eddsa/assert_in_range"),  # S = l
        (lambda a, m, s: (a, m, Signature(s.r8, s.s + 2**251)), "eddsa/to_bits"),  # S >= 2^251
        (lambda a, m, s: (a, m, Signature((s.r8[0], s.r8[1] + 1), s.s)), "eddsa/babyjub_on_curve"),
        (lambda a, m, s: (bj.IDENTITY, m, s), "eddsa"),  # small-order key: 8A is the identity
    ],
)
def test_circuit_rejects_forgeries(verifier, forge, gadget):
    public, message, sig = forge(*vector_signature(VECTORS["signatures"][0]))
    assert not verify(public, message, sig)
    with pytest.raises(UnsatisfiedConstraint) as bad:
        verifier.solve(**inputs(public, message, sig))
    assert bad.value.gadget == gadget


@pytest.mark.parametrize("x", [0, 1, 2**253 - 1, 2**253, R - 2**253 - 1, R - 1])
def test_to_bits_strict(x):
    bits = evaluate(lambda api, v: to_bits_strict(api, v), x)
    assert bits == [(x >> i) & 1 for i in range(254)]


def test_to_bits_strict_rejects_the_alias():
    class Strict(Circuit):
        x: Secret

        def define(self, api):
            api.assert_nonzero(api.add(0, *to_bits_strict(api, self.x)))

    cs = Strict.compile()
    x = 5  # x + r < 2^254 also decomposes, with the top bit set
    tamper_hint(cs, "_top_bit", lambda v: 1)
    with pytest.raises(UnsatisfiedConstraint) as bad:
        cs.solve(x=x)
    assert bad.value.gadget == "to_bits_strict/assert_in_range"
