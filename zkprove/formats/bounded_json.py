"""JSON from untrusted files, with limits checked before the parser runs.

Python's ``json`` module recurses once per nesting level, and py_ecc raises
the interpreter's recursion limit to 100,000 when it is imported, so a file
of ``'[' * 100000`` overflows the C stack and kills the process before any
RecursionError can be raised. :func:`parse_json` therefore measures the
nesting depth without recursion first (string literals blanked out, then a
running sum over the brackets) and refuses anything deeper than
:data:`MAX_DEPTH`; the parser then never comes near any recursion limit,
whatever py_ecc set it to.

The other limits:

* the size, :data:`MAX_BYTES` (a verification key with about 90,000 public
  inputs), read with one byte to spare, so that a device or a growing file
  cannot make us read without end;
* JSON numbers of at most :data:`MAX_INT_DIGITS` digits (2^256 has 78), so
  Python's 4,300-digit ``int`` conversion limit is never reached;
  ``NaN`` and ``Infinity``, which are not JSON, are refused.

Every refusal is a :class:`JsonLimitError` (a ValueError) naming the limit.
"""

import json
import re
from os import PathLike
from typing import Any

import numpy as np

MAX_BYTES = 16 << 20
MAX_DEPTH = 32
MAX_INT_DIGITS = 78

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OPEN = np.zeros(256, np.int8)
_OPEN[[ord("["), ord("{")]] = 1
_OPEN[[ord("]"), ord("}")]] = -1


class JsonLimitError(ValueError):
    """A JSON document beyond one of this module's limits."""


def nesting_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects, brackets inside strings not counted."""
    steps = _OPEN[np.frombuffer(_STRING.sub(b'""', data), np.uint8)]
    steps = steps[steps != 0]
    return max(int(np.cumsum(steps, dtype=np.int32).max()), 0) if len(steps) else 0


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise JsonLimitError(f"a number of {digits} digits, more than the {MAX_INT_DIGITS} of any uint256")
    return int(text)


def _no_constant(name: str) -> Any:
    raise JsonLimitError(f"{name} is not a JSON value")


def parse_json(data: bytes, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """The document in ``data`` (UTF-8), or JsonLimitError / ValueError saying why not."""
    if len(data) > max_bytes:
        raise JsonLimitError(f"more than {max_bytes:,} bytes, the most a zkprove JSON input may have")
    depth = nesting_depth(data)
    if depth > max_depth:
        raise JsonLimitError(f"nested {depth} levels deep, more than the {max_depth} allowed")
    return json.loads(data.decode("utf-8"), parse_int=_bounded_int, parse_constant=_no_constant)


def read_json(path: str | PathLike, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """:func:`parse_json` of a file, reading at most ``max_bytes + 1`` bytes of it."""
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    return parse_json(data, max_bytes, max_depth)
