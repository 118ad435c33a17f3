"""Assignment policies: who proves which job, by when, and what a failure costs the prover.

One interface (:class:`Policy`), five policies, each modelled on a prover network
(docs/architecture.md, section "Policies and faults"):

* :class:`Centralized`: one prover with all the resources (a rollup's own prover);
* :class:`RoundRobin`: the least-recently-processed idle prover (CrowdProve's
  scheduler for volunteer provers);
* :class:`OpenRace`: every idle prover races on the job, the first valid proof
  wins and the rest is wasted work (Gevulot's open slot);
* :class:`Redundant`: k provers per job drawn at random, a stand-in for
  Gevulot's VRF draw; first valid proof wins;
* :class:`Auction`: a stake-weighted reverse auction (Succinct's prover
  network, Boundless' proof market): staked provers bid, the lowest bid wins,
  its collateral is locked, and a missed deadline or an invalid proof slashes it.

Policies are plain Python and deterministic from their seed: the coordinator
core calls them from real runs and from the simulation alike. ``assign``
only sees idle provers, so a prover never holds two jobs at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from random import Random


@dataclass
class ProverView:
    """What a policy knows of a registered prover."""

    prover_id: str
    capacity: float = 1.0
    """Relative proving speed the prover reports (jobs per second of its warm-up proof)."""
    stake: float = 0.0
    joined_at: float = 0.0
    last_done_at: float = float("-inf")
    busy: int = 0
    """Attempts the prover still holds (an expired one counts until the prover answers)."""
    link_s: float = 0.0
    """Seconds of network an attempt costs this prover (:attr:`workers.messages.Capacity.link_s`)."""


@dataclass(frozen=True)
class JobView:
    """What a policy knows of a job waiting for assignment."""

    job_id: int
    size: int
    """Transactions for the rollup, 1 for a circuit's single job (:attr:`workers.joblog.JobRecord.size`)."""
    attempts: int
    failed_by: frozenset[str]
    """Provers whose attempt at this job crashed, expired or was invalid."""


@dataclass(frozen=True)
class Assignment:
    """Prover ``prover_id`` proves job ``job_id`` by ``deadline`` (coordinator clock)."""

    job_id: int
    prover_id: str
    deadline: float


class Policy:
    """The interface: ``assign`` picks provers for one job; the hooks return the stake to slash (0.0 if none)."""

    name = "policy"

    def __init__(self, deadline_s: float, seed: int = 0):
        self.deadline_s = deadline_s
        self.rng = Random(seed)

    def assign(self, job: JobView, idle: Sequence[ProverView], now: float) -> list[Assignment]:
        raise NotImplementedError

    def on_result(self, job_id: int, prover_id: str, valid: bool, now: float) -> float:
        """A proof arrived and was verified (``valid``); returns the stake to slash for it."""
        return 0.0

    def on_deadline(self, job_id: int, prover_id: str, now: float) -> float:
        """The prover missed its deadline on the job; returns the stake to slash for it."""
        return 0.0

    def on_leave(self, prover_id: str) -> None:
        """The prover left the cluster (deregistered, crashed, or its node died)."""

    def ineligible(self, prover: ProverView) -> str | None:
        """Why this policy will never assign ``prover`` a job as things stand (None: it may)."""
        return None

    def reward(self, job_id: int, prover_id: str) -> float:
        """What the prover whose proof finalized ``job_id`` earns (0.0: this policy pays nothing)."""
        return 0.0

    def _to(self, job: JobView, provers: Sequence[ProverView], now: float) -> list[Assignment]:
        """Each attempt is due in ``deadline_s`` plus its prover's link time: a prover far away gets
        the same time to prove as one beside the coordinator, not less."""
        return [Assignment(job.job_id, p.prover_id, now + self.deadline_s + p.link_s) for p in provers]


def _fresh(job: JobView, idle: Sequence[ProverView]) -> list[ProverView]:
    """The idle provers that have not failed this job, or all of them if every one has."""
    fresh = [p for p in idle if p.prover_id not in job.failed_by]
    return fresh or list(idle)


class Centralized(Policy):
    """All jobs go to one prover: the first registered one still present."""

    name = "centralized"

    def assign(self, job: JobView, idle: Sequence[ProverView], now: float) -> list[Assignment]:
        return self._to(job, [min(idle, key=lambda p: (p.joined_at, p.prover_id))] if idle else [], now)


class RoundRobin(Policy):
    """The idle prover that finished a job longest ago (CrowdProve's least-recently-processed)."""

    name = "round-robin"

    def assign(self, job: JobView, idle: Sequence[ProverView], now: float) -> list[Assignment]:
        fresh = _fresh(job, idle)
        return self._to(job, [min(fresh, key=lambda p: (p.last_done_at, p.prover_id))] if fresh else [], now)


class OpenRace(Policy):
    """Every idle prover races on the job; the first valid proof wins (Gevulot's open slot)."""

    name = "open-race"

    def assign(self, job: JobView, idle: Sequence[ProverView], now: float) -> list[Assignment]:
        return self._to(job, idle, now)


