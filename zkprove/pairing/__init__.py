"""The BN254 optimal ate pairing in numba: the Fq6/Fq12 tower, the Miller loop, the final exponentiation.

The layer sits on :mod:`zkprove.field` and :mod:`zkprove.curve` and below
:mod:`zkprove.l1`, whose pairing precompile model (0x08) and verifier run
on it. Modules: :mod:`.fq6`, :mod:`.fq12` (the tower), :mod:`.miller`
(multi-pair Miller loop), :mod:`.final_exp` and :mod:`.check` (the
array API below).
"""

from .check import (
    final_exponentiation,
    miller_loop,
    pairing,
    pairing_check,
    prepared_lines,
    prepared_pairing_check,
)

__all__ = [
    "final_exponentiation",
    "miller_loop",
    "pairing",
    "pairing_check",
    "prepared_lines",
    "prepared_pairing_check",
]
