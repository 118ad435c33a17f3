"""The coordinator core, job log, policies, fault models and metrics, without Ray.

A fake driver stands in for the cluster: it hands each dispatch straight
back as an answer and decides the verifier's verdict itself, on a manual
clock. This is how a discrete-event simulation drives the same core.
"""

import re
import sqlite3

import pytest
import ray

from workers.core import CoordinatorCore
from workers.faults import Fault, FaultSpec, fault_mix, parse_mix, spread_speeds
from workers.joblog import JobLog, JobRecord, Outcome, TransitionError
from workers.messages import SUPERSEDED, UNSATISFIABLE
from workers.metrics import measure, percentile, scaling_efficiency
from workers.policies import Auction, Centralized, OpenRace, Redundant, RoundRobin

GENESIS = 1000
PROOF = {"a": [1, 2], "b": [[3, 4], [5, 6]], "c": [7, 8]}


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def chain(n: int, start: int = GENESIS) -> list[JobRecord]:
    """n jobs whose links chain from ``start``: job k goes start + k -> start + k + 1."""
    return [JobRecord(k, (start + k, start + k + 1, 7 * k + 1), start + k, start + k + 1, 2, {"k": k})
            for k in range(n)]


def make_core(tmp_path, policy=None, referee=None, name="log.sqlite"):
    clock = Clock()
    core = CoordinatorCore(JobLog(tmp_path / name), policy or RoundRobin(10.0), clock, GENESIS, referee)
    return core, clock


def drive(core, clock, bad=frozenset(), step=1.0, max_steps=1000):
    """Answer every dispatch one step later; proofs from provers in ``bad`` are invalid."""
    for _ in range(max_steps):
        if core.done():
            return
        for d in core.assign():
            clock.t += step
            if core.result(d.job.job_id, d.attempt, d.prover_id, PROOF, step):
                ok = d.prover_id not in bad
                core.verdict(d.job.job_id, d.attempt, PROOF, ok, "valid" if ok else "pairing check failed")
        clock.t += step
        core.tick()
    raise AssertionError("the run did not finish")


def assert_finalized_in_order(log: JobLog, n: int) -> None:
    finalized = log.finalized()
    assert [pos for pos, _, _ in finalized] == list(range(n))
    jobs = [log.job(job_id) for _, job_id, _ in finalized]
    links = [GENESIS] + [j.link_to for j in jobs]
    assert all(j.link_from == links[i] for i, j in enumerate(jobs))


def test_jobs_finalize_once_in_root_order_even_when_verified_out_of_order(tmp_path):
    core, clock = make_core(tmp_path, OpenRace(10.0))
    for job in reversed(chain(4)):
        assert core.submit(job) is None
    for p in ("a", "b", "c", "d"):
        core.prover_joined(p)
    dispatches = core.assign()
    assert [d.job.job_id for d in dispatches] == [0, 0, 0, 0]  # the race: everyone on the oldest job
    for d in dispatches:
        core.result(d.job.job_id, d.attempt, d.prover_id, PROOF, 1.0)
    for d in reversed(dispatches):
        core.verdict(d.job.job_id, d.attempt, PROOF, True, "valid")
    drive(core, clock)
    assert_finalized_in_order(core.log, 4)
    outcomes = [a.outcome for a in core.log.attempts(job_id=0)]
    assert outcomes.count("accepted") == 1 and outcomes.count("wasted") == 3
    with pytest.raises(sqlite3.IntegrityError):
        core.log.finalize(0, clock.t)


def test_log_refuses_transitions_the_state_machine_does_not_have(tmp_path):
    log = JobLog(tmp_path / "log.sqlite")
    log.add_job(chain(1)[0], 0.0)
    with pytest.raises(TransitionError):
        log.move(0, "finalized", 1.0)
    with pytest.raises(TransitionError):
        log.move(0, "verified", 1.0)
    assert log.job(0).state == "pending"


