"""The witness solver: a flat list of compact steps that fill in every wire.

Compiling records one step per computed wire, in creation order, so the
steps run top to bottom with no scheduling. Steps are plain tuples whose
linear combinations are encoded as a bare wire index (the common ``1*w``) or
a flat ``(w0, c0, w1, c1, ...)`` tuple:

* ``(MUL, out, a, b)``: ``z[out] = a·z * b·z``. Its constraint holds by
  construction, so it is not re-checked.
* ``(DEF, out, a, b, rest, k_inv)``: the constraint ``a·b = rest + k·out``
  solved for ``out`` (is_zero, select). Also holds by construction.
* ``(HINT, outs, fn, ins, hint_id)``: values computed outside the constraints.
* ``(CHECK, index, a, b, c)``: a constraint that pins hints or asserts
  something; a violation raises :class:`UnsatisfiedConstraint` naming the
  constraint, its gadget, its source line and its signals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..field.params import R
from ..r1cs.system import ConstraintSystem, UnsatisfiedConstraint
from .var import Terms

MUL, DEF, HINT, CHECK = range(4)

Encoded = int | tuple[int, ...]


def encode(t: Terms) -> Encoded:
    """Compact form of a linear combination for a solver step."""
    if len(t) == 1:
        for w, c in t.items():
            if c == 1:
                return w
    return tuple(x for item in t.items() for x in item)


def evaluate(z: list[int], lc: Encoded) -> int:
    """The (unreduced) value of an encoded linear combination under ``z``."""
    if lc.__class__ is int:
        return z[lc]
    total = 0
    for i in range(0, len(lc), 2):
        total += z[lc[i]] * lc[i + 1]
    return total


class HintError(ValueError):
    """A hint function raised or returned the wrong number of values."""


@dataclass(frozen=True)
class HintInfo:
    """What a diagnostic says about a hint: its function name and call site."""

    name: str
    location: str


class Solver:
    """Runs the recorded steps on the input values of a compiled circuit."""

    __slots__ = ("steps", "hints")

    def __init__(self, steps: list[tuple], hints: list[HintInfo]):
        self.steps = steps
        self.hints = hints

    def run(self, cs: ConstraintSystem, inputs: Sequence[int]) -> list[int]:
        """Every wire's value from the flattened inputs (public first, then secret)."""
        z = [0] * cs.n_wires
        z[0] = 1
        z[1 : 1 + len(inputs)] = inputs
        ev = evaluate
        for step in self.steps:
            op = step[0]
            if op == MUL:
                a, b = step[2], step[3]
                x = z[a] if a.__class__ is int else ev(z, a)
                y = z[b] if b.__class__ is int else ev(z, b)
                z[step[1]] = x * y % R
            elif op == DEF:
                _, out, a, b, rest, k_inv = step
                z[out] = (ev(z, a) * ev(z, b) - ev(z, rest)) * k_inv % R
            elif op == CHECK:
                _, index, a, b, c = step
                if (ev(z, a) * ev(z, b) - ev(z, c)) % R:
                    raise UnsatisfiedConstraint(index, cs.describe(index, z), cs.origin(index))
            else:
                self._hint(z, step)
        return z

    def _hint(self, z: list[int], step: tuple) -> None:
        _, outs, fn, ins, hint_id = step
        info = self.hints[hint_id]
        args = [evaluate(z, lc) % R for lc in ins]
        try:
            result = fn(*args)
        except Exception as exc:
            raise HintError(f"hint {info.name} at {info.location} raised {exc!r} on inputs {args}") from exc
        values = [result] if len(outs) == 1 and isinstance(result, int) else list(result)
        if len(values) != len(outs):
            raise HintError(f"hint {info.name} at {info.location} returned {len(values)} values, expected {len(outs)}")
        for w, v in zip(outs, values):
            z[w] = int(v) % R


def make_hint_step(outs: tuple[int, ...], fn: Callable, ins: list[Terms], hint_id: int) -> tuple:
    return (HINT, outs, fn, tuple(encode(t) for t in ins), hint_id)
