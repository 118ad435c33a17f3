"""Crossovers: where, along one sweep, one side's advantage turns into the other side's.

A :class:`Crossover` follows one comparison along a sweep: at each x, the
*advantage* of a challenger over a reference on one metric is the
difference of their means over seeds, signed so that positive means the
challenger is better (higher throughput, lower latency), with Welch's 95%
interval (:func:`bench.stats.difference_ci`). Each x is then one of: the
challenger ahead (interval above 0), behind (below 0), or within the noise
(the interval contains 0).

The crossover is where that sign changes: between the last x at which one
side is ahead and the first later x at which the other is, points within
the noise in between making the band where it cannot be told. Its estimate
is where the mean advantage, joined by straight lines between the points,
first reaches 0 inside that bracket (an interpolation, stated as such). Along a sweep where no sign
changes there is *no crossover in range*; where every interval contains 0
the whole sweep is *within the noise*.

A *marginal* comparison pits the challenger at each x against itself at the
previous x (redundancy k against k-1): where its gain stops being positive,
more of it stops paying.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.stats import Interval, difference_ci

from .points import Point

AHEAD, BEHIND, NOISE = 1, -1, 0


@dataclass(frozen=True)
class Crossover:
    """The advantage of ``challenger`` over ``reference`` on ``metric`` at each x of ``group``."""

    question: str
    group: str
    challenger: str
    reference: str
    metric: str
    label: str
    higher_is_better: bool
    xs: tuple[float, ...]
    advantages: tuple[Interval, ...]
    """Challenger minus reference (reference minus challenger for a lower-is-better metric), 95% Welch."""
    marginal: bool = False
    """The reference is the challenger at the previous x (:meth:`stops_paying` says what it shows)."""

    def text(self) -> str:
        """:meth:`stops_paying` for a marginal comparison, else :meth:`sentence`."""
        return self.stops_paying() if self.marginal else self.sentence()

    def signs(self) -> list[int]:
        """:data:`AHEAD`, :data:`BEHIND` or :data:`NOISE` at each x."""
        return [AHEAD if a.low > 0 else BEHIND if a.high < 0 else NOISE for a in self.advantages]

    def changes(self) -> list[tuple[int, int]]:
        """(i, j) index pairs: side ahead at xs[i], the other side at xs[j], only noise between."""
        called = [(i, s) for i, s in enumerate(self.signs()) if s != NOISE]
        return [(i, j) for (i, a), (j, b) in zip(called, called[1:]) if a != b]

    def estimate(self, i: int, j: int) -> float:
        """Where the mean advantage, joined by straight lines, first reaches 0 between xs[i] and xs[j]."""
        means = [a.value for a in self.advantages]
        for k in range(i, j):
            a, b = means[k], means[k + 1]
            if a == 0 or (a > 0) != (b > 0):
                return self.xs[k] + (self.xs[k + 1] - self.xs[k]) * a / (a - b)
        return self.xs[j]

    def sentence(self) -> str:
        """What the sweep shows: each crossover with its bracket and estimate, or why there is none."""
        span = f"{self.group} {self.xs[0]:g} to {self.xs[-1]:g}"
        head = f"{self.question} ({self.label}, {self.challenger} against {self.reference}, {span})"
        signs = self.signs()
        if all(s == NOISE for s in signs):
            return f"{head}: within the noise at every x, no crossover can be told"
        noisy = [f"{x:g}" for x, s in zip(self.xs, signs) if s == NOISE]
        noise = f"; within the noise at {', '.join(noisy)}" if noisy else ""
        changes = self.changes()
        if not changes:
            side = self.challenger if AHEAD in signs else self.reference
            return f"{head}: no crossover in range, {side} ahead wherever the seeds can tell{noise}"
        parts = []
        for i, j in changes:
            before, after = (self.challenger, self.reference) if signs[i] == AHEAD else (self.reference, self.challenger)
            parts.append(f"{before} ahead up to {self.xs[i]:g}, {after} ahead from {self.xs[j]:g} "
                         f"(the mean advantage crosses 0 near {self.estimate(i, j):.3g}, interpolated)")
        return f"{head}: crossover: {'; then '.join(parts)}{noise}"

    def stops_paying(self) -> str:
        """For a marginal comparison: the first x whose gain over the previous x is not positive."""
        head = f"{self.question} ({self.label}, {self.group} {self.xs[0]:g} to {self.xs[-1]:g})"
        for x, sign, gain in zip(self.xs, self.signs(), self.advantages):
            if sign != AHEAD:
                how = "within the noise" if sign == NOISE else "negative"
                return f"{head}: stops paying at {x:g}, where its gain over the step before is {how} ({gain.text()})"
        return f"{head}: every step still pays up to {self.xs[-1]:g} (no stopping point in range)"


def advantage(challenger: Point, reference: Point, metric: str, higher_is_better: bool) -> Interval:
    """Challenger minus reference on ``metric`` (negated when lower is better), Welch's 95% interval."""
    a, b = challenger.values(metric), reference.values(metric)
    if not higher_is_better:
        a, b = b, a
    return difference_ci(a, b)


