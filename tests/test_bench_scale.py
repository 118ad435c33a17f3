"""The scale sweeps' axes reach the simulation and move it the expected way; ``bench scale --quick`` runs.

Hand-picked proof times (1 s, free verification), small fleets; every assertion is about simulated
seconds, counts and orders, none about wall time.
"""

import statistics
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from bench import scale
from bench.scenarios import Scenario, Sweep
from bench.simulate.engine import Simulation
from bench.simulate.timing import ProofTimes
from workers.metrics import measure
from zkprove.cli import app

KEYED = ProofTimes(1, 2, 11315, (1.0, 1.0), 0.0, 0.0, 800, key_bytes=10_000_000)
"""1 s proofs, free verification, a 10 MB proving key."""


def simulate(scenario: Scenario, **options) -> Simulation:
    simulation = Simulation(scenario, KEYED, **options)
    simulation.run()
    return simulation


def test_rtt_spread_draws_a_seeded_delay_per_prover_and_slows_the_tail():
    flat = Scenario("rtt", "round-robin", provers=20, jobs=200, interval_s=0.1, faults={"latency_s": 0.1},
                    deadline_s=100.0)
    spread = replace(flat, latency_spread=1.5)
    delays = [s.latency_s for s in spread.fault_specs()]
    assert len(set(delays)) == 20 and statistics.median(delays) == pytest.approx(0.1, rel=0.6)
    assert delays == [s.latency_s for s in spread.fault_specs()], "seeded"
    assert delays != [s.latency_s for s in replace(spread, seed=1).fault_specs()]
    assert {s.latency_s for s in flat.fault_specs()} == {0.1}
    flat_run, spread_run = (measure(simulate(s).log) for _, s in Sweep("latency_spread", (0.0, 1.5)).scenarios(
        flat, ("round-robin",)))
    assert spread_run.latency_p99_s > flat_run.latency_p99_s + 0.5
    with pytest.raises(ValueError, match="latency_spread"):
        Scenario("bad", latency_spread=-1.0)


def test_bandwidth_per_prover_decides_when_each_finishes_the_key_download_and_joins():
    scenario = Scenario("bw", "round-robin", provers=6, jobs=20, faults={"bandwidth_bps": 1e6}, bandwidth_spread=1.0,
                        deadline_s=100.0)
    simulation = simulate(scenario)
    joined = {e[3]: e[0] for e in simulation.log.events("prover_joined")}
    expected = {f"p{i}": 10_000_000 / s.bandwidth_bps + 1.0 for i, s in enumerate(scenario.fault_specs())}
    assert joined == pytest.approx(expected) and len(set(joined.values())) == 6
    slow, fast = (measure(simulate(s).log) for _, s in Sweep("bandwidth_bps", (1e6, 1e8)).scenarios(
        scenario, ("round-robin",)))
    assert slow.latency_p50_s > fast.latency_p50_s + 5.0, "a slower link joins later"


def test_warm_s_submits_the_first_job_once_the_fleet_had_time_to_start():
    scenario = Scenario("warm", "round-robin", provers=2, jobs=2, faults={"bandwidth_bps": 1e6}, warm_s=12.0)
    log = simulate(scenario).log
    assert min(j.submitted_at for j in log.jobs()) == 12.0
    assert measure(log).latency_p50_s == pytest.approx(1.0, abs=0.01), "the provers joined at 11 s: no wait"


def test_a_regional_outage_takes_its_region_down_together_and_the_centralized_prover_whole():
    fleet = Scenario("regions", "round-robin", provers=12, jobs=300, interval_s=0.1, regions=3,
                     outages_per_min=6.0, outage_len_s=5.0, deadline_s=100.0, seed=2)
    log = simulate(fleet).log
    left: dict[float, set[str]] = {}
    for at, _, _, prover, detail, _ in log.events("prover_left"):
        assert detail == "region outage"
        left.setdefault(at, set()).add(prover)
    regions = [{f"p{i}" for i in range(r, 12, 3)} for r in range(3)]
    assert left and all(group in regions for group in left.values())
    assert measure(log).finalized == 300
    calm = replace(fleet, outages_per_min=0.0)
    assert not simulate(calm).log.events("prover_left")
    sweep = Sweep("outages_per_min", (0.0, 6.0), fixed=(("outage_len_s", 5.0),))
    p99 = {rate: statistics.fmean(measure(simulate(replace(s, seed=seed)).log).latency_p99_s for seed in range(3))
           for rate, s in sweep.scenarios(replace(fleet, outages_per_min=0.0, outage_len_s=0.0), ("centralized",))}
    assert p99[6.0] > p99[0.0] + 2.0, "one machine: every outage stops every job"
    with pytest.raises(ValueError, match="regions=13"):
        replace(fleet, regions=13)


