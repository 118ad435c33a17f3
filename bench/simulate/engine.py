"""The discrete-event simulation: the real coordinator core, policies and faults, on SimPy time.

:class:`Simulation` plays the part :class:`workers.coordinator.RayCoordinator`
plays in a real run, with the same :class:`~workers.core.CoordinatorCore`,
the same :mod:`workers.policies` object, the same
:meth:`~workers.faults.FaultSpec.decide` per attempt and the same job log
schema; the clock it hands the core is ``env.now``. Only the provers and the
verifier are modelled, as the real actors behave:

* jobs arrive from the scenario's ``warm_s`` on, every ``interval_s`` seconds, or (``arrivals="poisson"``) as a
  Poisson process of that mean gap;
* a prover joins once it has downloaded the proving key over its link
  (``ProofTimes.key_bytes``, the measured size; once, a restart keeps it) and
  its warm-up proof is done (``startup_s`` + download + one proof);
* an attempt costs the request's network time, then a proving time drawn
  from the measured :class:`~bench.simulate.timing.ProofTimes` times the
  prover's speed factor and the fault's slowdown, then the proof's network
  time; a byzantine attempt returns a proof the verifier rejects;
* the scenario's outage takes down its first ``outage_provers`` provers
  together (a region or a cloud: correlated, not independent, failures) and
  brings them back at its end;
* regional outages (the scenario's ``outages_per_min`` and ``outage_len_s``):
  prover i sits in region i mod ``regions``; each region stays up for an
  exponential time of mean 60 / ``outages_per_min`` seconds, then all its
  provers leave together for ``outage_len_s`` and come back, until every job
  is settled; a prover that would join while its region is down joins when
  it comes back (a centralized prover is one region);
* churn (``churn_up_s`` > 0): each prover stays up for an exponential time of
  that mean, leaves (its attempt is lost), and comes back after an
  exponential time of mean ``churn_down_s``, until every job is settled;
* a crash strikes after ``crash_at`` of a warm proof: the attempt fails, the
  prover leaves, and Ray restarts it (up to ``max_restarts``) after
  ``startup_s`` plus a warm-up proof; a silent attempt never answers;
* one verifier takes the proofs that arrived while it was busy as one batch
  (``verify_fixed_s + n * verify_per_proof_s``), as the coordinator does, and
  pays for the same halving checks when a false proof is among them.

Everything is seeded: the same scenario and model give the same log.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from random import Random

import simpy

from workers.core import CoordinatorCore, Dispatch
from workers.faults import PROOF_BYTES, Decision, Fault, FaultSpec
from workers.joblog import ASSIGNABLE, JobLog, JobRecord
from workers.metrics import RunMetrics, measure
from workers.scenario import Scenario
from zkprove.l1.batch import find_failing

from .fastcore import IndexedCore
from .memlog import MemoryJobLog
from .timing import ProofTimes

GENESIS_LINK = 1
ARRIVALS = ("fixed", "poisson")
_INVALID = {Fault.TAMPER: "tampered proof (simulated)", Fault.WRONG_STATEMENT: "proof of another statement (simulated)"}


@dataclass
class SimProver:
    """A simulated prover: its fault spec, speed factor (1.0: as measured), warm-up proof and restarts left."""

    prover_id: str
    fault: FaultSpec
    speed: float
    warmup_s: float
    stake: float
    restarts_left: int
    epoch: int = 0
    """Bumped when the prover leaves: answers from before that never arrive (the process is gone)."""
    steady: Decision | None = None
    """The decision of every attempt when the fault spec cannot strike (:attr:`FaultSpec.can_strike`):
    no fault, its fixed slowdown and network, so :meth:`FaultSpec.decide` is asked only where it can differ."""

    def __post_init__(self) -> None:
        if not self.fault.can_strike:
            self.steady = self.fault.decide(0, 0)

    def decide(self, job_id: int, attempt: int) -> Decision:
        """What the fault spec does to this attempt."""
        return self.steady or self.fault.decide(job_id, attempt)


def sim_jobs(n: int, batch_size: int) -> list[JobRecord]:
    """``n`` chained jobs of size ``batch_size``: job i links i+1 to i+2 (its public input is i)."""
    return list(_jobs(n, batch_size))


def _jobs(n: int, batch_size: int) -> Iterator[JobRecord]:
    """The jobs of :func:`sim_jobs` one at a time (a run of 1,000,000 jobs never holds them all twice)."""
    for i in range(n):
        yield JobRecord(i, (i,), GENESIS_LINK + i, GENESIS_LINK + i + 1, batch_size, {})


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a run.

    A run allocates millions of records and events that live until it ends,
    so every collection walks all of them again for nothing: measured on this
    machine, ~25% of a 10,000-prover x 100,000-job run. The run builds no
    garbage cycles per event (reference counting frees what it drops), so
    memory does not grow for the pause; the collector resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Simulation:
    """One scenario on SimPy time; :meth:`run` returns the metrics of its job log."""

    def __init__(self, scenario: Scenario, times: ProofTimes, exact: bool = False, speedup: float = 1.0,
                 startup_s: float = 0.0, verify_scale: float = 1.0, join_s: float | None = None,
                 arrivals: str = "fixed", outage_provers: int = 1, churn_up_s: float = 0.0,
                 churn_down_s: float = 0.0):
        """``exact``: the unmodified core on a SQLite job log in memory (slow), else :class:`IndexedCore`
        on a :class:`MemoryJobLog`; ``speedup`` divides every proving time (a faster machine);
        ``startup_s`` delays every join; ``verify_scale`` multiplies the verifier's time (1.0: this
        machine's py_ecc verifier, 0.0: free); ``join_s``: every prover first registers at this time
        (None: after ``startup_s`` and its warm-up proof); ``arrivals``: ``fixed`` gaps of the scenario's
        ``interval_s`` or ``poisson`` (exponential gaps of that mean, seeded); ``outage_provers``: how many
        provers the scenario's outage takes down together; ``churn_up_s``, ``churn_down_s``: mean seconds
        a prover stays, and stays away, under churn (0: no churn)."""
        if churn_up_s < 0 or churn_down_s < 0:
            raise ValueError(f"churn_up_s={churn_up_s:g} and churn_down_s={churn_down_s:g} must be >= 0")
        if not 1 <= outage_provers <= scenario.actors:
            raise ValueError(f"outage_provers={outage_provers} must be between 1 and the {scenario.actors} prover(s)")
        if arrivals not in ARRIVALS:
            raise ValueError(f"unknown arrivals {arrivals!r}: use one of {', '.join(ARRIVALS)}")
        self.scenario, self.times, self.startup_s, self.verify_scale = scenario, times, startup_s, verify_scale
        self.join_s, self.arrivals, self.outage_provers = join_s, arrivals, outage_provers
        self.churn_up_s, self.churn_down_s = churn_up_s, churn_down_s
        self.churn_rng = Random(f"churn:{scenario.seed}")
        self.region_rng = Random(f"regions:{scenario.seed}")
        self.down: set[str] = set()
        """Provers whose region is down now."""
        self.held: set[str] = set()
        """Provers of a downed region to bring back when it comes up (registered, or due to join, meanwhile)."""
        self.arrival_rng = Random(f"arrivals:{scenario.seed}")
        self.env = simpy.Environment()
        self.log = JobLog(":memory:") if exact else MemoryJobLog()
        self.rng = Random(f"sim:{scenario.seed}")
        self.provers = self._provers(speedup)
        slowest = max(p.speed * p.fault.speed for p in self.provers.values())
        self.deadline_s = scenario.deadline(times.median_s * slowest)
        """The one deadline rule on the slowest prover's median proof (its speed factor includes ``speedup``)."""
        core = CoordinatorCore if exact else IndexedCore
        self.core = core(self.log, scenario.make_policy(self.deadline_s), lambda: self.env.now, GENESIS_LINK)
        self.queue: list[tuple[int, int, str | None]] = []
        self.wake = self.env.event()
        self.dispatch_pending = False

    def _provers(self, speedup: float) -> dict[str, SimProver]:
        """The provers; the centralized one has the speed of all ``provers`` (hardware spread is in the fault specs)."""
        sc = self.scenario
        rng = Random(f"speed:{sc.seed}")
        speed = (1.0 / sc.provers if sc.centralized else 1.0) / speedup
        return {f"p{i}": SimProver(f"p{i}", fault, speed, self.times.sample(rng) * speed * fault.speed, sc.stake,
                                   sc.max_restarts)
                for i, fault in enumerate(sc.fault_specs())}

    # driving ----------------------------------------------------------------

    def run(self, until: float | None = None) -> RunMetrics:
        """Simulate until every job is final (or ``until``) and measure the log."""
        for prover in self.provers.values():
            first = self.join_s
            if first is None:
                first = self.startup_s + self._key_s(prover) + prover.warmup_s
            self._after(first, self._join, prover)
            if self.churn_up_s:
                self._after(first + self.churn_rng.expovariate(1.0 / self.churn_up_s), self._churn_leaves, prover)
        if self.scenario.outage is not None:
            start, end = self.scenario.outage
            self._after(start, self._outage_begins)
            for prover in self._outage_group():
                self._after(end, self._join, prover)
        if self.scenario.outages_per_min and self.scenario.outage_len_s:
            for region in range(min(self.scenario.regions, len(self.provers))):
                self._after(self._region_up_s(), self._region_down, region)
        self.env.process(self._arrivals())
        self.env.process(self._verifier())
        with _collector_paused():
            self.env.run(until=until)
            return measure(self.log)

    def _key_s(self, prover: SimProver) -> float:
        """Seconds the proving key's download takes on the prover's link (latency + size / bandwidth)."""
        spec = prover.fault
        if not self.times.key_bytes:
            return 0.0
        transfer = self.times.key_bytes / spec.bandwidth_bps if math.isfinite(spec.bandwidth_bps) else 0.0
        return spec.latency_s + transfer

    def _after(self, delay: float, action: Callable[..., None], *args: object) -> None:
        """Call ``action(*args)`` ``delay`` seconds from now (a SimPy timeout with a callback)."""
        self.env.timeout(max(0.0, delay)).callbacks.append(lambda _: action(*args))

    def _kick(self) -> None:
        """Ask the core for dispatches once all events of this instant are handled (as one loop turn)."""
        if not self.dispatch_pending:
            self.dispatch_pending = True
            self._after(0.0, self._dispatch)

    def _arrivals(self):
        if self.scenario.warm_s:
            yield self.env.timeout(self.scenario.warm_s)
        for job in _jobs(self.scenario.jobs, self.scenario.batch_size):
            self.core.submit(job)
            self._kick()
            gap = self.scenario.interval_s
            if gap and self.arrivals == "poisson":
                gap = self.arrival_rng.expovariate(1.0 / gap)
            if gap:
                yield self.env.timeout(gap)
        yield self.env.timeout(0)

    def _verifier(self):
        while True:
            if not self.queue:
                yield self.wake
                self.wake = self.env.event()
                continue
            batch, self.queue = self.queue, []
            yield self.env.timeout(self.verify_scale * self._verify_s([invalid for _, _, invalid in batch]))
            for job_id, attempt, invalid in batch:
                self.core.verdict(job_id, attempt, {}, invalid is None, invalid or "valid")
            self._kick()

    def _verify_s(self, invalid: list[str | None]) -> float:
        """What the real verifier spends on this batch: one proof alone, or one batch check plus,
        if a proof is false, the halving checks of :func:`zkprove.l1.batch.find_failing`."""
        if len(invalid) == 1:
            return self.times.verify_s(1)
        spent = [self.times.verify_s(len(invalid))]

        def holds(subset: Sequence[int]) -> bool:
            spent.append(self.times.verify_s(len(subset)))
            return not any(invalid[i] for i in subset)

        if any(invalid):
            find_failing(range(len(invalid)), holds)
        return sum(spent)

    # provers ------------------------------------------------------------------

    def _join(self, prover: SimProver) -> None:
        if prover.prover_id in self.down:
            self.held.add(prover.prover_id)
        elif prover.prover_id not in self.core.provers:
            self.core.prover_joined(prover.prover_id, 1.0 / prover.warmup_s, prover.stake,
                                    prover.fault.attempt_network_s(self.times.request_bytes))
            self._kick()

    def _settled(self) -> bool:
        return self.log.count("finalized", "failed") == self.scenario.jobs

    def _churn_leaves(self, prover: SimProver) -> None:
        if self._settled():
            return
        if prover.prover_id in self.core.provers:
            self._leave(prover, "churn")
            self._kick()
        away = self.churn_rng.expovariate(1.0 / self.churn_down_s) if self.churn_down_s else 0.0
        self._after(away, self._churn_returns, prover)

    def _churn_returns(self, prover: SimProver) -> None:
        if self._settled():
            return
        self._join(prover)
        self._after(self.churn_rng.expovariate(1.0 / self.churn_up_s), self._churn_leaves, prover)

    def _region_up_s(self) -> float:
        return self.region_rng.expovariate(self.scenario.outages_per_min / 60.0)

    def _region(self, region: int) -> list[SimProver]:
        return list(self.provers.values())[region :: min(self.scenario.regions, len(self.provers))]

    def _region_down(self, region: int) -> None:
        if self._settled():
            return
        for prover in self._region(region):
            self.down.add(prover.prover_id)
            if prover.prover_id in self.core.provers:
                self.held.add(prover.prover_id)
                self._leave(prover, "region outage")
        self._kick()
        self._after(self.scenario.outage_len_s, self._region_up, region)

    def _region_up(self, region: int) -> None:
        for prover in self._region(region):
            self.down.discard(prover.prover_id)
            if prover.prover_id in self.held:
                self.held.discard(prover.prover_id)
                self._join(prover)
        self._after(self._region_up_s(), self._region_down, region)

    def _outage_group(self) -> list[SimProver]:
        return list(self.provers.values())[: self.outage_provers]

    def _outage_begins(self) -> None:
        for prover in self._outage_group():
            self._leave(prover, "outage")
        self._kick()

    def _leave(self, prover: SimProver, reason: str) -> None:
        prover.epoch += 1
        self.core.prover_left(prover.prover_id, reason)

    def _dispatch(self) -> None:
        """Send what the core assigns; the attempts of one round that share a deadline share one timer.

        No job waiting, no round (the core would assign nothing: an open race's losers answer into this).
        One timer per deadline instead of per attempt is the same run: the core's :meth:`tick` at the
        first of those deadlines expires every attempt due by then, so the later timers of the round could
        only find their attempt expired or closed; the shared timer sits where the first one would."""
        self.dispatch_pending = False
        if not self.log.count(*ASSIGNABLE):
            return
        due: dict[float, list[tuple[int, int]]] = {}
        for d in self.core.assign():
            if d.deadline not in due:
                due[d.deadline] = []
                self._after(d.deadline - self.env.now, self._deadline, due[d.deadline])
            due[d.deadline].append((d.job.job_id, d.attempt))
            self._attempt(d)

    def _attempt(self, d: Dispatch) -> None:
        prover = self.provers[d.prover_id]
        decision = prover.decide(d.job.job_id, d.attempt)
        request_s, proof_s = self._attempt_network_s(prover, decision)
        if decision.fault is Fault.SILENT:
            return
        if decision.fault is Fault.CRASH:
            self._after(request_s + decision.crash_at * prover.warmup_s, self._crash, d, prover, prover.epoch)
            return
        prove_s = self.times.sample(self.rng) * prover.speed * decision.slowdown + proof_s
        self._after(request_s + prove_s, self._answer, d, prover, prover.epoch, prove_s, _INVALID.get(decision.fault))

    def _attempt_network_s(self, prover: SimProver, decision: Decision) -> tuple[float, float]:
        """Seconds one attempt spends on the wire: the request to the prover, and its proof back (the
        prover's link: delay plus transfer; a subclass may draw them from measured times)."""
        return decision.network_s(self.times.request_bytes), decision.network_s(PROOF_BYTES)

    def _answer(self, d: Dispatch, prover: SimProver, epoch: int, prove_s: float, invalid: str | None) -> None:
        if epoch != prover.epoch:
            return
        if self.core.result(d.job.job_id, d.attempt, d.prover_id, {}, prove_s):
            self.queue.append((d.job.job_id, d.attempt, invalid))
            if not self.wake.triggered:
                self.wake.succeed()
        self._kick_last()

    def _kick_last(self) -> None:
        """:meth:`_kick` from the last step of an event: when no other event is due at this instant, the
        dispatch the kick would schedule is the very next step, so it runs now, one SimPy event fewer
        per answer with the same order of everything."""
        if self.dispatch_pending or self.env.peek() <= self.env.now:
            self._kick()
        else:
            self._dispatch()

    def _crash(self, d: Dispatch, prover: SimProver, epoch: int) -> None:
        if epoch != prover.epoch:
            return
        self.core.attempt_failed(d.job.job_id, d.attempt, "prover died: RayActorError (simulated)")
        self._leave(prover, "crashed")
        if prover.restarts_left != 0:
            prover.restarts_left -= prover.restarts_left > 0
            self._after(self.startup_s + prover.warmup_s, self._join, prover)
        self._kick()

    def _deadline(self, attempts: list[tuple[int, int]]) -> None:
        """The deadline of ``attempts`` passed: if one is still open and unexpired, the core expires it."""
        for key in attempts:
            opened = self.core.open.get(key)
            if opened is not None and not opened.expired:
                self.core.tick()
                self._kick()
                return


def simulate(scenario: Scenario, times: ProofTimes, **kwargs: float) -> RunMetrics:
    """Run ``scenario`` in simulation (see :class:`Simulation`) and return its metrics."""
    return Simulation(scenario, times, **kwargs).run()

