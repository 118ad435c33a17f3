"""Groth16 over BN254: the proof system's data, dev setup, proving key and prover.

``setup(cs)`` makes dev keys (warning about their toxic waste),
``prove(pk, witness)`` makes a proof, and :func:`zkprove.l1.verifier.verify`
checks it as the L1 contract would. Modules, one per phase as in arkworks'
ark-groth16: :mod:`.data` (proof, verifying key), :mod:`.qap` (R1CS to QAP),
:mod:`.keys` (proving key; its file is
:mod:`zkprove.formats.npz_key_file`),
:mod:`.key_sanity` (forgeable verifying keys), :mod:`.fixed_base`, :mod:`.generator`
(the dev setup; not named ``setup``, which would shadow the function
:func:`setup` on this package once loaded), :mod:`.prover`.

Only the plain-int data classes load eagerly; the rest loads on first use
(PEP 562), so the L1 verifier, which imports :mod:`.data`, never pulls in numba.
"""

from importlib import import_module
from typing import Any

from zkprove.groth16.data import G1, G1_INFINITY, G2, G2_INFINITY, Fq2, Proof, VerifyingKey

_LAZY = {
    "KeyFormatError": "keys", "ProvingKey": "keys", "key_fingerprint": "keys",
    "WrongKey": "prover", "prove": "prover", "require_key_for": "prover",
    "QAP": "qap", "domain_size": "qap",
    "ToxicWaste": "generator", "ToxicWasteWarning": "generator", "keys_from_toxic_waste": "generator",
    "setup": "generator",
}

__all__ = [
    "G1", "G1_INFINITY", "G2", "G2_INFINITY", "QAP", "Fq2", "KeyFormatError", "Proof", "ProvingKey", "ToxicWaste",
    "ToxicWasteWarning", "VerifyingKey", "WrongKey", "domain_size", "key_fingerprint", "keys_from_toxic_waste", "prove",
    "require_key_for", "setup",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"zkprove.groth16.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'zkprove.groth16' has no attribute {name!r}")
