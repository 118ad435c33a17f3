"""The L1 layer: verify Groth16 proofs exactly as an Ethereum contract does, and say what it costs.

``verify`` runs the check through models of the BN254 precompiles
(EIP-196/197) on the very bytes a contract receives; ``verify_batch`` checks
many proofs with one pairing; ``render_verifier`` writes the contract; the
``encoding`` module owns the EVM byte layout and ``gas`` the EIP-1108/2028
schedule.
"""

from zkprove.l1.batch import BatchReport, verify_batch
from zkprove.l1.encoding import decode_calldata, encode_calldata
from zkprove.l1.gas import GasEstimate
from zkprove.l1.solidity import render_verifier
from zkprove.l1.verifier import VerificationReport, verify

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
