"""Crossovers: where the interval of one side's advantage changes sign along a sweep, on synthetic points."""

import pytest

from bench.report.answer import headline, write_answer
from bench.report.crossovers import AHEAD, BEHIND, NOISE, along, by_comparison, crossovers
from bench.report.points import points
from bench.report.results import RunRecord, provenance, write_results
from bench.scenarios import Scenario

SPREAD = (-0.1, 0.05, 0.1, -0.05, 0.0, 0.02, -0.02, 0.08)
"""Per-seed noise around a point's mean: sd about 0.06, so means 1 apart are told apart, 0.01 apart are not."""


def runs(policy: str, group: str, x: float, metric: str, mean: float) -> list[RunRecord]:
    return [RunRecord(Scenario(f"{policy} {group}={x}", policy, seed=seed), "sim", {metric: mean + e}, (), 0.0,
                      group, x) for seed, e in enumerate(SPREAD)]


def sweep(group: str, metric: str, central: dict[float, float], scattered: dict[float, float],
          scattered_policy: str = "round-robin") -> list[RunRecord]:
    records = []
    for x in central:
        records += runs("centralized", group, x, metric, central[x])
    for x in scattered:
        records += runs(scattered_policy, group, x, metric, scattered[x])
    return records


def test_a_known_crossing_is_found_bracketed_and_interpolated():
    """P99: the centralized prover 1 s until outages push it to 3 s; round-robin a steady 2 s: it is behind
    at rates 0 and 1, level at 2 (within the noise), ahead from 4; the means cross at 2 exactly."""
    records = sweep("outages_per_min", "latency_p99_s", {0: 1.0, 1: 1.0, 2: 2.0, 4: 3.0, 8: 5.0},
                    {0: 2.0, 1: 2.0, 2: 2.0, 4: 2.0, 8: 2.0})
    c = along(points(records), "Outage frequency", "outages_per_min", "round-robin", "centralized",
              "latency_p99_s", "P99 latency", False)
    assert c.signs() == [BEHIND, BEHIND, NOISE, AHEAD, AHEAD]
    assert c.changes() == [(1, 3)] and c.estimate(1, 3) == pytest.approx(2.0)
    text = c.sentence()
    assert "centralized ahead up to 1, round-robin ahead from 4" in text and "near 2" in text
    assert "within the noise at 2" in text
    assert c.advantages[0].value == pytest.approx(-1.0), "lower is better: reference minus challenger"


def test_no_crossover_when_intervals_overlap_everywhere_or_one_side_leads_throughout():
    level = sweep("crash_rate", "proofs_per_s", {x: 10.0 for x in (0, 0.1, 0.2, 0.3, 0.5)},
                  {x: 10.01 for x in (0, 0.1, 0.2, 0.3, 0.5)})
    c = along(points(level), "Crash rate", "crash_rate", "round-robin", "centralized", "proofs_per_s",
              "throughput", True)
    assert set(c.signs()) == {NOISE} and not c.changes()
    assert "within the noise at every x, no crossover can be told" in c.sentence()
    ahead = sweep("crash_rate", "proofs_per_s", {x: 10.0 for x in (0, 0.1, 0.2)}, {0: 10.0, 0.1: 12.0, 0.2: 14.0})
    c = along(points(ahead), "Crash rate", "crash_rate", "round-robin", "centralized", "proofs_per_s",
              "throughput", True)
    assert c.signs() == [NOISE, AHEAD, AHEAD]
    assert "no crossover in range, round-robin ahead" in c.sentence() and "within the noise at 0" in c.sentence()


def test_marginal_redundancy_says_where_one_more_copy_stops_paying():
    """P99 under crashes: 3 s at k=1, 2 s at k=2, then 1.99, 2.0, 2.5: the third copy gains nothing."""
    records = sweep("redundancy", "latency_p99_s", {}, {1: 3.0, 2: 2.0, 3: 1.99, 4: 2.0, 5: 2.5}, "redundant")
    c = along(points(records), "Redundancy", "redundancy", "redundant", "redundant", "latency_p99_s", "P99", False)
    assert c.marginal and c.xs == (2, 3, 4, 5) and c.signs() == [AHEAD, NOISE, NOISE, BEHIND]
    assert "stops paying at 3" in c.text() and "within the noise" in c.text()
    assert along(points(records[:8]), "R", "redundancy", "redundant", "redundant", "latency_p99_s", "P99",
                 False) is None, "one point has no step"


def test_the_answer_writes_each_crossover_with_its_plot_and_calls_noise_no_win(tmp_path):
    records = (sweep("outages_per_min", "latency_p99_s", {0: 1.0, 1: 1.0, 2: 2.0, 4: 3.0, 8: 5.0},
                     {x: 2.0 for x in (0, 1, 2, 4, 8)})
               + sweep("outages_per_min", "proofs_per_s", {}, {}))
    records = [RunRecord(r.scenario, r.mode, {**r.metrics, "proofs_per_s": 10.0 + 0.01 * r.scenario.seed}, (), 0.0,
                         r.group, r.x) for r in records]
    json_path, _ = write_results(tmp_path, "scale", records, provenance("zkprove bench scale", 0))
    md, _ = write_answer([json_path, json_path], tmp_path / "answer")
    text = md.read_text()
    section = text.split("**Crossovers.**")[1].split("**Assumptions.**")[0]
    assert "P99 latency (s), round-robin against centralized" in section
    assert "centralized ahead up to 1, round-robin ahead from 4" in section
    assert "throughput (proofs/s), round-robin against centralized" in section and "within the noise at every x" in section
    plots = sorted((tmp_path / "answer").glob("bench_answer_crossover_*.png"))
    assert len(crossovers(points(records))) == 2 and len(plots) == len(by_comparison(crossovers(points(records)))) == 1
    assert all(f"]({p.name})" in section for p in plots) and plots[0].read_bytes()[:4] == b"\x89PNG"
    wins = text.split("**Where scattered provers win.**")[1].split("**Among")[0]
    assert "Throughput at outages per region-minute 8" not in wins, "equal throughput is noise, not a win"
    assert "P99 at outages per region-minute 8: round-robin" in wins
    assert "Throughput at outages per region-minute 8: round-robin" in headline(records).split(
        "**Within the noise (no winner).**")[1]
