"""The job store in plain Python objects, for simulated runs of 100,000 jobs.

The coordinator core and :func:`workers.metrics.measure` only call the
:class:`workers.jobstore.JobStore` protocol, so a simulation can hand them
this class instead of the SQLite :class:`workers.joblog.JobLog`. It keeps the
same records (:class:`JobRecord`, :class:`AttemptRecord`, event tuples),
enforces the same transitions (:data:`workers.joblog.TRANSITIONS`) and raises
the same errors (:class:`~workers.jobstore.AlreadyRecorded` on a duplicate
statement or a second finalization), so the core cannot tell it apart:
tests/test_jobstore.py runs the same behaviour checks on both, and a
simulation test runs one scenario on both and compares the logs event by event.

Why not SQLite in memory: measured on this machine, the core issues about 44
statements per job at ~14 us each (~0.6 ms per job before any simulation),
and two of its queries scan every job ever submitted (the assignable jobs in
``job_ids``, ``COUNT(*)`` of finalized jobs in ``finalize``), which makes a
100,000-job run quadratic. Here those are a sorted queue and a counter.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any, TypeVar

from workers.joblog import (
    ASSIGNABLE,
    TRANSITIONS,
    AlreadyRecorded,
    AttemptRecord,
    JobRecord,
    Outcome,
    TransitionError,
    check_outcome,
)
from workers.jobstore import Event
Record = TypeVar("Record", JobRecord, AttemptRecord)


def _with(record: Record, **changes: Any) -> Record:
    """``dataclasses.replace`` without re-running ``__init__`` (7x faster; the records are plain data)."""
    changed = object.__new__(type(record))
    changed.__dict__.update(record.__dict__, **changes)
    return changed


def _opened(job_id: int, attempt: int, prover: str, now: float, deadline: float) -> AttemptRecord:
    """A new open :class:`AttemptRecord`, equal to the constructor's, in a third of its time (its
    ``__post_init__`` has nothing to convert while the outcome is None)."""
    record = object.__new__(AttemptRecord)
    record.__dict__.update({"job_id": job_id, "attempt": attempt, "prover": prover, "assigned_at": now,
                            "deadline": deadline, "ended_at": None, "outcome": None, "prove_s": None,
                            "reason": None})
    return record


class _AssignableQueue:
    """Ascending ids of the assignable jobs; iterating survives jobs leaving the queue meanwhile.

    Pending jobs arrive in id order and mostly leave in id order, so they sit
    in an append-only list whose stale prefix is skipped once; the few jobs put
    up again (reassigned) sit in a small sorted list. Iteration merges both.
    """

    def __init__(self) -> None:
        self.fresh: list[int] = []
        """Ids ever submitted, ascending; live while in ``pending``."""
        self.head = 0
        self.pending: set[int] = set()
        self.again: list[int] = []

    def submitted(self, job_id: int) -> None:
        self.pending.add(job_id)
        if self.fresh and self.fresh[-1] > job_id:
            insort(self.fresh, job_id)
            self.head = 0
        else:
            self.fresh.append(job_id)

    def reassigned(self, job_id: int) -> None:
        pos = bisect_left(self.again, job_id)
        if pos == len(self.again) or self.again[pos] != job_id:
            self.again.insert(pos, job_id)

    def left(self, job_id: int) -> None:
        """The job is no longer assignable (assigned or failed)."""
        self.pending.discard(job_id)
        pos = bisect_left(self.again, job_id)
        if pos < len(self.again) and self.again[pos] == job_id:
            del self.again[pos]

    def __iter__(self) -> Iterator[int]:
        last = -1
        while True:
            self._skip_stale_head()
            i = max(self.head, bisect_right(self.fresh, last))
            while i < len(self.fresh) and self.fresh[i] not in self.pending:
                i += 1
            j = bisect_right(self.again, last)
            nexts = self.fresh[i:i + 1] + self.again[j:j + 1]
            if not nexts:
                return
            last = min(nexts)
            yield last

    def _skip_stale_head(self) -> None:
        while self.head < len(self.fresh) and self.fresh[self.head] not in self.pending:
            self.head += 1
        if self.head > 1024 and self.head > len(self.fresh) // 2:
            del self.fresh[:self.head]
            self.head = 0


class MemoryJobLog:
    """What :class:`workers.joblog.JobLog` records, held in dicts and lists (not durable); a
    :class:`workers.jobstore.JobStore`."""

    def __init__(self) -> None:
        self.path = ":memory:"
        self._meta: dict[str, str] = {}
        self._jobs: dict[int, JobRecord] = {}
        self._statements: set[tuple[int, int, tuple[int, ...]]] = set()
        self._by_link: dict[int, list[int]] = defaultdict(list)
        self._states: Counter[str] = Counter()
        self._assignable = _AssignableQueue()
        self._attempts: dict[tuple[int, int], AttemptRecord] = {}
        self._open: set[tuple[int, int]] = set()
        self._finalized: list[tuple[int, int, float]] = []
        self._finalized_ids: set[int] = set()
        self._events: list[Event] = []

    def close(self) -> None:
        """Nothing to release (the interface of :class:`JobLog`)."""

    def meta(self, key: str) -> str | None:
        return self._meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        self._meta[key] = value

    # jobs -----------------------------------------------------------------

    def add_job(self, job: JobRecord, now: float) -> None:
        if job.job_id in self._jobs or job.statement in self._statements:
            raise AlreadyRecorded(f"job {job.job_id} or its statement is already in the log")
        self._statements.add(job.statement)
        self._jobs[job.job_id] = _with(job, state="pending", attempts=0, submitted_at=now)
        self._by_link[job.link_from].append(job.job_id)
        self._states["pending"] += 1
        self._assignable.submitted(job.job_id)
        self.event(now, "submitted", job.job_id)

    def job(self, job_id: int) -> JobRecord | None:
        return self._jobs.get(job_id)

    def jobs(self, *states: str) -> list[JobRecord]:
        return [j for _, j in sorted(self._jobs.items()) if not states or j.state in states]

    def job_ids(self, *states: str) -> Iterator[int] | list[int]:
        """Ascending ids in ``states``; the assignable ones lazily (the core stops when provers run out)."""
        if tuple(states) == ASSIGNABLE:
            return iter(self._assignable)
        return [j.job_id for j in self.jobs(*states)]

    def count(self, *states: str) -> int:
        return sum(map(self._states.__getitem__, states)) if states else len(self._jobs)

    def from_link(self, link: int) -> list[JobRecord]:
        return [self._jobs[i] for i in self._by_link.get(link, ())]

    def move(self, job_id: int, to: str, now: float, event: str | None = None, by: str | None = None,
             detail: str = "", **fields: Any) -> None:
        self._move(job_id, to, **fields)
        if event:
            self.event(now, event, job_id, by, detail)

    def _move(self, job_id: int, to: str, **fields: Any) -> JobRecord:
        job = self._jobs.get(job_id)
        if job is None:
            raise TransitionError(f"job {job_id} is not in the log")
        if to not in TRANSITIONS[job.state]:
            raise TransitionError(f"job {job_id}: {job.state} -> {to} is not a valid transition")
        self._states[job.state] -= 1
        self._states[to] += 1
        if to == "reassigned":
            self._assignable.reassigned(job_id)
        elif job.state in ASSIGNABLE:
            self._assignable.left(job_id)
        self._jobs[job_id] = moved = _with(job, state=to, **fields)
        return moved

    # attempts -------------------------------------------------------------

    def open_attempt(self, job_id: int, prover: str, now: float, deadline: float) -> int:
        job = self._jobs.get(job_id)
        if job is None:
            raise TransitionError(f"job {job_id} is not in the log")
        n = job.attempts + 1
        if job.state == "assigned":
            self._jobs[job_id] = _with(job, attempts=n)
        else:
            self._move(job_id, "assigned", attempts=n)
        self._attempts[(job_id, n)] = _opened(job_id, n, prover, now, deadline)
        self._open.add((job_id, n))
        self._events.append((now, "assigned", job_id, prover, f"attempt {n}", 0.0))
        return n

    def close_attempt(self, job_id: int, attempt: int, outcome: Outcome, now: float,
                      prove_s: float | None = None, reason: str = "") -> None:
        key = (job_id, attempt)
        record = self._attempt(key)
        check_outcome(job_id, attempt, record.outcome, outcome)
        self._attempts[key] = _with(record, ended_at=now, outcome=outcome, prove_s=prove_s, reason=reason)
        self._open.discard(key)

    def relabel_attempt(self, job_id: int, attempt: int, outcome: Outcome, reason: str) -> None:
        key = (job_id, attempt)
        record = self._attempt(key)
        check_outcome(job_id, attempt, record.outcome, outcome)
        self._attempts[key] = _with(record, outcome=outcome, reason=reason)

    def _attempt(self, key: tuple[int, int]) -> AttemptRecord:
        record = self._attempts.get(key)
        if record is None:
            raise TransitionError(f"job {key[0]} has no attempt {key[1]} in the log")
        return record

    def attempts(self, job_id: int | None = None, open_only: bool = False) -> list[AttemptRecord]:
        keys = self._open if open_only else self._attempts
        return [self._attempts[k] for k in sorted(keys) if job_id is None or k[0] == job_id]

    # finality and events --------------------------------------------------

    def finalize(self, job_id: int, now: float) -> int:
        if job_id in self._finalized_ids:
            raise AlreadyRecorded(f"job {job_id} is already finalized")
        position = len(self._finalized)
        self._move(job_id, "finalized", finalized_at=now)
        self._finalized.append((position, job_id, now))
        self._finalized_ids.add(job_id)
        self.event(now, "finalized", job_id, detail=f"position {position}")
        return position

    def finalized(self) -> list[tuple[int, int, float]]:
        return list(self._finalized)

    def event(self, now: float, kind: str, job_id: int | None = None, prover: str | None = None,
              detail: str = "", amount: float = 0.0) -> None:
        self._events.append((now, kind, job_id, prover, detail, amount))

    def events(self, kind: str | None = None) -> list[Event]:
        return [e for e in self._events if kind is None or e[1] == kind]