def test_attempt_outcomes_follow_their_own_transitions_and_are_stored_as_strings(tmp_path):
    log = JobLog(tmp_path / "log.sqlite")
    log.add_job(chain(1)[0], 0.0)
    first = log.open_attempt(0, "p0", 1.0, 10.0)
    with pytest.raises(TransitionError, match="open -> accepted"):
        log.close_attempt(0, first, Outcome.ACCEPTED, 2.0)
    log.close_attempt(0, first, Outcome.PROVED, 2.0, 0.5)
    with pytest.raises(TransitionError, match="proved -> lost"):
        log.close_attempt(0, first, Outcome.LOST, 3.0)
    log.relabel_attempt(0, first, Outcome.INVALID, "bad pairing")
    with pytest.raises(TransitionError, match="invalid -> accepted"):
        log.relabel_attempt(0, first, Outcome.ACCEPTED, "")
    with pytest.raises(TransitionError, match="no attempt 7"):
        log.close_attempt(0, 7, Outcome.LOST, 3.0)
    (record,) = log.attempts(0)
    assert record.outcome is Outcome.INVALID and record.reason == "bad pairing"
    stored = sqlite3.connect(log.path).execute("SELECT outcome FROM attempts").fetchone()
    assert stored == ("invalid",)


def test_a_new_core_on_the_log_resumes_without_losing_or_repeating_jobs(tmp_path):
    core, _ = make_core(tmp_path)
    for job in chain(5):
        core.submit(job)
    core.prover_joined("a")
    core.prover_joined("b")
    first = core.assign()
    d = first[0]
    core.result(d.job.job_id, d.attempt, d.prover_id, PROOF, 1.0)
    core.verdict(d.job.job_id, d.attempt, PROOF, True, "valid")
    core.assign()  # work in flight when the coordinator "dies"
    core.log.close()
    revived, clock2 = make_core(tmp_path)
    clock2.t = 100.0
    assert revived.log.count("finalized") == 1
    assert {a.outcome for a in revived.log.attempts() if a.job_id != 0} == {"lost"}
    revived.prover_joined("a")
    drive(revived, clock2)
    assert_finalized_in_order(revived.log, 5)
    assert revived.log.events("resumed")


def test_bad_input_is_rejected_with_a_reason_and_the_run_goes_on(tmp_path):
    core, _ = make_core(tmp_path, referee=lambda job: "witness does not satisfy" if job.job_id == 9 else None)
    jobs = chain(3)
    for job in jobs:
        core.submit(job)
    assert "duplicate submission" in core.submit(jobs[1])
    assert "duplicate submission" in core.submit(JobRecord(77, jobs[2].public_inputs, jobs[2].link_from, jobs[2].link_to, 1, {}))
    assert core.submit(JobRecord(9, (5, 6, 7), 5, 6, 1, {"bad": True})) is None
    core.prover_joined("a")
    assert not core.result(42, 1, "a", PROOF, 1.0)
    d = core.assign()[0]
    assert not core.result(d.job.job_id, d.attempt + 1, "a", PROOF, 1.0)  # unsolicited
    assert core.result(d.job.job_id, d.attempt, "a", PROOF, 1.0)
    assert not core.result(d.job.job_id, d.attempt, "a", PROOF, 1.0)  # duplicate answer
    core.verdict(d.job.job_id, d.attempt, PROOF, True, "valid")
    while not core.done():
        for d in core.assign():
            error = f"{UNSATISFIABLE}: no" if d.job.job_id == 9 else None
            if core.result(d.job.job_id, d.attempt, d.prover_id, None if error else PROOF, 1.0, error):
                core.verdict(d.job.job_id, d.attempt, PROOF, True, "valid")
    assert core.log.job(9).state == "failed" and "does not satisfy" in core.log.job(9).reason
    reasons = [e[4] for e in core.log.events("rejected")]
    assert sum("duplicate submission" in r for r in reasons) == 2
    assert sum("unknown job" in r for r in reasons) == 1
    assert sum("no open attempt" in r for r in reasons) == 2
    assert_finalized_in_order(core.log, 3)


