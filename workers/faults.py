"""Fault models: what a prover does wrong, decided per job attempt from a seed.

A :class:`FaultSpec` describes one prover: its kind (honest, crash,
straggler, silent, byzantine), how often the fault strikes, and the network
it sits behind. :meth:`FaultSpec.decide` turns ``(job_id, attempt)`` into a
:class:`Decision` with a random stream seeded by the spec's seed, the job and
the attempt, so a run's faults replay exactly, in any process: the Ray prover
actor applies the decision for real (``os._exit``, sleeps, tampering) and a
discrete-event simulation can apply the same decision to simulated time.

The kinds follow the failure classes that decentralized proving networks
plan for (docs/architecture.md, section "Policies and faults"; Gevulot's and
Succinct's prover networks treat a missing, late or invalid proof alike: the
job goes to someone else):

* ``crash``: the prover process dies mid-proof (Ray may restart the actor);
* ``straggler``: proving takes ``slowdown`` times as long;
* ``silent``: the prover accepts the job and never answers;
* ``byzantine``: the answer is a tampered proof, or a valid proof of another
  statement (the prover's warm-up job), both of which the L1 verifier refuses;
* network (any kind): ``latency_s`` per message plus size / ``bandwidth_bps``.

Heterogeneous hardware is not a fault but rides along in the spec: ``speed``
says how many times longer than this machine a prover takes on every job
(:func:`spread_speeds` draws them), so real and simulated runs share it too.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from enum import Enum
from random import Random

KINDS = ("honest", "crash", "straggler", "silent", "byzantine")
PROOF_BYTES = 256
"""A Groth16 proof on the wire: A and C (64 bytes each) and B (128 bytes)."""


class Fault(Enum):
    """What happens to one job attempt."""

    NONE = "none"
    CRASH = "crash"
    SILENT = "silent"
    TAMPER = "tamper"
    WRONG_STATEMENT = "wrong_statement"


@dataclass(frozen=True)
class Decision:
    """The fault (if any) striking one attempt, and the slowdown and network it runs under."""

    fault: Fault
    slowdown: float
    latency_s: float
    bandwidth_bps: float
    crash_at: float
    """For a crash: the share of the proving time after which the process dies."""

    def network_s(self, nbytes: int) -> float:
        """Seconds one message of ``nbytes`` takes on this prover's link."""
        transfer = nbytes / self.bandwidth_bps if math.isfinite(self.bandwidth_bps) else 0.0
        return self.latency_s + transfer


@dataclass(frozen=True)
class FaultSpec:
    """One prover's fault model; plain data, so it pickles and round-trips through JSON (:meth:`as_dict`)."""

    kind: str = "honest"
    rate: float = 1.0
    """Probability per attempt that a crash, silence or byzantine answer strikes."""
    slowdown: float = 1.0
    """How much slower a straggler proves (1.0: not at all)."""
    latency_s: float = 0.0
    bandwidth_bps: float = math.inf
    seed: int = 0
    speed: float = 1.0
    """Hardware: how many times longer than this machine the prover takes on every job (>= 1)."""

    def attempt_network_s(self, request_bytes: int) -> float:
        """Seconds of link time one attempt costs: its request there and its proof back. The prover
        declares it on joining, and its deadlines grow by it (docs/architecture.md, section "Deadlines")."""
        decision = Decision(Fault.NONE, 1.0, self.latency_s, self.bandwidth_bps, 0.0)
        return decision.network_s(request_bytes) + decision.network_s(PROOF_BYTES)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"fault kind {self.kind!r} is not one of {KINDS}")
        if (not 0.0 <= self.rate <= 1.0 or self.slowdown < 1.0 or self.speed < 1.0 or self.latency_s < 0
                or self.bandwidth_bps <= 0):
            raise ValueError(f"invalid fault parameters: {self}")

    @property
    def can_strike(self) -> bool:
        """Whether :meth:`decide` can return a fault at all: a crash, silence or byzantine kind at a positive
        rate (an honest prover or a straggler only ever gets :attr:`Fault.NONE`, at its fixed slowdown)."""
        return self.kind in ("crash", "silent", "byzantine") and self.rate > 0

    def decide(self, job_id: int, attempt: int) -> Decision:
        """The decision for this job attempt: a pure function of (spec, job_id, attempt)."""
        rng = Random(f"{self.seed}:{self.kind}:{job_id}:{attempt}")
        strikes = rng.random() < self.rate
        fault = Fault.NONE
        if strikes and self.kind == "crash":
            fault = Fault.CRASH
        elif strikes and self.kind == "silent":
            fault = Fault.SILENT
        elif strikes and self.kind == "byzantine":
            fault = rng.choice((Fault.TAMPER, Fault.WRONG_STATEMENT))
        slowdown = (self.slowdown if self.kind == "straggler" else 1.0) * self.speed
        return Decision(fault, slowdown, self.latency_s, self.bandwidth_bps, crash_at=rng.uniform(0.1, 0.9))

    def as_dict(self) -> dict:
        return asdict(self)


