"""One cluster run's configuration, for a real run on Ray and for the simulation alike (no Ray here).

A :class:`Scenario` says who proves and under what: the policy and its
parameters (:class:`~workers.policies.PolicyConfig`), the provers (how many,
how heterogeneous, which fault mix, what stake, how often Ray restarts a
crashed one), the job arrivals and the seed. :func:`workers.runner.run_scenario`
runs it on Ray against a :class:`~workers.workload.Workload`;
:class:`bench.simulate.engine.Simulation` runs it on SimPy time, where
``jobs`` and ``batch_size`` stand in for the workload. Both draw the same
fault specs (:meth:`Scenario.fault_specs`), build the same policy
(:meth:`Scenario.make_policy`) and set deadlines by the same rule
(:func:`deadline_rule`).

Centralized vs scattered, on equal resources: a ``centralized`` scenario has
one prover holding the resources of all ``provers`` (on one machine: one
actor with every core; in the simulation: one prover ``provers`` times as
fast as a scattered one, i.e. ideal scaling). That prover is the operator's
own, next to the sequencer: not byzantine, silent or a straggler, behind no
added network latency, but it crashes as often as the fleet's provers do on
average (one crash-kind prover at rate ``crash share x rate``) and it can
have an outage (:attr:`Scenario.outage`). Under regional outages
(:attr:`Scenario.outages_per_min`) it is one machine in one region, down as
often and as long as any region: its outage stops every job, a region's
stops only that region's share of a scattered fleet.

The deadline rule (docs/architecture.md, section "Deadlines"): one attempt
is due ``DEADLINE_FACTOR`` times the expected proving time of the slowest
prover, plus ``DEADLINE_SLACK_S``, counted from its assignment. The expected
time is a prover's proof on its share of the hardware: in a real run the
warm reference proof (all cores) times the cores' share each prover gets
(:func:`workers.runner.expected_prove_s`), in the simulation the measured
median proof time times the prover's speed factor. A scenario's
``deadline_s`` replaces the rule with a fixed deadline.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .faults import FaultSpec, check_mix, fault_mix, spread_network, spread_speeds
from .policies import Policy, PolicyConfig

DEADLINE_FACTOR = 2.5
DEADLINE_SLACK_S = 2.0


def deadline_rule(expected_prove_s: float) -> float:
    """Seconds one attempt may take from assignment to answer: ``DEADLINE_FACTOR`` times the slowest
    prover's expected proving time, plus ``DEADLINE_SLACK_S`` (transport, verification queue, jitter)."""
    return DEADLINE_FACTOR * expected_prove_s + DEADLINE_SLACK_S


