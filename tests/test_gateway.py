"""The prover gateway against a live service: registration, the prove cycle, theft, deadlines, slashing, key ranges.

One service per module (TransferBatch(1, 4), the auction policy) with its
gateway on a loopback port; external provers are played with
:class:`helpers.gateway.Prover` and ``zkprove.groth16.prove``.
"""

from __future__ import annotations

import asyncio
import hashlib
import time

import aiohttp
import pytest
from typer.testing import CliRunner

from bench.cluster_cli import app
from helpers.gateway import Prover, downloaded_key, jobs, running_service, submit
from workers import gateway_protocol as gp
from workers.ledger import ledger_events, statement
from workers.messages import proof_to_dict
from workers.policies import Auction
from zkprove import groth16
from zkprove.formats.wtns_file import read_wtns
from zkprove.l1 import verify

DEADLINE_S = 20.0
"""Per attempt: long enough for a cold prove on a loaded machine; the late-commit check waits it out once."""
STAKE = 100.0


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gateway")
    with running_service(tmp, Auction(DEADLINE_S, min_stake=10.0, collateral=40.0, slash_fraction=0.5),
                         "gw-test") as running:
        yield running


def run(coroutine):
    return asyncio.run(coroutine)


async def until(predicate, what: str, timeout_s: float = 120.0):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_hello_key_ranges_and_registration(service, tmp_path):
    async def scenario():
        async with aiohttp.ClientSession() as session:
            base = service.base
            async with session.get(base + "/v1/hello") as response:
                hello = await response.json()
            key = hello["key"]
            assert hello["service"] == service.info["service"] and hello["policy"] == "auction"
            me = Prover(session, base)
            status, whole = await me.call("GET", f"/v1/key/{key['sha256']}")
            assert status == 200 and len(whole) == key["size"] and hashlib.sha256(whole).hexdigest() == key["sha256"]
            status, head = await me.call("GET", f"/v1/key/{key['sha256']}", headers={"Range": "bytes=0-99"})
            assert status == 206 and head == whole[:100]
            status, rest = await me.call("GET", f"/v1/key/{key['sha256']}", headers={"Range": "bytes=100-"})
            assert status == 206 and head + rest == whole
            status, answer = await me.call("GET", f"/v1/key/{key['sha256']}",
                                           headers={"Range": f"bytes={key['size']}-"})
            assert status == 416 and answer["code"] == "range_not_satisfiable"
            status, answer = await me.call("GET", "/v1/key/" + "0" * 64)
            assert status == 409 and answer["code"] == "wrong_key"
            pk = downloaded_key(whole, tmp_path)
            assert pk.n_public == service.workload.pk.n_public
            status, warmup = await me.call("GET", "/v1/warmup")
            expected = service.workload.circuit.witness(service.workload.warmup_payload).values
            assert status == 200 and read_wtns(warmup) == list(expected)
            proof = groth16.prove(pk, read_wtns(warmup))
            assert verify(pk.vk, expected[1:1 + pk.n_public], proof).ok
            assert not verify(pk.vk, [expected[1] + 1, *expected[2:1 + pk.n_public]], proof).ok

            status, answer = await me.register("ab" * 32)
            assert answer["code"] == "wrong_key"
            status, answer = await me.call("GET", "/v1/work?wait=0")
            assert status == 403 and answer["code"] == "not_registered"
            status, answer = await me.register(key["sha256"], stake=STAKE)
            assert status == 200 and answer["prover_id"] == me.identity.prover_id
            status, answer = await me.register(key["sha256"])
            assert status == 409 and answer["code"] == "already_registered"

            async def deposited():
                status, account = await me.call("GET", "/v1/account")
                return account if account["balance"] == STAKE else None
            account = await until(deposited, "the stake in the ledger")
            assert [e["kind"] for e in account["events"]] == ["deposit"] and account["registered"]
            assert (await me.call("POST", "/v1/deregister", {}))[0] == 200
            status, account = await me.call("GET", "/v1/account")
            assert not account["registered"] and account["balance"] == STAKE
    run(scenario())