def test_invalid_proofs_and_missed_deadlines_reassign_and_slash_in_the_auction(tmp_path):
    auction = Auction(5.0, min_stake=10.0, collateral=20.0, slash_fraction=0.5)
    core, clock = make_core(tmp_path, auction)
    for job in chain(4):
        core.submit(job)
    core.prover_joined("cheap-liar", capacity=100.0, stake=30.0)
    core.prover_joined("honest", capacity=1.0, stake=30.0)
    late, on_time = core.assign()
    assert (late.prover_id, late.job.job_id, on_time.prover_id) == ("cheap-liar", 0, "honest")  # lowest bid first
    assert core.result(on_time.job.job_id, on_time.attempt, "honest", PROOF, 1.0)
    core.verdict(on_time.job.job_id, on_time.attempt, PROOF, True, "valid")
    clock.t += 6.0
    assert core.tick() == [(0, late.attempt)]
    assert core.log.job(0).state == "reassigned"
    assert core.result(0, late.attempt, "cheap-liar", PROOF, 6.0)  # late, and invalid: slashed once only
    core.verdict(0, late.attempt, PROOF, False, "pairing check failed")
    drive(core, clock, bad={"cheap-liar"})
    assert_finalized_in_order(core.log, 4)
    metrics = measure(core.log)
    # 30 staked, 10 slashed per failed lock: the missed deadline, then two invalid proofs; then it may not bid
    assert (metrics.deadline_misses, metrics.invalid_caught, metrics.slashes, metrics.slashed_stake) == (1, 3, 3, 30)
    assert core.balance("cheap-liar") == 0.0


def test_a_superseded_attempt_is_wasted_work_not_a_failure(tmp_path):
    """An attempt ended because another prover's proof came first frees its prover with no penalty, and the
    job can come back to it; an error of any other kind counts against the prover."""
    core, clock = make_core(tmp_path, Redundant(10.0, k=2))
    core.submit(chain(1)[0])
    core.prover_joined("a")
    core.prover_joined("b")
    first, second = core.assign()
    assert not core.result(0, second.attempt, second.prover_id, None, 0.0, f"{SUPERSEDED}: a proof was revealed")
    (wasted,) = [a for a in core.log.attempts() if a.attempt == second.attempt]
    assert wasted.outcome == Outcome.WASTED and second.prover_id not in core.failed_by[0]
    assert core.provers[second.prover_id].busy == 0 and core.log.job(0).state == "assigned"
    assert not core.result(0, first.attempt, first.prover_id, None, 0.0, "out of memory")
    assert first.prover_id in core.failed_by[0] and core.log.job(0).state == "reassigned"


def test_policies_choose_as_documented():
    from workers.policies import JobView, ProverView

    provers = [ProverView(p, joined_at=i, last_done_at=t) for i, (p, t) in enumerate([("a", 5.0), ("b", 1.0),
                                                                                       ("c", 3.0)])]
    job = JobView(0, 1, 0, frozenset())
    assert [a.prover_id for a in Centralized(1.0).assign(job, provers, 0.0)] == ["a"]
    assert [a.prover_id for a in RoundRobin(1.0).assign(job, provers, 0.0)] == ["b"]
    assert [a.prover_id for a in RoundRobin(1.0).assign(JobView(0, 1, 1, frozenset("b")), provers, 0.0)] == ["c"]
    assert len(OpenRace(1.0).assign(job, provers, 0.0)) == 3
    drawn = [a.prover_id for a in Redundant(1.0, k=2, seed=3).assign(job, provers, 0.0)]
    assert len(set(drawn)) == 2 and drawn == [a.prover_id for a in Redundant(1.0, k=2, seed=3).assign(job, provers, 0.0)]
    assert all(a.deadline == 1.0 for a in RoundRobin(1.0).assign(job, provers, 0.0))


def test_only_crash_silent_and_byzantine_specs_at_a_positive_rate_can_strike():
    """A spec that cannot strike gets no fault on any attempt: the simulation asks it once."""
    quiet = [FaultSpec(), FaultSpec("straggler", slowdown=3.0), FaultSpec("crash", rate=0.0),
             FaultSpec("byzantine", rate=0.0, latency_s=0.2)]
    assert not any(spec.can_strike for spec in quiet)
    for spec in quiet:
        first = spec.decide(0, 0)
        assert all((d.fault, d.slowdown, d.latency_s) == (Fault.NONE, first.slowdown, first.latency_s)
                   for d in (spec.decide(job, attempt) for job in range(50) for attempt in (1, 2)))
    striking = [FaultSpec("crash", rate=0.5), FaultSpec("silent", rate=0.5), FaultSpec("byzantine", rate=0.5)]
    assert all(spec.can_strike for spec in striking)
    assert all(any(spec.decide(job, 1).fault is not Fault.NONE for job in range(50)) for spec in striking)


