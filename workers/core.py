"""The coordinator's core: the job state machine driven by events, with no Ray in it.

The core reacts to events and answers with decisions; whoever drives it
owns time and transport. :mod:`workers.coordinator` drives it with Ray
actors and ``ray.wait(timeout=...)``; a discrete-event simulation can drive
the same object with SimPy time by passing its clock. The events:

==========================  ===============================================
``submit(job)``             a job from the sequencer (rejected: a reason)
``prover_joined/left``      permissionless membership (register/deregister)
``assign()``                ask the policy; returns the dispatches to send
``result(...)``             a prover answered; True: verify this proof
``verdict(...)``            the L1 verifier's answer on that proof
``attempt_failed(...)``     the prover died (crash, node lost)
``tick()``                  time passed: expire attempts past their deadline
``stall(grace_s)``          can anything still move? a :class:`Stall` if not
==========================  ===============================================

Every state change goes through the job store first (a
:class:`~workers.jobstore.JobStore`: the SQLite :class:`~workers.joblog.JobLog`
or the simulation's in-memory log), so a new core on the same log resumes
where a killed one stopped: attempts that were in flight are closed as
``lost`` and their jobs reassigned; verified jobs still finalize. Jobs
finalize strictly in link order: the verified job whose ``link_from`` is the
current head moves the head to its ``link_to``. For the rollup the links are
state roots (old root -> new root, the order its contract accepts batches);
jobs of a circuit without a chain of their own are linked by index.

The core also keeps the stake ledger (:mod:`workers.ledger`): a prover's
first registration deposits its stake, every slash the policy asks for is
clamped to the balance left, and the policy's reward is paid on finality.
The balances are rebuilt from the log on start, so they survive a restart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from .attempts import AttemptTable
from .joblog import ASSIGNABLE, TERMINAL, AlreadyRecorded, JobRecord, Outcome
from .jobstore import JobStore
from .ledger import Account, ledger_events, statement
from .messages import SUPERSEDED, UNSATISFIABLE
from .policies import JobView, Policy, ProverView

Referee = Callable[[JobRecord], "str | None"]
"""Given a job a prover called unprovable, the coordinator's own reason why (None: the prover lied)."""


@dataclass(frozen=True)
class Dispatch:
    """Send attempt ``attempt`` of ``job`` to ``prover_id``, due by ``deadline``."""

    job: JobRecord
    attempt: int
    prover_id: str
    deadline: float


@dataclass
class _Open:
    prover_id: str
    deadline: float
    expired: bool = False


@dataclass(frozen=True)
class Stall:
    """Why no job can move any more: each unfinished job and each registered prover, in words."""

    jobs: dict[int, str]
    provers: dict[str, str]

    def describe(self) -> str:
        jobs = "; ".join(f"job {job_id}: {why}" for job_id, why in self.jobs.items())
        provers = "; ".join(f"{prover}: {why}" for prover, why in self.provers.items()) or "none registered"
        return f"stalled: {jobs}. Provers: {provers}"


