"""The messages between coordinator and provers (see PROTOCOL.md), as plain data.

Proofs travel as JSON-ready dicts of ints (``{"a": [x, y], "b": [[x_re, x_im],
[y_re, y_im]], "c": [x, y]}``) so the job log stores exactly what a prover
sent, and the same values feed the L1 verifier after :func:`proof_from_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zkprove.groth16.data import Proof

#: ``ProveResult.error`` prefix for a job whose witness does not satisfy the circuit.
UNSATISFIABLE = "unsatisfiable"
#: ``ProveResult.error`` prefix for an attempt that another prover's proof of the job came before
#: (wasted work, not the prover's failure: no penalty, and the job may come back to it).
SUPERSEDED = "superseded"


@dataclass(frozen=True)
class ProveRequest:
    """Coordinator -> prover: prove attempt ``attempt`` of job ``job_id`` from the witness inputs, by ``deadline``."""

    job_id: int
    attempt: int
    inputs: dict[str, Any]
    deadline: float = float("inf")


@dataclass(frozen=True)
class ProveResult:
    """Prover -> coordinator: a proof (or why none), how long proving took, and the fault that struck."""

    job_id: int
    attempt: int
    prover_id: str
    proof: dict[str, Any] | None
    prove_s: float
    error: str | None = None
    fault: str = "none"


@dataclass(frozen=True)
class Capacity:
    """Prover -> coordinator on joining: numba threads, warm-up proof time, and the stake it puts up."""

    prover_id: str
    threads: int
    warm_prove_s: float
    stake: float
    node_id: str
    link_s: float = 0.0
    """Seconds of network one attempt costs this prover beyond proving (its round trips to the
    coordinator); its deadlines grow by this much (docs/architecture.md, section "Deadlines")."""

    @property
    def jobs_per_s(self) -> float:
        return 1.0 / max(self.warm_prove_s, 1e-6)


def proof_to_dict(proof: Proof) -> dict[str, Any]:
    return {"a": list(proof.a), "b": [list(proof.b[0]), list(proof.b[1])], "c": list(proof.c)}


def proof_from_dict(data: dict[str, Any]) -> Proof:
    (ax, ay), ((bxr, bxi), (byr, byi)), (cx, cy) = data["a"], data["b"], data["c"]
    return Proof(a=(ax, ay), b=((bxr, bxi), (byr, byi)), c=(cx, cy))
