"""The simulation drives the real coordinator core, policies and fault specs on SimPy time.

Small scenarios with hand-picked proof times; every assertion is about
counts, orders and simulated seconds, none about wall time.
"""

import itertools
from dataclasses import replace

import pytest

from bench.scenarios import Scenario
from bench.simulate.engine import Simulation, sim_jobs
from bench.simulate.memlog import MemoryJobLog
from bench.simulate.timing import ProofTimes, TimingModel
from workers.joblog import JobLog

FIXED = ProofTimes(1, 2, 11315, (1.0, 1.0), 0.0, 0.0, 800)
"""Every proof takes exactly 1 s, verification is free: times are easy to check by hand."""
VARIED = ProofTimes(1, 2, 11315, (0.5, 0.6, 0.8, 1.1), 0.3, 0.1, 800)


def run(scenario: Scenario, times: ProofTimes = FIXED, **options) -> Simulation:
    simulation = Simulation(scenario, times, **options)
    simulation.run()
    return simulation


def test_a_hand_checked_scenario_matches_the_real_core_event_by_event():
    """Two provers, four jobs at t=0, 1 s proofs: jobs 0,1 finalize at 2 s (join at 1 s), jobs 2,3 at 3 s."""
    scenario = Scenario("tiny", "round-robin", provers=2, jobs=4)
    exact, fast = run(scenario, exact=True), run(scenario)
    assert isinstance(exact.log, JobLog) and isinstance(fast.log, MemoryJobLog)
    assert exact.log.events() == fast.log.events()
    assert exact.log.attempts() == fast.log.attempts()
    assert exact.log.finalized() == fast.log.finalized() == [(0, 0, 2.0), (1, 1, 2.0), (2, 2, 3.0), (3, 3, 3.0)]
    assert [e[1] for e in exact.log.events() if e[2] == 0] == ["submitted", "assigned", "proved", "verified",
                                                                "finalized"]


@pytest.mark.parametrize("policy", ["centralized", "round-robin", "open-race", "redundant", "auction"])
def test_fast_path_and_real_core_agree_under_faults(policy):
    scenario = Scenario("mixed", policy, provers=6, jobs=30, interval_s=0.2, speed_spread=0.3, seed=4,
                        faults={"crash": 0.2, "byzantine": 0.2, "straggler": 0.2, "silent": 0.1, "rate": 0.5})
    exact, fast = run(scenario, VARIED, exact=True), run(scenario, VARIED)
    assert exact.log.events() == fast.log.events()
    assert exact.log.attempts() == fast.log.attempts()
    assert exact.log.jobs() == fast.log.jobs()


def test_the_same_seed_gives_the_same_log_and_another_seed_another():
    scenario = Scenario("seeded", "redundant", provers=5, jobs=40, interval_s=0.1, speed_spread=0.5,
                        faults={"crash": 0.2, "byzantine": 0.2, "rate": 0.5}, seed=7)
    first, second = run(scenario, VARIED), run(scenario, VARIED)
    assert first.log.events() == second.log.events()
    assert run(replace(scenario, seed=8), VARIED).log.events() != first.log.events()


def test_every_job_finalizes_once_in_root_order_despite_faults():
    scenario = Scenario("faults", "round-robin", provers=8, jobs=60, interval_s=0.1,
                        faults={"crash": 0.25, "byzantine": 0.25, "straggler": 0.25, "rate": 0.5}, seed=2)
    log = run(scenario, VARIED).log
    assert [job_id for _, job_id, _ in log.finalized()] == list(range(60))
    assert all(a.outcome != "accepted" or a.prover for a in log.attempts())
    invalid = {(a.job_id, a.attempt) for a in log.attempts() if a.outcome == "invalid"}
    assert invalid and all(log.job(job_id).state == "finalized" for job_id, _ in invalid)


def test_open_race_sends_every_idle_prover_and_counts_the_losers_as_waste():
    simulation = run(Scenario("race", "open-race", provers=4, jobs=1))
    outcomes = sorted(a.outcome for a in simulation.log.attempts())
    assert outcomes == ["accepted", "wasted", "wasted", "wasted"]
    assert simulation.log.count("finalized") == 1


def test_redundant_assigns_k_provers_per_job():
    simulation = run(Scenario("k3", "redundant", provers=6, jobs=2, redundancy=3))
    per_job = [len(simulation.log.attempts(job_id)) for job_id in (0, 1)]
    assert per_job == [3, 3]


def test_auction_slashes_a_missed_deadline_and_an_invalid_proof():
    silent = run(Scenario("silent", "auction", provers=3, jobs=6, faults={"silent": 0.34, "rate": 1.0}, seed=1))
    missed = [e for e in silent.log.events("slash") if "deadline" in e[4]]
    assert missed and silent.log.events("deadline_missed")
    byzantine = run(Scenario("byz", "auction", provers=3, jobs=6, faults={"byzantine": 0.34, "rate": 1.0}, seed=1))
    assert [e for e in byzantine.log.events("slash") if "invalid" in e[4]]
    assert byzantine.log.count("finalized") == 6


