"""A quick comparison on tiny sizes, in simulation and for real on Ray: every policy and sweep runs and is measured."""

import pytest

from bench.compare import compare, liveness_runs, simulated, sweep_runs
from bench.scenarios import POLICY_NAMES, SWEEPS, Scenario, named
from bench.simulate.timing import ProofTimes

TIMES = ProofTimes(1, 2, 11315, (0.5, 0.6, 0.7), 0.05, 0.01, 800)


def test_quick_compare_covers_every_policy_sweep_and_the_outage():
    base = Scenario("base", provers=4, jobs=20, interval_s=0.3)
    axes = ("provers", "byzantine")
    records = compare(base, axes, simulated(TIMES, verify_scale=1.0))
    expected = len(list(sweep_runs(base, axes))) + len(liveness_runs(base))
    assert len(records) == expected
    assert {r.scenario.policy for r in records} == set(POLICY_NAMES)
    assert all(r.metrics["finalized"] == 20 for r in records if r.group != "provers" or r.x)
    liveness = {r.scenario.policy: r.metrics for r in records if r.group == "liveness"}
    assert liveness["centralized"]["longest_gap_s"] > liveness["round-robin"]["longest_gap_s"]
    byzantine = [r for r in records if r.group == "byzantine" and r.x and r.scenario.policy == "auction"]
    assert all(r.metrics["slashes"] > 0 and r.metrics["invalid_caught"] > 0 for r in byzantine)


def test_provers_sweep_runs_a_backlog_and_more_provers_prove_faster():
    base = Scenario("base", provers=4, jobs=40, interval_s=0.3)
    runs = {(r.scenario.policy, r.x): r for r in compare(base, ("provers",), simulated(TIMES, verify_scale=0.0))}
    assert all(r.scenario.interval_s == 0.0 for r in runs.values() if r.group == "provers")
    assert runs[("round-robin", 8)].metrics["proofs_per_s"] > 4 * runs[("round-robin", 1)].metrics["proofs_per_s"]


def test_every_point_runs_over_seeds_and_the_json_carries_per_seed_values_and_intervals(tmp_path):
    import json

    from bench.report.build import write_report
    from bench.report.points import points
    from bench.report.results import provenance

    base = Scenario("base", provers=3, jobs=12, interval_s=0.3, seed=5)
    records = compare(base, ("crash_rate",), simulated(TIMES), policies=("centralized", "round-robin"), seeds=3)
    found = points(records)
    assert len(found) == 2 * len(SWEEPS["crash_rate"].values) + 3 and all(sorted(r.scenario.seed for r in p.runs) == [5, 6, 7] for p in found)
    crashing = next(p for p in found if p.group == "crash_rate" and p.x == 0.5 and p.policy == "round-robin")
    assert len(set(crashing.values("latency_p99_s"))) > 1, "the seed changes the fault draws"
    ci = crashing.interval("latency_p99_s")
    assert ci.n == 3 and ci.low < ci.value < ci.high
    data = json.loads(write_report(tmp_path, "cmp", "seeds", records, provenance("test", 5))["json"].read_text())
    summary = next(p for p in data["points"] if p["group"] == "crash_rate" and p["x"] == 0.5
                   and p["policy"] == "round-robin")
    assert summary["seeds"] == [5, 6, 7] and summary["metrics"]["latency_p99_s"]["values"] == crashing.values(
        "latency_p99_s") and summary["metrics"]["latency_p99_s"]["ci"]["low"] == ci.low
    with pytest.raises(ValueError, match="seeds must be >= 1"):
        compare(base, ("crash_rate",), simulated(TIMES), seeds=0)


def test_two_worker_processes_give_the_in_process_records_in_the_same_order():
    """Every run is seeded and independent: a pool of 2 processes returns exactly what one process does,
    in the same order (wall times aside); a run that cannot pickle (a closure) and 0 workers are refused."""
    base = Scenario("base", provers=4, jobs=15, interval_s=0.3, seed=2,
                    faults={"crash": 0.25, "byzantine": 0.25, "rate": 0.5})
    kwargs = {"policies": ("round-robin", "redundant", "auction"), "seeds": 3}
    seen = []
    alone = compare(base, ("crash_rate",), simulated(TIMES), **kwargs)
    pooled = compare(base, ("crash_rate",), simulated(TIMES), workers=2, on_run=seen.append, **kwargs)
    assert [(r.scenario, r.group, r.x, r.metrics, r.finalized_at) for r in pooled] == [
        (r.scenario, r.group, r.x, r.metrics, r.finalized_at) for r in alone]
    assert seen == pooled and len({r.metrics["latency_p99_s"] for r in pooled}) > 1
    closure = simulated(TIMES)
    with pytest.raises(ValueError, match="cannot go to worker processes"):
        compare(base, ("crash_rate",), lambda *task: closure(*task), workers=2, **kwargs)
    with pytest.raises(ValueError, match="workers must be >= 1"):
        compare(base, ("crash_rate",), simulated(TIMES), workers=0, **kwargs)
    from bench.commands import compare as compare_command

    with pytest.raises(ValueError, match="real runs share one Ray cluster and run one at a time: workers must be 1"):
        compare_command("real", ("crash_rate",), workers=2)


