"""The durable job log: every job, every attempt and every event of a cluster run, in SQLite.

A job moves through these states (docs/architecture.md, section "Job states")::

    pending -> assigned -> proved -> verified -> finalized
                  |  ^        |
                  v  |        v
               reassigned <---+          and pending/assigned/reassigned -> failed

``reassigned`` means "every attempt so far failed, missed its deadline or
was invalid: assign again"; ``failed`` is final (the job cannot be proved).
:data:`TRANSITIONS` lists the allowed moves and :meth:`JobLog.move` refuses
any other, inside the same transaction that makes the move.

An attempt (one assignment of a job to a prover) ends with an
:class:`Outcome`::

    open -> proved -> accepted | invalid | wasted
    open -> wasted | lost | crashed | unsatisfiable | error

``proved`` is provisional (a proof delivered, not yet verified); the
verifier's verdict relabels it. :data:`OUTCOME_TRANSITIONS` lists the moves;
:meth:`JobLog.close_attempt` and :meth:`JobLog.relabel_attempt` refuse any
other. The log stores each outcome as its string value, so old logs read.

Durability: WAL mode, one transaction per transition, so a coordinator
killed with ``kill -9`` loses nothing it had committed (``synchronous=NORMAL``
protects against process death; only an OS crash could drop the last
commits). Finalization inserts into ``finalized``, whose ``job_id`` is
UNIQUE and whose ``position`` is the primary key: finalizing a job twice, or
two jobs at one position, is impossible at the database level.

A job is generic (:class:`JobRecord`): the public inputs its proof must
verify against, the link it extends (``link_from`` -> ``link_to``; jobs
finalize in link order, see :mod:`workers.core`), its size and the payload a
prover turns into a witness. A rollup maps its roots to the links; a
circuit whose jobs are independent chains them by index
(:func:`workers.workload.chain_by_index`).

Times are whatever clock the coordinator core is given (wall seconds for a
real run, SimPy time for a simulation): metrics read only these timestamps.
:class:`workers.jobstore.JobStore` is the interface this log and the
simulation's in-memory log share.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from os import PathLike
from typing import Any

TRANSITIONS: dict[str, set[str]] = {
    "pending": {"assigned", "failed"},
    "reassigned": {"assigned", "proved", "failed"},
    "assigned": {"proved", "reassigned", "failed"},
    "proved": {"verified", "assigned", "reassigned", "failed"},
    "verified": {"finalized", "failed"},
    "finalized": set(),
    "failed": set(),
}
ASSIGNABLE = ("pending", "reassigned")
TERMINAL = ("finalized", "failed")


class Outcome(StrEnum):
    """How an attempt ended; the value is what the log stores."""

    PROVED = "proved"
    """A proof was delivered and waits for the verifier (provisional)."""
    ACCEPTED = "accepted"
    """The verifier accepted the proof and the job became verified with it."""
    INVALID = "invalid"
    """The verifier refused the proof."""
    WASTED = "wasted"
    """A proof came for a job another attempt had already verified or ended."""
    LOST = "lost"
    """The prover left, the coordinator restarted, or the run ended before an answer."""
    CRASHED = "crashed"
    """The prover's process or node died while it held the attempt."""
    UNSATISFIABLE = "unsatisfiable"
    """The prover could not prove the job and the referee confirmed the job is bad."""
    ERROR = "error"
    """The prover refused a job the referee did not find bad."""


#: The outcomes an attempt may take next; None is an open attempt.
OUTCOME_TRANSITIONS: dict[Outcome | None, set[Outcome]] = {
    None: {Outcome.PROVED, Outcome.WASTED, Outcome.LOST, Outcome.CRASHED, Outcome.UNSATISFIABLE, Outcome.ERROR},
    Outcome.PROVED: {Outcome.ACCEPTED, Outcome.INVALID, Outcome.WASTED},
    **{final: set() for final in Outcome if final is not Outcome.PROVED},
}


