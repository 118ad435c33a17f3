"""The parameter list of a snarkjs contribution record, in ``.ptau`` section 7 and ``.zkey`` section 10.

A u32 byte length, then parameters in strictly increasing id order
(snarkjs ``zkey_utils.js`` and ``powersoftau_utils.js``), each an id byte
and its value:

== ================ =========================================
id meaning          value
== ================ =========================================
1  name             a length byte, then UTF-8 (at most 64 bytes)
2  beacon exponent  one byte: SHA-256 was applied 2^e times
3  beacon hash      a length byte, then the hash
== ================ =========================================
"""

from .binfile import SectionReader

NAME, ITERATIONS_EXP, BEACON_HASH = 1, 2, 3
#: snarkjs stores at most this many bytes of a contribution's name.
MAX_NAME_BYTES = 64


def read_parameters(section: SectionReader, what: str) -> dict[int, bytes]:
    """The parameters at the cursor as id -> value bytes; a FormatError names an unknown or misplaced id."""
    body = section.sub(section.u32(f"{what} parameter length"), f"{what} parameters")
    found: dict[int, bytes] = {}
    while body.remaining:
        start = body.pos
        kind = body.take(1, f"{what} parameter id")[0]
        if kind not in (NAME, ITERATIONS_EXP, BEACON_HASH) or (found and kind <= max(found)):
            raise body.error(f"{what}: parameter id {kind} is unknown or out of order", start)
        size = 1 if kind == ITERATIONS_EXP else body.take(1, f"{what} parameter {kind} length")[0]
        found[kind] = bytes(body.take(size, f"{what} parameter {kind}"))
    return found


def parameter_bytes(name: str = "", beacon_hash: bytes | None = None, iterations_exp: int | None = None) -> bytes:
    """The length-prefixed list for a name and, for a beacon, its hash and exponent."""
    body = b""
    if name:
        encoded = name.encode()[:MAX_NAME_BYTES]
        body += bytes([NAME, len(encoded)]) + encoded
    if beacon_hash is not None:
        body += bytes([ITERATIONS_EXP, iterations_exp, BEACON_HASH, len(beacon_hash)]) + beacon_hash
    return len(body).to_bytes(4, "little") + body


__all__ = ["BEACON_HASH", "ITERATIONS_EXP", "MAX_NAME_BYTES", "NAME", "parameter_bytes", "read_parameters"]
