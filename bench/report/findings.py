"""Findings of the answer: one policy against another on one metric, called a win only outside the noise.

A :class:`Finding` compares two compare points (:class:`~.points.Point`) by
the ratio of their means over seeds, with its bootstrap interval
(:func:`bench.stats.ratio_ci`). :meth:`Finding.verdict` names a winner only
when the interval excludes 1; an interval that crosses 1 is "within the
noise", and a point with a single seed has no interval and names no winner.
Against a reference whose mean is zero (no ratio), the difference's Welch
interval is used, and a win needs it to exclude 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.stats import Interval, difference_ci

from .points import Point

WITHIN_NOISE, ONE_SEED = "within the noise", "one seed, no interval"


@dataclass(frozen=True)
class Finding:
    """``challenger`` against ``reference`` on ``metric``: which is better, if the seeds can tell."""

    topic: str
    challenger: Point
    reference: Point
    metric: str
    label: str
    higher_is_better: bool

    @property
    def ratio(self) -> Interval | None:
        """mean(challenger) / mean(reference) with its interval; None below two seeds a side or for a zero mean."""
        a, b = self.challenger.values(self.metric), self.reference.values(self.metric)
        if min(len(a), len(b)) < 2 or sum(b) == 0:
            return None
        return self.challenger.ratio(self.reference, self.metric)

    @property
    def difference(self) -> Interval | None:
        """mean(challenger) - mean(reference) with Welch's interval, for a reference whose mean is zero (no ratio)."""
        a, b = self.challenger.values(self.metric), self.reference.values(self.metric)
        return difference_ci(a, b) if min(len(a), len(b)) >= 2 and sum(b) == 0 else None

    def winner(self) -> str | None:
        """The winning policy, or None when the interval contains "no difference" (or there is no interval)."""
        ratio, difference = self.ratio, self.difference
        if ratio is not None and not ratio.crosses(1.0):
            challenger_higher = ratio.low > 1.0
        elif difference is not None and not difference.crosses(0.0):
            challenger_higher = difference.low > 0.0
        else:
            return None
        return self.challenger.policy if challenger_higher == self.higher_is_better else self.reference.policy

    def verdict(self) -> str:
        """``round-robin wins`` / ``centralized wins`` / :data:`WITHIN_NOISE` / :data:`ONE_SEED`."""
        if self.ratio is None and self.difference is None:
            return ONE_SEED
        winner = self.winner()
        return f"{winner} wins" if winner else WITHIN_NOISE

    def sentence(self) -> str:
        """The finding with both means, their intervals and the ratio's interval, then the verdict."""
        a, b = self.challenger.interval(self.metric), self.reference.interval(self.metric)
        shown = lambda i: i.text() if i.n > 1 else f"{i.value:.3g}"
        ratio = self.ratio
        difference = self.difference
        share = (f"ratio {ratio.text()}" if ratio else f"difference {difference.text()}" if difference
                 else "no ratio interval")
        seeds = f"{min(a.n, b.n)} seed{'s' if min(a.n, b.n) > 1 else ''}"
        return (f"{self.topic}: {self.challenger.policy} {shown(a)} against {self.reference.policy} {shown(b)} "
                f"{self.label} ({share}, {seeds}): **{self.verdict()}**")
