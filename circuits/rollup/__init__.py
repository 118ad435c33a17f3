"""A Poseidon/EdDSA account rollup: state, transfers, the reference sequencer and TransferBatch.

``state`` (accounts, tree, leaf layout), ``transactions`` (transfers, signed
message, batch commitment), ``sequencer`` (the plain-Python reference model:
validation, state transition, batches to proving jobs) and ``transfer_batch``
(the circuit). The model and the circuit apply the same checks in the same order.
"""

from .sequencer import Job, Rejection, Sequencer, apply, build_job, check, padding_slot
from .state import BALANCE_BITS, Account, State
from .transactions import Transfer, batch_commitment, commitment
from .transfer_batch import TransferBatch, transfer

__all__ = [
    "BALANCE_BITS", "Account", "Job", "Rejection", "Sequencer", "State", "Transfer", "TransferBatch",
    "apply", "batch_commitment", "build_job", "check", "commitment", "padding_slot", "transfer",
]
