"""iden3 binary formats: ``.r1cs`` constraint systems and ``.wtns`` witnesses here; snarkjs ``.zkey``
proving keys in :mod:`.zkey_file` (it loads the prover, so it is imported on its own)."""

from .binfile import FormatError
from .r1cs_file import PROVENANCE, r1cs_bytes, read_r1cs, write_r1cs
from .wtns_file import read_wtns, write_wtns, wtns_bytes

__all__ = [
    "PROVENANCE",
    "FormatError",
    "r1cs_bytes",
    "read_r1cs",
    "read_wtns",
    "write_r1cs",
    "write_wtns",
    "wtns_bytes",
]
