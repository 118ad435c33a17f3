"""The gateway under attack: proof theft under redundant proving, and a seeded fuzz of every endpoint.

One service per module (TransferBatch(1, 4), the redundant policy with k=2,
long deadlines so nothing expires mid-fuzz) with its gateway on loopback;
its rate limits are raised so the fuzz's expected codes do not depend on
timing (the token bucket is checked on its own below). The fuzz sends only
requests the gateway must refuse, each with the code it must answer, and
checks the job log is unchanged, every refusal is counted by its code, no
answer is a 5xx, and the gateway still serves a valid reveal at the end.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass

import aiohttp
import pytest

from helpers.gateway import Prover, downloaded_key, jobs, running_service, submit
from helpers.waiting import wait_for
from workers import gateway_protocol as gp
from workers.gateway_state import TokenBucket
from workers.identity import Identity
from workers.joblog import Outcome
from workers.ledger import Account, ledger_events, statement
from workers.policies import Redundant

DEADLINE_S = 600.0
SEED = 18
FUZZ_REQUESTS = 10_000
"""Hostile requests per run: the issue's floor, about 20 s here."""
BEFORE_SIGNATURE = {"body_too_large", "not_found", "method_not_allowed", "unsigned"}
"""Codes answered before the signature is checked (the nonce of such a request is not remembered)."""
UNLIMITED = {"rate_per_s": 1e9, "burst": 1e9, "nonces_per_key": 10**9}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gateway-fuzz")
    with running_service(tmp, Redundant(DEADLINE_S, k=2, seed=SEED), "gw-fuzz", **UNLIMITED) as running:
        yield running


@pytest.fixture(scope="module")
def pair(service, tmp_path_factory):
    """Two registered identities and the proving key they downloaded."""
    identities = Identity.generate(), Identity.generate()

    async def setup():
        async with aiohttp.ClientSession() as session:
            first = Prover(session, service.base, identities[0])
            for identity in identities:
                status, answer = await Prover(session, service.base, identity).register(service.key_sha256)
                assert status == 200, answer
            status, raw = await first.call("GET", f"/v1/key/{service.key_sha256}")
            assert status == 200
            return downloaded_key(raw, tmp_path_factory.mktemp("key"))
    pk = asyncio.run(setup())
    wait_for(lambda: sum(p["registered"] for p in service.ask("status")["provers"]) == 2, "both registered")
    return identities, pk


def idle_provers(service) -> int:
    return sum(p["registered"] and not p["busy"] for p in service.ask("status")["provers"])


def finalized(service) -> int:
    return service.ask("status")["finality"]["finalized"]


def rejections(service) -> Counter:
    return Counter(service.ask("status")["gateway"]["rejections"])


