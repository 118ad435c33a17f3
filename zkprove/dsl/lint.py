"""The under-constrained lint, run by every compile.

Under-constrained circuits are the most common real ZK bug: a prover can
pick some wire freely and prove a false statement. The lint looks for five
local patterns. Findings are errors by default; ``compile(strict=False)``
turns them into warnings.

1. ``unused-input``: a secret input that appears in no constraint (any value
   is accepted). An unused *public* input is only a warning: the verifier
   still fixes its value.
2. ``unused-hint``: a hint output that appears in no constraint.
3. ``unchecked-hint``: a user hint (``api.hint``) with non-constant inputs whose
   outputs are never checked against those inputs. Tags flow forward
   through the constraints that define wires (products, selects): a wire
   derived from the hint's outputs carries H, one derived from its inputs
   but not from its outputs carries I. The hint passes when some *checking*
   constraint (an assertion, a boolean or range check, an inverse check:
   anything that does not just define a new wire) holds an H wire and an I
   wire. This catches an IsZero missing ``x * out = 0``: ``out = 1 - x*inv``
   is then only pinned to whatever it is compared with, never back to ``x``.
4. ``linear-hint``: user hint outputs that appear only linearly (never in a
   product with another non-constant) and are not determined by those
   linear constraints one at a time (peeling constraints that hold a single
   undetermined output). This catches a bit decomposition whose bits lack
   their boolean checks: ``sum b_i 2^i = x`` alone leaves the bits free.
5. ``unchecked-range``: an input of ``less_than``/``less_or_equal`` whose n-bit
   range does not follow from the circuit's range facts: ``to_bits``,
   ``assert_in_range``, boolean checks, ``from_bits``, selects of ranged
   values, small constants, and small positive combinations of those. A
   comparison on unchecked inputs wraps around r and can lie.

What the lint cannot prove. Passing it does not make a circuit sound: it
does not decide whether each output is a function of the inputs (that needs
an SMT or Gröbner-basis tool such as Picus or Ecne), it trusts the API's own
gadgets (their hints are constrained by construction and skipped by rules 3
and 4), a check counts for rule 3 as soon as it mentions both tags, not
when it actually pins the value (``assert_equal(h - h + x, x)`` would
pass), tags do not flow through the inputs of a later hint, and rule 5
knows ranges only of single wires and of positive combinations of them. It
can also be wrong the other way: a sound circuit that first multiplies a
hint-derived value into a new wire and only then asserts on it (``t = x*out;
assert_equal(t, 0)`` with ``t`` used elsewhere in between) fails rule 3;
write the product inside the assertion (``assert_equal(x * out, 0)``, one
constraint) or compile with ``strict=False``. Rule 3 walks every constraint
in Python once, but only when the circuit has user hints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..r1cs.system import ConstraintSystem
    from .builder import Builder


@dataclass(frozen=True)
class Finding:
    """One lint result: the rule, what it found, and where (gadget and ``file:line``)."""

    rule: str
    message: str
    where: str = ""
    error: bool = True

    def __str__(self) -> str:
        at = f" (at {self.where})" if self.where else ""
        return f"{'error' if self.error else 'warning'} [{self.rule}] {self.message}{at}"


class UnderConstrained(ValueError):
    """The lint found wires a prover could choose freely; ``findings`` lists them."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("under-constrained circuit:\n  " + "\n  ".join(map(str, findings)))


def lint(builder: Builder, cs: ConstraintSystem) -> list[Finding]:
    """All findings for a freshly compiled system (see the module docstring)."""
    used = np.zeros(cs.n_wires, dtype=bool)
    for matrix in (cs.a, cs.b, cs.c):
        used[matrix.wires] = True
    findings = _unused_inputs(cs, used) + _unused_hints(builder, used)
    raw = [k for k, h in enumerate(builder.hints) if not h.trusted and all(used[list(h.outs)])]
    findings += _unchecked_hints(builder, cs, [k for k in raw if builder.hints[k].inputs])
    findings += _linear_hints(builder, cs, raw)
    findings += _unchecked_ranges(builder)
    return findings


def _where(builder: Builder, origin: int) -> str:
    gadget, location = builder.origins.entries[origin]
    return f"{gadget}, {location}"


