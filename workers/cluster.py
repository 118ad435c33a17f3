"""Ray plumbing: start or join a cluster, see its nodes, place prover actors without oversubscription.

:func:`connect` starts an embedded local Ray (nothing to install beyond the
package) unless an address is given or ``RAY_ADDRESS`` is set, in which case
the same code joins that cluster. :func:`plan_placement` spreads provers over
the alive nodes; on a node with ``c`` CPUs holding ``k`` provers each actor
asks Ray for ``c/k`` CPUs and sets ``max(1, c // k)`` numba threads, so
actors x threads never exceed the node's cores while ``k <= c`` (more provers
than cores, to emulate a large scattered network on a small machine, get
one thread each and share the cores). The actors use soft node affinity,
``max_restarts`` and no task retries: hard affinity to a dead node hangs
forever; a failed call comes back to the coordinator, which reassigns the
job itself (docs/architecture.md, section "Ray on a small machine").
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from dataclasses import dataclass
from typing import Any

import ray
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from zkprove import groth16

from .actors import ProverActor, VerifierActor
from .faults import FaultSpec
from .ray_env import quiet_env
from .workload import JobCircuit

#: Faster node-failure detection than Ray's default ~14 s, for local clusters
#: (docs/architecture.md, section "Ray on a small machine").
FAST_HEALTH_CHECKS = {
    "health_check_initial_delay_ms": 1000, "health_check_period_ms": 500,
    "health_check_timeout_ms": 500, "health_check_failure_threshold": 3,
}


def connect(address: str | None = None, num_cpus: int | None = None) -> str:
    """Join the Ray at ``address`` (or ``RAY_ADDRESS``), else start an embedded one; say which, in words.

    The embedded Ray is always a new one on free ports (``address="local"``),
    even when another Ray already runs on this machine: joining a stranger's
    cluster by accident would share its cores and its trust boundary.
    """
    quiet_env()
    if ray.is_initialized():
        return f"Ray: already connected to {ray.get_runtime_context().gcs_address}"
    address = address or os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address, logging_level="WARNING", log_to_driver=False)
        return f"Ray: joined the cluster at {ray.get_runtime_context().gcs_address}"
    ray.init(address="local", num_cpus=num_cpus or os.cpu_count(), include_dashboard=False,
             logging_level="WARNING", log_to_driver=False, _system_config=FAST_HEALTH_CHECKS)
    return f"Ray: started an embedded one for this run at {ray.get_runtime_context().gcs_address}"


def alive_nodes() -> dict[str, int]:
    """``{node_id: CPUs}`` of the alive nodes that have CPUs."""
    return {n["NodeID"]: int(n["Resources"].get("CPU", 0)) for n in ray.nodes()
            if n["Alive"] and n["Resources"].get("CPU", 0) >= 1}


@dataclass(frozen=True)
class Slot:
    """Where one prover actor goes and what it gets."""

    node_id: str
    num_cpus: float
    threads: int


def plan_placement(n_provers: int, nodes: dict[str, int], exclude: tuple[str, ...] = (),
                   threads: int | None = None) -> list[Slot]:
    """``n_provers`` slots spread over ``nodes`` (round-robin, largest nodes first), sized per node.

    ``threads``, if given, fixes each prover's threads (and CPUs) instead, e.g. 1 to
    measure how throughput scales with the number of single-core provers.
    """
    usable = sorted(((cpus, node) for node, cpus in nodes.items() if node not in exclude), reverse=True)
    if not usable:
        raise RuntimeError("no alive Ray node with CPUs to place provers on")
    picks = [usable[i % len(usable)][1] for i in range(n_provers)]
    per_node = Counter(picks)
    if threads is not None:
        return [Slot(node, float(threads), threads) for node in picks]
    return [Slot(node, nodes[node] / per_node[node], max(1, nodes[node] // per_node[node])) for node in picks]


@dataclass
class ProverHandle:
    """A spawned prover: its actor handle, its fault model and stake, where it runs."""

    prover_id: str
    actor: Any
    fault: FaultSpec
    stake: float
    slot: Slot

    def stop(self) -> None:
        """Stop the prover's actor (a silent one never returns on its own)."""
        ray.kill(self.actor, no_restart=True)


def spawn_prover(prover_id: str, slot: Slot, shared: tuple[ray.ObjectRef, ray.ObjectRef], warmup: dict,
                 fault: FaultSpec, stake: float, max_restarts: int = 2) -> ProverHandle:
    """Start a prover actor on ``slot``; ``shared`` is ``(ray.put(pk), ray.put(circuit))``, passed by reference."""
    actor = ray.remote(ProverActor).options(
        num_cpus=slot.num_cpus, max_restarts=max_restarts, max_task_retries=0,
        scheduling_strategy=NodeAffinitySchedulingStrategy(slot.node_id, soft=True),
    ).remote(prover_id, list(shared), warmup, fault, slot.threads, stake)
    return ProverHandle(prover_id, actor, fault, stake, slot)


def share_keys(pk: groth16.ProvingKey, circuit: JobCircuit) -> tuple[ray.ObjectRef, ray.ObjectRef]:
    """Put the proving key and the job circuit in the object store once, for every prover.

    The key goes without the MSM bases this process may have cached on it
    (``dataclasses.replace`` drops them), so the object store holds each point
    array once; every prover prepares (validates) its own bases on first use.
    """
    return ray.put(dataclasses.replace(pk)), ray.put(circuit)


def spawn_verifier(vk: groth16.VerifyingKey) -> Any:
    """The coordinator's verifier actor, on the coordinator's node (soft), restartable.

    It asks for no CPU, so it never waits behind provers that hold them all.
    """
    here = ray.get_runtime_context().get_node_id()
    return ray.remote(VerifierActor).options(
        num_cpus=0, max_restarts=-1, max_task_retries=0,
        scheduling_strategy=NodeAffinitySchedulingStrategy(here, soft=True)).remote(vk)