class Redundant(Policy):
    """k idle provers drawn at random per job (Gevulot's VRF draw, seeded); first valid proof wins."""

    name = "redundant"

    def __init__(self, deadline_s: float, k: int = 2, seed: int = 0):
        super().__init__(deadline_s, seed)
        self.k = k

    def assign(self, job: JobView, idle: Sequence[ProverView], now: float) -> list[Assignment]:
        pool = sorted(_fresh(job, idle), key=lambda p: p.prover_id)
        return self._to(job, self.rng.sample(pool, min(self.k, len(pool))), now)


class Auction(Policy):
    """A reverse auction with stake: the cheapest staked bidder wins and locks collateral.

    Each prover's bid is its price per transaction over its capacity, with a
    seeded per-prover price (the market's spread). Provers whose stake is
    below ``min_stake`` may not bid. The winner locks ``collateral`` of its
    stake; a valid proof unlocks it and, once the job finalizes, earns the
    bid; a missed deadline or an invalid proof slashes ``slash_fraction`` of
    it (Succinct and Boundless slash for both). The stakes themselves are not
    kept here: :class:`~workers.core.CoordinatorCore` keeps them in the job
    log's ledger, clamps every slash to what is left, and passes the balance
    in :attr:`ProverView.stake`.
    """

    name = "auction"

    def __init__(self, deadline_s: float, min_stake: float = 10.0, collateral: float = 40.0,
                 slash_fraction: float = 0.5, seed: int = 0):
        super().__init__(deadline_s, seed)
        self.min_stake, self.collateral, self.slash_fraction = min_stake, collateral, slash_fraction
        self.prices: dict[str, float] = {}
        self.locks: dict[tuple[int, str], float] = {}
        """(job, prover) -> the winning bid, while the collateral is locked."""
        self.won: dict[tuple[int, str], float] = {}
        """(job, prover) -> the bid of a valid proof, paid when the job finalizes."""

    def ask(self, prover_id: str, price_per_tx: float) -> None:
        """Set a prover's standing ask per transaction (an external prover's bid), instead of a seeded price."""
        if not price_per_tx > 0:
            raise ValueError(f"an ask must be a positive price per transaction, not {price_per_tx!r}")
        self.prices[prover_id] = float(price_per_tx)

    def bid(self, prover: ProverView, job: JobView) -> float:
        """The prover's asking price for the job (lower wins): its standing ask, else a seeded price."""
        price = self.prices.setdefault(prover.prover_id, self.rng.uniform(0.5, 1.5))
        return price * max(job.size, 1) / max(prover.capacity, 1e-9)

    def ineligible(self, prover: ProverView) -> str | None:
        if prover.stake < self.min_stake:
            return f"stake {prover.stake:g} is below the auction's minimum {self.min_stake:g}"
        return None

    def assign(self, job: JobView, idle: Sequence[ProverView], now: float) -> list[Assignment]:
        eligible = [p for p in _fresh(job, idle) if self.ineligible(p) is None]
        if not eligible:
            return []
        winner = min(eligible, key=lambda p: (self.bid(p, job), -p.stake, p.prover_id))
        self.locks[(job.job_id, winner.prover_id)] = self.bid(winner, job)
        return self._to(job, [winner], now)

    def on_result(self, job_id: int, prover_id: str, valid: bool, now: float) -> float:
        bid = self.locks.pop((job_id, prover_id), None)
        if bid is None:
            return 0.0
        if valid:
            self.won[(job_id, prover_id)] = bid
            return 0.0
        return self.collateral * self.slash_fraction

    def on_deadline(self, job_id: int, prover_id: str, now: float) -> float:
        return 0.0 if self.locks.pop((job_id, prover_id), None) is None else self.collateral * self.slash_fraction

    def reward(self, job_id: int, prover_id: str) -> float:
        return self.won.pop((job_id, prover_id), 0.0)


POLICIES: dict[str, type[Policy]] = {
    cls.name: cls for cls in (Centralized, RoundRobin, OpenRace, Redundant, Auction)
}


@dataclass(frozen=True)
class PolicyConfig:
    """A policy by name with its parameters: the one configuration real and simulated runs share.

    ``redundancy`` is the ``redundant`` policy's k; ``min_stake``,
    ``collateral`` and ``slash_fraction`` are the ``auction``'s (see
    :class:`Auction`); the other policies have none. ValueError names a bad one.
    """

    name: str = "round-robin"
    redundancy: int = 2
    min_stake: float = 10.0
    collateral: float = 40.0
    slash_fraction: float = 0.5

    def __post_init__(self) -> None:
        if self.name not in POLICIES:
            raise ValueError(f"unknown policy {self.name!r}; choose from {sorted(POLICIES)}")
        if self.redundancy < 1:
            raise ValueError(f"redundancy k={self.redundancy} must be at least 1")
        if self.min_stake < 0 or self.collateral < 0 or not 0.0 <= self.slash_fraction <= 1.0:
            raise ValueError(f"auction parameters min_stake={self.min_stake:g}, collateral={self.collateral:g} must "
                             f"be >= 0 and slash_fraction={self.slash_fraction:g} in [0, 1]")

    def make(self, deadline_s: float, seed: int = 0) -> Policy:
        """The policy object, deterministic from ``seed``, giving each attempt ``deadline_s``."""
        if self.name == "redundant":
            return Redundant(deadline_s, k=self.redundancy, seed=seed)
        if self.name == "auction":
            return Auction(deadline_s, self.min_stake, self.collateral, self.slash_fraction, seed=seed)
        return POLICIES[self.name](deadline_s, seed=seed)