@dataclass(frozen=True)
class Scenario:
    """One run: who proves, under which faults, on what arrivals; checked when made (ValueError)."""

    name: str
    policy: str = "round-robin"
    provers: int = 4
    jobs: int = 40
    """Simulation: how many jobs (a real run proves its workload's jobs)."""
    batch_size: int = 1
    """Simulation: each job's size, transactions per batch (a real run's jobs carry their own)."""
    faults: dict[str, float] = field(default_factory=dict)
    """Keyword arguments of :func:`workers.faults.fault_mix` (shares, rate, slowdown, latency_s, bandwidth_bps)."""
    speed_spread: float = 0.0
    """Heterogeneity: sigma of the lognormal slowdown of each prover, the fastest at 1.0
    (:func:`workers.faults.spread_speeds`; 0: identical provers)."""
    interval_s: float = 0.0
    """Seconds between job submissions (0: every job is submitted at the start)."""
    warm_s: float = 0.0
    """Simulation: seconds the fleet has to start (download the proving key, warm up) before the first
    job is submitted; a real run submits once its provers have registered."""
    deadline_s: float | None = None
    """Per attempt; None: :func:`deadline_rule`."""
    redundancy: int = 2
    """k of the ``redundant`` policy."""
    min_stake: float = 10.0
    collateral: float = 40.0
    slash_fraction: float = 0.5
    """The ``auction`` policy's parameters (:class:`workers.policies.Auction`)."""
    outage: tuple[float, float] | None = None
    """(start, end) seconds: the first prover is down in this window (it leaves, then rejoins)."""
    latency_spread: float = 0.0
    """Per-prover network: sigma of the lognormal factor on each prover's one-way delay around the fault
    mix's ``latency_s`` (:func:`workers.faults.spread_network`; 0: every prover the same)."""
    bandwidth_spread: float = 0.0
    """The same for each prover's bandwidth around the mix's ``bandwidth_bps``."""
    regions: int = 1
    """Simulation: provers sit in this many regions (prover i in region i mod regions); a region's
    outage takes all its provers down together. A centralized prover is one machine in one region."""
    outages_per_min: float = 0.0
    """Simulation: each region goes down at this rate (a Poisson process, per minute of simulated time)."""
    outage_len_s: float = 0.0
    """Simulation: how long each regional outage lasts, seconds (0: no outage, whatever the rate)."""
    stake: float = 100.0
    max_restarts: int = -1
    """Ray restarts of a crashed prover (-1: always, as an operator's supervisor would)."""
    threads: int | None = None
    """Real runs: numba threads (and Ray CPUs) per prover; None: the node's cores shared out."""
    seed: int = 0

    def __post_init__(self) -> None:
        self.policy_config()
        for name, value, low in (("provers", self.provers, 1), ("jobs", self.jobs, 1),
                                 ("batch_size", self.batch_size, 1)):
            if value < low:
                raise ValueError(f"scenario {self.name!r}: {name}={value} must be at least {low}")
        if min(self.interval_s, self.warm_s, self.speed_spread, self.stake, self.latency_spread, self.bandwidth_spread,
               self.outages_per_min, self.outage_len_s) < 0:
            raise ValueError(f"scenario {self.name!r}: interval_s, warm_s, speed_spread, stake, latency_spread, "
                             f"bandwidth_spread, outages_per_min and outage_len_s must be >= 0")
        if not 1 <= self.regions <= self.provers:
            raise ValueError(f"scenario {self.name!r}: regions={self.regions} must be between 1 and the "
                             f"{self.provers} prover(s)")
        if self.deadline_s is not None and self.deadline_s <= 0:
            raise ValueError(f"scenario {self.name!r}: deadline_s={self.deadline_s:g} must be positive")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"scenario {self.name!r}: threads={self.threads} must be at least 1")
        check_mix(self.faults)
        self.fault_specs()

    @property
    def centralized(self) -> bool:
        return self.policy == "centralized"

    @property
    def actors(self) -> int:
        """Prover processes: one for a centralized scenario, ``provers`` otherwise."""
        return 1 if self.centralized else self.provers

    def policy_config(self) -> PolicyConfig:
        """The policy and its parameters; ValueError names a bad one."""
        return PolicyConfig(self.policy, self.redundancy, self.min_stake, self.collateral, self.slash_fraction)

    def effective_faults(self) -> dict[str, float]:
        """The fault mix the provers get: as given when scattered, the operator's own when centralized."""
        if not self.centralized:
            return dict(self.faults)
        crash = self.faults.get("crash", 0.0) * self.faults.get("rate", 0.5)
        return {"crash": 1.0, "rate": crash} if crash > 0 else {}

    def fault_specs(self) -> list[FaultSpec]:
        """One spec per prover actor; ValueError if the fault shares need more provers than there are."""
        specs = spread_speeds(fault_mix(self.actors, self.seed, **self.effective_faults()), self.speed_spread,
                              self.seed)
        return spread_network(specs, self.latency_spread, self.bandwidth_spread, self.seed)

    def make_policy(self, deadline_s: float) -> Policy:
        return self.policy_config().make(deadline_s, self.seed)

    def deadline(self, expected_prove_s: float) -> float:
        """This scenario's deadline per attempt: ``deadline_s`` if set, else :func:`deadline_rule`."""
        return self.deadline_s if self.deadline_s is not None else deadline_rule(expected_prove_s)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Scenario:
        """The inverse of :meth:`as_dict` (JSON turns the outage into a list)."""
        outage = data.get("outage")
        return cls(**{**data, "outage": tuple(outage) if outage else None})