def test_a_copied_proof_earns_nothing(service, pair):
    (maker, copier), pk = pair

    async def scenario():
        async with aiohttp.ClientSession() as session:
            a, b = Prover(session, service.base, maker), Prover(session, service.base, copier)
            for job_id in (0, 1):
                await asyncio.to_thread(wait_for, lambda: idle_provers(service) == 2, "both provers idle")
                assert submit(service, jobs(job_id + 1)[job_id:]) == [None]
                (mine,), (theirs,) = await a.work(), await b.work()
                assert mine["job_id"] == theirs["job_id"] == job_id and mine["attempt"] != theirs["attempt"]
                proof = await a.prove(pk, mine)
                copy = {"job_id": job_id, "attempt": theirs["attempt"], "proof": gp.proof_to_wire(proof),
                        "prove_s": 0.1}
                if job_id == 0:  # the copier committed early (to a guess); the real proof cannot match it
                    guess = gp.commitment(copier.public_key, job_id, theirs["attempt"], dict(proof, c=[1, 2]))
                    status, _ = await b.call("POST", "/v1/commit", {"job_id": job_id, "attempt": theirs["attempt"],
                                                                   "commitment": guess})
                    assert status == 200
                committed, revealed = await a.commit_reveal(mine, proof)
                assert committed[0] == 200 and revealed == (200, {"accepted": True})
                if job_id == 0:
                    status, answer = await b.call("POST", "/v1/reveal", copy)
                    assert (status, answer["code"]) == (409, "commitment_mismatch")
                    status, _ = await b.call("POST", "/v1/fail", {"job_id": job_id, "attempt": theirs["attempt"],
                                                                 "error": "nothing to reveal"})
                    assert status == 200
                else:  # commitments closed with the first reveal: the copier can neither commit nor reveal
                    late = gp.commitment(copier.public_key, job_id, theirs["attempt"], proof)
                    status, answer = await b.call("POST", "/v1/commit", {"job_id": job_id,
                                                  "attempt": theirs["attempt"], "commitment": late})
                    assert (status, answer["code"]) == (409, "commitments_closed")
                    status, answer = await b.call("POST", "/v1/reveal", {**copy, "commitment": late})
                    assert (status, answer["code"]) == (403, "not_assigned")  # the refusal ended its attempt
                await asyncio.to_thread(wait_for, lambda: finalized(service) == job_id + 1, f"job {job_id} final")
    asyncio.run(scenario())

    log = service.log()
    accounts = statement(ledger_events(log))
    outcomes = [(a.prover, a.outcome) for a in log.attempts() if a.job_id in (0, 1)]
    log.close()
    assert [outcome for prover, outcome in outcomes if prover == maker.prover_id] == [Outcome.ACCEPTED] * 2
    assert [outcome for prover, outcome in outcomes if prover == copier.prover_id] == [Outcome.ERROR, Outcome.WASTED]
    # the redundant policy pays no reward; what a copier could gain is the accepted attempt, and its stake is untouched
    copied = accounts.get(copier.prover_id, Account())
    assert copied.rewards == 0.0 and copied.balance == copied.deposits
    counted = rejections(service)
    assert counted["commitment_mismatch"] >= 1 and counted["commitments_closed"] >= 1 and counted["not_assigned"] >= 1


@dataclass
class Case:
    method: str
    path: str
    body: bytes
    headers: dict[str, str]
    expected: str