def check_outcome(job_id: int, attempt: int, current: Outcome | None, to: Outcome) -> None:
    """Raise :class:`TransitionError` unless an attempt whose outcome is ``current`` may end as ``to``."""
    if to not in OUTCOME_TRANSITIONS[current]:
        raise TransitionError(f"job {job_id} attempt {attempt}: {current or 'open'} -> {to} is not a valid outcome")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    job_id INTEGER PRIMARY KEY, public_inputs TEXT NOT NULL, link_from TEXT NOT NULL, link_to TEXT NOT NULL,
    size INTEGER NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    submitted_at REAL NOT NULL, verified_at REAL, finalized_at REAL, proof TEXT, prover TEXT, reason TEXT,
    UNIQUE (link_from, link_to, public_inputs));
CREATE INDEX IF NOT EXISTS jobs_link_from ON jobs (link_from, state);
CREATE TABLE IF NOT EXISTS attempts (
    job_id INTEGER NOT NULL REFERENCES jobs, attempt INTEGER NOT NULL, prover TEXT NOT NULL,
    assigned_at REAL NOT NULL, deadline REAL NOT NULL, ended_at REAL, outcome TEXT, prove_s REAL, reason TEXT,
    PRIMARY KEY (job_id, attempt));
CREATE TABLE IF NOT EXISTS finalized (
    position INTEGER PRIMARY KEY, job_id INTEGER NOT NULL UNIQUE REFERENCES jobs, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, kind TEXT NOT NULL, job_id INTEGER, prover TEXT,
    detail TEXT NOT NULL DEFAULT '', amount REAL NOT NULL DEFAULT 0);
