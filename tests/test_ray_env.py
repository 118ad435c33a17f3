"""Joining a Ray that another process started: Ray's token authentication must not lock zkprove's clients out."""

from __future__ import annotations

import os
import subprocess
import sys

from workers.ray_env import quiet_env

START_RAY = """
import os, sys, time, ray
ray.init(address="local", num_cpus=1, include_dashboard=False, logging_level="ERROR")
print(ray.get_runtime_context().gcs_address, flush=True)
time.sleep(float(sys.argv[1]))
"""


def test_token_mode_follows_an_available_token_and_respects_an_explicit_mode(tmp_path, monkeypatch):
    token = tmp_path / "auth_token"
    monkeypatch.setenv("RAY_AUTH_TOKEN_PATH", str(token))
    monkeypatch.delenv("RAY_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)
    quiet_env()
    assert "RAY_AUTH_MODE" not in os.environ  # no token anywhere: Ray's own default stands
    token.write_text("t" * 32)
    quiet_env()
    assert os.environ["RAY_AUTH_MODE"] == "token"
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    quiet_env()
    assert os.environ["RAY_AUTH_MODE"] == "disabled"


def test_a_client_joins_an_embedded_ray_started_by_another_process(tmp_path):
    """``cluster status`` against a fresh local Ray gets as far as asking for the coordinator."""
    env = {k: v for k, v in os.environ.items() if k not in ("RAY_AUTH_MODE", "RAY_ADDRESS")}
    head = subprocess.Popen([sys.executable, "-c", START_RAY, "120"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        address = head.stdout.readline().strip()
        assert address, "the head process printed no address"
        status = subprocess.run([sys.executable, "-m", "bench.cluster_cli", "status", "--address", address],
                                capture_output=True, text=True, env=env, timeout=180)
        out = status.stdout + status.stderr
        assert "InvalidAuthToken" not in out and "cannot join" not in out, out[-2000:]
        assert status.returncode != 0 and "coordinator" in out, out[-2000:]
    finally:
        head.kill()
        head.wait(30)