class Generator:
    """Seeded requests the gateway must refuse, each with the one code it must answer.

    ``holder`` holds an attempt it has committed to; ``idle`` holds one it has
    not committed to; strangers are never registered.
    """

    def __init__(self, rng: random.Random, service, holder: Identity, idle: Identity,
                 held: tuple[int, int], other: tuple[int, int], proof: dict):
        self.rng, self.holder, self.idle, self.held, self.other, self.proof = rng, holder, idle, held, other, proof
        self.sha, self.size = service.key_sha256, service.key_size
        self.strangers = [Identity.generate() for _ in range(6)]
        self.recent: list[Case] = []
        self.makers = [getattr(self, name) for name in sorted(dir(self)) if name.startswith("_case_")]

    def case(self) -> Case:
        return self.rng.choice(self.makers)()

    def signed(self, who: Identity, method: str, path: str, body: bytes, expected: str, **extra: str) -> Case:
        case = Case(method, path, body, {**gp.sign_headers(who, method, path, body), **extra}, expected)
        if expected not in BEFORE_SIGNATURE:  # its nonce is remembered: a replay of it must be refused
            self.recent = [c for c in self.recent[-63:] if int(c.headers["X-Zk-Time"]) > time.time() - 20] + [case]
        return case

    def stranger(self) -> Identity:
        return self.rng.choice(self.strangers)

    def proof_body(self, job_attempt: tuple[int, int], proof: dict | None = None) -> bytes:
        proof = proof or self.random_proof()
        return _json({"job_id": job_attempt[0], "attempt": job_attempt[1], "proof": gp.proof_to_wire(proof),
                      "prove_s": 0.5})

    def random_proof(self) -> dict:
        r = lambda: self.rng.randrange(gp.P)  # noqa: E731
        return {"a": [r(), r()], "b": [[r(), r()], [r(), r()]], "c": [r(), r()]}

    def attempt_body(self, job_attempt: tuple[int, int], **fields) -> bytes:
        return _json({"job_id": job_attempt[0], "attempt": job_attempt[1], **fields})

    def hex64(self) -> str:
        return self.rng.randbytes(32).hex()

    # transport and authentication ---------------------------------------------

    def _case_oversized(self) -> Case:
        body = b'{"pad": "' + b"x" * (gp.MAX_BODY + self.rng.randint(1, 4096)) + b'"}'
        path = self.rng.choice(["/v1/register", "/v1/commit", "/v1/reveal", "/v1/bid"])
        if self.rng.random() < 0.5:
            return Case("POST", path, body, {}, "body_too_large")
        return self.signed(self.rng.choice([self.holder, self.stranger()]), "POST", path, body, "body_too_large")

    def _case_no_route(self) -> Case:
        method, path, code = self.rng.choice([
            ("GET", "/v1/" + self.rng.choice(["x", "prove", "admin", "jobs2", "keys"]), "not_found"),
            ("GET", "/v2/hello", "not_found"), ("GET", "/v1/witness/1", "not_found"),
            ("DELETE", "/v1/register", "method_not_allowed"), ("GET", "/v1/commit", "method_not_allowed"),
            ("POST", "/v1/hello", "method_not_allowed"), ("PUT", "/v1/jobs", "method_not_allowed")])
        return self.signed(self.holder, method, path, b"{}", code) if self.rng.random() < 0.5 else \
            Case(method, path, b"{}", {}, code)

    def _case_unsigned(self) -> Case:
        case = self.signed(self.stranger(), "GET", "/v1/work?wait=0", b"", "unsigned")
        mutation = self.rng.randrange(4)
        if mutation == 0:
            del case.headers[self.rng.choice(gp.HEADERS)]
        elif mutation == 1:
            name = self.rng.choice(["X-Zk-Key", "X-Zk-Nonce", "X-Zk-Signature"])
            case.headers[name] = self.rng.choice([case.headers[name].upper(), case.headers[name][:-2], "zz" * 16])
        elif mutation == 2:
            case.headers["X-Zk-Time"] = self.rng.choice(["12a", "1.5", "", "9" * 25, "+5"])
        else:
            case.headers = {}
        return case

    def _case_stale(self) -> Case:
        at = int(time.time()) + self.rng.choice([-1, 1]) * self.rng.randint(gp.CLOCK_WINDOW_S + 5, 10**6)
        path = self.rng.choice(["/v1/work?wait=0", "/v1/account", "/v1/jobs"])
        return Case("GET", path, b"", gp.sign_headers(self.holder, "GET", path, b"", at=at), "stale_timestamp")

    def _case_bad_signature(self) -> Case:
        who, mutation = self.rng.choice([self.holder, self.stranger()]), self.rng.randrange(4)
        body = self.attempt_body(self.held, commitment=self.hex64())
        case = Case("POST", "/v1/commit", body, gp.sign_headers(who, "POST", "/v1/commit", body), "bad_signature")
        if mutation == 0:
            case.headers["X-Zk-Key"] = self.rng.choice([i for i in self.strangers if i is not who]).public_key.hex()
        elif mutation == 1:
            signature = bytearray.fromhex(case.headers["X-Zk-Signature"])
            signature[self.rng.randrange(64)] ^= 1 << self.rng.randrange(8)
            case.headers["X-Zk-Signature"] = signature.hex()
        elif mutation == 2:
            case.body = self.attempt_body(self.held, commitment=self.hex64())
        else:
            case.method, case.path, case.body = "GET", "/v1/work?wait=1", b""
            case.headers = gp.sign_headers(who, "GET", "/v1/work?wait=0", b"")
        return case

    def _case_replayed(self) -> Case:
        if not self.recent:
            return self._case_stale()
        old = self.rng.choice(self.recent)
        if self.rng.random() < 0.5:
            return Case(old.method, old.path, old.body, dict(old.headers), "replayed_nonce")
        who = next(i for i in [self.holder, self.idle, *self.strangers] if i.public_key.hex() == old.headers["X-Zk-Key"])
        headers = gp.sign_headers(who, "GET", "/v1/account", b"", nonce=old.headers["X-Zk-Nonce"])
        return Case("GET", "/v1/account", b"", headers, "replayed_nonce")

    # registration and identity -------------------------------------------------

    def _case_not_registered(self) -> Case:
        who = self.stranger()
        method, path, body = self.rng.choice([
            ("POST", "/v1/deregister", b"{}"), ("POST", "/v1/bid", _json({"price_per_tx": 1.0})),
            ("GET", "/v1/work?wait=0", b""), ("GET", f"/v1/witness/{self.held[0]}/{self.held[1]}", b""),
            ("POST", "/v1/commit", self.attempt_body(self.held, commitment=self.hex64())),
            ("POST", "/v1/reveal", self.proof_body(self.held)),
            ("POST", "/v1/fail", self.attempt_body(self.held, error="x"))])
        return self.signed(who, method, path, body, "not_registered")

    def _case_register(self) -> Case:
        good = {"stake": 50.0, "threads": 1, "warm_prove_s": 1.0, "key_sha256": self.sha}
        choice = self.rng.randrange(4)
        if choice == 0:
            return self.signed(self.holder, "POST", "/v1/register", _json(good), "already_registered")
        if choice == 1:
            return self.signed(self.stranger(), "POST", "/v1/register", _json({**good, "key_sha256": self.hex64()}),
                               "wrong_key")
        if choice == 2:
            field, value = self.rng.choice([("stake", -1), ("stake", "50"), ("stake", True), ("threads", 0),
                                            ("threads", 1.5), ("warm_prove_s", 0), ("warm_prove_s", None)])
            return self.signed(self.stranger(), "POST", "/v1/register", _json({**good, field: value}), "malformed")
        return self.signed(self.stranger(), "POST", "/v1/register", self.rng.choice([b"[1]", b"{", b"\xff", b"7"]),
                           "malformed")

    # the prove cycle out of order and for the wrong job ------------------------

    def _case_malformed_attempt(self) -> Case:
        who = self.rng.choice([self.holder, self.idle, self.stranger()])
        path = self.rng.choice(["/v1/commit", "/v1/reveal", "/v1/fail"])
        body = self.rng.choice([b"not json", b"[]", b"null", _json({"attempt": 0}), _json({"job_id": "2", "attempt": 0}),
                                _json({"job_id": -1, "attempt": 0}), _json({"job_id": 2**63, "attempt": 0}),
                                _json({"job_id": 2, "attempt": 2**32}), _json({"job_id": False, "attempt": 0})])
        return self.signed(who, "POST", path, body, "malformed")

    def _case_malformed_holder(self) -> Case:
        choice = self.rng.randrange(7)
        if choice == 0:
            commitment = self.rng.choice([self.hex64().upper(), self.hex64()[:-1], 7, None, "g" * 64])
            return self.signed(self.holder, "POST", "/v1/commit", self.attempt_body(self.held, commitment=commitment),
                               "malformed")
        if choice == 1:
            bad = self.rng.choice([None, [], {"a": [1, 2], "b": [[1, 2], [3, 4]]}, {"a": [1], "b": [[1, 2], [3, 4]], "c": [1, 2]},
                                   {"a": ["x", 1], "b": [[1, 2], [3, 4]], "c": [1, 2]},
                                   {"a": [gp.P, 1], "b": [[1, 2], [3, 4]], "c": [1, 2]},
                                   {"a": [1.5, 1], "b": [[1, 2], [3, 4]], "c": [1, 2]},
                                   {"a": [-1, 1], "b": [[1, 2], [3, 4]], "c": [1, 2]}])
            body = self.attempt_body(self.held, proof=bad, prove_s=0.5)
            return self.signed(self.holder, "POST", "/v1/reveal", body, "malformed")
        if choice == 2:
            body = self.attempt_body(self.held, proof=gp.proof_to_wire(self.proof), prove_s=self.rng.choice([-1, "1", None]))
            return self.signed(self.holder, "POST", "/v1/reveal", body, "malformed")
        if choice == 3:
            wait = self.rng.choice(["abc", "nan", "inf", "-inf", ""])
            return self.signed(self.holder, "GET", f"/v1/work?wait={wait}", b"", "malformed")
        if choice == 4:
            return self.signed(self.holder, "GET", self.rng.choice(["/v1/witness/x/0", "/v1/witness/2/y"]), b"",
                               "malformed")
        if choice == 5:  # a reveal carrying its commitment, malformed
            who, target = self.rng.choice([(self.holder, self.held), (self.idle, self.other)])
            body = self.attempt_body(target, proof=gp.proof_to_wire(self.proof), prove_s=0.5,
                                     commitment=self.rng.choice([self.hex64().upper(), 7, [], "g" * 64]))
            return self.signed(who, "POST", "/v1/reveal", body, "malformed")
        body = self.attempt_body(self.held, error=self.rng.choice([None, 5, ["x"]]))
        return self.signed(self.holder, "POST", "/v1/fail", body, "malformed")

    def _case_no_bids(self) -> Case:
        return self.signed(self.rng.choice([self.holder, self.idle]), "POST", "/v1/bid",
                           _json({"price_per_tx": self.rng.uniform(0.1, 5)}), "malformed")

    def _case_not_assigned(self) -> Case:
        who, mine = self.rng.choice([(self.holder, self.held), (self.idle, self.other)])
        target = self.rng.choice([(0, 0), (1, 1), (999, 0), (self.held[0], 77), self.held, self.other])
        if target == mine:
            target = (target[0], target[1] + 100)
        theirs = self.other if mine == self.held else self.held
        revealed_never = self.rng.choice([(999, 0), (self.held[0], 77), theirs])  # else: maybe already_revealed
        method, path, body = self.rng.choice([
            ("GET", f"/v1/witness/{target[0]}/{target[1]}", b""),
            ("POST", "/v1/commit", self.attempt_body(target, commitment=self.hex64())),
            ("POST", "/v1/reveal", self.proof_body(revealed_never, self.proof)),
            ("POST", "/v1/fail", self.attempt_body(target, error="not mine"))])
        return self.signed(who, method, path, body, "not_assigned")

    def _case_out_of_order(self) -> Case:
        choice = self.rng.randrange(5)
        if choice == 3:  # a reveal whose own commitment is not the one the attempt committed
            body = self.attempt_body(self.held, proof=gp.proof_to_wire(self.proof), prove_s=0.5, commitment=self.hex64())
            return self.signed(self.holder, "POST", "/v1/reveal", body, "commitment_mismatch")
        if choice == 4:  # an uncommitted attempt's reveal whose commitment does not match its proof
            body = self.attempt_body(self.other, proof=gp.proof_to_wire(self.proof), prove_s=0.5, commitment=self.hex64())
            return self.signed(self.idle, "POST", "/v1/reveal", body, "commitment_mismatch")
        if choice == 0:  # commit twice
            return self.signed(self.holder, "POST", "/v1/commit", self.attempt_body(self.held, commitment=self.hex64()),
                               "already_committed")
        if choice == 1:  # reveal before commit
            return self.signed(self.idle, "POST", "/v1/reveal", self.proof_body(self.other, self.proof), "no_commitment")
        twisted = dict(self.proof, a=[self.proof["a"][0], (self.proof["a"][1] + 1) % gp.P])
        proof = self.rng.choice([twisted, self.random_proof()])  # a reveal that is not what was committed
        return self.signed(self.holder, "POST", "/v1/reveal", self.proof_body(self.held, proof), "commitment_mismatch")

    def _case_key(self) -> Case:
        if self.rng.random() < 0.3:
            return self.signed(self.stranger(), "GET", f"/v1/key/{self.hex64()}", b"", "wrong_key")
        header = self.rng.choice([f"bytes={self.size}-", f"bytes={self.size + 9}-{self.size + 99}", "bytes=9-3",
                                  "bytes=abc", "bytes=0-1,4-5", "items=0-9", "bytes=-0", "bytes=-", "bytes="])
        return self.signed(self.stranger(), "GET", f"/v1/key/{self.sha}", b"", "range_not_satisfiable", Range=header)


