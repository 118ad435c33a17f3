"""The rank-1 constraint system (R1CS) that circuits compile to.

A constraint system holds three sparse matrices A, B, C over Fr. A full
assignment z of the wires satisfies it when (A·z) ∘ (B·z) = C·z row by row.
Wires follow the iden3 convention: wire 0 is the constant 1, then the public
outputs, the public inputs, the private inputs, and the internal wires.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from ..field import Fr
from ..field.arrays import load
from ..field.montgomery import equal, mul
from ..field.params import FR_SPEC, R


@dataclass(frozen=True)
class SparseMatrix:
    """One of A, B, C in CSR form: row i is the linear combination of constraint i.

    ``wires[indptr[i]:indptr[i+1]]`` are the wire indices of row i and
    ``coeffs`` (Python ints in [0, r)) the matching coefficients.
    """

    indptr: np.ndarray
    wires: np.ndarray
    coeffs: list[int]

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[int, int]]) -> "SparseMatrix":
        """Build from one ``{wire: coefficient}`` mapping per constraint."""
        indptr, wires, coeffs = [0], [], []
        for row in rows:
            wires.extend(row.keys())
            coeffs.extend(row.values())
            indptr.append(len(wires))
        return cls(np.asarray(indptr, dtype=np.int64), np.asarray(wires, dtype=np.int64), coeffs)

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def row(self, i: int) -> dict[int, int]:
        """The linear combination of constraint i as ``{wire: coefficient}``."""
        lo, hi = int(self.indptr[i]), int(self.indptr[i + 1])
        return dict(zip(self.wires[lo:hi].tolist(), self.coeffs[lo:hi]))

    def evaluate(self, values: Sequence[int], prime: int = R) -> list[int]:
        """Every row dotted with the assignment ``values``, reduced mod ``prime``."""
        indptr, wires, coeffs = self.indptr.tolist(), self.wires.tolist(), self.coeffs
        return [
            sum(coeffs[k] * values[wires[k]] for k in range(indptr[i], indptr[i + 1])) % prime
            for i in range(len(indptr) - 1)
        ]


def first_unsatisfied(az: np.ndarray, bz: np.ndarray, cz: np.ndarray, n_rows: int) -> int | None:
    """The first row j < n_rows whose A·z, B·z, C·z violate az[j] * bz[j] = cz[j], or None.

    The rows are Montgomery-form Fr arrays (``uint64[n, 4]``, n >= n_rows),
    as the prover's reduction produces them (the QAP pads them past n_rows).
    """
    row = _first_violated_row(az, bz, cz, n_rows)
    return None if row < 0 else int(row)


@njit(cache=True)
def _first_violated_row(az, bz, cz, n_rows):
    for j in range(n_rows):
        if not equal(mul(load(az, j), load(bz, j), FR_SPEC), load(cz, j)):
            return j
    return -1


class UnsatisfiedConstraint(ValueError):
    """A witness violates a constraint; the message names it and where it came from.

    ``index`` is the constraint; ``gadget`` and ``location`` ("file:line") its
    recorded origin, when the system carries provenance.
    """

    def __init__(self, index: int, description: str, origin: tuple[str, str] | None = None):
        self.index = index
        self.gadget, self.location = origin if origin is not None else (None, None)
        super().__init__(f"constraint {index} is not satisfied: {description}")


@dataclass
class ConstraintSystem:
    """A compiled circuit: A, B, C plus the wire layout and per-wire names.

    Provenance, optional: ``origin_table`` lists distinct ``(gadget, "file:line")``
    pairs and ``origin_index[i]`` points constraint i at its entry, so that a
    million constraints share a few hundred strings. The witness check and the
    per-gadget breakdown quote it.
    """

    a: SparseMatrix
    b: SparseMatrix
    c: SparseMatrix
    n_wires: int
    n_pub_out: int = 0
    n_pub_in: int = 0
    n_prv_in: int = 0
    prime: int = R
    wire_names: Sequence[str] | None = None
    wire_labels: np.ndarray | None = None
    origin_table: list[tuple[str, str]] | None = field(default=None, repr=False)
    origin_index: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_constraints(self) -> int:
        return self.a.n_rows

    @property
    def n_public(self) -> int:
        """Public wires after the constant: outputs then inputs (iden3 order)."""
        return self.n_pub_out + self.n_pub_in

    def wire_name(self, wire: int) -> str:
        if self.wire_names is not None:
            return self.wire_names[wire]
        return "one" if wire == 0 else f"w{wire}"

    def origin(self, index: int) -> tuple[str, str] | None:
        """``(gadget, "file:line")`` that created constraint ``index``, if recorded."""
        if self.origin_table is None or self.origin_index is None:
            return None
        return self.origin_table[int(self.origin_index[index])]

    def first_unsatisfied(self, values: Sequence[int]) -> int | None:
        """Index of the first violated constraint under ``values``, or None (a system over r only)."""
        if self.prime != R:
            raise ValueError(f"checking a witness needs a constraint system over BN254's r, not {self.prime}")
        rows = (Fr.from_ints(m.evaluate(values, self.prime)) for m in (self.a, self.b, self.c))
        return first_unsatisfied(*rows, self.n_constraints)

    def check(self, values: Sequence[int]) -> None:
        """Raise :class:`UnsatisfiedConstraint` naming the first violated constraint."""
        if len(values) != self.n_wires:
            raise ValueError(f"witness has {len(values)} values, the system has {self.n_wires} wires")
        if values[0] != 1:
            raise ValueError(f"witness value of wire 0 must be 1, got {values[0]}")
        index = self.first_unsatisfied(values)
        if index is not None:
            raise UnsatisfiedConstraint(index, self.describe(index, values), self.origin(index))

    def describe(self, index: int, values: Sequence[int] | None = None) -> str:
        """Human-readable account of constraint ``index``: origin, signals and values."""
        parts = []
        origin = self.origin(index)
        if origin is not None:
            parts.append(f"gadget {origin[0]} at {origin[1]}")
        wires = sorted(set(self.a.row(index)) | set(self.b.row(index)) | set(self.c.row(index)))
        names = [self.wire_name(w) + ("" if values is None else f"={values[w]}") for w in wires]
        parts.append("signals " + ", ".join(names))
        return "; ".join(parts)


@dataclass
class Witness:
    """A full assignment of the wires, what a prover takes; ``values[0]`` is 1, then the public wires.

    The DSL's solver returns one; the Groth16 prover takes it or any plain
    sequence of wire values, as arkworks' prover takes the full assignment
    and knows nothing of the frontend that made it.
    """

    values: list[int]
    n_public: int

    @property
    def public(self) -> list[int]:
        """The public inputs in wire order, as a verifier receives them."""
        return self.values[1 : 1 + self.n_public]

    def __len__(self) -> int:
        return len(self.values)
