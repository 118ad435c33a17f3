"""The answer's findings: a winner is named only when the ratio's interval over seeds excludes 1."""

from bench.report.answer import headline
from bench.report.findings import ONE_SEED, WITHIN_NOISE, Finding
from bench.report.points import find, points
from bench.report.results import RunRecord
from bench.scenarios import Scenario


def runs(policy: str, group: str, x: float, metric: str, values: list[float]) -> list[RunRecord]:
    return [RunRecord(Scenario(f"{policy} {group}={x}", policy, seed=seed), "sim", {metric: v}, (), 0.0, group, x)
            for seed, v in enumerate(values)]


CENTRAL = [1.0, 1.1, 0.9, 1.0, 1.05, 0.95]
NOISY = [1.02, 0.88, 1.16, 0.95, 1.04, 0.97]
"""Round-robin about equal to the centralized prover: the ratio's interval crosses 1."""
FASTER = [2.0, 2.1, 1.9, 2.05, 1.95, 2.0]


def throughput(scattered: list[float], central: list[float] = CENTRAL) -> Finding:
    found = points(runs("centralized", "provers", 8, "proofs_per_s", central)
                   + runs("round-robin", "provers", 8, "proofs_per_s", scattered))
    return Finding("Throughput", find(found, "provers", "round-robin"), find(found, "provers", "centralized"),
                   "proofs_per_s", "proofs/s", True)


def test_a_difference_whose_interval_crosses_one_is_no_win():
    noisy = throughput(NOISY)
    assert noisy.ratio.crosses(1.0) and noisy.ratio.n == 6
    assert noisy.winner() is None and noisy.verdict() == WITHIN_NOISE
    assert "within the noise" in noisy.sentence() and "wins" not in noisy.sentence()
    clear = throughput(FASTER)
    assert not clear.ratio.crosses(1.0) and clear.ratio.low > 1.5
    assert clear.winner() == "round-robin" and clear.verdict() == "round-robin wins"


def test_lower_is_better_metrics_and_a_single_seed():
    found = points(runs("centralized", "liveness", None, "longest_gap_s", [9.0, 9.5, 8.8, 9.2])
                   + runs("round-robin", "liveness", None, "longest_gap_s", [1.0, 1.2, 0.9, 1.1]))
    gap = Finding("Liveness", find(found, "liveness", "round-robin"), find(found, "liveness", "centralized"),
                  "longest_gap_s", "s gap", False)
    assert gap.winner() == "round-robin"
    reversed_gap = Finding("Liveness", gap.reference, gap.challenger, "longest_gap_s", "s gap", False)
    assert reversed_gap.winner() == "round-robin"
    single = throughput(FASTER[:1], CENTRAL[:1])
    assert single.ratio is None and single.winner() is None and single.verdict() == ONE_SEED
    assert "(no ratio interval, 1 seed)" in single.sentence() and "[" not in single.sentence()


def test_the_answer_files_a_noisy_finding_under_within_the_noise_not_under_wins():
    records = (runs("centralized", "provers", 8, "proofs_per_s", CENTRAL)
               + runs("round-robin", "provers", 8, "proofs_per_s", NOISY)
               + runs("auction", "provers", 8, "proofs_per_s", FASTER))
    text = headline(records)
    wins = text.split("**Where scattered provers win.**")[1].split("**Among")[0]
    noise = text.split("**Within the noise (no winner).**")[1]
    assert "auction" in wins and "round-robin" not in wins
    assert "round-robin" in noise and "auction" not in noise
    assert "Where the centralized prover wins.**\n\n- none" in text


def test_a_metric_older_results_lack_is_left_out_not_a_key_error():
    records = (runs("centralized", "speed_spread", 1.0, "latency_p99_s", CENTRAL)
               + runs("round-robin", "speed_spread", 1.0, "latency_p99_s", FASTER))
    text = headline(records)
    assert "P99 at speed spread 1.0" in text and "Head-of-line" not in text
    held = [RunRecord(r.scenario, r.mode, {**r.metrics, "head_of_line_mean_s": 0.5 * (r.scenario.policy == "round-robin")
                                           + 0.01 * r.scenario.seed}, (), 0.0, r.group, r.x) for r in records]
    assert "Head-of-line wait at speed spread 1.0: round-robin" in headline(held)
    assert not points(records)[0].measured("head_of_line_mean_s") and points(held)[0].measured("head_of_line_mean_s")


def test_against_a_zero_reference_the_difference_decides():
    found = points(runs("centralized", "speed_spread", 1.0, "head_of_line_mean_s", [0.0] * 5)
                   + runs("round-robin", "speed_spread", 1.0, "head_of_line_mean_s", [1.0, 1.2, 0.8, 1.1, 0.9])
                   + runs("auction", "speed_spread", 1.0, "head_of_line_mean_s", [0.3, -0.3, 0.2, -0.2, 0.0]))
    held = lambda policy: Finding("HoL", find(found, "speed_spread", policy), find(found, "speed_spread", "centralized"),
                                  "head_of_line_mean_s", "s", False)
    assert held("round-robin").ratio is None and held("round-robin").difference.low > 0
    assert held("round-robin").winner() == "centralized" and "difference" in held("round-robin").sentence()
    assert held("auction").difference.crosses(0.0) and held("auction").verdict() == WITHIN_NOISE
