"""The Ray actors: a prover with its fault model, and the coordinator's L1 verifier.

A :class:`ProverActor` receives the proving key and the job circuit
(:class:`~workers.workload.JobCircuit`) once,
as object-store refs resolved at construction (never per job), sets its
numba thread count explicitly (numba ignores the ``OMP_NUM_THREADS`` Ray sets,
docs/architecture.md, section "Ray on a small machine"), proves its warm-up job in ``__init__`` (so a restarted
actor warms again and reports a fresh capacity), then proves jobs; the
warm-up and every job run at the spec's hardware ``speed``. Its
:class:`~workers.faults.FaultSpec` decides per attempt what goes wrong, and
the actor makes it real: ``os._exit`` for a crash, sleeping past any
deadline for silence, sleeping in proportion for a straggler, a negated
``A`` (tampered) or the warm-up statement's proof (wrong statement) for a
byzantine answer, and sleeps for link latency and bandwidth.

The messages are :mod:`workers.messages`; PROTOCOL.md describes them.
"""

from __future__ import annotations

import os
import pickle
import threading
import time
from functools import partial
from typing import Any

import numba
import ray

from zkprove import groth16
from zkprove.timing import warm_then_time
from zkprove.groth16.data import Proof, VerifyingKey
from zkprove.l1 import verify, verify_batch
from zkprove.l1.arithmetic import warm_up
from zkprove.l1.verifier import VALID, key_error
from zkprove.l1.curve import P

from .faults import PROOF_BYTES, Fault, FaultSpec
from .messages import (
    UNSATISFIABLE,
    Capacity,
    ProveRequest,
    ProveResult,
    proof_from_dict,
    proof_to_dict,
)

SHARED_TIMEOUT_S = 120.0
"""How long a starting prover waits for the proving key and constraint system from the object store."""


class ProverActor:
    """One prover of the cluster (wrap with ``ray.remote``; see :func:`workers.cluster.spawn_prover`).

    ``shared`` is ``[ref to the proving key, ref to the job circuit]``,
    nested in a list so Ray hands over the refs (borrowed, kept alive by the
    driver) rather than resolving them into constructor arguments.
    """

    def __init__(self, prover_id: str, shared: list[ray.ObjectRef], warmup: dict[str, Any], fault: FaultSpec,
                 threads: int, stake: float):
        numba.set_num_threads(threads)
        pk, circuit = ray.get(shared, timeout=SHARED_TIMEOUT_S)
        self.prover_id, self.pk, self.circuit, self.fault, self.threads, self.stake = (
            prover_id, pk, circuit, fault, threads, stake)
        self.warm_witness = circuit.witness(warmup)
        self.link_s = fault.attempt_network_s(len(pickle.dumps(warmup)))
        _, (elapsed,) = warm_then_time(partial(groth16.prove, pk), self.warm_witness, [self.warm_witness])
        time.sleep((fault.speed - 1.0) * elapsed)
        self.warm_prove_s = fault.speed * elapsed

    def key_fingerprint(self) -> str:
        """The fingerprint of the proving key this prover holds (:func:`zkprove.groth16.key_fingerprint`)."""
        return groth16.key_fingerprint(self.pk)

    def capacity(self) -> Capacity:
        """What this prover offers: threads, warm proving time, stake, the node it runs on, and its
        emulated link's time per attempt (a job's inputs are about the warm-up's size)."""
        node = ray.get_runtime_context().get_node_id()
        return Capacity(self.prover_id, self.threads, self.warm_prove_s, self.stake, node, self.link_s)

    def prove(self, request: ProveRequest) -> ProveResult:
        """Prove one job attempt, misbehaving as the fault spec decides for this attempt."""
        decision = self.fault.decide(request.job_id, request.attempt)
        time.sleep(decision.network_s(len(pickle.dumps(request.inputs))))
        if decision.fault is Fault.SILENT:
            threading.Event().wait()
        start = time.perf_counter()
        if decision.fault is Fault.CRASH:
            time.sleep(decision.crash_at * self.warm_prove_s)
            os._exit(1)
        try:
            witness = self.circuit.witness(request.inputs)
        except ValueError as error:
            return self._answer(request, None, start, f"{UNSATISFIABLE}: {error}", decision.fault)
        if decision.fault is Fault.WRONG_STATEMENT:
            witness = self.warm_witness
        proof = groth16.prove(self.pk, witness)
        if decision.fault is Fault.TAMPER:
            proof = Proof(a=(proof.a[0], (P - proof.a[1]) % P), b=proof.b, c=proof.c)
        time.sleep((decision.slowdown - 1.0) * (time.perf_counter() - start))
        time.sleep(decision.network_s(PROOF_BYTES))
        return self._answer(request, proof_to_dict(proof), start, None, decision.fault)

    def _answer(self, request: ProveRequest, proof: dict | None, start: float, error: str | None,
                fault: Fault) -> ProveResult:
        return ProveResult(request.job_id, request.attempt, self.prover_id, proof, time.perf_counter() - start,
                           error, fault.value)


class VerifierActor:
    """The coordinator's L1 verifier, off the coordinator's event loop: many proofs, one pairing check."""

    def __init__(self, vk: VerifyingKey):
        """Check the key once and load the pairing kernels, before any proof arrives (the key's G2
        subgroup checks and the JIT or cache load are the slow part of a first verification;
        :func:`zkprove.l1.verifier.key_error` remembers its answer)."""
        problem = key_error(vk)
        if problem is not None:
            raise ValueError(problem)
        warm_up()
        self.vk = vk

    def verify(self, proofs: list[dict], public_inputs: list[list[int]]) -> list[tuple[bool, str]]:
        """(ok, reason) per proof, as :func:`zkprove.l1.verify` decides; batched when there are several."""
        decoded = [proof_from_dict(p) for p in proofs]
        if len(decoded) == 1:
            report = verify(self.vk, public_inputs[0], decoded[0])
            return [(report.ok, report.reason)]
        return [(reason == VALID, reason) for reason in verify_batch(self.vk, decoded, public_inputs).reasons]