def test_prove_cycle_theft_deadline_and_byzantine_slash(service, tmp_path):
    async def scenario():
        async with aiohttp.ClientSession() as session:
            base = service.base
            async with session.get(base + "/v1/hello") as response:
                sha = (await response.json())["key"]["sha256"]
            honest, byzantine = Prover(session, base), Prover(session, base)
            status, raw = await honest.call("GET", f"/v1/key/{sha}")
            pk = downloaded_key(raw, tmp_path)
            for prover, price in ((honest, 0.9), (byzantine, 0.1)):
                assert (await prover.register(sha, stake=STAKE))[0] == 200
                assert (await prover.call("POST", "/v1/bid", {"price_per_tx": price}))[0] == 200
            assert (await honest.call("POST", "/v1/bid", {"price_per_tx": -1}))[1]["code"] == "malformed"
            await until(lambda: _registered(service, 2), "both provers registered")
            assert submit(service, jobs(2)) == [None, None]

            # the cheaper byzantine prover wins job 0; its proof is tampered but committed to honestly
            (cheat,) = await byzantine.work()
            (fair,) = await honest.work()
            assert cheat["job_id"] == 0 and fair["job_id"] == 1
            status, answer = await honest.call("GET", f"/v1/witness/{cheat['job_id']}/{cheat['attempt']}")
            assert status == 403 and answer["code"] == "not_assigned"
            good = await byzantine.prove(pk, cheat)
            forged = dict(good, a=[good["a"][0], (good["a"][1] + 1)])
            committed, revealed = await byzantine.commit_reveal(cheat, forged)
            assert committed[0] == 200 and revealed == (200, {"accepted": True})

            # the honest prover proves job 1; it cannot reveal for job 0 (not its attempt)
            proof = await honest.prove(pk, fair)
            status, answer = await honest.call("POST", "/v1/reveal", {"job_id": cheat["job_id"],
                                               "attempt": cheat["attempt"], "proof": proof, "prove_s": 1.0})
            assert status == 403 and answer["code"] == "not_assigned"
            status, answer = await honest.call("POST", "/v1/reveal", {"job_id": fair["job_id"],
                                               "attempt": fair["attempt"], "proof": proof, "prove_s": 1.0})
            assert answer["code"] == "no_commitment"
            committed, revealed = await honest.commit_reveal(fair, proof)
            assert revealed == (200, {"accepted": True})
            # job 0 comes back to the honest prover (the byzantine one failed it)
            (again,) = await honest.work()
            assert again["job_id"] == 0
            committed, revealed = await honest.commit_reveal(again, await honest.prove(pk, again))
            assert revealed == (200, {"accepted": True})

            async def both_final():
                return service.ask("status")["finality"]["finalized"] == 2
            await until(both_final, "both jobs finalized")

            # a late commit is refused once the attempt's deadline has passed
            assert submit(service, jobs(3)[2:]) == [None]
            (late,) = await byzantine.work()
            await asyncio.sleep(max(0.0, late["deadline"] - time.time()) + 0.5)
            status, answer = await byzantine.call("POST", "/v1/commit", {"job_id": late["job_id"],
                                                  "attempt": late["attempt"], "commitment": "0" * 64})
            assert status == 409 and answer["code"] == "past_deadline"
            # the refusal also ended the attempt, so the late prover is free for new work
            status, answer = await byzantine.call("POST", "/v1/fail", {"job_id": late["job_id"],
                                                  "attempt": late["attempt"], "error": "too late"})
            assert answer["code"] == "not_assigned"

            async def released():
                provers = service.ask("status")["provers"]
                return not next(p for p in provers if p["prover"] == byzantine.identity.prover_id)["busy"]
            await until(released, "the late prover released")
            return honest.identity.prover_id, byzantine.identity.prover_id
    honest_id, byzantine_id = run(scenario())

    log = service.log()
    accounts = statement(ledger_events(log))
    log.close()
    slash = 40.0 * 0.5
    assert accounts[byzantine_id].slashes == 2 * slash  # the invalid proof, then the missed deadline
    assert accounts[byzantine_id].rewards == 0.0
    assert accounts[honest_id].rewards > 0 and accounts[honest_id].slashes == 0.0
    for prover_id in (honest_id, byzantine_id):
        assert service.ask("account", {"prover_id": prover_id})["balance"] == accounts[prover_id].balance
        a = accounts[prover_id]
        assert a.balance == a.deposits - a.slashes + a.rewards and a.deposits == STAKE
    counted = service.ask("status")["gateway"]["rejections"]
    assert counted["past_deadline"] >= 1 and counted["not_assigned"] >= 2 and counted["no_commitment"] >= 1


