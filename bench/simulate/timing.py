"""Proof-time distributions measured on this machine: what the simulation's provers take to prove.

A :class:`ProofTimes` holds warm timings of the real prover path (witness
solve + :func:`zkprove.groth16.prove`) of one ``TransferBatch`` size at one
numba thread count, the L1 verifier's time for a batch of proofs, and the
size of a job's request on the wire. The simulation draws proving times from
a lognormal fitted to the samples (proving time is a product of many small
effects, and its right tail matters for P99), so a model measured once can
drive any number of simulated provers. :class:`TimingModel` groups the sizes
and thread counts of one machine and round-trips through JSON, stored with
the results it produced.
"""

from __future__ import annotations

import json
import math
import pickle
import statistics
import time
from dataclasses import asdict, dataclass, field
from functools import cached_property
from os import PathLike
from pathlib import Path
from random import Random

from bench.rows import machine

DISTRIBUTIONS = ("lognormal", "exponential")


@dataclass(frozen=True)
class ProofTimes:
    """Timings of one circuit size at one thread count; seconds."""

    batch_size: int
    threads: int
    constraints: int
    prove_s: tuple[float, ...]
    """Warm samples of solve + prove, as a prover actor times them."""
    verify_fixed_s: float
    verify_per_proof_s: float
    """The L1 verifier on a batch of n proofs takes ``verify_fixed_s + n * verify_per_proof_s``."""
    request_bytes: int
    key_bytes: int = 0
    """The proving key's size as a prover downloads it on join (pickled, as Ray ships it); 0: not measured."""
    distribution: str = "lognormal"
    """How a proving time is drawn: ``lognormal`` fitted to ``prove_s`` (the model of measured times), or
    ``exponential`` of their mean (memoryless service, to check the simulation against M/M/c queues)."""

    def __post_init__(self) -> None:
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(f"unknown proof-time distribution {self.distribution!r}: use one of "
                             f"{', '.join(DISTRIBUTIONS)}")
        if not self.prove_s or min(self.prove_s) <= 0:
            raise ValueError("proof times need at least one sample, all positive")

    @cached_property
    def mean_s(self) -> float:
        return statistics.fmean(self.prove_s)

    @cached_property
    def mu(self) -> float:
        return statistics.fmean(math.log(s) for s in self.prove_s)

    @cached_property
    def sigma(self) -> float:
        return statistics.pstdev(math.log(s) for s in self.prove_s) if len(self.prove_s) > 1 else 0.0

    @property
    def median_s(self) -> float:
        return self.mean_s * math.log(2) if self.distribution == "exponential" else math.exp(self.mu)

    def sample(self, rng: Random) -> float:
        """One proving time from the fitted lognormal (or the exponential of the samples' mean)."""
        if self.distribution == "exponential":
            return rng.expovariate(1.0 / self.mean_s)
        return rng.lognormvariate(self.mu, self.sigma)

    def verify_s(self, n: int) -> float:
        return self.verify_fixed_s + n * self.verify_per_proof_s


@dataclass(frozen=True)
class TimingModel:
    """The measured :class:`ProofTimes` of one machine, by (batch size, threads)."""

    times: tuple[ProofTimes, ...]
    machine: dict = field(default_factory=dict)

    def get(self, batch_size: int, threads: int | None = None) -> ProofTimes:
        """The timings of ``batch_size`` at ``threads`` (None: the most threads measured)."""
        fits = [t for t in self.times if t.batch_size == batch_size and threads in (None, t.threads)]
        if not fits:
            raise KeyError(f"no measured proof times for batch size {batch_size} at {threads} threads; "
                           f"have {[(t.batch_size, t.threads) for t in self.times]}")
        return max(fits, key=lambda t: t.threads)

    def as_dict(self) -> dict:
        return {"machine": self.machine, "times": [asdict(t) for t in self.times]}

    def save(self, path: str | PathLike) -> None:
        Path(path).write_text(json.dumps(self.as_dict(), indent=1))

    @classmethod
    def from_dict(cls, data: dict) -> TimingModel:
        return cls(tuple(ProofTimes(**{**t, "prove_s": tuple(t["prove_s"])}) for t in data["times"]),
                   data.get("machine", {}))

    @classmethod
    def load(cls, path: str | PathLike) -> TimingModel:
        return cls.from_dict(json.loads(Path(path).read_text()))


def measure_times(batch_sizes: tuple[int, ...] = (1,), threads: tuple[int, ...] = (1, 2), samples: int = 10,
                  verify_batch: int = 4, seed: int = 0) -> TimingModel:
    """Time the real prover and verifier on ``TransferBatch`` jobs of each size, at each thread count."""
    import numba

    from bench.rollup_workload import rollup_workload
    from zkprove import groth16
    from zkprove.timing import warm_then_time

    found = []
    for size in batch_sizes:
        workload = rollup_workload(samples, batch_size=size, seed=seed)
        jobs = workload.jobs
        for n_threads in threads:
            numba.set_num_threads(n_threads)
            proofs, prove_s = warm_then_time(lambda payload: groth16.prove(workload.pk, workload.circuit.witness(payload)),
                                             workload.warmup_payload, [jobs[i % len(jobs)].payload for i in range(samples)])
            inputs = [list(jobs[i % len(jobs)].public_inputs) for i in range(samples)]
            one, per_proof = _verifier_cost(workload.vk, proofs, inputs, verify_batch)
            found.append(ProofTimes(size, n_threads, workload.circuit.n_constraints, tuple(prove_s),
                                    max(0.0, one - per_proof), per_proof, len(pickle.dumps(jobs[0].payload)),
                                    len(pickle.dumps(workload.pk))))
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    measured = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return TimingModel(tuple(found), {**machine(), "measured_at": measured, "verifier": "zkprove.l1, native"})


def _verifier_cost(vk, proofs: list, inputs: list, batch: int) -> tuple[float, float]:
    """(one verify, the extra cost of each further proof in a batch) of the L1 verifier, warm, in seconds.

    Verified as the cluster's verifier actor does: after a warm-up batch (JIT
    or cache load), each statement fresh; the single verify is the best of
    ``batch`` of them. ``proofs[i]`` proves ``inputs[i]``.
    """
    from zkprove.l1 import verify
    from zkprove.l1 import verify_batch as verify_many

    if len(proofs) < 2 * batch + 2:
        raise ValueError(f"timing the verifier needs {2 * batch + 2} proofs, got {len(proofs)}")
    assert verify_many(vk, proofs[2 * batch :], inputs[2 * batch :]).ok, "warm-up batch refused"
    one = float("inf")
    for proof, public in zip(proofs[:batch], inputs[:batch]):
        start = time.perf_counter()
        assert verify(vk, public, proof).ok
        one = min(one, time.perf_counter() - start)
    start = time.perf_counter()
    assert verify_many(vk, proofs[batch : 2 * batch], inputs[batch : 2 * batch]).ok
    many = time.perf_counter() - start
    return one, max(0.0, (many - one) / (batch - 1))