"""


class TransitionError(RuntimeError):
    """A state change the job state machine does not allow."""


class AlreadyRecorded(sqlite3.IntegrityError):
    """A job id or statement already in the log, or a job finalized a second time.

    A subclass of :class:`sqlite3.IntegrityError`, what the log's UNIQUE
    constraints raise, so the in-memory log raises the same class.
    """


@dataclass(frozen=True)
class JobRecord:
    """A job as the log holds it: its statement (public inputs, field elements), the link it
    extends, its size (transactions for the rollup, 1 otherwise) and the prover's payload.

    Two jobs with the same link and public inputs are the same statement: the
    log refuses the second (a duplicate submission).
    """

    job_id: int
    public_inputs: tuple[int, ...]
    link_from: int
    link_to: int
    size: int
    payload: dict[str, Any]
    state: str = "pending"
    attempts: int = 0
    submitted_at: float = 0.0
    verified_at: float | None = None
    finalized_at: float | None = None
    proof: dict[str, Any] | None = None
    prover: str | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "public_inputs", tuple(self.public_inputs))

    @property
    def statement(self) -> tuple[int, int, tuple[int, ...]]:
        """What makes two submissions the same job: the link and the public inputs."""
        return self.link_from, self.link_to, self.public_inputs


@dataclass(frozen=True)
class AttemptRecord:
    """One assignment of a job to a prover and how it ended (``outcome`` None while open)."""

    def __post_init__(self) -> None:
        if self.outcome is not None:
            object.__setattr__(self, "outcome", Outcome(self.outcome))

    job_id: int
    attempt: int
    prover: str
    assigned_at: float
    deadline: float
    ended_at: float | None
    outcome: Outcome | None
    prove_s: float | None
    reason: str | None


class JobLog:
    """The SQLite job log; one writer (the coordinator), any number of readers (metrics, tests)."""

    def __init__(self, path: str | PathLike):
        self.path = str(path)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def _tx(self) -> _Transaction:
        """``with log._tx() as db:``: one transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on error)."""
        return _Transaction(self.db)

    # meta -----------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # jobs -----------------------------------------------------------------

    def add_job(self, job: JobRecord, now: float) -> None:
        """Record a submitted job as pending; :class:`AlreadyRecorded` if its id or statement is known."""
        with _recording(f"job {job.job_id} or its statement is already in the log"), self._tx() as db:
            db.execute(
                "INSERT INTO jobs (job_id, public_inputs, link_from, link_to, size, payload, state, submitted_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                (job.job_id, json.dumps([_hex(x) for x in job.public_inputs]), _hex(job.link_from),
                 _hex(job.link_to), job.size, json.dumps(job.payload), now),
            )
            _event(db, now, "submitted", job.job_id)

    def job(self, job_id: int) -> JobRecord | None:
        row = self.db.execute(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return None if row is None else _job(row)

    def jobs(self, *states: str) -> list[JobRecord]:
        """Jobs in any of ``states`` (all jobs if none given), by job id."""
        where = f"WHERE state IN ({','.join('?' * len(states))})" if states else ""
        return [_job(r) for r in self.db.execute(f"SELECT {_JOB_COLUMNS} FROM jobs {where} ORDER BY job_id", states)]

    def job_ids(self, *states: str) -> list[int]:
        """Ids of the jobs in any of ``states``, ascending."""
        where = ",".join("?" * len(states))
        return [r[0] for r in self.db.execute(f"SELECT job_id FROM jobs WHERE state IN ({where}) ORDER BY job_id", states)]

    def count(self, *states: str) -> int:
        """How many jobs are in any of ``states`` (all jobs if none given)."""
        where = f"WHERE state IN ({','.join('?' * len(states))})" if states else ""
        return self.db.execute(f"SELECT COUNT(*) FROM jobs {where}", states).fetchone()[0]

    def from_link(self, link: int) -> list[JobRecord]:
        """The jobs whose link starts at ``link`` (a fork has more than one), by job id."""
        rows = self.db.execute(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE link_from = ? ORDER BY job_id", (_hex(link),))
        return [_job(r) for r in rows]

    def move(self, job_id: int, to: str, now: float, event: str | None = None, by: str | None = None,
             detail: str = "", **fields: Any) -> None:
        """Move a job to state ``to`` (setting ``fields`` too) and log ``event`` (by prover ``by``), in one transaction."""
        with self._tx() as db:
            _move(db, job_id, to, fields)
            if event:
                _event(db, now, event, job_id, by, detail)

    # attempts -------------------------------------------------------------

    def open_attempt(self, job_id: int, prover: str, now: float, deadline: float) -> int:
        """Assign the job to ``prover`` (state assigned, attempts + 1); returns the attempt number."""
        with self._tx() as db:
            state = _state(db, job_id)
            (n,) = db.execute("SELECT attempts FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
            if state != "assigned":
                _move(db, job_id, "assigned", {})
            db.execute("UPDATE jobs SET attempts = ? WHERE job_id = ?", (n + 1, job_id))
            db.execute("INSERT INTO attempts (job_id, attempt, prover, assigned_at, deadline) VALUES (?, ?, ?, ?, ?)",
                       (job_id, n + 1, prover, now, deadline))
            _event(db, now, "assigned", job_id, prover, f"attempt {n + 1}")
        return n + 1

    def close_attempt(self, job_id: int, attempt: int, outcome: Outcome, now: float,
                      prove_s: float | None = None, reason: str = "") -> None:
        """End an open attempt with ``outcome``; :class:`TransitionError` if it is not open or not an ending."""
        with self._tx() as db:
            check_outcome(job_id, attempt, _outcome(db, job_id, attempt), outcome)
            db.execute("UPDATE attempts SET ended_at = ?, outcome = ?, prove_s = ?, reason = ? "
                       "WHERE job_id = ? AND attempt = ?", (now, outcome.value, prove_s, reason, job_id, attempt))

    def relabel_attempt(self, job_id: int, attempt: int, outcome: Outcome, reason: str) -> None:
        """Replace a delivered proof's ``proved`` outcome with the verdict (accepted, invalid, wasted)."""
        with self._tx() as db:
            check_outcome(job_id, attempt, _outcome(db, job_id, attempt), outcome)
            db.execute("UPDATE attempts SET outcome = ?, reason = ? WHERE job_id = ? AND attempt = ?",
                       (outcome.value, reason, job_id, attempt))

    def attempts(self, job_id: int | None = None, open_only: bool = False) -> list[AttemptRecord]:
        clauses = (["job_id = ?"] if job_id is not None else []) + (["ended_at IS NULL"] if open_only else [])
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(f"SELECT * FROM attempts {where} ORDER BY job_id, attempt",
                               () if job_id is None else (job_id,))
        return [AttemptRecord(*row) for row in rows]

    # finality -------------------------------------------------------------

    def finalize(self, job_id: int, now: float) -> int:
        """Finalize a verified job at the next position; returns the position.

        :class:`AlreadyRecorded` if the job was finalized before (UNIQUE job_id).
        """
        with _recording(f"job {job_id} is already finalized"), self._tx() as db:
            (position,) = db.execute("SELECT COUNT(*) FROM finalized").fetchone()
            db.execute("INSERT INTO finalized (position, job_id, at) VALUES (?, ?, ?)", (position, job_id, now))
            _move(db, job_id, "finalized", {"finalized_at": now})
            _event(db, now, "finalized", job_id, detail=f"position {position}")
        return position

    def finalized(self) -> list[tuple[int, int, float]]:
        """``(position, job_id, at)`` in position order."""
        return list(self.db.execute("SELECT position, job_id, at FROM finalized ORDER BY position"))

    # events ---------------------------------------------------------------

    def event(self, now: float, kind: str, job_id: int | None = None, prover: str | None = None,
              detail: str = "", amount: float = 0.0) -> None:
        with self._tx() as db:
            _event(db, now, kind, job_id, prover, detail, amount)

    def events(self, kind: str | None = None) -> list[tuple[float, str, int | None, str | None, str, float]]:
        """``(at, kind, job_id, prover, detail, amount)`` in log order."""
        sql = "SELECT at, kind, job_id, prover, detail, amount FROM events"
        rows = self.db.execute(sql + " WHERE kind = ? ORDER BY id", (kind,)) if kind else self.db.execute(
            sql + " ORDER BY id")
        return list(rows)


