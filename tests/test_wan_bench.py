"""``zkprove bench wan``: the key fetch through a relay (resumed after cuts, checked by hash), the refusals
of its inputs, and one run in a namespace of its own on a small key file.

No figure is held to a time; a fetch's floor (bytes at the rate + 1 RTT) is a
lower bound, which a loaded machine can only exceed.
"""

import json
import os
import sys

import pytest
from typer.testing import CliRunner

from bench.cli import app
from bench.wan.fleet import PARTS, Fleet, FleetError, medians_by_prover, run_fleet
from bench.wan.inside import loopback_only_problem
from bench.wan.keyfetch import KeyServer, fetch_through, floor_s
from bench.wan.link import LinkSpec
from bench.wan.netns import Namespace, namespaces, unavailable_reason
from workers.gateway_client import GatewayClient, GatewayRefused
from workers.identity import Identity

KEY_BYTES = 300_000


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "key.npz"
    path.write_bytes(os.urandom(KEY_BYTES))
    return path


def test_key_fetch_resumes_after_cuts_and_takes_at_least_its_floor(key_file):
    spec = LinkSpec(delay_s=0.01, mbit_s=40, drop_after_bytes=KEY_BYTES // 3)
    with KeyServer(key_file) as server:
        fetch = fetch_through(spec, server, "127.0.0.1", lifetime_s=60)
        whole = fetch_through(LinkSpec(delay_s=0.01), server, "127.0.0.1", lifetime_s=60)
    assert fetch.connections >= 4  # a third of the key (less the request) per connection
    assert fetch.counters["drops"] == fetch.connections - 1
    assert fetch.counters["bytes_down"] >= KEY_BYTES
    assert fetch.seconds >= floor_s(spec, KEY_BYTES, fetch.burst_bytes)
    assert (whole.connections, whole.counters["drops"]) == (1, 0)


def test_key_server_refuses_a_key_it_does_not_hold(key_file):
    with KeyServer(key_file) as server:
        client = GatewayClient(f"http://{server.address[0]}:{server.address[1]}", Identity.generate())
        with pytest.raises(GatewayRefused, match="unknown_key"):
            client.open("0" * 64, 0)
        status, chunks = client.open(server.sha256, KEY_BYTES - 10)
        assert (status, b"".join(chunks)) == (206, key_file.read_bytes()[-10:])


def test_inside_runs_only_where_loopback_is_alone():
    problem = loopback_only_problem()
    if problem is None:
        pytest.skip("this test already runs in a namespace of loopback alone")
    assert "zkprove bench wan" in problem


def test_bench_wan_refuses_bad_options(tmp_path):
    runner = CliRunner(env={"COLUMNS": "250"})
    missing = runner.invoke(app, ["wan", "--pk", str(tmp_path / "nope.npz")])
    assert missing.exit_code == 2 and "nope.npz is not a file" in missing.output
    zero = runner.invoke(app, ["wan", "--limit", "0"])
    assert zero.exit_code == 2 and "must be > 0 s, not 0" in zero.output


@pytest.mark.skipif(unavailable_reason() is not None, reason=unavailable_reason() or "")
def test_bench_wan_runs_in_its_own_namespace_and_writes_its_results(tmp_path, key_file):
    before = namespaces()
    out = tmp_path / "results"
    result = CliRunner().invoke(app, ["wan", "--pk", str(key_file), "--key-only", "-o", str(out),
                                         "--limit", "120"])
    assert result.exit_code == 0, result.output
    document = json.loads((out / "wan.json").read_text())
    assert document["key"]["bytes"] == KEY_BYTES
    names = [row["name"] for row in document["rows"]]
    assert any("10 Mbit/s" in n for n in names) and any("cut every" in n for n in names)
    for row in document["rows"]:
        assert row["value"] >= row["reference"]
    assert any("no packet loss" in line for line in document["assumptions"])
    assert namespaces() == before
    again = CliRunner().invoke(app, ["wan", "--pk", str(key_file), "--key-only", "-o", str(out)])
    assert again.exit_code != 0 and "--force" in str(again.exception or again.output)


@pytest.mark.slow  # about 25 s: the service's imports on two shared cores
def test_fleet_names_the_step_that_failed(tmp_path):
    fleet = Fleet((LinkSpec(),), ("LAN",), jobs=1, policy="no-such-policy", limit_s=120)
    with pytest.raises(FleetError, match=r"cluster serve exited 2 before it was ready; see .*serve\.out"):
        run_fleet(fleet, tmp_path)
    assert "no-such-policy" in (tmp_path / "serve.out").read_text()


@pytest.mark.slow
@pytest.mark.skipif(unavailable_reason() is not None, reason=unavailable_reason() or "")
def test_fleet_finalizes_through_an_external_prover_and_splits_its_latency(tmp_path):
    script = ("import json, sys; from pathlib import Path; from bench.wan.fleet import Fleet, run_fleet; "
              "from bench.wan.link import PROFILES; "
              "r = run_fleet(Fleet((PROFILES['100ms'],), ('RTT 100 ms',), 2, ray_provers=1, limit_s=400), "
              "Path(sys.argv[1])); print(json.dumps(r))")
    with Namespace() as ns:
        done = ns.run([sys.executable, "-c", script, str(tmp_path)], timeout_s=450)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    by = medians_by_prover(result["jobs"])
    assert set(by) <= {"RTT 100 ms", "in-Ray"} and sum(m["jobs"] for m in by.values()) == 2
    for job in result["jobs"]:
        parts = sum(job[p] for p in PARTS)
        assert parts == pytest.approx(job["latency_s"], abs=0.05) or job["network_s"] == 0.0
        if job["prover"] == "RTT 100 ms":
            assert job["network_s"] >= 0.1  # at least the witness request's round trip
    assert result["relays"][0]["bytes_down"] > 0
