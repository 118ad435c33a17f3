"""Named benchmark scenarios and the sweeps of ``zkprove bench compare``, over the one Scenario.

:class:`workers.scenario.Scenario` is everything one run needs, for real on
Ray or in the simulation (policy and its parameters, provers, fault mix,
arrivals, seed, the deadline rule); this module only names fault mixes and
scenarios, and says which fields a sweep varies.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from workers.policies import POLICIES
from workers.scenario import Scenario

__all__ = ["FAULT_MIXES", "POLICY_NAMES", "REAL_SWEEPS", "SCATTERED", "SWEEPS", "Scenario", "Sweep", "named"]

SCATTERED = ("round-robin", "open-race", "redundant", "auction")
POLICY_NAMES = ("centralized", *SCATTERED)

FAULT_MIXES: dict[str, dict[str, float]] = {
    "none": {},
    "stragglers": {"straggler": 0.2, "slowdown": 4.0},
    "crashes": {"crash": 0.2, "rate": 0.3},
    "byzantine": {"byzantine": 0.1, "rate": 0.5},
    "mixed": {"crash": 0.1, "straggler": 0.1, "byzantine": 0.1, "rate": 0.3},
}
"""Named fault mixes; a centralized run gets the same mix over its one prover."""


def named(name: str) -> Scenario:
    """A scenario by name: ``<policy>`` or ``<policy>/<fault mix>`` (e.g. ``auction/byzantine``)."""
    policy, _, mix = name.partition("/")
    if policy not in POLICIES or (mix and mix not in FAULT_MIXES):
        raise ValueError(f"unknown scenario {name!r}: use <policy>[/<mix>] with policy in {sorted(POLICIES)} "
                         f"and mix in {sorted(FAULT_MIXES)}")
    return Scenario(name, policy, faults=FAULT_MIXES[mix or "none"])


@dataclass(frozen=True)
class Sweep:
    """One axis of ``bench compare``: a scenario field and the values it takes.

    ``backlog``: every job is submitted at the start (a throughput sweep); ``jobs``: jobs per run at each
    value (empty: the base's; larger fleets get fewer so that a run stays bounded); ``window_s``: with
    ``jobs``, the seconds over which each run's jobs are submitted (the interval is window / jobs, so every
    value is exposed to outages for as long); ``policies``: the policies it compares (empty: all asked
    for); ``fixed``: other axes set first, as (axis, value)."""

    axis: str
    values: tuple
    backlog: bool = False
    jobs: tuple[int, ...] = ()
    window_s: float = 0.0
    policies: tuple[str, ...] = ()
    fixed: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        if self.jobs and len(self.jobs) != len(self.values):
            raise ValueError(f"sweep {self.axis!r}: {len(self.jobs)} job counts for {len(self.values)} values")

    def scenarios(self, base: Scenario, policies: tuple[str, ...] = POLICY_NAMES) -> Iterator[tuple[float, Scenario]]:
        """(value, scenario) for every policy at every value of the axis, from ``base``."""
        start = replace(base, interval_s=0.0) if self.backlog else base
        for axis, value in self.fixed:
            start = _set(start, axis, value)
        chosen = [p for p in policies if not self.policies or p in self.policies]
        for i, value in enumerate(self.values):
            changed = _set(start, self.axis, value)
            if self.jobs:
                changed = replace(changed, jobs=self.jobs[i])
            if self.jobs and self.window_s:
                changed = replace(changed, interval_s=self.window_s / self.jobs[i])
            for policy in chosen:
                yield value, replace(changed, name=f"{policy} {self.axis}={value}", policy=policy)


SCENARIO_AXES = ("provers", "interval_s", "speed_spread", "latency_spread", "bandwidth_spread", "redundancy", "stake",
                 "slash_fraction", "regions", "outages_per_min", "outage_len_s")
"""Axes that are :class:`Scenario` fields, set as they are."""


def _set(base: Scenario, axis: str, value: float) -> Scenario:
    """``base`` with one axis changed; fault axes go into the fault mix."""
    if axis in SCENARIO_AXES:
        return replace(base, **{axis: value})
    faults = dict(base.faults)
    if axis == "crash_rate":
        faults.update(crash=value and 0.5, rate=value)
    elif axis == "byzantine":
        faults.update(byzantine=value, rate=1.0)
    elif axis in ("latency_s", "bandwidth_bps"):
        faults[axis] = value
    else:
        raise ValueError(f"unknown sweep axis {axis!r}")
    return replace(base, faults={k: v for k, v in faults.items() if v})


SWEEPS: dict[str, Sweep] = {
    "provers": Sweep("provers", (1, 2, 4, 8, 16, 32), backlog=True),
    "speed_spread": Sweep("speed_spread", (0.0, 0.25, 0.5, 0.75, 1.0)),
    "crash_rate": Sweep("crash_rate", (0.0, 0.1, 0.2, 0.3, 0.5)),
    "byzantine": Sweep("byzantine", (0.0, 0.125, 0.25, 0.375, 0.5)),
    "latency_s": Sweep("latency_s", (0.0, 0.05, 0.1, 0.2, 0.5, 1.0)),
}
"""The axes of the issue: provers, heterogeneity, failure rate, byzantine share, network latency; at least
five values each, so a plot of a sweep is a curve, not a line between two ends (byzantine shares are
eighths: each value is one more faulty prover of the default 8)."""

REAL_SWEEPS: dict[str, Sweep] = {
    "provers": Sweep("provers", (1, 2, 4), backlog=True),
    "speed_spread": Sweep("speed_spread", (0.0, 1.0)),
    "crash_rate": Sweep("crash_rate", (0.0, 0.5)),
    "byzantine": Sweep("byzantine", (0.0, 0.4)),
    "latency_s": Sweep("latency_s", (0.0, 0.2)),
}
"""The same axes at the ends of their ranges, sized for real Ray runs on one small machine
(every run starts its own prover actors and proves every job for real)."""