def along(found: list[Point], question: str, group: str, challenger: str, reference: str, metric: str, label: str,
          higher_is_better: bool) -> Crossover | None:
    """The comparison at every x of ``group`` where both policies have 2+ seeds; None below two such x.

    ``reference`` equal to ``challenger`` makes it marginal: each x against the previous one."""
    line = {p.x: p for p in found if p.group == group and p.policy == challenger and p.measured(metric)
            and len(p.runs) > 1}
    marginal = reference == challenger
    if marginal:
        xs = sorted(line)
        pairs = [(x, line[x], line[previous]) for previous, x in zip(xs, xs[1:])]
    else:
        other = {p.x: p for p in found if p.group == group and p.policy == reference and p.measured(metric)
                 and len(p.runs) > 1}
        pairs = [(x, line[x], other[x]) for x in sorted(set(line) & set(other))]
    if len(pairs) < 2:
        return None
    return Crossover(question, group, challenger, f"itself at the previous {group}" if marginal else reference,
                     metric, label, higher_is_better, tuple(x for x, _, _ in pairs),
                     tuple(advantage(c, r, metric, higher_is_better) for _, c, r in pairs), marginal)


QUESTIONS = (
    ("outages_per_min", "Outage frequency"), ("outage_len_s", "Outage length"), ("crash_rate", "Crash rate"),
    ("provers", "Prover count"), ("byzantine", "Byzantine share"), ("speed_spread", "Speed spread"),
    ("latency_s", "Network delay"), ("latency_spread", "RTT spread"), ("bandwidth_bps", "Bandwidth"),
)
"""The sweeps along which round-robin meets the centralized prover, by group, in words: the first four are
issue 19's questions (where scattered liveness outweighs the centralized prover's speed), the rest show
where the network and the fleet's faults move the balance."""


def crossovers(found: list[Point]) -> list[Crossover]:
    """Every crossover question the points can answer: round-robin against the centralized prover along
    each sweep of :data:`QUESTIONS` on P99 latency and on throughput; redundancy k against round-robin
    and against k-1 on P99."""
    out = []
    for group, words in QUESTIONS:
        question = f"{words} at which round-robin and the centralized prover change places"
        for metric, label, higher in (("latency_p99_s", "P99 latency (s)", False),
                                      ("proofs_per_s", "throughput (proofs/s)", True)):
            out.append(along(found, question, group, "round-robin", "centralized", metric, label, higher))
    out.append(along(found, "Redundancy at which redundant proving stops beating round-robin", "redundancy",
                     "redundant", "round-robin", "latency_p99_s", "P99 latency (s)", False))
    out.append(along(found, "Redundancy at which one more copy stops paying", "redundancy", "redundant",
                     "redundant", "latency_p99_s", "P99 latency (s)", False))
    return [c for c in out if c is not None]


def by_comparison(found: list[Crossover]) -> list[list[Crossover]]:
    """The crossovers grouped by question (one sweep, one pair of sides: P99 and throughput together), in order."""
    groups: dict[tuple, list[Crossover]] = {}
    for c in found:
        groups.setdefault((c.question, c.group, c.challenger, c.reference), []).append(c)
    return list(groups.values())
