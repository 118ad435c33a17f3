"""Compiling a circuit: trace ``define`` once, freeze the system, lint it.

``compile_circuit`` makes an :class:`API`, allocates the input wires on the
builder behind it (wire 0 = 1, public inputs, secret inputs), binds Vars
onto a copy of the circuit object, runs ``define(api)``, turns the builder's
buffers into a :class:`CompiledCircuit`
(a :class:`ConstraintSystem` plus its witness solver) and runs the
under-constrained lint.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..r1cs.system import ConstraintSystem, Witness
from .api import API
from .builder import Builder
from .inputs import Public, Secret, Signal, bind, declared, flatten, leaf_names
from .lint import Finding, UnderConstrained, lint
from .solver import Solver
from .var import Var


class WireNames(Sequence[str]):
    """Per-wire names without a string per unnamed wire: named ones, else ``w<index>``."""

    def __init__(self, names: dict[int, str], n_wires: int):
        self._names, self._n = names, n_wires

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._n))]
        if not -self._n <= index < self._n:
            raise IndexError(index)
        index %= self._n
        return self._names.get(index) or f"w{index}"


@dataclass
class CompiledCircuit(ConstraintSystem):
    """A constraint system that also knows its inputs and how to solve its witness."""

    solver: Solver | None = field(default=None, repr=False)
    inputs: list[tuple[str, Signal]] = field(default_factory=list, repr=False)
    findings: list[Finding] = field(default_factory=list, repr=False)
    name: str = ""
    unit: tuple[str, int] | None = None

    def solve(self, **inputs: Any) -> Witness:
        """The full witness from the circuit's inputs, given by name as declared.

        Values are ints or decimal / 0x strings, read by
        :func:`~zkprove.dsl.inputs.parse_value` exactly as ``zkprove prove
        --inputs`` reads ``inputs.json``. Raises :class:`UnsatisfiedConstraint` naming the first violated
        constraint, its gadget, its source line and its signals, and
        :class:`ValueError` for a missing, unexpected or malformed input.
        """
        unknown = set(inputs) - {name for name, _ in self.inputs}
        if unknown:
            raise ValueError(f"unexpected inputs: {sorted(unknown)}")
        flat: list[int] = []
        for name, spec in self.inputs:
            if name not in inputs:
                raise ValueError(f"missing input {name}")
            flatten(spec, inputs[name], name, flat)
        assert self.solver is not None
        return Witness(self.solver.run(self, flat), self.n_public)


def _input_vars(api: API, name: str, spec: Signal) -> Any:
    """New input wires for the input ``name`` of shape ``spec``, as Vars of ``api`` in that shape."""
    builder = api.builder

    def leaves() -> Iterator[Var]:
        for leaf in leaf_names(spec, name):
            yield Var({builder.new_wire(leaf): 1}, api)

    return bind(spec, leaves())


def trace(api: API, circuit: Any) -> tuple[list[tuple[str, Signal]], int, int]:
    """Allocate input wires behind ``api`` and run ``define`` on a bound copy of ``circuit``.

    Returns the inputs in wire order and the counts of public and secret wires.
    """
    publics, secrets = declared(circuit, Public), declared(circuit, Secret)
    bound = copy.copy(circuit)
    counts = []
    for group in (publics, secrets):
        start = api.builder.n_wires
        for name, spec in group:
            setattr(bound, name, _input_vars(api, name, spec))
        counts.append(api.builder.n_wires - start)
    bound.define(api)
    return publics + secrets, counts[0], counts[1]


def freeze(builder: Builder, n_pub_in: int, n_prv_in: int) -> dict[str, Any]:
    """The ConstraintSystem fields from a finished builder (CSR arrays built once)."""
    a, b, c = (rows.freeze() for rows in builder.rows)
    return dict(
        a=a, b=b, c=c, n_wires=builder.n_wires, n_pub_out=0, n_pub_in=n_pub_in, n_prv_in=n_prv_in,
        wire_names=WireNames(builder.names, builder.n_wires),
        origin_table=builder.origins.entries,
        origin_index=np.frombuffer(builder.origin_index, dtype=np.int32),
    )


def compile_circuit(circuit: Any, strict: bool = True) -> CompiledCircuit:
    """Compile a circuit instance; see :meth:`Circuit.compile`."""
    api = API()
    inputs, n_pub, n_prv = trace(api, circuit)
    builder = api.builder
    cs = CompiledCircuit(
        **freeze(builder, n_pub, n_prv),
        solver=Solver(builder.steps, builder.hint_infos),
        inputs=inputs,
        name=type(circuit).__name__,
        unit=circuit.unit_of_work(),
    )
    cs.findings = lint(builder, cs)
    errors = [f for f in cs.findings if f.error]
    for finding in cs.findings:
        if not (finding.error and strict):
            warnings.warn(str(finding), UserWarning, stacklevel=3)
    if errors and strict:
        raise UnderConstrained(errors)
    return cs


def evaluate(gadget: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run gadget ``fn(api, *args, **kwargs)`` on concrete values and return its result as ints.

    Positional ``args`` are values (ints or nested lists of ints) that become
    secret inputs; keyword arguments pass through unchanged (sizes, options).
    The result (a Var or nested lists of Vars) comes back with the same
    shape. The gadget's constraints are checked, so a failing one raises
    :class:`UnsatisfiedConstraint`; the lint is not run.
    """
    api = API()
    values: list[int] = []
    bound_args = []
    for i, arg in enumerate(args):
        spec = Secret(*_shape(arg))
        flatten(spec, arg, f"arg{i}", values)
        bound_args.append(_input_vars(api, f"arg{i}", spec))
    result = gadget(api, *bound_args, **kwargs)
    builder = api.builder
    cs = CompiledCircuit(**freeze(builder, 0, len(values)), solver=Solver(builder.steps, builder.hint_infos))
    z = cs.solver.run(cs, values)

    def read(value: Any) -> Any:
        if isinstance(value, Var):
            return sum(z[w] * c for w, c in value.terms.items()) % cs.prime
        if isinstance(value, (list, tuple)):
            return type(value)(read(v) for v in value)
        return value

    return read(result)


def _shape(value: Any) -> tuple[int, ...]:
    if isinstance(value, (list, tuple)):
        return (len(value), *(_shape(value[0]) if value else ()))
    return ()
