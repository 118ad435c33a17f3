"""Named benchmark scenarios and the sweeps of ``zkprove bench compare``.

A :class:`Scenario` is everything one run needs, for real on Ray or in the
simulation: the policy, the provers (how many, how heterogeneous, which
faults, behind which network), the workload (jobs, batch size, arrival
interval) and the seed. Fault specs come from :func:`workers.faults.fault_mix`
through :class:`workers.scenario.Scenario`, so both kinds of run inject the
same faults into the same provers.

Centralized vs scattered, on equal resources: a ``centralized`` scenario has
one prover holding the resources of all ``provers`` (on this machine: one
actor with every core; in the simulation: one prover ``provers`` times as
fast as a scattered one, i.e. ideal scaling, which flatters centralization
on throughput and latency and isolates what it costs in liveness). The
centralized prover is the rollup's own, next to the sequencer: it is not
byzantine, silent or a straggler and sits behind no added network latency,
but it crashes as often as the fleet's provers do on average (one
crash-kind prover at rate ``crash share x rate``) and it can have an outage
(:attr:`Scenario.outage`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace

from workers import scenario as cluster
from workers.faults import FaultSpec
from workers.policies import POLICIES, Policy


@dataclass(frozen=True)
class Scenario:
    """One benchmark run: who proves, under which faults, on what workload."""

    name: str
    policy: str = "round-robin"
    provers: int = 4
    jobs: int = 40
    batch_size: int = 1
    faults: dict[str, float] = field(default_factory=dict)
    """Keyword arguments of :func:`workers.faults.fault_mix` (shares, rate, slowdown, latency_s)."""
    speed_spread: float = 0.0
    """Heterogeneity: sigma of the lognormal slowdown of each prover, the fastest at 1.0
    (:func:`workers.faults.spread_speeds`; 0: identical provers)."""
    interval_s: float = 0.0
    """Seconds between job submissions (0: every job is submitted at the start)."""
    deadline_s: float | None = None
    """Per attempt; None: :func:`workers.scenario.default_deadline` for real runs, 2.5x the proof time + 2 s in simulation."""
    redundancy: int = 2
    """k of the ``redundant`` policy."""
    outage: tuple[float, float] | None = None
    """(start, end) seconds: the first prover is down in this window (it leaves, then rejoins)."""
    stake: float = 100.0
    max_restarts: int = -1
    """Ray restarts of a crashed prover (-1: always, as an operator's supervisor would)."""
    seed: int = 0

    @property
    def centralized(self) -> bool:
        return self.policy == "centralized"

    @property
    def actors(self) -> int:
        """Prover processes: one for a centralized scenario, ``provers`` otherwise."""
        return 1 if self.centralized else self.provers

    def effective_faults(self) -> dict[str, float]:
        """The fault mix the provers get: as given when scattered, the operator's own when centralized."""
        if not self.centralized:
            return dict(self.faults)
        crash = self.faults.get("crash", 0.0) * self.faults.get("rate", 0.5)
        return {"crash": 1.0, "rate": crash} if crash > 0 else {}

    def cluster_scenario(self) -> cluster.Scenario:
        """The same run as :mod:`workers.scenario` describes it, for the Ray driver."""
        return cluster.Scenario(self.name, self.policy, self.actors, self.effective_faults(), self.stake,
                                self.seed, self.deadline_s, self.max_restarts, speed_spread=self.speed_spread,
                                interval_s=self.interval_s)

    def fault_specs(self) -> list[FaultSpec]:
        return self.cluster_scenario().fault_specs()

    def make_policy(self, deadline_s: float) -> Policy:
        kwargs = {"k": self.redundancy} if self.policy == "redundant" else {}
        return POLICIES[self.policy](deadline_s, seed=self.seed, **kwargs)

    def as_dict(self) -> dict:
        return asdict(self)


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
    """One axis of ``bench compare``: a scenario field and the values it takes."""

    axis: str
    values: tuple

    def scenarios(self, base: Scenario, policies: tuple[str, ...] = POLICY_NAMES) -> Iterator[tuple[float, Scenario]]:
        """(value, scenario) for every policy at every value of the axis, from ``base``."""
        for value in self.values:
            for policy in policies:
                changed = _set(base, self.axis, value)
                yield value, replace(changed, name=f"{policy} {self.axis}={value}", policy=policy)


def _set(base: Scenario, axis: str, value: float) -> Scenario:
    """``base`` with one axis changed; fault axes go into the fault mix."""
    if axis in ("provers", "speed_spread"):
        return replace(base, **{axis: value})
    faults = dict(base.faults)
    if axis == "crash_rate":
        faults.update(crash=value and 0.5, rate=value)
    elif axis == "byzantine":
        faults.update(byzantine=value, rate=1.0)
    elif axis == "latency_s":
        faults["latency_s"] = value
    else:
        raise ValueError(f"unknown sweep axis {axis!r}")
    return replace(base, faults={k: v for k, v in faults.items() if v})


SWEEPS: dict[str, Sweep] = {
    "provers": Sweep("provers", (1, 2, 4, 8, 16, 32)),
    "speed_spread": Sweep("speed_spread", (0.0, 0.25, 0.5, 1.0)),
    "crash_rate": Sweep("crash_rate", (0.0, 0.1, 0.3, 0.5)),
    "byzantine": Sweep("byzantine", (0.0, 0.1, 0.25, 0.4)),
    "latency_s": Sweep("latency_s", (0.0, 0.05, 0.2, 1.0)),
}
"""The axes of the issue: provers, heterogeneity, failure rate, byzantine share, network latency."""

REAL_SWEEPS: dict[str, Sweep] = {
    "provers": Sweep("provers", (1, 2, 4)),
    "speed_spread": Sweep("speed_spread", (0.0, 1.0)),
    "crash_rate": Sweep("crash_rate", (0.0, 0.5)),
    "byzantine": Sweep("byzantine", (0.0, 0.4)),
    "latency_s": Sweep("latency_s", (0.0, 0.2)),
}
"""The same axes at the ends of their ranges, sized for real Ray runs on one small machine
(every run starts its own prover actors and proves every job for real)."""
