"""A seeded corpus of damaged snarkjs JSON files (proof, public inputs, verification key).

Each case is the bytes of a file and the fragments its refusal must
contain (the reader's error names the file and the field), or ``None`` for
damage the reader rightly ignores (``vk_alphabeta_12`` is derived data it
does not read; a shorter public-input list is the verifier's to judge).

Kinds of damage: every leaf replaced by each of a set of values no field
may hold (negative, non-canonical, too long, floats, None, bools, lists);
every key and list element removed; points moved off their curve; and the
bombs: nesting 100,000 deep, a 5,000-digit number, a file over the size
limit, NaN, truncated text, bytes that are not UTF-8.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from zkprove.formats.bounded_json import MAX_BYTES, MAX_DEPTH

#: Values no numeric field (nor ``protocol``/``curve``) accepts, with what the refusal says.
BAD_LEAVES = (
    ("-1", "expected a non-negative decimal integer"),
    ("012", "expected a non-negative decimal integer"),
    (" 12", "expected a non-negative decimal integer"),
    ("1" * 79, "at most 78 digits"),
    ("0x" + "f" * 65, "0x-hex (at most 64 digits)"),
    (str(1 << 256), "does not fit in 256 bits"),
    ("1e3", "expected a non-negative decimal integer"),
    (1.5, "got 1.5"),
    (None, "got None"),
    (True, "got True"),
    ([], "got []"),
    ({}, "got {}"),
    (-5, "expected a non-negative integer, got -5"),
)


@dataclass(frozen=True)
class DamagedJson:
    name: str
    data: bytes
    fragments: tuple[str, ...] | None


def _encode(document: Any) -> bytes:
    return json.dumps(document).encode()


def _leaves(value: Any, path: tuple = ()) -> Iterator[tuple]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path


def _containers(value: Any, path: tuple = ()) -> Iterator[tuple]:
    """Paths of every dict key and list element."""
    if isinstance(value, (dict, list)):
        for key, item in (value.items() if isinstance(value, dict) else enumerate(value)):
            yield (*path, key)
            yield from _containers(item, (*path, key))


def _edited(document: Any, path: tuple, value: Any = None, remove: bool = False) -> Any:
    copy = json.loads(json.dumps(document))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    if remove:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copy


def _label(path: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _bombs(good: bytes) -> Iterator[DamagedJson]:
    cannot = ("cannot read JSON",)
    yield DamagedJson("nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000, (*cannot, "nested 100000 levels"))
    yield DamagedJson(f"nested {MAX_DEPTH + 1} deep", b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
                      (*cannot, f"nested {MAX_DEPTH + 1} levels"))
    yield DamagedJson("a 5,000-digit number", b"[" + b"7" * 5000 + b"]", (*cannot, "a number of 5000 digits"))
    yield DamagedJson("over the size limit", b"[" + b" " * MAX_BYTES + b"]", (*cannot, "more than 16,777,216 bytes"))
    yield DamagedJson("NaN", b"[NaN]", (*cannot, "NaN is not a JSON value"))
    yield DamagedJson("not UTF-8", b'["\xff\xfe"]', cannot)
    yield DamagedJson("empty", b"", cannot)
    for cut in range(1, len(good), max(1, len(good) // 12)):
        yield DamagedJson(f"truncated at byte {cut}", good[:cut], cannot)


def document_cases(good_document: Any, ignored: tuple = (), optional: tuple = ()) -> Iterator[DamagedJson]:
    """Damage to one snarkjs document; paths starting with an ``ignored`` key may change freely,
    top-level ``optional`` keys may be left out."""
    good = _encode(good_document)
    yield from _bombs(good)
    for path in _leaves(good_document):
        harmless = path[:1] in [(key,) for key in ignored]
        for value, says in BAD_LEAVES:
            fragments = None if harmless else (_field_name(path), )
            if not harmless and path[-1:] not in (("protocol",), ("curve",)):
                fragments = (*fragments, says)
            yield DamagedJson(f"{_label(path)} = {value!r:.20}", _encode(_edited(good_document, path, value)), fragments)
    for path in _containers(good_document):
        yield DamagedJson(f"{_label(path)} removed", _encode(_edited(good_document, path, remove=True)),
                          None if path in [(key,) for key in optional] else _removal_refusal(path, ignored))
    yield DamagedJson("a string instead", _encode("groth16"), ("expected",))


def _removal_refusal(path: tuple, ignored: tuple) -> tuple[str, ...] | None:
    """What the reader says when the element at ``path`` is gone (None: it rightly reads on)."""
    if path[0] in ignored or len(path) == 1 and isinstance(path[0], int):
        return None
    if isinstance(path[-1], str):
        return (f"missing field {path[-1]!r}",)
    if path[:1] == ("IC",) and len(path) == 2:
        return ("nPublic is",)
    return (f"{_field_name(path[:-1])}: expected a list of",)


def _field_name(path: tuple) -> str:
    """How the reader names a field: ``pi_a[0]``, ``IC[1][2]``, ``[3]`` for public inputs."""
    head = "" if isinstance(path[0], int) else str(path[0])
    return head + "".join(f"[{p}]" for p in path[1 if head else 0 :])
