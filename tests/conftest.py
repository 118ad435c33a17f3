"""Fixtures shared by the test modules; plain helper functions live in the ``helpers`` package.

* ``small_ptau``: a phase-2-ready 2^8 powers of tau made by snarkjs, once per
  session (tests that use it carry ``node_marks("snarkjs")``, so they skip
  before it is made when node is absent);
* ``ray_cluster``: one local multi-node Ray for the cluster tests, started once
  per module, not per test
  (docs/architecture.md, section "Ray on a small machine"):
  a ``ray.cluster_utils.Cluster`` with a 2-CPU head; the node-failure test
  adds a node and removes it. Fast health checks make a removed node dead in
  about a second instead of fourteen;
* the session's own ``$ZKPROVE_CACHE`` (the user secret of the proving-key
  sidecars, :mod:`zkprove.formats.key_check`), so tests never write in the
  home folder.
"""

import os
from pathlib import Path

import pytest
from helpers.node import make_small_ptau

#: CPUs of the Ray head node of ``ray_cluster``.
RAY_HEAD_CPUS = 2


@pytest.fixture(scope="session", autouse=True)
def _own_zkprove_cache(tmp_path_factory):
    os.environ["ZKPROVE_CACHE"] = str(tmp_path_factory.mktemp("zkprove-cache"))


@pytest.fixture(scope="session")
def small_ptau(tmp_path_factory) -> Path:
    return make_small_ptau(tmp_path_factory.mktemp("ptau"))


@pytest.fixture(scope="module")
def ray_cluster():
    import ray
    from ray.cluster_utils import Cluster

    from workers.cluster import FAST_HEALTH_CHECKS, quiet_env

    quiet_env()
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    cluster = Cluster(initialize_head=True, head_node_args={
        "num_cpus": RAY_HEAD_CPUS, "include_dashboard": False, "_system_config": FAST_HEALTH_CHECKS})
    ray.init(address=cluster.address, logging_level="WARNING", log_to_driver=False)
    yield cluster
    ray.shutdown()
    cluster.shutdown()
