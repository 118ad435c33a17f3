"""``snarkjs groth16 setup`` (``zkey new``) in zkprove: a circuit's first phase-2 key from a prepared ``.ptau``.

The key math is :func:`zkprove.groth16.lagrange_keys.keys_from_lagrange`;
this module reads what it needs from the ``.ptau`` (the Lagrange sections of
the circuit's domain, the odd half of the 2n one for H, the powers the
circuit hash covers) and wraps the result as a ``.zkey`` with no
contributions yet, equal byte for byte to the one snarkjs writes
(docs/formats.md). Its delta is the generator, as gamma is: phase 2
(``snarkjs zkey contribute``, then a beacon) must follow before any use.
"""

from zkprove.groth16.lagrange_keys import keys_from_lagrange
from zkprove.groth16.qap import QAP
from zkprove.r1cs.system import ConstraintSystem
from zkprove.timing import StepTimer

from .ptau_file import PtauFile
from .zkey_file import ZkeyFile, circuit_hash, initial_mpc


def zkey_from_ptau(cs: ConstraintSystem, ptau: PtauFile, timer: StepTimer | None = None) -> ZkeyFile:
    """The uncontributed ``.zkey`` of ``cs`` from an open, prepared ``.ptau`` large enough for its domain.

    Raises :class:`~.ptau_file.PtauFormatError` naming what is too small or missing.
    """
    timer = timer if timer is not None else StepTimer()
    qap = QAP.of(cs)
    n = qap.domain_size
    ptau.require_domain(n)
    with timer.step("read ptau"):
        bases = ptau.lagrange_bases(n)
        h_query = ptau.odd_coset_h(n)
        h_hashed = ptau.h_hash_points(n)
    pk = keys_from_lagrange(qap, bases, h_query, timer)
    with timer.step("circuit hash"):
        cs_hash = circuit_hash(pk, h_hashed)
    return ZkeyFile(pk, initial_mpc(cs_hash))