def _json(value) -> bytes:
    return json.dumps(value).encode()


def snapshot(path) -> dict[str, list]:
    """Every row of every table of the job log."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10.0)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(map(repr, db.execute(f"SELECT * FROM {t}"))) for t in tables}
    finally:
        db.close()


async def send(session: aiohttp.ClientSession, base: str, case: Case) -> tuple[int, str | None]:
    async with session.request(case.method, base + case.path, data=case.body, headers=case.headers) as response:
        raw = await response.read()
        if response.content_type != "application/json":
            return response.status, None
        return response.status, json.loads(raw).get("code")


def test_fuzz_every_endpoint(service, pair):
    (holder, idle), pk = pair
    count = FUZZ_REQUESTS
    rng = random.Random(SEED + count)

    async def scenario():
        async with aiohttp.ClientSession() as session:
            h, i = Prover(session, service.base, holder), Prover(session, service.base, idle)
            job_id = finalized(service)
            await asyncio.to_thread(wait_for, lambda: idle_provers(service) == 2, "both provers idle")
            assert submit(service, jobs(job_id + 1)[job_id:]) == [None]
            (mine,), (theirs,) = await h.work(), await i.work()
            held, other = (mine["job_id"], mine["attempt"]), (theirs["job_id"], theirs["attempt"])
            proof = await h.prove(pk, mine)
            committed = gp.commitment(holder.public_key, *held, proof)
            status, _ = await h.call("POST", "/v1/commit", {"job_id": held[0], "attempt": held[1],
                                                           "commitment": committed})
            assert status == 200
            before, counted_before = snapshot(service.log_path), rejections(service)
            generator = Generator(rng, service, holder, idle, held, other, proof)
            sent, wrong, failures = Counter(), [], []
            for _ in range(count):
                case = generator.case()
                status, code = await send(session, service.base, case)
                sent[case.expected] += 1
                if status < 400 or status >= 500:
                    failures.append((case.method, case.path, status, code))
                elif code != case.expected:
                    wrong.append((case.method, case.path, case.headers.get("Range"), case.expected, code))
            assert not failures, f"{len(failures)} answers were not refusals or were 5xx, e.g. {failures[:5]}"
            assert not wrong, f"{len(wrong)} refusals with another code than expected, e.g. {wrong[:5]}"
            assert snapshot(service.log_path) == before
            assert rejections(service) - counted_before == sent
            assert len(sent) >= 15
            async with session.get(service.base + "/v1/hello") as response:
                assert response.status == 200 and (await response.json())["service"] == service.info["service"]
            committed, revealed = await h.commit_reveal(mine, proof)
            assert committed[1]["code"] == "already_committed" and revealed == (200, {"accepted": True})
            assert (await i.call("POST", "/v1/fail", {"job_id": other[0], "attempt": other[1], "error": "done"}))[0] == 200
            await asyncio.to_thread(wait_for, lambda: finalized(service) == job_id + 1, "the fuzzed job final")
            return held
    held = asyncio.run(scenario())
    log = service.log()
    outcomes = {(a.prover, a.outcome) for a in log.attempts(held[0])}
    log.close()
    assert (holder.prover_id, Outcome.ACCEPTED) in outcomes
    assert Outcome.INVALID not in {outcome for _, outcome in outcomes}


def test_token_bucket_refuses_past_its_burst_and_refills():
    now = [0.0]
    bucket = TokenBucket(rate=2.0, burst=3, clock=lambda: now[0])
    assert [bucket.take(b"k") for _ in range(4)] == [True, True, True, False]
    assert bucket.take(b"other")
    now[0] += 0.5
    assert bucket.take(b"k") and not bucket.take(b"k")
    now[0] += 10
    bucket.sweep()
    assert b"k" not in bucket.tokens
