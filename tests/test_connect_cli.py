"""``zkprove prover connect`` run as its own process: against a live gateway, and against one that never answers.

Each prover is started as ``python -m workers.connect_cli`` under a wrapper
(:data:`PROBE`) that prints, as it exits, whether ``ray`` and ``numba`` were
imported: the whole connect path (identity, key download, proving, retries)
runs, not only its imports. The live gateway is a service in this process
(:func:`helpers.gateway.running_service`, the auction policy); an honest
prover and one that tampers with its proof (``--fault invalid``) join it,
and the job log and ``prover account`` say what became of each attempt.
tests/test_external_prover.py restarts a ``cluster serve`` under them.
"""

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers.gateway import jobs, running_service, submit
from helpers.waiting import wait_for
from workers.connect_cli import app
from workers.identity import load_identity
from workers.joblog import Outcome
from workers.policies import Auction

PROBE = ("import runpy, sys\n"
         "sys.argv = ['zkprove prover'] + sys.argv[1:]\n"
         "try:\n"
         "    runpy.run_module('workers.connect_cli', run_name='__main__')\n"
         "finally:\n"
         "    print('ray imported:', 'ray' in sys.modules, 'numba imported:', 'numba' in sys.modules)\n")
DEADLINE_S = 60.0
STAKE, COLLATERAL, SLASH = 100.0, 40.0, 0.5


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connect_gives_up_on_an_unreachable_gateway_without_importing_ray(tmp_path):
    """The prover process, run as ``python -m workers.connect_cli``: exit 2 after its retry budget, no Ray."""
    gateway = f"http://127.0.0.1:{closed_port()}"
    done = subprocess.run([sys.executable, "-c", PROBE, "connect", "--gateway", gateway, "--identity",
                           str(tmp_path / "id.pem"), "--new-identity", "--retry-s", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"gateway {gateway} unreachable" in done.stderr and "Traceback" not in done.stderr
    assert "retrying" in done.stdout  # it did retry before giving up
    assert "ray imported: False numba imported: True" in done.stdout  # the prover's stack, without Ray
    assert (tmp_path / "id.pem").exists()  # --new-identity made the key file


def prover(gateway: str, tmp: Path, name: str, *extra: str) -> tuple[subprocess.Popen, Path]:
    out = tmp / f"{name}.out"
    process = subprocess.Popen([sys.executable, "-c", PROBE, "connect", "--gateway", gateway, "--identity",
                                str(tmp / f"{name}.pem"), "--new-identity", "--threads", "1", "--stake", str(STAKE),
                                "--cache", str(tmp / f"{name}-keys"), *extra],
                               stdout=out.open("w"), stderr=subprocess.STDOUT, text=True)
    return process, out


@pytest.mark.slow  # about 80 s on two shared cores: a service, two provers' first proofs
def test_connected_provers_prove_to_finality_and_a_tampered_proof_is_slashed(tmp_path):
    with running_service(tmp_path, Auction(DEADLINE_S, min_stake=10.0, collateral=COLLATERAL, slash_fraction=SLASH),
                         "connect-test") as running:
        gateway = running.base
        # the cheat asks less, so the auction gives it the first job; one attempt, then it leaves
        cheat, cheat_out = prover(gateway, tmp_path, "cheat", "--fault", "invalid", "--bid", "0.01", "--max-jobs", "1")
        honest, honest_out = prover(gateway, tmp_path, "honest", "--bid", "1", "--max-jobs", "2")
        try:
            for out in (cheat_out, honest_out):
                wait_for(lambda: "registered with gateway" in out.read_text(), f"{out.stem} to register")
            specs = jobs(2)
            assert submit(running, specs) == [None, None]  # both accepted
            assert cheat.wait(timeout=240) == 0 and honest.wait(timeout=240) == 0
            wait_for(lambda: len(running.log().finalized()) == len(specs), "both jobs to finalize")
            account = CliRunner().invoke(app, ["account", "--gateway", gateway, "--identity",
                                               str(tmp_path / "cheat.pem")])
        finally:
            for p in (cheat, honest):
                if p.poll() is None:
                    p.kill()
        log = running.log()
        ids = {name: load_identity(tmp_path / f"{name}.pem").prover_id for name in ("cheat", "honest")}
        finalized = [job_id for _, job_id, _ in log.finalized()]
        attempts = log.attempts()
    texts = {"cheat": cheat_out.read_text(), "honest": honest_out.read_text()}
    assert all("ray imported: False numba imported: True" in t for t in texts.values()), texts
    assert len(finalized) == 2 and len(set(finalized)) == 2  # each job once
    assert {a.outcome for a in attempts if a.prover == ids["cheat"]} == {Outcome.INVALID}
    assert {a.outcome for a in attempts if a.prover == ids["honest"]} == {Outcome.ACCEPTED}
    assert texts["honest"].count(", revealed") == 2 and "revealed (tampered)" in texts["cheat"]
    assert "asking 0.01 per transaction" in texts["cheat"] and "deregistered" in texts["honest"]
    assert account.exit_code == 0, account.output
    assert f"{ids['cheat']}: registered False, balance {STAKE - COLLATERAL * SLASH:g}" in account.output
    assert ": invalid" in account.output