def test_an_outage_of_the_centralized_prover_stops_finality_but_not_a_scattered_fleet():
    base = Scenario("outage", "centralized", provers=4, jobs=40, interval_s=0.5, outage=(5.0, 15.0))
    central = run(base).log
    times = [at for _, _, at in central.finalized()]
    assert not [t for t in times if 5.0 < t < 15.0]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert max(gaps) >= 10.0
    scattered = run(replace(base, policy="round-robin")).log
    assert [t for _, _, t in scattered.finalized() if 5.0 < t < 15.0]


def test_crashed_provers_restart_and_rejoin():
    simulation = run(Scenario("crash", "round-robin", provers=2, jobs=20, faults={"crash": 0.5, "rate": 0.5}, seed=3))
    joins = [e for e in simulation.log.events("prover_joined")]
    assert simulation.log.events("crash") and len(joins) > 2
    assert simulation.log.count("finalized") == 20


def test_memory_log_keeps_jobs_in_id_order_through_reassignment():
    log = MemoryJobLog()
    for job in sim_jobs(5, 1):
        log.add_job(job, 0.0)
    assert list(log.job_ids("pending", "reassigned")) == [0, 1, 2, 3, 4]
    log.open_attempt(1, "p0", 0.0, 5.0)
    log.open_attempt(3, "p1", 0.0, 5.0)
    log.move(3, "reassigned", 1.0)
    assert list(log.job_ids("pending", "reassigned")) == [0, 2, 3, 4]


def test_timing_model_round_trips_through_json(tmp_path):
    model = TimingModel((FIXED, VARIED), {"cpu_count": 2})
    model.save(tmp_path / "times.json")
    loaded = TimingModel.load(tmp_path / "times.json")
    assert loaded == model and loaded.get(1).median_s == pytest.approx(1.0)


def test_the_verifier_pays_for_halving_a_batch_that_holds_a_false_proof():
    """As :func:`zkprove.l1.batch.find_failing` checks [0,1], [0], then [2,3] to find proof 1."""
    simulation = Simulation(Scenario("verify", provers=1, jobs=1), VARIED)
    v = VARIED.verify_s
    assert simulation._verify_s([None]) == pytest.approx(v(1))
    assert simulation._verify_s([None] * 4) == pytest.approx(v(4))
    assert simulation._verify_s([None, "tampered", None, None]) == pytest.approx(v(4) + v(2) + v(1) + v(2))


def test_a_verifier_bound_fleet_is_capped_by_the_verifier():
    """Many fast provers, a slow verifier: throughput tends to 1 / (verifier time per proof), the
    closed form of a saturated single server, and a free verifier lifts the cap."""
    from workers.metrics import measure

    slow_verifier = ProofTimes(1, 1, 11315, (0.1,), 0.0, 0.5, 800)
    scenario = Scenario("verifier-bound", "round-robin", provers=20, jobs=60)
    charged = measure(run(scenario, slow_verifier).log)
    free = measure(run(scenario, slow_verifier, verify_scale=0.0).log)
    assert charged.proofs_per_s <= 2.0 * 1.02
    assert charged.proofs_per_s >= 2.0 * 0.8, "batches share the fixed cost, so the cap is nearly reached"
    assert free.proofs_per_s > 5 * charged.proofs_per_s


def test_the_simulation_names_its_assumptions():
    from bench.commands import model_assumptions

    model = TimingModel((VARIED,), {"measured_at": "2026-12-03T08:00:00+0000", "cpu_count": 2,
                                    "verifier": "zkprove.l1, native"})
    charged = model_assumptions(model, "proof_times.json", 1, 1.0)
    assert "proof_times.json" in charged and "2026-12-03" in charged and "2-core" in charged
    assert "300.00 ms a batch + 100.00 ms a proof" in charged and "native" in charged
    assert "FREE" in model_assumptions(model, "proof_times.json", 1, 0.0)


def test_head_of_line_cost_of_in_order_finality_is_measured():
    """Two provers join at 1 s; p0 straggles (3 s proofs): job 0 is ready at 4 s, while p1 proves jobs
    1 and 2 by 2 s and 3 s, which wait for it (2 s and 1 s), and job 3, ready at 4 s, waits for nothing."""
    from workers.metrics import measure

    straggling = Scenario("hol", "round-robin", provers=2, jobs=4, deadline_s=100.0, seed=0,
                          faults={"straggler": 0.5, "slowdown": 3.0, "rate": 1.0})
    assert [spec.kind for spec in straggling.fault_specs()] == ["straggler", "honest"]
    held = measure(run(straggling).log)
    assert (held.head_of_line_mean_s, held.head_of_line_max_s) == (0.75, 2.0)
    even = measure(run(replace(straggling, faults={})).log)
    assert (even.head_of_line_mean_s, even.head_of_line_max_s) == (0.0, 0.0)


