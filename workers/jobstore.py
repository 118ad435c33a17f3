"""The job store: what the coordinator core and the metrics need of a job log, as one protocol.

Two implementations: :class:`workers.joblog.JobLog` (SQLite, durable, what
real runs use) and :class:`bench.simulate.memlog.MemoryJobLog` (plain Python
objects, for simulated runs of 100,000 jobs). Both enforce the same job
state machine (:data:`workers.joblog.TRANSITIONS`) and attempt outcomes
(:data:`workers.joblog.OUTCOME_TRANSITIONS`), raise :class:`TransitionError`
for a move the machine does not have and :class:`AlreadyRecorded` for a job
submitted twice (same id, or same link and public inputs) or finalized twice,
and return the same records in the same order. tests/test_jobstore.py runs
one set of behaviour checks against both, so they cannot drift apart.

Event tuples are ``(at, kind, job_id, prover, detail, amount)`` in the order
they were recorded; finalized rows are ``(position, job_id, at)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from .joblog import AlreadyRecorded, AttemptRecord, JobRecord, Outcome, TransitionError

__all__ = ["AlreadyRecorded", "Event", "JobStore", "TransitionError"]

Event = tuple[float, str, "int | None", "str | None", str, float]


class JobStore(Protocol):
    """A job log; times are the coordinator's clock (wall seconds, or SimPy time)."""

    path: str

    def close(self) -> None: ...

    def meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def add_job(self, job: JobRecord, now: float) -> None:
        """Record a submitted job as pending; :class:`AlreadyRecorded` if its id or statement is known."""

    def job(self, job_id: int) -> JobRecord | None: ...

    def jobs(self, *states: str) -> list[JobRecord]:
        """Jobs in any of ``states`` (all if none given), by job id."""

    def job_ids(self, *states: str) -> Iterable[int]:
        """Ids of the jobs in any of ``states``, ascending."""

    def count(self, *states: str) -> int:
        """How many jobs are in any of ``states`` (all if none given)."""

    def from_link(self, link: int) -> list[JobRecord]:
        """The jobs whose ``link_from`` is ``link``, by job id."""

    def move(self, job_id: int, to: str, now: float, event: str | None = None, by: str | None = None,
             detail: str = "", **fields: Any) -> None:
        """Move a job to state ``to`` (setting ``fields``) and log ``event``; :class:`TransitionError` if not allowed."""

    def open_attempt(self, job_id: int, prover: str, now: float, deadline: float) -> int:
        """Assign the job to ``prover``; returns the attempt number (1, 2, ...)."""

    def close_attempt(self, job_id: int, attempt: int, outcome: Outcome, now: float,
                      prove_s: float | None = None, reason: str = "") -> None: ...

    def relabel_attempt(self, job_id: int, attempt: int, outcome: Outcome, reason: str) -> None: ...

    def attempts(self, job_id: int | None = None, open_only: bool = False) -> list[AttemptRecord]:
        """Attempts by (job id, attempt)."""

    def finalize(self, job_id: int, now: float) -> int:
        """Finalize a verified job at the next position; :class:`AlreadyRecorded` if it was before."""

    def finalized(self) -> list[tuple[int, int, float]]: ...

    def event(self, now: float, kind: str, job_id: int | None = None, prover: str | None = None,
              detail: str = "", amount: float = 0.0) -> None: ...

    def events(self, kind: str | None = None) -> list[Event]: ...
