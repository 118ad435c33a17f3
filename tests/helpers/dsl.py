"""Shared helpers for the DSL tests: constraint costs, hint tampering, source lines."""

from collections.abc import Callable

from zkprove.dsl import API, Var
from zkprove.dsl.compiler import CompiledCircuit
from zkprove.dsl.solver import HINT


def cost(fn: Callable, n_inputs: int = 1) -> int:
    """Constraints that ``fn(api, *vars)`` adds on ``n_inputs`` fresh non-constant wires."""
    api = API()
    fn(api, *[Var({api.builder.new_wire(f"x{i}"): 1}, api) for i in range(n_inputs)])
    return api.builder.n_constraints


def tamper_hint(cs: CompiledCircuit, name: str, fn: Callable, occurrence: int | None = None) -> None:
    """Make the hints called ``name`` (all, or the given occurrence) compute ``fn``: a cheating prover."""
    steps = cs.solver.steps
    matches = [i for i, step in enumerate(steps) if step[0] == HINT and cs.solver.hints[step[4]].name == name]
    for i in matches if occurrence is None else [matches[occurrence]]:
        steps[i] = steps[i][:2] + (fn,) + steps[i][3:]


def line_of(path: str, marker: str) -> str:
    """``"path:line"`` of the unique source line ending in the comment ``# marker``."""
    with open(path) as f:
        lines = [i for i, text in enumerate(f, 1) if text.rstrip().endswith("# " + marker)]
    assert len(lines) == 1, lines
    return f"{path}:{lines[0]}"
