"""The coordinator's table of attempts in flight, indexed by prover and by job.

:class:`workers.core.CoordinatorCore` asks two questions of its open (and
verifying) attempts on every leave and every failed attempt: which ones does
this prover hold, and does this job still have one. A plain dict answers them
by a scan of every attempt in flight: O(attempts) per event, which made a
simulated open race of 1,000 provers with crashes spend most of its time
scanning. :class:`AttemptTable` is that dict plus one index per question, kept
in step on every insertion and removal, so each answer costs what it returns.
Every listing keeps insertion order, as the dict's scan did, so the core's
decisions and its log do not change.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, ValuesView
from typing import Generic, Protocol, TypeVar

Key = tuple[int, int]
"""(job id, attempt number)."""


class Held(Protocol):
    prover_id: str


Op = TypeVar("Op", bound=Held)


class AttemptTable(Generic[Op]):
    """Attempts by (job, attempt), with the keys each prover and each job holds, in insertion order."""

    def __init__(self) -> None:
        self._ops: dict[Key, Op] = {}
        self._by_prover: dict[str, dict[Key, None]] = {}
        self._by_job: dict[int, dict[Key, None]] = {}

    def __setitem__(self, key: Key, op: Op) -> None:
        if key in self._ops:
            raise KeyError(f"attempt {key[1]} of job {key[0]} is already in the table")
        self._ops[key] = op
        self._by_prover.setdefault(op.prover_id, {})[key] = None
        self._by_job.setdefault(key[0], {})[key] = None

    def __delitem__(self, key: Key) -> None:
        op = self._ops.pop(key)
        _unindex(self._by_prover, op.prover_id, key)
        _unindex(self._by_job, key[0], key)

    def pop(self, key: Key, *default: Op | None) -> Op | None:
        """Remove and return the attempt; ``default`` if given and it is absent, else KeyError."""
        if key not in self._ops and default:
            return default[0]
        op = self._ops[key]
        del self[key]
        return op

    def get(self, key: Key) -> Op | None:
        return self._ops.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._ops

    def __len__(self) -> int:
        return len(self._ops)

    def items(self) -> ItemsView[Key, Op]:
        return self._ops.items()

    def values(self) -> ValuesView[Op]:
        return self._ops.values()

    def of_prover(self, prover_id: str) -> list[tuple[Key, Op]]:
        """The attempts ``prover_id`` holds, oldest first."""
        return [(key, self._ops[key]) for key in self._by_prover.get(prover_id, ())]

    def of_job(self, job_id: int) -> Iterator[Op]:
        """The attempts of job ``job_id`` in the table, oldest first, lazily (``any`` over them stops at the
        first that answers; do not change the table while iterating)."""
        return (self._ops[key] for key in self._by_job.get(job_id, ()))

    def has_job(self, job_id: int) -> bool:
        """Whether job ``job_id`` has an attempt in the table."""
        return job_id in self._by_job


def _unindex(index: dict, owner: object, key: Key) -> None:
    """Drop ``key`` from ``owner``'s entry, and the entry once empty (the index holds only what is in flight)."""
    keys = index[owner]
    del keys[key]
    if not keys:
        del index[owner]