def test_a_sweep_sets_its_axis_after_its_fixed_axes_with_jobs_per_value_and_its_policies():
    sweep = Sweep("outage_len_s", (1.0, 4.0), jobs=(50, 20), policies=("centralized", "auction"),
                  fixed=(("outages_per_min", 2.0), ("byzantine", 0.2)))
    made = list(sweep.scenarios(scale.BASE, ("centralized", "round-robin", "auction")))
    assert [(x, s.policy, s.jobs, s.outage_len_s) for x, s in made] == [
        (1.0, "centralized", 50, 1.0), (1.0, "auction", 50, 1.0), (4.0, "centralized", 20, 4.0),
        (4.0, "auction", 20, 4.0)]
    assert all(s.outages_per_min == 2.0 and s.faults["byzantine"] == 0.2 for _, s in made)
    windowed = Sweep("provers", (10, 1000), jobs=(500, 50), window_s=25.0)
    assert [(s.jobs, s.interval_s) for _, s in windowed.scenarios(scale.BASE, ("round-robin",))] == [(500, 0.05),
                                                                                                    (50, 0.5)]
    backlog = Sweep("provers", (10,), backlog=True)
    assert [s.interval_s for _, s in backlog.scenarios(scale.BASE, ("round-robin",))] == [0.0]
    with pytest.raises(ValueError, match="2 job counts for 1 values"):
        Sweep("stake", (1.0,), jobs=(1, 2))
    with pytest.raises(ValueError, match="unknown sweep axis 'nope'"):
        list(Sweep("nope", (1,)).scenarios(scale.BASE))


def test_every_scale_sweep_has_five_points_and_reaches_ten_thousand_provers():
    assert all(len(s.values) >= 5 for s in scale.SWEEPS.values())
    assert min(scale.SWEEPS["provers"].values) == 10 and max(scale.SWEEPS["provers"].values) == 10_000
    assert all(j <= scale.BASE.jobs for sweep in scale.SWEEPS.values() for j in sweep.jobs)
    quick = scale.sweeps(quick=True)
    assert max(quick["provers"].values) == 1000 and max(j for s in quick.values() for j in s.jobs) <= scale.QUICK_JOBS
    assert {a["what"] for a in scale.scale_assumptions()} >= {"network delay", "bandwidth", "regions", "outages"}


def test_bench_scale_quick_runs_and_refuses_an_unknown_axis(tmp_path):
    result = CliRunner().invoke(app, ["bench", "scale", "--quick", "--axis", "slash_fraction", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "scale.json").exists() and (tmp_path / "scale.html").exists()
    bad = CliRunner().invoke(app, ["bench", "scale", "--quick", "--axis", "nope"])
    assert bad.exit_code == 2 and "unknown sweep(s) nope" in bad.output


def test_results_past_the_16_mib_of_other_json_load_up_to_their_own_bound(tmp_path, monkeypatch):
    """A 30-seed scale part holds every run's finalization times: tens of MB, refused only past its bound."""
    import json

    from bench.report import results

    path = tmp_path / "big.json"
    path.write_text(json.dumps({"provenance": {"pad": "x" * (17 << 20)}, "runs": [], "points": []}))
    provenance, records = results.load_results(path)
    assert len(provenance["pad"]) == 17 << 20 and records == []
    monkeypatch.setattr(results, "RESULTS_MAX_BYTES", 1 << 20)
    with pytest.raises(ValueError, match="more than 1,048,576 bytes"):
        results.load_results(path)
