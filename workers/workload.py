"""What a cluster proves: a circuit behind a small job interface, its keys, and a chain of jobs.

The cluster knows no circuit. A :class:`JobCircuit` turns a job's payload
into a :class:`~zkprove.r1cs.Witness` (or a ValueError naming the failing
constraint), and two implementations cover what zkprove proves:

* :class:`DslCircuit`: a DSL circuit; the payload is its inputs by name
  (:meth:`~zkprove.dsl.CompiledCircuit.solve`);
* :class:`R1csCircuit`: an ``.r1cs`` file's constraint system; the payload
  names a ``.wtns`` witness file (``{"wtns": path}``) or carries the wire
  values (``{"witness": [...]}``), checked against every constraint.

A :class:`Workload` is a circuit, its Groth16 keys (made for that circuit:
whoever builds a workload from a key file checks it with
:func:`zkprove.groth16.require_key_for`), the head its chain of
jobs starts from (``genesis_link``), the jobs, and a warm-up payload outside
the chain (each prover proves it once, to load its JIT cache, and reports
its time). Workloads that belong to a circuit package are built there and
handed in: the rollup's is :func:`circuits.rollup.cluster_jobs.rollup_jobs`,
made a Workload by :func:`bench.rollup_workload.rollup_workload`. A circuit whose
jobs form no chain of their own chains them by index
(:func:`chain_by_index`). Jobs also travel as plain dicts
(:func:`job_spec`, :func:`job_from_spec`), the form a workload file holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from zkprove import groth16
from zkprove.dsl import CompiledCircuit
from zkprove.formats.r1cs_file import read_r1cs
from zkprove.formats.wtns_file import read_wtns
from zkprove.r1cs import ConstraintSystem, Witness

from .joblog import JobRecord

SPEC_KEYS = ("job_id", "public_inputs", "link_from", "link_to", "size", "payload")
"""The fields of a job as it is submitted; the rest of a :class:`JobRecord` is the log's."""


class JobCircuit(Protocol):
    """The circuit of a cluster's jobs: its name, its size, and a payload's witness."""

    name: str
    cs: ConstraintSystem

    @property
    def n_constraints(self) -> int: ...

    def witness(self, payload: Mapping[str, Any]) -> Witness:
        """The full witness for a job's payload; ValueError with the failing constraint's diagnostic."""


@dataclass(frozen=True)
class DslCircuit:
    """A DSL circuit: a payload is its inputs by name."""

    cs: CompiledCircuit
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.name or self.cs.name or "circuit")

    @property
    def n_constraints(self) -> int:
        return self.cs.n_constraints

    def witness(self, payload: Mapping[str, Any]) -> Witness:
        try:
            return self.cs.solve(**payload)
        except (TypeError, KeyError) as error:
            raise ValueError(f"{self.name}: bad inputs: {error}") from None


@dataclass(frozen=True)
class R1csCircuit:
    """An ``.r1cs`` constraint system: a payload names a ``.wtns`` file or carries the wire values."""

    cs: ConstraintSystem
    name: str = "r1cs"

    @classmethod
    def from_file(cls, path: str | Path) -> R1csCircuit:
        """Read ``path`` (:func:`zkprove.formats.r1cs_file.read_r1cs`: a FormatError names section and offset)."""
        return cls(read_r1cs(path), Path(path).name)

    @property
    def n_constraints(self) -> int:
        return self.cs.n_constraints

    def witness(self, payload: Mapping[str, Any]) -> Witness:
        if set(payload) == {"wtns"}:
            values = read_wtns(payload["wtns"])
        elif set(payload) == {"witness"}:
            values = [int(v, 0) if isinstance(v, str) else int(v) for v in payload["witness"]]
        else:
            raise ValueError(f"{self.name}: a payload is {{'wtns': path}} or {{'witness': [values]}}, "
                             f"not keys {sorted(payload)}")
        self.cs.check(values)
        return Witness(values, self.cs.n_public)


@dataclass(frozen=True)
class Workload:
    """A chain of proving jobs from ``genesis_link``, the circuit, its keys and a warm-up job's payload."""

    circuit: JobCircuit
    pk: groth16.ProvingKey
    vk: groth16.VerifyingKey
    genesis_link: int
    jobs: list[JobRecord]
    warmup_payload: dict[str, Any]
    """A valid payload outside the chain: provers warm their JIT on it."""


def unsatisfied(circuit: JobCircuit, payload: Mapping[str, Any]) -> str | None:
    """Why this payload cannot be proved (the failing constraint's diagnostic), or None."""
    try:
        circuit.witness(payload)
    except ValueError as error:
        return f"witness does not satisfy the circuit: {error}"
    return None


def chain_by_index(circuit: JobCircuit, payloads: Sequence[Mapping[str, Any]], start: int = 0) -> list[JobRecord]:
    """Jobs of a circuit whose jobs form no chain: job i links ``start + i`` to ``start + i + 1``,
    has size 1, and proves the public inputs of its payload's witness (ValueError naming the job)."""
    jobs = []
    for i, payload in enumerate(payloads):
        try:
            public = circuit.witness(payload).public
        except ValueError as error:
            raise ValueError(f"job {start + i}: {error}") from None
        jobs.append(JobRecord(start + i, tuple(public), start + i, start + i + 1, 1, dict(payload)))
    return jobs


def job_spec(job: JobRecord) -> dict[str, Any]:
    """A job as submitted: the :data:`SPEC_KEYS` fields, JSON-ready."""
    return {"job_id": job.job_id, "public_inputs": list(job.public_inputs), "link_from": job.link_from,
            "link_to": job.link_to, "size": job.size, "payload": job.payload}


def job_from_spec(spec: Mapping[str, Any]) -> JobRecord:
    """A job from its :func:`job_spec` form; ValueError naming a missing or unexpected field."""
    if set(spec) != set(SPEC_KEYS):
        missing, extra = set(SPEC_KEYS) - set(spec), set(spec) - set(SPEC_KEYS)
        raise ValueError(f"a job has the fields {list(SPEC_KEYS)}; missing {sorted(missing)}, "
                         f"unexpected {sorted(extra)}")
    return JobRecord(int(spec["job_id"]), tuple(int(x) for x in spec["public_inputs"]), int(spec["link_from"]),
                     int(spec["link_to"]), int(spec["size"]), dict(spec["payload"]))