def test_fault_decisions_replay_from_the_seed():
    spec = FaultSpec("byzantine", rate=0.5, seed=7)
    decisions = [spec.decide(job, attempt) for job in range(20) for attempt in (1, 2)]
    assert decisions == [FaultSpec(**spec.as_dict()).decide(job, attempt) for job in range(20) for attempt in (1, 2)]
    assert {d.fault for d in decisions} == {Fault.NONE, Fault.TAMPER, Fault.WRONG_STATEMENT}
    assert FaultSpec("straggler", slowdown=3.0).decide(0, 1).slowdown == 3.0
    assert FaultSpec(latency_s=0.5, bandwidth_bps=1000).decide(0, 1).network_s(500) == 1.0
    mix = fault_mix(10, seed=1, **parse_mix("crash=0.3,byzantine=0.1,straggler=0.2"))
    assert sorted(s.kind for s in mix) == sorted(["crash"] * 3 + ["byzantine"] + ["straggler"] * 2 + ["honest"] * 4)
    assert mix == fault_mix(10, seed=1, crash=0.3, byzantine=0.1, straggler=0.2)
    with pytest.raises(ValueError):
        FaultSpec("gremlin")


def test_hardware_speeds_spread_from_the_fastest_prover_and_slow_every_attempt():
    specs = spread_speeds(fault_mix(8, seed=2, straggler=0.25, slowdown=3.0), spread=0.5, seed=6)
    assert min(s.speed for s in specs) == 1.0 < max(s.speed for s in specs)
    assert specs == spread_speeds(fault_mix(8, seed=2, straggler=0.25, slowdown=3.0), spread=0.5, seed=6)
    assert spread_speeds(specs[:3], spread=0.0, seed=6) == specs[:3]
    for spec in specs:
        expected = spec.speed * (3.0 if spec.kind == "straggler" else 1.0)
        assert spec.decide(1, 1).slowdown == pytest.approx(expected)
    with pytest.raises(ValueError):
        FaultSpec(speed=0.5)


def test_metrics_from_the_log(tmp_path):
    core, clock = make_core(tmp_path, Redundant(100.0, k=2, seed=1))
    for job in chain(3):
        core.submit(job)
    for p in ("a", "b"):
        core.prover_joined(p)
    drive(core, clock, step=1.0)
    m = measure(core.log)
    assert (m.jobs, m.finalized, m.transactions, m.attempts) == (3, 3, 6, 6)
    assert m.within_deadline == 1.0 and m.reassignments == 0
    assert m.wasted_prover_s > 0  # the redundant second proof of each job
    assert percentile([1.0, 2.0, 3.0], 50) == 2.0 and scaling_efficiency(10.0, 5.5, 2) == pytest.approx(10 / 11)


def test_attempts_that_never_answer_are_closed_as_lost_when_the_run_ends(tmp_path):
    core, clock = make_core(tmp_path, RoundRobin(5.0))
    core.submit(chain(1)[0])
    core.prover_joined("silent")
    core.prover_joined("honest")
    (silent,) = core.assign()
    clock.t += 6.0
    assert core.tick() == [(0, silent.attempt)]  # expired: the job is reassigned
    drive(core, clock)  # a later attempt answers; the silent one never does
    assert core.done() and [a.attempt for a in core.log.attempts(open_only=True)] == [silent.attempt]
    core.close_open_attempts("run ended")
    assert core.log.attempts(open_only=True) == []
    (closed,) = [a for a in core.log.attempts(0) if a.attempt == silent.attempt]
    assert closed.outcome == "lost" and closed.reason == "run ended"


