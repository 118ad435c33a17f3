"""Declaring a circuit's inputs: scalars, fixed-size arrays and records.

An input is declared with :class:`Public` or :class:`Secret`, either as a class
annotation (static shapes) or as an attribute set in ``__init__`` (shapes from
size parameters)::

    class Transfer(Record):            # a structured input type
        sender: Signal
        amount: Signal
        def __init__(self, depth: int):
            self.path = Signal(depth)  # a member whose length is a parameter

    class Batch(Circuit):
        root: Public                   # a scalar
        limits: Public[2]              # a fixed-size array
        def __init__(self, T: int, depth: int):
            self.txs = Secret(Transfer(depth), T)   # T records

``Secret[4, 8]`` and ``Secret(4, 8)`` are the same nested 4x8 array;
``Secret[Transfer, 3]`` is a list of three records. Wires are laid out in
declaration order, all public inputs first (the iden3 order), each input
flattened row-major with record members in declaration order. Inside
``define`` an input reads as a :class:`Var`, a nested list of Vars, or a
record whose members are Vars; names read ``txs[2].path[5]``.

Input values (``cs.solve(**values)``, and ``inputs.json`` for ``zkprove
prove --inputs``) go through one parser, :func:`parse_value` for each leaf
and :func:`parse_inputs` for a whole document: a leaf is an int (a bool
counts as 0 or 1), a decimal string (``"-5"``, ``"007"``) or a ``0x`` hex
string, as snarkjs reads ``input.json``. Values in (-r, 0) are taken mod r,
as snarkjs does; values >= r, or <= -r, are refused where snarkjs would
reduce them silently, since two inputs that differ by r prove the same
statement. Errors name the input's path, e.g. ``txs[2].amount``.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ..field.params import R


class Signal:
    """An input shape: scalar, array dimensions, optionally of a :class:`Record` type.

    Used bare for record members; :class:`Public` and :class:`Secret` add the
    visibility for circuit inputs.
    """

    __slots__ = ("record", "dims")

    def __init__(self, *args: Any):
        record = None
        if args and (isinstance(args[0], Record) or isinstance(args[0], type) and issubclass(args[0], Record)):
            record, args = args[0], args[1:]
        if not all(isinstance(d, int) and d >= 0 for d in args):
            raise TypeError(f"array dimensions must be non-negative ints, got {args}")
        self.record: Record | type[Record] | None = record
        self.dims: tuple[int, ...] = tuple(args)

    def __class_getitem__(cls, item: Any) -> Signal:
        return cls(*item) if isinstance(item, tuple) else cls(item)

    def inner(self) -> Signal:
        """The element spec one array dimension down."""
        element = copy.copy(self)
        element.dims = self.dims[1:]
        return element

    def __repr__(self) -> str:
        parts = ([getattr(self.record, "__name__", type(self.record).__name__)] if self.record else []) + list(map(str, self.dims))
        return f"{type(self).__name__}[{', '.join(parts)}]" if parts else type(self).__name__


class Public(Signal):
    """A public input: part of the statement the verifier sees."""


class Secret(Signal):
    """A secret input: known to the prover only."""


class Record:
    """Base of structured input types; members are declared like circuit inputs, with :class:`Signal`."""


def declared(obj: object, kind: type[Signal]) -> list[tuple[str, Signal]]:
    """``(name, spec)`` of every ``kind`` declared on ``obj``: class annotations (bases
    first), class attributes, then attributes set on the instance, in order.
    """
    found: dict[str, Signal] = {}
    cls = obj if isinstance(obj, type) else type(obj)
    for klass in reversed(cls.__mro__):
        for name, annotation in vars(klass).get("__annotations__", {}).items():
            annotation = _resolve(annotation, klass)
            if isinstance(annotation, type) and issubclass(annotation, kind):
                found[name] = annotation()
            elif isinstance(annotation, kind):
                found[name] = annotation
        for name, value in vars(klass).items():
            if isinstance(value, kind):
                found[name] = value
    if not isinstance(obj, type):
        for name, value in vars(obj).items():
            if isinstance(value, kind):
                found[name] = value
    return list(found.items())


def _resolve(annotation: Any, klass: type) -> Any:
    """Evaluate a string annotation (``from __future__ import annotations``); None if it fails."""
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, vars(sys.modules[klass.__module__]), dict(vars(klass)))
    except Exception:
        return None


def _members(record: Record | type[Record]) -> list[tuple[str, Signal]]:
    return declared(record() if isinstance(record, type) else record, Signal)


def leaf_names(spec: Signal, prefix: str) -> Iterator[str]:
    """The names of the scalar leaves of ``spec``, in wire order."""
    if spec.dims:
        for i in range(spec.dims[0]):
            yield from leaf_names(spec.inner(), f"{prefix}[{i}]")
    elif spec.record is not None:
        for name, member in _members(spec.record):
            yield from leaf_names(member, f"{prefix}.{name}")
    else:
        yield prefix


def bind(spec: Signal, leaves: Iterator[Any]) -> Any:
    """The structured value of ``spec`` with its leaves taken from ``leaves`` in wire order."""
    if spec.dims:
        element = spec.inner()
        return [bind(element, leaves) for _ in range(spec.dims[0])]
    if spec.record is not None:
        record = spec.record() if isinstance(spec.record, type) else copy.copy(spec.record)
        for name, member in _members(spec.record):
            setattr(record, name, bind(member, leaves))
        return record
    return next(leaves)


def flatten(spec: Signal, value: Any, name: str, out: list[int]) -> None:
    """Append the leaf values of ``value`` (nested sequences, mappings or objects) to ``out``.

    Each leaf goes through :func:`parse_value`; ``name`` is the input's path.
    """
    if spec.dims:
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != spec.dims[0]:
            raise ValueError(f"input {name} must be a sequence of length {spec.dims[0]}, got {value!r:.80}")
        element = spec.inner()
        for i, item in enumerate(value):
            flatten(element, item, f"{name}[{i}]", out)
    elif spec.record is not None:
        get: Callable[[str], Any] = value.__getitem__ if isinstance(value, Mapping) else lambda k: getattr(value, k)
        for member_name, member in _members(spec.record):
            try:
                item = get(member_name)
            except (KeyError, AttributeError):
                raise ValueError(f"input {name} has no member {member_name}") from None
            flatten(member, item, f"{name}.{member_name}", out)
    else:
        out.append(parse_value(value, name))


#: Characters an input string may have: 78 decimal digits for any uint256, plus a sign, or 0x and 64 hex digits.
MAX_VALUE_CHARS = 80
#: Nesting levels :func:`parse_inputs` follows, as many as :mod:`zkprove.formats.bounded_json` reads.
MAX_INPUT_DEPTH = 32
_DECIMAL = re.compile(r"-?[0-9]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")


class InputError(ValueError):
    """An input value that cannot be read as a field element; the message names its path."""


def parse_value(value: Any, path: str) -> int:
    """One input value as a field element in [0, r); see the module docstring for what is accepted."""
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS:
            raise InputError(f"input {path}: a string of {len(value)} characters, at most {MAX_VALUE_CHARS} allowed")
        if _DECIMAL.fullmatch(value):
            number = int(value, 10)
        elif _HEX.fullmatch(value):
            number = int(value[2:], 16)
        else:
            raise InputError(f"input {path} must be a decimal or 0x-hex integer, got the string {value!r}")
    elif isinstance(value, int):
        number = int(value)
    else:
        raise InputError(f"input {path} must be an integer or a decimal or 0x-hex string, "
                         f"got {type(value).__name__} {value!r:.80}")
    if not -R < number < R:
        raise InputError(f"input {path} = {number:#x} is outside (-r, r): reduce it mod r yourself "
                         "(snarkjs would do so silently; zkprove refuses, as it is usually a bug)")
    return number % R


def parse_inputs(document: Any, path: str = "", depth: int = 0) -> Any:
    """A decoded ``inputs.json`` (nested dicts and lists) with every leaf parsed by :func:`parse_value`.

    The shape is kept; ``solve`` matches it against the declared inputs.
    Deeper than :data:`MAX_INPUT_DEPTH` levels is refused.
    """
    if depth > MAX_INPUT_DEPTH:
        raise InputError(f"input {path}: nested more than {MAX_INPUT_DEPTH} levels deep")
    if isinstance(document, Mapping):
        return {key: parse_inputs(item, f"{path}.{key}" if path else str(key), depth + 1)
                for key, item in document.items()}
    if isinstance(document, (list, tuple)):
        return [parse_inputs(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(document)]
    return parse_value(document, path or "<document>")