def test_framed_work_one_request_reveal_and_a_resent_reveal(service, tmp_path):
    """The fast path of ``prover connect``: witnesses in the long poll's framed answer, the commitment in
    the reveal's own body, and a reveal resent after a lost answer told ``already_revealed``."""
    async def scenario():
        async with aiohttp.ClientSession() as session:
            base = service.base
            async with session.get(base + "/v1/hello") as response:
                sha = (await response.json())["key"]["sha256"]
            me = Prover(session, base)
            status, raw = await me.call("GET", f"/v1/key/{sha}")
            pk = downloaded_key(raw, tmp_path)
            status, answer = await me.register(sha, stake=STAKE, rtt_s=gp.MAX_RTT_S + 1)
            assert (status, answer["code"]) == (400, "malformed")
            status, answer = await me.register(sha, stake=STAKE, warm_prove_s=DEADLINE_S + 1)
            assert (status, answer["code"]) == (409, "too_slow") and f"{DEADLINE_S:.2f} s" in answer["error"]
            assert (await me.register(sha, stake=STAKE, rtt_s=0.4))[0] == 200
            assert (await me.call("POST", "/v1/bid", {"price_per_tx": 1e-6}))[0] == 200  # wins every auction
            await until(lambda: _registered(service, 3), "the third prover registered")
            assert submit(service, jobs(4)[3:]) == [None]

            async def framed():
                status, data = await me.call("GET", "/v1/work?wait=5", headers={"Accept": gp.WORK_FRAMED})
                assert status == 200
                answer, witnesses = gp.unframe_work(data)
                return (answer["assignments"][0], witnesses[0]) if witnesses else None
            mine, witness = await until(framed, "an assignment in a framed answer")
            assert hashlib.sha256(witness).hexdigest() == mine["witness_sha256"]
            proof = proof_to_dict(groth16.prove(pk, read_wtns(witness)))
            body = {"job_id": mine["job_id"], "attempt": mine["attempt"], "proof": gp.proof_to_wire(proof),
                    "prove_s": 1.0}
            other = dict(proof, c=[1, 2])
            wrong = gp.commitment(me.identity.public_key, mine["job_id"], mine["attempt"], other)
            status, answer = await me.call("POST", "/v1/reveal", {**body, "commitment": wrong})
            assert (status, answer["code"]) == (409, "commitment_mismatch")  # and nothing was recorded:
            right = gp.commitment(me.identity.public_key, mine["job_id"], mine["attempt"], proof)
            assert await me.call("POST", "/v1/reveal", {**body, "commitment": right}) == (200, {"accepted": True})
            status, answer = await me.call("POST", "/v1/reveal", {**body, "commitment": right})
            assert (status, answer["code"]) == (409, "already_revealed")
            stranger = Prover(session, base)
            assert (await stranger.register(sha, stake=STAKE))[0] == 200
            status, answer = await stranger.call("POST", "/v1/reveal", {**body, "commitment": right})
            assert (status, answer["code"]) == (403, "not_assigned")  # only the holder hears of its reveal
            return mine
    mine = run(scenario())
    log = service.log()
    (attempt,) = [a for a in log.attempts() if (a.job_id, a.attempt) == (mine["job_id"], mine["attempt"])]
    log.close()
    # its declared round trips lengthen its deadline: three of them (gateway_protocol.ATTEMPT_ROUND_TRIPS)
    assert attempt.deadline - attempt.assigned_at == pytest.approx(DEADLINE_S + gp.ATTEMPT_ROUND_TRIPS * 0.4)


async def _registered(service, n: int) -> bool:
    return sum(p["registered"] for p in service.ask("status")["provers"]) >= n


@pytest.mark.parametrize("bad", ["nohost", "127.0.0.1:99999", ":8470", "127.0.0.1:http"])
def test_serve_refuses_a_gateway_address_that_is_not_host_port(bad, tmp_path):
    result = CliRunner().invoke(app, ["serve", "--gateway", bad, "--log", str(tmp_path / "log.sqlite")])
    assert result.exit_code == 2 and "is not HOST:PORT" in result.output
    assert not (tmp_path / "log.sqlite").exists()
