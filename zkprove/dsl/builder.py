"""The tracer behind the API: wires, constraint rows, solver steps and provenance.

While ``define`` runs, the builder appends each constraint straight into flat
CSR buffers (``array('q')`` wire indices, shared Python-int coefficients),
each computed wire into the solver's step list, and each constraint's origin
id into a compact array. Nothing per constraint outlives the call as a
Python object, which is what keeps 2^20 constraints within memory and time.
It also keeps the facts the lint needs: which constraints define a wire,
which wires came from hints, known bit ranges and pending range obligations.

The builder sits behind the :class:`~zkprove.dsl.api.API`, which owns it, as
gnark's constraint-system builder sits behind its ``frontend.API``. It works
on linear combinations (``Terms``) and wire indices only and knows nothing of
Vars: what it makes it returns as terms or wires, and the API wraps them.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from ..r1cs.system import SparseMatrix
from . import solver as sv
from .diagnostics import OriginTable
from .var import Terms, lc_add

ROOT_LABEL = "main"


class _Rows:
    """One of A, B, C being built, in CSR form."""

    __slots__ = ("indptr", "wires", "coeffs")

    def __init__(self) -> None:
        self.indptr = array("q", [0])
        self.wires = array("q")
        self.coeffs: list[int] = []

    def append(self, t: Terms) -> None:
        self.wires.extend(t)
        self.coeffs.extend(t.values())
        self.indptr.append(len(self.coeffs))

    def pop(self) -> None:
        start = self.indptr[-2]
        del self.wires[start:], self.coeffs[start:], self.indptr[-1]

    def freeze(self) -> SparseMatrix:
        return SparseMatrix(np.frombuffer(self.indptr, dtype=np.int64), np.frombuffer(self.wires, dtype=np.int64), self.coeffs)


@dataclass
class HintRecord:
    """A hint call, as the lint sees it."""

    outs: tuple[int, ...]
    inputs: frozenset[int]  # non-constant wires the hint reads
    origin: int
    name: str
    trusted: bool  # made by an API gadget that constrains it itself


@dataclass
class RangeObligation:
    """``terms < 2^bits`` must follow from the circuit's range facts (less_than's precondition)."""

    terms: Terms
    bits: int
    origin: int
    what: str


class Builder:
    """Accumulates one circuit's constraints, solver steps and lint facts."""

    def __init__(self) -> None:
        self.n_wires = 1
        self.rows = (_Rows(), _Rows(), _Rows())
        self.defines = array("q")  # per constraint: the wire it defines, or -1 for a check
        self.origin_index = array("i")
        self.origins = OriginTable()
        self.steps: list[tuple] = []
        self.names: dict[int, str] = {0: "one"}
        self.hints: list[HintRecord] = []
        self.hint_infos: list[sv.HintInfo] = []
        self._range_bits: dict[int, int] = {}  # wire -> n: the wire is known to be < 2^n
        self.obligations: list[RangeObligation] = []
        self.label = ROOT_LABEL
        self._api_depth = 0

    @property
    def n_constraints(self) -> int:
        return len(self.origin_index)

    def wire_name(self, w: int) -> str:
        return self.names.get(w) or f"w{w}"

    def new_wire(self, name: str | None = None) -> int:
        w = self.n_wires
        self.n_wires += 1
        if name is not None:
            self.names[w] = name
        return w

    # -- labels -----------------------------------------------------------

    @contextmanager
    def gadget(self, name: str) -> Iterator[None]:
        """Label constraints made inside the block ``outer/name``."""
        outer = self.label
        self.label = name if outer == ROOT_LABEL else f"{outer}/{name}"
        try:
            yield
        finally:
            self.label = outer

    @contextmanager
    def api_call(self, name: str) -> Iterator[None]:
        """Label an API composite (to_bits, is_zero...) unless it runs inside another one."""
        self._api_depth += 1
        try:
            if self._api_depth == 1:
                with self.gadget(name):
                    yield
            else:
                yield
        finally:
            self._api_depth -= 1

    # -- constraints ------------------------------------------------------

    def constrain(self, a: Terms, b: Terms, c: Terms, defines: int = -1) -> int:
        """Append the constraint ``a * b = c``; returns its index."""
        for rows, t in zip(self.rows, (a, b, c)):  # _Rows.append, inlined: the hot path
            rows.wires.extend(t)
            rows.coeffs.extend(t.values())
            rows.indptr.append(len(rows.coeffs))
        self.defines.append(defines)
        self.origin_index.append(self.origins.current(self.label))
        return len(self.origin_index) - 1

    def check(self, a: Terms, b: Terms, c: Terms) -> int:
        """A constraint the solver verifies (it pins hints or asserts a fact)."""
        index = self.constrain(a, b, c)
        self.steps.append((sv.CHECK, index, sv.encode(a), sv.encode(b), sv.encode(c)))
        return index

    def product(self, a: Terms, b: Terms) -> Terms:
        """A new wire ``out = a*b``: one constraint, solved by construction. Returns ``{out: 1}``."""
        out = self.new_wire()
        self.constrain(a, b, {out: 1}, out)
        self.steps.append((sv.MUL, out, sv.encode(a), sv.encode(b)))
        return {out: 1}

    def define(self, a: Terms, b: Terms, rest: Terms, k: int) -> int:
        """A new wire ``out`` with ``a*b = rest + k*out`` (k != 0), solved by construction."""
        out = self.new_wire()
        self.constrain(a, b, lc_add(rest, {out: k}), out)
        self.steps.append((sv.DEF, out, sv.encode(a), sv.encode(b), sv.encode(rest), pow(k, -1, sv.R)))
        return out

    def fold_product(self, product: Terms, other: Terms) -> Terms | None:
        """Turn a fresh, unused product ``w = a*b`` followed by ``w == other`` into ``a*b = other``.

        ``product`` is the ``{w: 1}`` that :meth:`product` returned, and the
        caller vouches that nothing has used it since. Only the most recent
        wire, constraint and step qualify. Saves the constraint
        ``assert_equal`` would add (circom's ``a*b === c``). Returns the terms
        that now stand for the product (a copy of ``other``; wire ``w`` is
        gone), or None when the product cannot fold and nothing changed.
        """
        (w,) = product
        last = self.steps[-1]
        if not (w == self.n_wires - 1 and self.defines and self.defines[-1] == w
                and last[0] == sv.MUL and last[1] == w and w not in other):
            return None
        index = self.n_constraints - 1
        self.rows[2].pop()
        self.rows[2].append(other)
        self.defines[-1] = -1
        self.origin_index[-1] = self.origins.current(self.label)
        self.steps[-1] = (sv.CHECK, index, last[2], last[3], sv.encode(other))
        self.n_wires -= 1
        return dict(other)

    # -- hints ------------------------------------------------------------

    def hint(self, fn: Callable, inputs: list[Terms], n_outputs: int, trusted: bool = False) -> list[int]:
        """New wires computed by ``fn`` outside the constraints; the caller must constrain them."""
        name = getattr(fn, "__name__", repr(fn))
        hint_id = len(self.hints)
        outs = tuple(self.new_wire(f"{name}#{hint_id}" + (f"[{i}]" if n_outputs > 1 else ""))
                     for i in range(n_outputs))
        origin = self.origins.current(self.label)
        in_wires = frozenset(w for t in inputs for w in t if w)
        self.hints.append(HintRecord(outs, in_wires, origin, name, trusted))
        self.hint_infos.append(sv.HintInfo(name, self.origins.entries[origin][1]))
        self.steps.append(sv.make_hint_step(outs, fn, inputs, hint_id))
        return list(outs)

    # -- range facts ------------------------------------------------------

    def bound(self, t: Terms) -> int | None:
        """An integer upper bound on the value of ``t`` from known bit ranges, if one follows.

        Holds when every coefficient is small and positive and every wire has a
        known range: then ``sum c_i*w_i`` cannot wrap around r.
        """
        total = 0
        for w, c in t.items():
            if c >> 200:
                return None
            if w == 0:
                total += c
            else:
                bits = self._range_bits.get(w)
                if bits is None:
                    return None
                total += c * ((1 << bits) - 1)
        return total if total < sv.R else None

    def note_range(self, t: Terms, bits: int) -> None:
        """Record ``t < 2^bits`` when ``t`` is a single wire (the fact the lint can use).

        The only writer of range facts; a wire keeps the tightest range noted.
        """
        if len(t) == 1:
            ((w, c),) = t.items()
            if w and c == 1:
                self._range_bits[w] = min(bits, self._range_bits.get(w, bits))

    def oblige(self, t: Terms, bits: int, what: str) -> None:
        """Require, at the end of compilation, that ``t < 2^bits`` follows from range facts."""
        self.obligations.append(RangeObligation(t, bits, self.origins.current(self.label), what))
