"""``zkprove prover connect`` run as its own process against a gateway that never answers: it retries, then exits 2.

The process is started as ``python -m workers.connect_cli`` under a wrapper
that prints, as it exits, whether ``ray`` and ``numba`` were imported: the
whole connect path (identity, retries, the prover loop) runs, not only its
imports. tests/test_external_prover.py runs it against a live gateway.
"""

import socket
import subprocess
import sys


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connect_gives_up_on_an_unreachable_gateway_without_importing_ray(tmp_path):
    """The prover process, run as ``python -m workers.connect_cli``: exit 2 after its retry budget, no Ray."""
    probe = ("import runpy, sys\n"
             "sys.argv = ['zkprove prover'] + sys.argv[1:]\n"
             "try:\n"
             "    runpy.run_module('workers.connect_cli', run_name='__main__')\n"
             "finally:\n"
             "    print('ray imported:', 'ray' in sys.modules, 'numba imported:', 'numba' in sys.modules)\n")
    gateway = f"http://127.0.0.1:{closed_port()}"
    done = subprocess.run([sys.executable, "-c", probe, "connect", "--gateway", gateway, "--identity",
                           str(tmp_path / "id.pem"), "--new-identity", "--retry-s", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"gateway {gateway} unreachable" in done.stderr and "Traceback" not in done.stderr
    assert "retrying" in done.stdout  # it did retry before giving up
    assert "ray imported: False numba imported: True" in done.stdout  # the prover's stack, without Ray
    assert (tmp_path / "id.pem").exists()  # --new-identity made the key file
