"""The prover cluster on several Ray nodes: proving-key distribution, and throughput across nodes.

A ``ray.cluster_utils.Cluster`` on this machine (a 2-CPU head and two
1-CPU worker nodes, each its own raylet and object store) stands in for an
operator's machines; they share this machine's two cores, so what is
measured is Ray's cost of spreading the work, not more hardware.

* ``bench_key_distribution``: the proving key goes into the head's object
  store once (``ray.put``); an actor on each of N worker nodes fetches it,
  as a ``cluster prover`` does on joining. Seconds until every node holds
  it, for N = 1 and 2, and the key's size.
* ``bench_node_efficiency``: the same jobs proved by two one-thread provers
  on the head node, then by one on each worker node (round-robin, no
  faults). Throughput on two nodes over throughput on one: Ray's object
  transfers and remote calls are all that differ.

Run: ``zkprove bench cluster`` (these steps restart Ray as a multi-node cluster).
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import ray
from ray.cluster_utils import Cluster
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from workers.cluster import FAST_HEALTH_CHECKS, quiet_env, share_keys
from workers.runner import run_scenario, warm_reference
from workers.scenario import Scenario

from .rollup_workload import rollup_workload
from .rows import Row

NODE_EFFICIENCY_TARGET = 0.85
KEY_CIRCUIT = (4, 8)
"""TransferBatch(4, 8): about 61k constraints, the key a prover downloads on joining."""


@contextmanager
def local_nodes(workers: int = 2) -> Iterator[tuple[str, list[str]]]:
    """A fresh multi-node Ray on this machine, connected: ``(head node id, [worker node ids])``."""
    quiet_env()
    if ray.is_initialized():
        ray.shutdown()
    cluster = Cluster(initialize_head=True, head_node_args={
        "num_cpus": 2, "include_dashboard": False, "_system_config": FAST_HEALTH_CHECKS})
    nodes = [cluster.add_node(num_cpus=1) for _ in range(workers)]
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, logging_level="ERROR", log_to_driver=False)
    try:
        yield cluster.head_node.node_id, [node.node_id for node in nodes]
    finally:
        ray.shutdown()
        cluster.shutdown()


class _KeyReceiver:
    """Fetches a proving key from the object store, as a joining prover's actor does."""

    def receive(self, refs: list) -> int:
        key = ray.get(refs[0])
        return sum(getattr(key, f.name).nbytes for f in dataclasses.fields(key)
                   if isinstance(getattr(key, f.name), np.ndarray))


def bench_key_distribution() -> list[Row]:
    """Seconds until 1 and 2 worker nodes hold the proving key put once on the head."""
    workload = rollup_workload(0, *KEY_CIRCUIT, accounts=16, seed=13)
    rows = []
    with local_nodes() as (_, workers):
        for n in (1, 2):
            receivers = [ray.remote(_KeyReceiver).options(
                num_cpus=0, scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False)).remote()
                for node in workers[:n]]
            ray.get([r.__ray_ready__.remote() for r in receivers])
            ref, _ = share_keys(workload.pk, workload.circuit)  # a new object: no node has it yet
            start = time.perf_counter()
            sizes = ray.get([r.receive.remote([ref]) for r in receivers])
            seconds = time.perf_counter() - start
            megabytes = sizes[0] / 1e6
            rows.append(Row(f"proving key TransferBatch{KEY_CIRCUIT} ({megabytes:.1f} MB of points) to {n} "
                            f"worker node(s)", n, seconds, "s", f"{megabytes / seconds:.0f} MB/s per node"))
            for r in receivers:
                ray.kill(r)
    return rows


def bench_node_efficiency(circuit: tuple[int, int] = KEY_CIRCUIT, jobs: int = 8) -> list[Row]:
    """Throughput of two one-thread provers on two worker nodes over two on the head, same jobs and cores."""
    workload = rollup_workload(jobs, *circuit, accounts=2 * circuit[0] + 8, seed=14)
    label = f"{jobs} x TransferBatch{circuit}"
    scenario = Scenario("nodes", "round-robin", 2, threads=1, deadline_s=1800.0)
    with local_nodes() as (head, workers):
        reference_s = warm_reference(workload)
        shared = share_keys(workload.pk, workload.circuit)
        makespans = {}
        for name, exclude in (("one node", tuple(workers)), ("two nodes", (head,))):
            with tempfile.TemporaryDirectory(prefix="zkprove-bench-") as tmp:
                result = run_scenario(scenario, workload, Path(tmp) / "log.sqlite", reference_s, shared,
                                      exclude_nodes=exclude)
            makespans[name] = result.metrics.makespan_s
    efficiency = makespans["one node"] / makespans["two nodes"]
    return [Row(f"2 provers x 1 thread on 2 worker nodes vs on 1, {label}", workload.circuit.n_constraints,
                efficiency, "throughput ratio", f"one node: {makespans['one node']:.1f} s",
                seconds=makespans["two nodes"], target=f">= {NODE_EFFICIENCY_TARGET}",
                met=efficiency >= NODE_EFFICIENCY_TARGET)]
