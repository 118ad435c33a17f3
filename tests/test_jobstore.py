"""One set of behaviour checks against both job stores, so the SQLite log and the in-memory log cannot drift.

Each test takes ``store``, made once as :class:`workers.joblog.JobLog` (on a
file) and once as :class:`bench.simulate.memlog.MemoryJobLog`, and checks what
:class:`workers.jobstore.JobStore` promises: the state machine's refusals,
outcome transitions, duplicate and double-finalization errors, counts,
event order, attempts and the records they return.
"""

import pytest

from bench.simulate.memlog import MemoryJobLog
from workers.joblog import JobLog, JobRecord, Outcome
from workers.jobstore import AlreadyRecorded, JobStore, TransitionError


@pytest.fixture(params=["sqlite", "memory"])
def store(request, tmp_path) -> JobStore:
    made = JobLog(tmp_path / "log.sqlite") if request.param == "sqlite" else MemoryJobLog()
    yield made
    made.close()


def job(k: int, link_from: int | None = None) -> JobRecord:
    start = 10 + k if link_from is None else link_from
    return JobRecord(k, (start, start + 1, 7 * k), start, start + 1, k + 1, {"k": k, "nested": [1, {"x": "y"}]})


def add(store: JobStore, n: int) -> list[JobRecord]:
    jobs = [job(k) for k in range(n)]
    for k, j in enumerate(jobs):
        store.add_job(j, float(k))
    return jobs


def test_jobs_come_back_as_submitted_and_pending(store):
    jobs = add(store, 3)
    got = store.job(1)
    assert (got.public_inputs, got.link_from, got.link_to, got.size, got.payload) == (
        jobs[1].public_inputs, jobs[1].link_from, jobs[1].link_to, 2, jobs[1].payload)
    assert (got.state, got.attempts, got.submitted_at) == ("pending", 0, 1.0)
    assert store.job(99) is None
    assert [j.job_id for j in store.jobs()] == [0, 1, 2] and list(store.job_ids("pending")) == [0, 1, 2]
    assert [j.job_id for j in store.from_link(11)] == [1] and store.from_link(5) == []


def test_a_duplicate_id_or_statement_is_refused(store):
    jobs = add(store, 2)
    with pytest.raises(AlreadyRecorded):
        store.add_job(jobs[0], 5.0)
    twin = JobRecord(7, jobs[1].public_inputs, jobs[1].link_from, jobs[1].link_to, 1, {})
    with pytest.raises(AlreadyRecorded):
        store.add_job(twin, 5.0)
    store.add_job(JobRecord(8, (1,), jobs[1].link_from, jobs[1].link_to, 1, {}), 5.0)  # a fork: another statement
    assert store.count() == 3 and [j.job_id for j in store.from_link(jobs[1].link_from)] == [1, 8]


def test_transitions_outside_the_state_machine_are_refused(store):
    add(store, 1)
    for bad in ("verified", "finalized", "proved"):
        with pytest.raises(TransitionError, match="pending -> "):
            store.move(0, bad, 1.0)
    with pytest.raises(TransitionError, match="not in the log"):
        store.move(42, "assigned", 1.0)
    with pytest.raises(TransitionError):
        store.finalize(0, 1.0)  # not verified
    assert store.job(0).state == "pending" and store.finalized() == []


def test_a_job_finalizes_once(store):
    add(store, 1)
    attempt = store.open_attempt(0, "p", 1.0, 5.0)
    store.move(0, "proved", 2.0, "proved", "p")
    store.close_attempt(0, attempt, Outcome.PROVED, 2.0, 1.0)
    store.move(0, "verified", 3.0, "verified", "p", proof={"a": [1, 2]}, prover="p", verified_at=3.0)
    assert store.finalize(0, 4.0) == 0
    with pytest.raises(AlreadyRecorded, match="already finalized"):
        store.finalize(0, 5.0)
    done = store.job(0)
    assert (done.state, done.proof, done.prover, done.verified_at, done.finalized_at) == (
        "finalized", {"a": [1, 2]}, "p", 3.0, 4.0)
    assert store.finalized() == [(0, 0, 4.0)]


def test_counts_follow_the_states(store):
    add(store, 4)
    store.open_attempt(0, "p", 1.0, 5.0)
    store.open_attempt(1, "q", 1.0, 5.0)
    store.move(1, "reassigned", 2.0, "reassigned")
    store.move(2, "failed", 2.0, "rejected", detail="bad", reason="bad")
    assert (store.count(), store.count("pending"), store.count("assigned"), store.count("reassigned"),
            store.count("failed"), store.count("pending", "reassigned")) == (4, 1, 1, 1, 1, 2)
    assert list(store.job_ids("pending", "reassigned")) == [1, 3]
    assert [j.job_id for j in store.jobs("failed")] == [2] and store.job(2).reason == "bad"


def test_attempts_number_up_and_their_outcomes_follow_their_transitions(store):
    add(store, 1)
    first = store.open_attempt(0, "p", 1.0, 5.0)
    second = store.open_attempt(0, "q", 1.5, 6.5)
    assert (first, second) == (1, 2) and store.job(0).attempts == 2
    assert [a.attempt for a in store.attempts(open_only=True)] == [1, 2]
    store.close_attempt(0, first, Outcome.CRASHED, 2.0, reason="died")
    with pytest.raises(TransitionError, match="crashed -> lost"):
        store.close_attempt(0, first, Outcome.LOST, 3.0)
    store.close_attempt(0, second, Outcome.PROVED, 3.0, prove_s=1.5)
    with pytest.raises(TransitionError):
        store.relabel_attempt(0, second, Outcome.CRASHED, "no")
    store.relabel_attempt(0, second, Outcome.INVALID, "pairing check failed")
    with pytest.raises(TransitionError, match="no attempt 3"):
        store.close_attempt(0, 3, Outcome.LOST, 3.0)
    a, b = store.attempts(0)
    assert (a.prover, a.assigned_at, a.deadline, a.ended_at, a.outcome, a.reason) == ("p", 1.0, 5.0, 2.0, "crashed",
                                                                                       "died")
    assert (b.outcome, b.prove_s, b.reason) == (Outcome.INVALID, 1.5, "pairing check failed")
    assert store.attempts(open_only=True) == [] and store.attempts(7) == []


def test_events_keep_their_order_and_fields(store):
    add(store, 2)
    store.open_attempt(1, "p", 2.0, 9.0)
    store.event(3.0, "slash", 1, "p", "missed deadline", 20.0)
    store.move(1, "reassigned", 4.0, "reassigned", detail="again")
    assert store.events() == [
        (0.0, "submitted", 0, None, "", 0.0), (1.0, "submitted", 1, None, "", 0.0),
        (2.0, "assigned", 1, "p", "attempt 1", 0.0), (3.0, "slash", 1, "p", "missed deadline", 20.0),
        (4.0, "reassigned", 1, None, "again", 0.0),
    ]
    assert store.events("slash") == [(3.0, "slash", 1, "p", "missed deadline", 20.0)]


def test_meta_is_kept(store):
    assert store.meta("genesis_link") is None
    store.set_meta("genesis_link", "12")
    store.set_meta("genesis_link", "13")
    assert store.meta("genesis_link") == "13"