@contextmanager
def _recording(what: str) -> Iterator[None]:
    """Turn a UNIQUE constraint's sqlite3.IntegrityError into :class:`AlreadyRecorded` saying ``what``."""
    try:
        yield
    except AlreadyRecorded:
        raise
    except sqlite3.IntegrityError as error:
        raise AlreadyRecorded(f"{what} ({error})") from None


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


_JOB_COLUMNS = ("job_id, public_inputs, link_from, link_to, size, payload, state, attempts, submitted_at, verified_at, "
                "finalized_at, proof, prover, reason")


def _hex(value: int) -> str:
    return f"{value:064x}"


def _job(row: tuple) -> JobRecord:
    (job_id, public, link_from, link_to, size, payload, state, attempts, submitted, verified, finalized, proof, prover,
     reason) = row
    return JobRecord(job_id, tuple(int(x, 16) for x in json.loads(public)), int(link_from, 16), int(link_to, 16), size,
                     json.loads(payload), state,
                     attempts, submitted, verified, finalized, None if proof is None else json.loads(proof), prover,
                     reason)


def _state(db: sqlite3.Connection, job_id: int) -> str:
    row = db.execute("SELECT state FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
    if row is None:
        raise TransitionError(f"job {job_id} is not in the log")
    return row[0]


def _outcome(db: sqlite3.Connection, job_id: int, attempt: int) -> Outcome | None:
    row = db.execute("SELECT outcome FROM attempts WHERE job_id = ? AND attempt = ?", (job_id, attempt)).fetchone()
    if row is None:
        raise TransitionError(f"job {job_id} has no attempt {attempt} in the log")
    return None if row[0] is None else Outcome(row[0])


def _move(db: sqlite3.Connection, job_id: int, to: str, fields: dict[str, Any]) -> None:
    state = _state(db, job_id)
    if to not in TRANSITIONS[state]:
        raise TransitionError(f"job {job_id}: {state} -> {to} is not a valid transition")
    values = {"state": to, **{k: json.dumps(v) if k == "proof" else v for k, v in fields.items()}}
    assignments = ", ".join(f"{name} = ?" for name in values)
    db.execute(f"UPDATE jobs SET {assignments} WHERE job_id = ?", (*values.values(), job_id))


def _event(db: sqlite3.Connection, now: float, kind: str, job_id: int | None = None, prover: str | None = None,
           detail: str = "", amount: float = 0.0) -> None:
    db.execute("INSERT INTO events (at, kind, job_id, prover, detail, amount) VALUES (?, ?, ?, ?, ?, ?)",
               (now, kind, job_id, prover, detail, amount))
