"""Compare points: the runs of one (group, x, policy) over its seeds, and the intervals of their metrics.

``bench compare`` runs every point once per seed; a :class:`Point` holds
those runs, and :meth:`Point.interval` bounds a metric's mean over seeds
(:func:`bench.stats.mean_ci`). Tables, plots, the JSON and the answer all
read the same points, so each figure they show carries the same interval.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bench.stats import Interval, mean_ci, ratio_ci

from .results import RunRecord


@dataclass(frozen=True)
class Point:
    """Every seed's run of one policy at one value of one sweep (or in the liveness group)."""

    group: str
    x: float | None
    policy: str
    runs: tuple[RunRecord, ...]

    @property
    def name(self) -> str:
        return self.runs[0].scenario.name

    def values(self, metric: str) -> list[float]:
        """The metric's per-seed values, in seed order."""
        return [r.metrics[metric] for r in sorted(self.runs, key=lambda r: r.scenario.seed)]

    def interval(self, metric: str) -> Interval:
        """Mean over seeds with its 95% t interval; one seed gives a zero-width interval of n=1."""
        values = self.values(metric)
        if len(values) < 2:
            return Interval(values[0], values[0], values[0], 1)
        return mean_ci(values)

    def ratio(self, other: Point, metric: str, seed: int = 0) -> Interval:
        """mean(self) / mean(other) of ``metric`` with its bootstrap interval; needs 2+ seeds each."""
        return ratio_ci(self.values(metric), other.values(metric), seed=seed)

    def as_dict(self, metrics: tuple[str, ...]) -> dict:
        """Per-seed values and the interval of each metric the runs have, for the JSON."""
        return {"group": self.group, "x": self.x, "policy": self.policy, "seeds": [r.scenario.seed for r in self.runs],
                "metrics": {m: {"values": self.values(m), "ci": self.interval(m).as_dict()} for m in metrics
                            if self.measured(m)}}

    def measured(self, metric: str) -> bool:
        """Whether every run of the point has ``metric`` (results written before a metric existed lack it)."""
        return all(metric in r.metrics for r in self.runs)


def points(records: list[RunRecord]) -> list[Point]:
    """The records grouped into points, in the order their first run appears."""
    grouped: dict[tuple, list[RunRecord]] = defaultdict(list)
    for r in records:
        grouped[(r.group, r.x, r.scenario.policy, r.mode, r.scenario.batch_size)].append(r)
    return [Point(key[0], key[1], key[2], tuple(runs)) for key, runs in grouped.items()]


def find(found: list[Point], group: str, policy: str, x: float | None = None) -> Point:
    """The point of ``policy`` in ``group`` at ``x`` (None: the largest x of the group)."""
    fits = [p for p in found if p.group == group and p.policy == policy and (x is None or p.x == x)]
    if not fits:
        raise KeyError(f"no {policy} point in group {group!r} at {x}")
    return max(fits, key=lambda p: p.x or 0.0)