def test_named_scenarios_and_the_centralized_prover_is_the_operators_own():
    scenario = named("auction/byzantine")
    assert scenario.policy == "auction" and scenario.faults["byzantine"] > 0
    central = Scenario("c", "centralized", provers=8, faults={"crash": 0.2, "rate": 0.5, "byzantine": 0.3,
                                                             "latency_s": 0.2})
    assert central.actors == 1 and central.effective_faults() == {"crash": 1.0, "rate": 0.1}
    assert [s.kind for s in central.fault_specs()] == ["crash"]


def test_real_compare_runs_on_ray_with_arrivals_speed_spread_and_the_outage(tmp_path):
    """The real mode end to end, tiny: jobs arrive over time, provers of spread speeds, every
    liveness run goes through its outage, and the report is written."""
    import ray

    from bench.commands import compare as compare_command

    try:
        records = compare_command("real", ("speed_spread",), provers=2, jobs=3, interval_s=0.3, batch_size=1,
                                  out_dir=tmp_path, policies=("centralized", "round-robin"), address="local", seeds=1)
    finally:
        ray.shutdown()
    assert [(r.group, r.scenario.policy) for r in records] == [
        ("speed_spread", "centralized"), ("speed_spread", "round-robin")] * 2 + [
        ("liveness", "centralized"), ("liveness", "round-robin"), ("liveness", "auction")]
    assert all(r.mode == "real" and r.metrics["finalized"] == 3 for r in records)
    spread = next(r for r in records if r.x == 1.0 and r.scenario.policy == "round-robin")
    assert max(spec.speed for spec in spread.scenario.fault_specs()) > 1.0
    assert (tmp_path / "compare_real.html").exists() and (tmp_path / "compare_real.json").exists()


@pytest.mark.slow
def test_calibration_against_real_ray_runs(tmp_path):
    """Small scenarios for real on Ray and simulated from their logs: every job finalizes in both."""
    from bench.commands import calibrate
    from bench.simulate.calibrate import agreement

    pairs = calibrate(jobs=6, out_dir=tmp_path, address="local")
    assert (tmp_path / "calibration.html").exists()
    for real, sim in pairs:
        assert real.metrics["finalized"] == sim.metrics["finalized"] == 6
        assert set(agreement(real, sim)) == {"proofs_per_s", "latency_p50_s", "latency_p99_s"}


def test_every_assumption_of_the_simulation_is_stated_with_its_source():
    from bench.commands import GUESS, MEASURED, PUBLIC, assumptions, model_assumptions
    from bench.simulate.timing import TimingModel

    model = TimingModel((TIMES,), {"measured_at": "2026-12-03T08:00:00+0000", "cpu_count": 2,
                                   "verifier": "zkprove.l1, native"})
    stated = {a["what"]: a for a in assumptions(model, "proof_times.json", 1, 1.0)}
    assert stated["proof times"]["source"] == MEASURED and "2026-12-03" in stated["proof times"]["value"]
    assert stated["verifier"]["source"] == MEASURED and "native" in stated["verifier"]["value"]
    assert stated["proof size"]["source"] == PUBLIC and stated["centralized prover"]["source"] == GUESS
    assert {a["source"] for a in stated.values()} <= {MEASURED, PUBLIC, GUESS}
    free = {a["what"]: a for a in assumptions(model, "proof_times.json", 1, 0.0)}
    assert free["verifier"]["source"] == GUESS and "FREE" in free["verifier"]["value"]
    screen = model_assumptions(model, "proof_times.json", 1, 1.0).splitlines()
    assert len(screen) == 1 + len(stated) and all(line.endswith("]") for line in screen[1:])