def test_a_prover_downloads_the_proving_key_over_its_link_before_it_joins():
    """A 2 MB key on a 1 MB/s link with 0.5 s latency: 2.5 s before the 1 s warm-up proof, once."""
    scenario = Scenario("wan", "round-robin", provers=2, jobs=2, deadline_s=100.0,
                        faults={"latency_s": 0.5, "bandwidth_bps": 1e6})
    keyed = run(scenario, replace(FIXED, key_bytes=2_000_000))
    assert [e[0] for e in keyed.log.events("prover_joined")] == [3.5, 3.5]
    assert [e[0] for e in run(scenario).log.events("prover_joined")] == [1.0, 1.0]


def test_a_correlated_outage_takes_a_whole_region_down_together():
    """Four provers, 1 s proofs, a job every 0.5 s, an outage from 5 s to 15 s: losing one prover costs
    one lost proof, losing all four (one region) stops finality for the whole window; all finalize in the end."""
    from workers.metrics import measure

    scenario = Scenario("region", "round-robin", provers=4, jobs=40, interval_s=0.5, deadline_s=100.0,
                        outage=(5.0, 15.0))
    one, region = (measure(run(scenario, outage_provers=n).log) for n in (1, 4))
    assert one.finalized == region.finalized == 40
    assert one.longest_gap_s <= 2.5 and region.longest_gap_s >= 10.0
    with pytest.raises(ValueError, match="outage_provers=5"):
        Simulation(scenario, FIXED, outage_provers=5)


@pytest.mark.parametrize("up_s, down_s", [(20.0, 5.0), (5.0, 5.0)])
def test_churn_costs_the_share_of_time_provers_are_away_plus_the_work_they_drop(up_s, down_s):
    """Alternating exponential up and down times: a prover is present a share up / (up + down) of the
    time (renewal theory), so a backlog on 1 s proofs finalizes at about provers * that share, less
    the prover-seconds lost when a prover leaves mid-proof; without churn no prover leaves."""
    from workers.metrics import measure

    scenario = Scenario("churn", "round-robin", provers=4, jobs=400, deadline_s=100.0)
    churned = run(scenario, churn_up_s=up_s, churn_down_s=down_s)
    m = measure(churned.log)
    present = up_s / (up_s + down_s)
    expected = (scenario.provers * present * m.makespan_s - m.wasted_prover_s) / m.makespan_s
    assert m.finalized == 400 and m.reassignments > 0
    assert m.proofs_per_s == pytest.approx(expected, rel=0.08)
    steady = run(scenario)
    assert not steady.log.events("prover_left") and measure(steady.log).proofs_per_s > expected / present
    with pytest.raises(ValueError, match="churn_up_s=-1"):
        Simulation(scenario, FIXED, churn_up_s=-1.0)


TIED = Scenario("tie", "open-race", provers=5, jobs=40, interval_s=0.5, seed=3, deadline_s=1.0,
                faults={"straggler": 0.4, "silent": 0.2, "crash": 0.2, "slowdown": 2.0, "rate": 0.5})
"""1 s proofs against a 1 s deadline: answers land at the very instant their deadline passes."""
RECORDED = {
    "tied": (TIED, FIXED, {"join_s": 0.0}, "3d783defb964cc22"),
    "churn": (Scenario("churn", "round-robin", provers=8, jobs=120, interval_s=0.1, seed=2,
                       faults={"crash": 0.25, "byzantine": 0.25, "rate": 0.5}), VARIED,
              {"arrivals": "poisson", "churn_up_s": 4.0, "churn_down_s": 1.0}, "78f98dd2520650e2"),
    "outage": (Scenario("outage", "auction", provers=6, jobs=80, seed=1, outage=(2.0, 6.0),
                        faults={"byzantine": 0.3, "silent": 0.2, "rate": 0.5}), VARIED, {"outage_provers": 3},
               "3a59774a6ddcef27"),
}
"""Digests of the event logs the engine wrote before it saved events (commit 2feb223: one deadline timer
and one dispatch event per attempt, every decision asked of the fault spec)."""


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_the_event_saving_engine_writes_the_log_it_wrote_before(name):
    """Shared deadline timers, dispatching at the last step of an instant and fixed decisions for provers
    that cannot fault change no event, even where answers and deadlines tie; another seed does."""
    import hashlib

    scenario, times, options, digest = RECORDED[name]
    events = run(scenario, times, **options).log.events()
    assert hashlib.sha256(repr(events).encode()).hexdigest()[:16] == digest
    assert hashlib.sha256(repr(run(replace(scenario, seed=9), times, **options).log.events()).encode()
                          ).hexdigest()[:16] != digest


def test_fast_path_and_real_core_agree_where_deadlines_tie_with_answers():
    exact, fast = run(TIED, exact=True, join_s=0.0), run(TIED, join_s=0.0)
    assert exact.log.events() == fast.log.events() and exact.log.attempts() == fast.log.attempts()
    assert sum(1 for e in fast.log.events() if e[1] == "deadline_missed") > 0
