"""The environment every zkprove process sets before it starts or joins a Ray cluster.

Kept apart from :mod:`workers.cluster` so that light clients (``cluster
submit``, ``cluster status``) can use it without importing the prover
actors and numba.
"""

from __future__ import annotations

import os
from pathlib import Path

RAY_TOKEN_FILE = Path.home() / ".ray" / "auth_token"
"""Where Ray keeps the token of the clusters it starts locally (Ray's token authentication)."""


def quiet_env() -> None:
    """No usage stats, no loopback address rewriting, and Ray's token authentication when a token is at hand.

    Since Ray 2.5x a local ``ray.init()`` starts its cluster with token
    authentication on and keeps the token in ``~/.ray/auth_token``, but
    ``ray.init(address=...)`` in another process does not turn token mode on
    by itself, so the cluster refuses it ("InvalidAuthToken"): a prover or a
    client joining the embedded Ray of ``cluster serve`` failed that way. With
    a token in ``RAY_AUTH_TOKEN``, ``RAY_AUTH_TOKEN_PATH`` or the default file,
    token mode is turned on; a cluster without authentication still accepts
    such a process. An explicit ``RAY_AUTH_MODE`` is left as it is. Ray reads
    its configuration once, when it is imported, so the mode is also pushed
    into the configuration already loaded (as Ray's own local start does).
    """
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    token_file = Path(os.environ.get("RAY_AUTH_TOKEN_PATH", RAY_TOKEN_FILE))
    if "RAY_AUTH_MODE" not in os.environ and (os.environ.get("RAY_AUTH_TOKEN") or token_file.is_file()):
        os.environ["RAY_AUTH_MODE"] = "token"
        _reload_ray_config()


def _reload_ray_config() -> None:
    try:
        from ray._raylet import Config
    except ImportError:  # a Ray without this hook reads the environment when it starts
        return
    Config.initialize("")