def fault_mix(
    n: int,
    seed: int,
    crash: float = 0.0,
    byzantine: float = 0.0,
    straggler: float = 0.0,
    silent: float = 0.0,
    slowdown: float = 4.0,
    rate: float = 0.5,
    latency_s: float = 0.0,
    bandwidth_bps: float = math.inf,
) -> list[FaultSpec]:
    """Specs for ``n`` provers in which the given shares are faulty, placed at random from ``seed``.

    Each share becomes ``round(share * n)`` provers, at least one when the
    share is positive (a "10% byzantine" run of 5 provers still has one).
    Crash, silence and byzantine faults strike each attempt with ``rate``;
    every prover gets the same network.
    """
    counts = {kind: max(1, round(share * n)) if share > 0 else 0
              for kind, share in (("crash", crash), ("byzantine", byzantine), ("straggler", straggler),
                                  ("silent", silent))}
    if sum(counts.values()) > n:
        raise ValueError(f"fault shares {counts} need more than {n} provers")
    kinds = [kind for kind, count in counts.items() for _ in range(count)]
    kinds += ["honest"] * (n - len(kinds))
    rng = Random(seed)
    rng.shuffle(kinds)
    return [FaultSpec(kind, rate=rate, slowdown=slowdown if kind == "straggler" else 1.0, latency_s=latency_s,
                      bandwidth_bps=bandwidth_bps, seed=rng.randrange(2**32)) for kind in kinds]


def spread_speeds(specs: list[FaultSpec], spread: float, seed: int) -> list[FaultSpec]:
    """The specs with lognormal(0, ``spread``) hardware speeds drawn from ``seed``, scaled so that
    the fastest prover is this machine (1.0): a real run can slow a prover down, not speed it up."""
    if not spread:
        return specs
    rng = Random(f"speed:{seed}")
    draws = [rng.lognormvariate(0.0, spread) for _ in specs]
    return [replace(spec, speed=draw / min(draws)) for spec, draw in zip(specs, draws)]


def spread_network(specs: list[FaultSpec], latency_spread: float, bandwidth_spread: float,
                   seed: int) -> list[FaultSpec]:
    """The specs with a per-prover network drawn from ``seed``: each prover's one-way delay is its
    ``latency_s`` times lognormal(0, ``latency_spread``), its bandwidth its ``bandwidth_bps`` times
    lognormal(0, ``bandwidth_spread``); the given figures are the fleet's medians. Measured RTTs between
    hosts on the Internet are right-skewed (a few far or badly connected hosts), which the lognormal keeps."""
    if not latency_spread and not bandwidth_spread:
        return specs
    rng = Random(f"network:{seed}")
    out = []
    for spec in specs:
        latency, bandwidth = rng.lognormvariate(0.0, latency_spread), rng.lognormvariate(0.0, bandwidth_spread)
        out.append(replace(spec, latency_s=spec.latency_s * latency,
                           bandwidth_bps=max(1.0, spec.bandwidth_bps * bandwidth)))
    return out


#: The settings ``--faults`` takes, each with its admissible range (inclusive) in words and as bounds.
MIX_RANGES = {
    "crash": (0.0, 1.0), "byzantine": (0.0, 1.0), "straggler": (0.0, 1.0), "silent": (0.0, 1.0),
    "rate": (0.0, 1.0), "slowdown": (1.0, math.inf), "latency_s": (0.0, math.inf), "bandwidth_bps": (1.0, math.inf),
}


def parse_mix(text: str) -> dict[str, float]:
    """``"crash=0.3,byzantine=0.1,straggler=0.2"`` as keyword arguments of :func:`fault_mix` ("none": {}).

    ValueError names the setting that is unknown, not a number, or out of its range (:func:`check_mix`).
    """
    if text.strip() in ("", "none"):
        return {}
    out = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in MIX_RANGES:
            raise ValueError(_unknown(name))
        try:
            out[name] = float(value)
        except ValueError:
            raise ValueError(f"fault setting {name}={value.strip()!r} is not a number") from None
    return check_mix(out)


def check_mix(mix: dict[str, float]) -> dict[str, float]:
    """``mix`` if every setting is known and within its range (shares and ``rate`` in [0, 1],
    ``slowdown`` >= 1, ``latency_s`` >= 0, ``bandwidth_bps`` >= 1); else ValueError naming it."""
    for name, number in mix.items():
        if name not in MIX_RANGES:
            raise ValueError(_unknown(name))
        low, high = MIX_RANGES[name]
        if not low <= number <= high:
            raise ValueError(f"fault setting {name}={number:g} is outside [{low:g}, {high:g}]")
    return mix


def _unknown(name: str) -> str:
    return f"unknown fault setting {name!r}: use {', '.join(MIX_RANGES)}"