class CoordinatorCore:
    """The job log's state machine plus a policy and a clock; one instance per coordinator process.

    ``genesis_link``: the head before any job finalized (the rollup's genesis
    root); the log records it and refuses a core started with another one.
    """

    def __init__(self, log: JobStore, policy: Policy, clock: Callable[[], float], genesis_link: int,
                 referee: Referee | None = None):
        self.log, self.policy, self.clock, self.referee = log, policy, clock, referee
        self.provers: dict[str, ProverView] = {}
        self.open: AttemptTable[_Open] = AttemptTable()
        self.verifying: AttemptTable[_Open] = AttemptTable()
        self.failed_by: dict[int, set[str]] = defaultdict(set)
        recorded = log.meta("genesis_link")
        if recorded is None:
            log.set_meta("genesis_link", str(genesis_link))
        elif int(recorded) != genesis_link:
            raise ValueError("this job log belongs to a chain of jobs with another genesis link")
        finalized = log.finalized()
        self.head_link = log.job(finalized[-1][1]).link_to if finalized else genesis_link
        self.accounts = statement(ledger_events(log))
        self._resume()

    def _resume(self) -> None:
        """Close what a previous coordinator left in flight and reassign those jobs."""
        now = self.clock()
        lost = self.log.attempts(open_only=True)
        for a in lost:
            self.log.close_attempt(a.job_id, a.attempt, Outcome.LOST, now, reason="coordinator restarted")
        for job in self.log.jobs("assigned", "proved"):
            self.log.move(job.job_id, "reassigned", now, "reassigned", detail="coordinator restarted")
        if self.log.count():
            self.log.event(now, "resumed", detail=f"{len(lost)} attempts in flight were lost")
        self._finalize_ready(now)

    # membership -----------------------------------------------------------

    def prover_joined(self, prover_id: str, capacity: float = 1.0, stake: float = 0.0,
                      link_s: float = 0.0) -> str | None:
        """Register a prover; a reason if it is already registered.

        A prover new to the ledger deposits ``stake``; one the ledger knows
        (it left, or the coordinator restarted) comes back with its balance.
        ``link_s`` is its network time per attempt, added to its deadlines.
        """
        now = self.clock()
        if prover_id in self.provers:
            return self._reject(now, f"prover {prover_id} is already registered", prover=prover_id)
        if prover_id not in self.accounts:
            self._post(prover_id, "deposit", stake, now)
        balance = self.accounts[prover_id].balance
        self.provers[prover_id] = ProverView(prover_id, capacity, balance, joined_at=now, link_s=link_s)
        self.log.event(now, "prover_joined", prover=prover_id, amount=balance)
        return None

    def prover_left(self, prover_id: str, reason: str) -> None:
        """Deregister a prover (it left, or its process or node died); its open attempts are lost."""
        now = self.clock()
        if self.provers.pop(prover_id, None) is None:
            return
        self.policy.on_leave(prover_id)
        self.log.event(now, "prover_left", prover=prover_id, detail=reason)
        for key, _ in self.open.of_prover(prover_id):
            del self.open[key]
            self.log.close_attempt(*key, Outcome.LOST, now, reason=reason)
            self._settle(key[0], now)

    # jobs -----------------------------------------------------------------

    def submit(self, job: JobRecord) -> str | None:
        """Add a job to the log as pending; a reason (also logged) if it is refused."""
        now = self.clock()
        if self.log.job(job.job_id) is not None:
            return self._reject(now, f"duplicate submission: job {job.job_id} is already in the log", job.job_id)
        try:
            self.log.add_job(job, now)
        except AlreadyRecorded:
            return self._reject(now, f"duplicate submission: job {job.job_id} repeats a submitted statement",
                                job.job_id)
        return None

    def assign(self) -> list[Dispatch]:
        """Ask the policy for provers for each waiting job, oldest first, while provers are idle."""
        now = self.clock()
        out: list[Dispatch] = []
        idle: list[ProverView] | None = None
        for job_id in self.log.job_ids(*ASSIGNABLE):
            idle = self.idle_provers() if idle is None else [p for p in idle if p.busy == 0]
            if not idle:
                break
            job = self.log.job(job_id)
            view = JobView(job_id, job.size, job.attempts, frozenset(self.failed_by.get(job_id, ())))
            for a in self.policy.assign(view, idle, now):
                attempt = self.log.open_attempt(job_id, a.prover_id, now, a.deadline)
                self.open[(job_id, attempt)] = _Open(a.prover_id, a.deadline)
                self.provers[a.prover_id].busy += 1
                out.append(Dispatch(job, attempt, a.prover_id, a.deadline))
        return out

    def idle_provers(self) -> list[ProverView]:
        """Provers with no open attempt, in registration order.

        A scan of every prover; a simulation of thousands of provers overrides
        it with an index (``bench.simulate.fastcore``).
        """
        return [p for p in self.provers.values() if p.busy == 0]

    def result(self, job_id: int, attempt: int, prover_id: str, proof: dict | None, prove_s: float,
               error: str | None = None) -> bool:
        """A prover's answer. True: the caller must verify ``proof`` and report :meth:`verdict`."""
        now = self.clock()
        job = self.log.job(job_id)
        if job is None:
            self._reject(now, f"proof for unknown job {job_id}", job_id, prover_id)
            return False
        op = self.open.get((job_id, attempt))
        if op is None or op.prover_id != prover_id:
            self._reject(now, f"no open attempt {attempt} of job {job_id} for {prover_id} "
                              "(a duplicate or unsolicited result)", job_id, prover_id)
            return False
        del self.open[(job_id, attempt)]
        self._release(prover_id, now)
        if error is not None and error.startswith(SUPERSEDED):
            self.log.close_attempt(job_id, attempt, Outcome.WASTED, now, prove_s, error)
            self._settle(job_id, now)
            return False
        if error is not None:
            self._failed_to_prove(job, attempt, op, prove_s, error, now)
            return False
        if job.state in ("verified", *TERMINAL):
            self.log.close_attempt(job_id, attempt, Outcome.WASTED, now, prove_s, f"job already {job.state}")
            return False
        if job.state != "proved":
            self.log.move(job_id, "proved", now, "proved", prover_id)
        self.log.close_attempt(job_id, attempt, Outcome.PROVED, now, prove_s)
        self.verifying[(job_id, attempt)] = op
        return True

    def verdict(self, job_id: int, attempt: int, proof: dict, ok: bool, reason: str) -> None:
        """The L1 verifier's answer on a proof :meth:`result` passed on."""
        now = self.clock()
        op = self.verifying.pop((job_id, attempt))
        slashed = self.policy.on_result(job_id, op.prover_id, ok, now)
        job = self.log.job(job_id)
        if ok and job.state == "proved":
            self.log.move(job_id, "verified", now, "verified", op.prover_id, proof=proof, prover=op.prover_id,
                          verified_at=now)
            self.log.relabel_attempt(job_id, attempt, Outcome.ACCEPTED, "")
            self._finalize_ready(now)
            return
        if ok:
            self.log.relabel_attempt(job_id, attempt, Outcome.WASTED, f"job already {job.state}")
            return
        self.log.relabel_attempt(job_id, attempt, Outcome.INVALID, reason)
        self.log.event(now, "invalid_proof", job_id, op.prover_id, reason)
        self._penalize(job_id, op.prover_id, slashed, "invalid proof", now)
        self._settle(job_id, now)

    def attempt_failed(self, job_id: int, attempt: int, reason: str) -> None:
        """The prover holding this attempt died (process crash, node loss) before answering."""
        now = self.clock()
        op = self.open.pop((job_id, attempt), None)
        if op is None:
            return
        self._release(op.prover_id, now)
        self.log.close_attempt(job_id, attempt, Outcome.CRASHED, now, reason=reason)
        self.log.event(now, "crash", job_id, op.prover_id, reason)
        slashed = 0.0 if op.expired else self.policy.on_deadline(job_id, op.prover_id, now)
        self._penalize(job_id, op.prover_id, slashed, "no proof delivered", now)
        self._settle(job_id, now)

    def tick(self) -> list[tuple[int, int]]:
        """Expire the attempts whose deadline has passed; their jobs are reassigned. Returns them."""
        now = self.clock()
        expired = [(key, op) for key, op in self.open.items() if not op.expired and op.deadline <= now]
        for (job_id, attempt), op in expired:
            op.expired = True
            self.log.event(now, "deadline_missed", job_id, op.prover_id, f"attempt {attempt}")
            slashed = self.policy.on_deadline(job_id, op.prover_id, now)
            self._penalize(job_id, op.prover_id, slashed, "missed deadline", now)
            self._settle(job_id, now)
        return [key for key, _ in expired]

    def close_open_attempts(self, reason: str) -> None:
        """At the end of a run, close the attempts that never answered (e.g. expired ones) as lost."""
        now = self.clock()
        for (job_id, attempt), op in list(self.open.items()):
            del self.open[(job_id, attempt)]
            self._release(op.prover_id, now)
            self.log.close_attempt(job_id, attempt, Outcome.LOST, now, reason=reason)

    def next_deadline(self) -> float | None:
        deadlines = [op.deadline for op in self.open.values() if not op.expired]
        return min(deadlines) if deadlines else None

    def stall(self, grace_s: float) -> Stall | None:
        """A :class:`Stall` if no unfinished job can move any more, else None.

        Progress is still possible while a proof is being verified, an
        attempt is within its deadline (or expired less than ``grace_s``
        ago: a straggler may still answer), or an idle prover the policy
        would take exists while a job waits. The driver adds what only it
        knows: provers still warming up or restarting, and events to come.
        """
        now = self.clock()
        unfinished = self.log.jobs(*ASSIGNABLE, "assigned", "proved", "verified")
        if not unfinished or self.verifying:
            return None
        if any(not op.expired or now - op.deadline < grace_s for op in self.open.values()):
            return None
        provers = {}
        for prover in self.provers.values():
            why = self.policy.ineligible(prover)
            if why is None and prover.busy:
                held = [f"job {job_id} attempt {attempt}" for (job_id, attempt), op in self.open.items()
                        if op.prover_id == prover.prover_id]
                why = f"never answered {', '.join(held)}, past its deadline"
            if why is None and any(job.state in ASSIGNABLE for job in unfinished):
                return None
            provers[prover.prover_id] = why or "idle"
        jobs = {job.job_id: self._why_stuck(job) for job in unfinished}
        return Stall(jobs, provers)

    def _why_stuck(self, job: JobRecord) -> str:
        if job.state == "verified":
            head = self.log.from_link(self.head_link)
            ahead = [j.job_id for j in head if j.state not in TERMINAL]
            return (f"verified, waits behind job {ahead[0]} for in-order finality" if ahead else
                    f"verified, waits for a job from link {self.head_link:x}, which was never submitted")
        held = [f"attempt {attempt} by {op.prover_id}" for (job_id, attempt), op in self.open.items()
                if job_id == job.job_id]
        if held:
            return f"{job.state}: {', '.join(held)} never answered"
        return f"{job.state}: no registered prover may take it"

    def done(self) -> bool:
        """Every submitted job is finalized or failed."""
        return self.log.count(*ASSIGNABLE, "assigned", "proved", "verified") == 0

    # internals ------------------------------------------------------------

    def _reject(self, now: float, reason: str, job_id: int | None = None, prover: str | None = None) -> str:
        self.log.event(now, "rejected", job_id, prover, reason)
        return reason

    def _release(self, prover_id: str, now: float) -> None:
        prover = self.provers.get(prover_id)
        if prover is not None:
            prover.busy -= 1
            prover.last_done_at = now

    def _failed_to_prove(self, job: JobRecord, attempt: int, op: _Open, prove_s: float, error: str,
                         now: float) -> None:
        """The prover says it cannot prove the job; the referee decides whether the job or the prover is bad."""
        confirmed = self.referee(job) if self.referee is not None and error.startswith(UNSATISFIABLE) else None
        if confirmed is not None and job.state not in TERMINAL:
            self.log.close_attempt(job.job_id, attempt, Outcome.UNSATISFIABLE, now, prove_s, confirmed)
            self.log.move(job.job_id, "failed", now, "rejected", op.prover_id, confirmed, reason=confirmed)
            return
        self.log.close_attempt(job.job_id, attempt, Outcome.ERROR, now, prove_s, error)
        slashed = self.policy.on_result(job.job_id, op.prover_id, False, now)
        self._penalize(job.job_id, op.prover_id, slashed, f"refused a provable job: {error}", now)
        self._settle(job.job_id, now)

    def _penalize(self, job_id: int, prover_id: str, slash: float, why: str, now: float) -> None:
        """Remember that the prover failed the job, and slash what the policy asks, up to its balance."""
        self.failed_by[job_id].add(prover_id)
        amount = min(slash, self.balance(prover_id))
        if amount > 0:
            self._post(prover_id, "slash", amount, now, job_id, why)

    def balance(self, prover_id: str) -> float:
        """The prover's stake left, from the ledger (0.0 for a prover it has never seen)."""
        account = self.accounts.get(prover_id)
        return 0.0 if account is None else account.balance

    def _post(self, prover_id: str, kind: str, amount: float, now: float, job_id: int | None = None,
              why: str = "") -> None:
        """One ledger entry: logged as an event, then applied to the account and the policy's view."""
        self.log.event(now, kind, job_id, prover_id, why, amount)
        self.accounts.setdefault(prover_id, Account()).post(kind, amount)
        if prover_id in self.provers:
            self.provers[prover_id].stake = self.accounts[prover_id].balance

    def _settle(self, job_id: int, now: float) -> None:
        """After an attempt ended badly: keep waiting on the others, or put the job up again."""
        job = self.log.job(job_id)
        if job.state not in ("assigned", "proved") or self.verifying.has_job(job_id):
            return
        if any(not op.expired for op in self.open.of_job(job_id)):
            if job.state == "proved":
                self.log.move(job_id, "assigned", now)
            return
        self.log.move(job_id, "reassigned", now, "reassigned")

    def _finalize_ready(self, now: float) -> None:
        """Finalize verified jobs while one extends the head link; fail forks off finalized links."""
        while True:
            candidates = self.log.from_link(self.head_link)
            ready = [j for j in candidates if j.state == "verified"]
            if not ready:
                return
            chosen = ready[0]
            self.log.finalize(chosen.job_id, now)
            reward = self.policy.reward(chosen.job_id, chosen.prover) if chosen.prover else 0.0
            if reward > 0:
                self._post(chosen.prover, "reward", reward, now, chosen.job_id)
            for fork in candidates:
                if fork.job_id != chosen.job_id and fork.state not in TERMINAL:
                    reason = f"forked: link already finalized by job {chosen.job_id}"
                    self.log.move(fork.job_id, "failed", now, "rejected", detail=reason, reason=reason)
            self.head_link = chosen.link_to
