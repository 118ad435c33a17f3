"""A tampered-proof corpus: over 1,000 variants of real proofs, none accepted but the known malleations.

Three circuits (one, two and three public inputs) are set up and proved;
every variant changes one thing: a bit of one of the eight proof words,
one public input (+1, -1, +r, 0, a bit), the order of the inputs, or one
proof point swapped for another valid point (-A, 2A, C + G1, A and C
exchanged, a point at infinity...). Each must be rejected by
:func:`zkprove.l1.verify`.

**The known malleations.** Groth16 proofs are re-randomizable by anyone,
without the trapdoor (Groth 2016, section 3.2; it is what makes them
zero-knowledge): for s != 0 and any u,

    (A, B, C)  ->  (A/s, s*B + s*u*delta, C + u*A)

keeps e(A, B) = e(alpha, beta) * e(vk_x, gamma) * e(C, delta), since
e(A/s, s*B + s*u*delta) = e(A, B) * e(u*A, delta). Its special cases
(-A, -B, C) and (t*A, B/t, C) are the cheapest. They change the proof, never
the statement: the public inputs stay bound, so soundness holds, but a
proof is not unique (it cannot serve as a nullifier, and anyone can re-submit
another's proof under a new shape). They are listed below and asserted
accepted. None of them is a single-word change: negating A alone, or B
alone, or scaling one point, is rejected, as the corpus checks. The
encodings that alias a value (a coordinate + p, an input + r) are not
malleations, since the precompiles and the verifier reject them.
"""

import dataclasses
import warnings
from random import Random

import pytest
from helpers.circuits import INPUTS, Cubic, ThreePublic, TwoPublic
from py_ecc import optimized_bn128 as bn

from zkprove import groth16
from zkprove.groth16.data import G1_INFINITY, G2_INFINITY, Proof
from zkprove.l1.curve import P, R, from_py_ecc_g1, from_py_ecc_g2, to_py_ecc_g1, to_py_ecc_g2
from zkprove.l1.encoding import g2_from_words, proof_words
from zkprove.l1.verifier import verify

BITS_PER_WORD = 40


@pytest.fixture(scope="module", params=[Cubic, TwoPublic, ThreePublic], ids=lambda c: c.__name__)
def proved(request):
    cs = request.param.compile()
    witness = cs.solve(**INPUTS[request.param])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
        pk, vk = groth16.setup(cs)
    proof = groth16.prove(pk, witness)
    assert verify(vk, witness.public, proof).ok
    return vk, list(witness.public), proof


def _g1_mul(point, k):
    return from_py_ecc_g1(bn.multiply(to_py_ecc_g1(point), k % R))


def _g1_add(p, q):
    return from_py_ecc_g1(bn.add(to_py_ecc_g1(p), to_py_ecc_g1(q)))


def _g2_mul(point, k):
    return from_py_ecc_g2(bn.multiply(to_py_ecc_g2(point), k % R))


def _g2_add(p, q):
    return from_py_ecc_g2(bn.add(to_py_ecc_g2(p), to_py_ecc_g2(q)))


def _from_words(words):
    return Proof(a=(words[0], words[1]), b=g2_from_words(words[2:6]), c=(words[6], words[7]))


def tampered(proof: Proof, public: list[int], seed: int):
    """(name, public inputs, proof) for every single change the corpus makes."""
    rng = Random(seed)
    words = proof_words(proof)
    for w in range(len(words)):
        for bit in rng.sample(range(256), BITS_PER_WORD):
            changed = list(words)
            changed[w] ^= 1 << bit
            yield f"word {w} bit {bit}", public, _from_words(changed)
    for i, x in enumerate(public):
        for name, value in (("+1", (x + 1) % R), ("-1", (x - 1) % R), ("+r", x + R), ("2^255", 1 << 255),
                            ("bit", x ^ (1 << rng.randrange(250)))):
            if value != x:
                yield f"input {i} {name}", public[:i] + [value] + public[i + 1 :], proof
    if len(public) > 1:
        yield "inputs reversed", public[::-1], proof
    a, b, c = proof.a, proof.b, proof.c
    neg_a, neg_c = (a[0], (P - a[1]) % P), (c[0], (P - c[1]) % P)
    for name, changed in (
        ("-A", {"a": neg_a}), ("-B", {"b": _g2_mul(b, -1)}), ("-C", {"c": neg_c}), ("A, C exchanged", {"a": c, "c": a}),
        ("2A", {"a": _g1_mul(a, 2)}), ("C + G1", {"c": _g1_add(c, from_py_ecc_g1(bn.G1))}), ("2B", {"b": _g2_mul(b, 2)}),
        ("B = G2", {"b": from_py_ecc_g2(bn.G2)}), ("A = O", {"a": G1_INFINITY}), ("B = O", {"b": G2_INFINITY}),
        ("C = O", {"c": G1_INFINITY}), ("B's Fq2 halves swapped", {"b": (b[0][::-1], b[1][::-1])}),
    ):
        yield name, public, dataclasses.replace(proof, **changed)


def malleations(vk, proof: Proof, seed: int):
    """(name, proof) for the re-randomizations anyone can make (module doc); each must verify."""
    rng = Random(seed)
    a, b, c = proof.a, proof.b, proof.c
    yield "(-A, -B, C)", Proof(a=_g1_mul(a, -1), b=_g2_mul(b, -1), c=c)
    t = rng.randrange(2, R)
    yield "(tA, B/t, C)", Proof(a=_g1_mul(a, t), b=_g2_mul(b, pow(t, -1, R)), c=c)
    s, u = rng.randrange(2, R), rng.randrange(1, R)
    b_new = _g2_add(_g2_mul(b, s), _g2_mul(vk.delta_g2, s * u))
    yield "(A/s, sB + su*delta, C + uA)", Proof(a=_g1_mul(a, pow(s, -1, R)), b=b_new, c=_g1_add(c, _g1_mul(a, u)))


def test_no_tampered_proof_is_accepted(proved):
    vk, public, proof = proved
    variants = list(tampered(proof, public, seed=len(public)))
    assert len(variants) >= 8 * BITS_PER_WORD + 5 * len(public) + 12
    accepted = [name for name, x, p in variants if verify(vk, x, p).ok]
    assert accepted == []


def test_the_corpus_has_over_a_thousand_variants_over_three_circuits():
    proof = Proof(a=(1, 2), b=((1, 2), (3, 4)), c=(1, 2))
    total = sum(len(list(tampered(proof, [5] * n, seed=n))) for n in (1, 2, 3))
    assert total >= 1000


def test_the_known_malleations_are_accepted(proved):
    vk, public, proof = proved
    for name, mauled in malleations(vk, proof, seed=len(public)):
        assert mauled != proof, name
        report = verify(vk, public, mauled)
        assert report.ok, (name, report.reason)
