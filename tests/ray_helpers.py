"""One local multi-node Ray for the cluster tests, started once, not per test
(docs/architecture.md, section "Ray on a small machine").

A ``ray.cluster_utils.Cluster`` with a 2-CPU head; the node-failure test adds
a node and removes it. Fast health checks make a removed node dead in about
a second instead of fourteen.
"""

import os

import ray
from ray.cluster_utils import Cluster

from workers.cluster import FAST_HEALTH_CHECKS, quiet_env

HEAD_CPUS = 2


def start_cluster() -> Cluster:
    """Start the head and connect this process to it."""
    quiet_env()
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    cluster = Cluster(initialize_head=True, head_node_args={
        "num_cpus": HEAD_CPUS, "include_dashboard": False, "_system_config": FAST_HEALTH_CHECKS})
    ray.init(address=cluster.address, logging_level="WARNING", log_to_driver=False)
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    ray.shutdown()
    cluster.shutdown()
