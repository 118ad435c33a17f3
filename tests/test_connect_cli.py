"""``zkprove prover``: identity files, the refusals of ``connect`` (exit 2, one line), the retry backoff, no Ray.

These need no gateway: they check what the command says before or instead
of proving. tests/test_external_prover.py runs it against a live one.
"""

import socket
import stat
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from workers.connect_cli import app
from workers.external_prover import Backoff
from workers.identity import load_identity

RUNNER = CliRunner()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_identity_makes_a_private_key_file_and_refuses_to_overwrite_it(tmp_path):
    path = tmp_path / "prover.pem"
    made = RUNNER.invoke(app, ["identity", str(path)])
    assert made.exit_code == 0, made.output
    prover_id = made.output.strip()
    assert prover_id.startswith("ext-") and len(prover_id) == 20
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_identity(path).prover_id == prover_id
    shown = RUNNER.invoke(app, ["identity", str(path), "--show"])
    assert shown.exit_code == 0 and shown.output.strip() == prover_id
    again = RUNNER.invoke(app, ["identity", str(path)])
    assert again.exit_code == 2 and "refusing to overwrite" in again.output
    assert load_identity(path).prover_id == prover_id


@pytest.mark.parametrize("url, message", [
    ("127.0.0.1:8780", "http://HOST:PORT"),
    ("https://127.0.0.1:8780", "http://HOST:PORT"),
    ("http://127.0.0.1:8780/v1", "only scheme, host and port"),
    ("http://127.0.0.1:99999", "Port out of range"),
])
def test_connect_refuses_a_bad_gateway_url(tmp_path, url, message):
    done = RUNNER.invoke(app, ["connect", "--gateway", url, "--identity", str(tmp_path / "id.pem"),
                               "--new-identity"])
    assert done.exit_code == 2 and message in done.output, done.output
    assert not (tmp_path / "id.pem").exists()  # refused before anything is made


def test_connect_refuses_an_unreadable_identity(tmp_path):
    gateway = f"http://127.0.0.1:{closed_port()}"
    missing = RUNNER.invoke(app, ["connect", "--gateway", gateway, "--identity", str(tmp_path / "none.pem")])
    assert missing.exit_code == 2 and "no such key file" in missing.output
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key\n")
    bad = RUNNER.invoke(app, ["connect", "--gateway", gateway, "--identity", str(garbage)])
    assert bad.exit_code == 2 and "not a PEM private key" in bad.output
    assert "Traceback" not in missing.output + bad.output


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


def test_backoff_doubles_to_its_cap_resets_on_success_and_gives_up_after_its_budget():
    slept = []
    backoff = Backoff(first_s=0.25, cap_s=2.0, budget_s=3600.0, sleep=slept.append)
    for _ in range(6):
        backoff.failed(ConnectionError("down"))
    assert slept == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]
    backoff.succeeded()
    backoff.failed(ConnectionError("down again"))
    assert slept[-1] == 0.25
    spent = Backoff(budget_s=0.0, sleep=slept.append)
    with pytest.raises(ConnectionError, match="gone"):
        spent.failed(ConnectionError("gone"))
    assert len(slept) == 7  # no wait once the budget is spent
