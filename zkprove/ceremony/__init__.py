"""The multi-party Groth16 setup ceremony: powers of tau (phase 1) and per-circuit delta updates (phase 2).

Bowe, Gabizon and Miers, "Scalable Multi-party Computation for zk-SNARK
Parameters in the Random Beacon Model" (ePrint 2017/1050), the scheme of
snarkjs and the Zcash and Semaphore ceremonies, without the random beacon.

Modules, bottom up: :mod:`.encoding` (canonical point bytes, transcript
hash), :mod:`.ratio` (batched pairing claims), :mod:`.pok` (proofs of
knowledge, hash to G2), :mod:`.group_ntt` (Lagrange-basis points),
:mod:`.lincomb` (query points), :mod:`.phase1`, :mod:`.phase2`,
:mod:`.transcript` (file formats), :mod:`.directory` (the ceremony
directory and its operations), :mod:`.verify` (the whole chain).
"""

from .directory import contribute_phase1, contribute_phase2, init_phase2, new_phase1
from .verify import CeremonyError, Failure, Report, verify

__all__ = ["CeremonyError", "Failure", "Report", "contribute_phase1", "contribute_phase2", "init_phase2", "new_phase1", "verify"]
