"""Named, timed steps, in the manner of arkworks' ``start_timer!``/``end_timer!``.

A :class:`StepTimer` records how long each named phase of a computation took,
so that a prover can print its breakdown (``zkprove prove --profile``) and a
benchmark can report it, without timing code scattered through the phases.
:func:`warm_then_time` times proofs after a warm-up one, for the cluster's
capacities and the benchmarks.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")


def warm_then_time(
    prove: Callable[[Job], Result], warmup: Job, jobs: Iterable[Job]
) -> tuple[list[Result], list[float]]:
    """Call ``prove(warmup)`` once untimed, then time ``prove(job)`` for each job: (results, seconds each).

    The untimed call pays what only a process's first proof under a key
    pays (loading the numba cache, validating the key's MSM bases), so the
    times are those of a prover that is already running, which is what
    capacities, deadlines and benchmark rows compare.
    """
    prove(warmup)
    results, seconds = [], []
    for job in jobs:
        start = time.perf_counter()
        results.append(prove(job))
        seconds.append(time.perf_counter() - start)
    return results, seconds


@dataclass
class StepTimer:
    """Ordered ``(step name, seconds)`` records; nested steps get dotted names."""

    steps: list[tuple[str, float]] = field(default_factory=list)
    _stack: list[str] = field(default_factory=list, repr=False)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the enclosed block as ``name`` (``outer.name`` when nested)."""
        self._stack.append(name)
        full_name = ".".join(self._stack)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.steps.append((full_name, time.perf_counter() - start))
            self._stack.pop()

    def total(self) -> float:
        """Seconds spent in top-level steps."""
        return sum(seconds for name, seconds in self.steps if "." not in name)

    def as_dict(self) -> dict[str, float]:
        return dict(self.steps)

    def report(self) -> str:
        """One line per step, indented by depth, with its share of the total."""
        total = self.total() or 1.0
        lines = []
        for name, seconds in self.steps:
            depth = name.count(".")
            label = "  " * depth + name.rsplit(".", 1)[-1]
            lines.append(f"{label:<32} {seconds * 1e3:10.1f} ms {100 * seconds / total:6.1f}%")
        return "\n".join(lines)
