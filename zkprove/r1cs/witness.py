"""A full assignment of a constraint system's wires: what a prover takes.

The iden3 wire order (:mod:`.system`): ``values[0]`` is the constant 1, then
the ``n_public`` public wires, then the private ones. The DSL's solver
returns one; the prover takes it or any plain sequence of wire values, as
arkworks' prover takes the full assignment and knows nothing of the
frontend that made it.
"""

from dataclasses import dataclass


@dataclass
class Witness:
    """A full assignment of the wires; ``values[0]`` is 1, then the public wires."""

    values: list[int]
    n_public: int

    @property
    def public(self) -> list[int]:
        """The public inputs in wire order, as a verifier receives them."""
        return self.values[1 : 1 + self.n_public]

    def __len__(self) -> int:
        return len(self.values)
