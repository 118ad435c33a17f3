"""The WAN calibration's simulated twin and its comparison, on made-up real runs (the real runs are the bench's)."""

import json
import math

import pytest

from bench.wan.calibrate import CASES, TOLERANCE, WanCase, compare_rows, simulate_case


def made_up_run(network: dict[str, float], latency_p50_s: float = 1.0) -> dict:
    """One real run as :func:`bench.wan.calibrate.model_from_log` reports it."""
    return {"prove_s": [0.5, 0.55, 0.6, 0.52, 0.58], "verify_fixed_s": 0.01, "verify_per_proof_s": 0.002,
            "network_s": {label: [t, t] for label, t in network.items()}, "deadline_s": 5.0,
            "metrics": {"proofs_per_s": 1.8, "latency_p50_s": latency_p50_s, "latency_p99_s": 1.5}}


def test_twin_charges_each_prover_its_own_network_time():
    near = WanCase("near", ("20ms", "20ms"))
    far = WanCase("far", ("20ms", "300ms"))
    p99 = lambda case, net: sum(m["latency_p99_s"] for m in simulate_case(case, [made_up_run(net)], 5, 16)) / 5
    assert p99(far, {"p0": 0.06, "p1": 0.5}) > p99(near, {"p0": 0.06, "p1": 0.06}) + 0.3  # the far one's jobs
    again = simulate_case(far, [made_up_run({"p0": 0.06, "p1": 0.5})], 3, 16)
    assert again == simulate_case(far, [made_up_run({"p0": 0.06, "p1": 0.5})], 3, 16)  # seeded


def test_twin_draws_each_attempt_network_time_from_the_measured_ones():
    """A prover whose attempts mostly take 0.06 s and now and then 2 s (a cut and its retry): the twin's
    P99 has that tail, which the median delay alone would not give."""
    case = WanCase("tail", ("20ms", "20ms"))
    p99 = lambda draws: max(m["latency_p99_s"] for m in simulate_case(
        case, [{**made_up_run({}), "network_s": {"p0": draws, "p1": draws}}], 5, 16))
    assert p99([0.06] * 9 + [2.0]) > 2.0 > 1.5 > p99([0.06] * 10)  # the same median, 0.06 s


def test_twin_of_a_byzantine_prover_catches_every_false_proof():
    case = WanCase("byzantine", ("20ms", "20ms"), ("honest", "invalid"))
    (metrics,) = simulate_case(case, [made_up_run({"p0": 0.06, "p1": 0.06})], 1, 16)
    assert metrics["invalid_caught"] >= 1 and metrics["finalized"] == 16


def test_comparison_holds_each_metric_to_the_tolerance():
    case = WanCase("c", ("20ms",))
    real = {"c": [made_up_run({"p0": 0.05}), made_up_run({"p0": 0.05})]}
    close = {"p50": 1.0 * (1 + TOLERANCE / 2), "p99": 1.5 * (1 + 2 * TOLERANCE)}
    sim = {"c": [{"proofs_per_s": 1.8, "latency_p50_s": close["p50"], "latency_p99_s": close["p99"]}] * 30}
    rows = {r.name.split(":")[1].split(",")[0].strip(): r for r in compare_rows((case,), real, sim)}
    assert rows["proofs_per_s"].met and rows["latency_p50_s"].met and not rows["latency_p99_s"].met
    assert "off by +20.0%" in rows["latency_p99_s"].reference_name
    assert math.isclose(rows["latency_p99_s"].reference, 1.5)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_case_names_known_links_and_faults(case):
    from bench.wan.link import PROFILES
    from workers.external_prover import FAULTS

    assert all(link in PROFILES for link in case.links) and all(f in FAULTS for f in case.faults)
    assert (case.fleet(4, 1).links[0].drop_rate == 1.0) == (case.cut_span_bytes is not None)


def test_stored_real_runs_refuse_a_file_that_is_not_a_calibration(tmp_path):
    from bench.wan.bench import WanBenchError
    from bench.wan.calibrate import stored_real_runs

    path = tmp_path / "c.json"
    for text, says in (("x", "not a readable JSON"), ("[1]", "no real runs"), ('{"real": {}}', "no real run of"),
                       ('{"real": {"%s": [{"prove_s": []}]}}' % CASES[0].name, "lacks verify_fixed_s")):
        path.write_text(text)
        with pytest.raises(WanBenchError, match=says):
            stored_real_runs(path)
    runs = {case.name: [made_up_run({"p0": 0.05}) | {"metrics": {"jobs": 16}}] for case in CASES}
    path.write_text(json.dumps({"real": runs, "provenance": {"created": "then"}}))
    assert stored_real_runs(path) == (runs, "then")
