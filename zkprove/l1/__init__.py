"""The L1 layer: verify Groth16 proofs exactly as an Ethereum contract does, and say what it costs.

``verify`` runs the check through models of the BN254 precompiles
(EIP-196/197) on the very bytes a contract receives; ``verify_batch`` checks
many proofs with one pairing; ``render_verifier`` writes the contract; the
``encoding`` module owns the EVM byte layout and ``gas`` the EIP-1108/2028
schedule.
"""

from importlib import import_module
from typing import Any

#: Names exported here, and their modules: loaded on first use (PEP 562), so that
#: importing one module of the layer (the verifier) does not import the others.
_LAZY = {
    "BatchReport": "batch", "verify_batch": "batch", "decode_calldata": "encoding", "encode_calldata": "encoding",
    "GasEstimate": "gas", "render_verifier": "solidity", "VerificationReport": "verifier", "verify": "verifier",
}

__all__ = [
    "BatchReport",
    "GasEstimate",
    "VerificationReport",
    "decode_calldata",
    "encode_calldata",
    "render_verifier",
    "verify",
    "verify_batch",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"zkprove.l1.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'zkprove.l1' has no attribute {name!r}")
