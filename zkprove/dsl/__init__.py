"""The circuit DSL: declare inputs, write ``define(self, api)``, compile to R1CS.

See :class:`Circuit` for the user journey, :class:`API` for the calls and
their constraint costs, and :mod:`zkprove.dsl.lint` for what the
under-constrained lint checks.
"""

from ..r1cs.system import UnsatisfiedConstraint, Witness
from .api import API
from .circuit import Circuit, gadget
from .compiler import CompiledCircuit, compile_circuit, evaluate
from .diagnostics import CircuitError, VarMisuse
from .inputs import InputError, Public, Record, Secret, Signal, parse_inputs
from .lint import Finding, UnderConstrained
from .solver import HintError
from .var import Var

__all__ = [
    "API", "Circuit", "CircuitError", "CompiledCircuit", "Finding", "HintError", "InputError", "Public",
    "Record", "Secret", "Signal", "UnderConstrained", "UnsatisfiedConstraint", "Var", "VarMisuse", "Witness",
    "compile_circuit", "evaluate", "gadget", "parse_inputs",
]