@pytest.mark.parametrize(("text", "named"), [
    ("crash=abc", "crash='abc' is not a number"), ("crash=1.5", "crash=1.5 is outside [0, 1]"),
    ("rate=-0.1", "rate=-0.1 is outside"), ("slowdown=0.5", "slowdown=0.5 is outside [1, inf]"),
    ("boom=0.2", "unknown fault setting 'boom'"),
])
def test_a_bad_fault_mix_is_refused_naming_the_setting(text, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        parse_mix(text)


def zkprove_app():
    """The ``zkprove`` command line with ``cluster run`` in it (bench.cluster_cli adds it to the cluster group)."""
    import bench.cluster_cli  # noqa: F401
    from zkprove.cli import app

    return app


@pytest.mark.parametrize(("args", "named"), [
    (["--provers", "2", "--faults", "crash=0.3,byzantine=0.3,straggler=0.3"], "need more than 2 provers"),
    (["--faults", "crash=1.5"], "crash=1.5 is outside [0, 1]"),
    (["--faults", "crash=abc"], "crash='abc' is not a number"),
    (["--faults", "boom=1"], "unknown fault setting 'boom'"),
    (["--policy", "lottery"], "unknown policy 'lottery'"),
    (["--runs", "centralized,parallel"], "runs are 'centralized' and/or 'scattered'"),
    (["--runs", ""], "runs are"),
    (["--provers", "0"], "--provers"),
    (["--redundancy", "0"], "--redundancy"),
    (["--jobs", "0"], "--jobs"),
    (["--timeout", "0"], "--timeout"),
])
def test_cluster_run_checks_every_option_before_starting_ray(args, named):
    """A bad option exits 2 at once with a one-line reason, before Ray starts or the workload is built."""
    from typer.testing import CliRunner

    result = CliRunner().invoke(zkprove_app(), ["cluster", "run", *args])
    assert result.exit_code == 2, result.output
    assert named in " ".join(result.output.replace("│", " ").split()) and "Traceback" not in result.output
    assert not ray.is_initialized()


def test_cluster_run_checks_its_json_path_before_starting_ray(tmp_path):
    """``--json PATH`` follows zkprove.cli.paths: an existing file needs --force, a missing folder is named."""
    from typer.testing import CliRunner

    (tmp_path / "metrics.json").write_text("keep")
    for path, message in ((tmp_path / "metrics.json", "--force"), (tmp_path / "no" / "m.json", "does not exist")):
        result = CliRunner().invoke(zkprove_app(), ["cluster", "run", "--json", str(path)])
        assert result.exit_code == 2 and message in result.output, result.output
        assert not ray.is_initialized()
    assert (tmp_path / "metrics.json").read_text() == "keep"


def test_cluster_run_refuses_a_pk_that_is_not_a_key_before_starting_ray(tmp_path):
    from typer.testing import CliRunner

    (tmp_path / "w.wtns").write_bytes(b"wtns" + bytes(40))
    result = CliRunner().invoke(zkprove_app(), ["cluster", "run", "--pk", str(tmp_path / "w.wtns")])
    assert result.exit_code == 2 and "a witness (.wtns), not a proving key" in result.output, result.output
    assert not ray.is_initialized()


def test_the_workload_proves_under_a_zkey_and_refuses_another_circuit_s(tmp_path):
    """A snarkjs-format key of the TransferBatch circuit replaces the dev keys; a key of another circuit is refused."""
    import warnings

    from bench.rollup_workload import rollup_workload
    from circuits.rollup import TransferBatch
    from workers.runner import warm_reference

    from zkprove import groth16
    from zkprove.formats.zkey_file import dev_zkey, write_zkey

    def zkey_of(cs, path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
            pk, _ = groth16.setup(cs, odd_coset_h=True)
        write_zkey(path, dev_zkey(pk))
        return pk

    pk = zkey_of(TransferBatch(T=1, depth=4).compile(), tmp_path / "transfer.zkey")
    workload = rollup_workload(1, 1, 4, key_path=tmp_path / "transfer.zkey")
    assert workload.pk.h_on_odd_coset and workload.vk == pk.vk
    assert warm_reference(workload) > 0  # proves the warm-up batch under the .zkey and verifies it
    zkey_of(TransferBatch(T=1, depth=5).compile(), tmp_path / "other.zkey")
    with pytest.raises(groth16.WrongKey):
        rollup_workload(1, 1, 4, key_path=tmp_path / "other.zkey")