def _unused_inputs(cs: ConstraintSystem, used: np.ndarray) -> list[Finding]:
    findings = []
    for w in range(1, 1 + cs.n_public + cs.n_prv_in):
        if not used[w]:
            public = w <= cs.n_public
            kind = "public" if public else "secret"
            findings.append(Finding("unused-input", f"{kind} input {cs.wire_name(w)} appears in no constraint", error=not public))
    return findings


def _unused_hints(builder: Builder, used: np.ndarray) -> list[Finding]:
    return [
        Finding("unused-hint", f"output {builder.wire_name(w)} of hint {h.name} appears in no constraint", _where(builder, h.origin))
        for h in builder.hints for w in h.outs if not used[w]
    ]


def _row_wires(cs: ConstraintSystem) -> list[list[int]]:
    """Per constraint, the wires of its A, B and C rows (Python lists, built once)."""
    rows: list[list[int]] = [[] for _ in range(cs.n_constraints)]
    for matrix in (cs.a, cs.b, cs.c):
        indptr, wires = matrix.indptr.tolist(), matrix.wires.tolist()
        for i, row in enumerate(rows):
            row.extend(wires[indptr[i] : indptr[i + 1]])
    return rows


def _unchecked_hints(builder: Builder, cs: ConstraintSystem, hints: list[int]) -> list[Finding]:
    if not hints:
        return []
    tags: dict[int, set[int]] = {}  # tag 2k: derived from hint k's outputs; 2k+1: from its inputs only
    for k in hints:
        for w in builder.hints[k].outs:
            tags.setdefault(w, set()).add(2 * k)
        for w in builder.hints[k].inputs:
            tags.setdefault(w, set()).add(2 * k + 1)
    unchecked = set(hints)
    defines = builder.defines
    for i, row in enumerate(_row_wires(cs)):
        d = defines[i]
        found = set().union(*(tags[w] for w in row if w != d and w in tags))
        if not found:
            continue
        if d >= 0:
            tags.setdefault(d, set()).update(t for t in found if not (t & 1 and t - 1 in found))
        else:
            unchecked -= {k for k in unchecked if 2 * k in found and 2 * k + 1 in found}
    return [
        Finding("unchecked-hint", f"outputs of hint {builder.hints[k].name} are never checked against its inputs",
                _where(builder, builder.hints[k].origin))
        for k in sorted(unchecked)
    ]


def _nonconstant_rows(matrix: np.ndarray, indptr: np.ndarray, n_rows: int) -> np.ndarray:
    rows = np.repeat(np.arange(n_rows), np.diff(indptr))
    return np.bincount(rows[matrix != 0], minlength=n_rows) > 0


def _linear_hints(builder: Builder, cs: ConstraintSystem, hints: list[int]) -> list[Finding]:
    if not hints:
        return []
    owner = {w: k for k in hints for w in builder.hints[k].outs}
    m = cs.n_constraints
    nonconst = [_nonconstant_rows(mat.wires, mat.indptr, m) for mat in (cs.a, cs.b)]
    nonlinear: set[int] = set()
    for side, matrix in enumerate((cs.a, cs.b)):
        rows = np.repeat(np.arange(m), np.diff(matrix.indptr))
        other = nonconst[1 - side]
        for w, r in zip(matrix.wires.tolist(), rows.tolist()):
            if w in owner and other[r]:
                nonlinear.add(w)
    linear = set(owner) - nonlinear
    if not linear:
        return []
    pending = [set(w for w in row if w in linear) for row in _row_wires(cs)]
    pending = [p for p in pending if p]
    progress = True
    while progress:
        progress = False
        for p in pending:
            if len(p) == 1:
                (w,) = p
                linear.discard(w)
                for q in pending:
                    q.discard(w)
                progress = True
    stuck = sorted({owner[w] for w in linear})
    return [
        Finding("linear-hint", f"outputs of hint {builder.hints[k].name} appear only linearly and are not determined "
                f"({', '.join(builder.wire_name(w) for w in builder.hints[k].outs if w in linear)})",
                _where(builder, builder.hints[k].origin))
        for k in stuck
    ]


def _unchecked_ranges(builder: Builder) -> list[Finding]:
    findings = []
    for ob in builder.obligations:
        bound = builder.bound(ob.terms)
        if bound is None or bound >> ob.bits:
            body = " + ".join(f"{c}*{builder.wire_name(w)}" for w, c in sorted(ob.terms.items())) or "0"
            findings.append(Finding("unchecked-range", f"{ob.what} ({body}) is not range-checked to {ob.bits} bits",
                                    _where(builder, ob.origin)))
    return findings
