"""The report writer: raw results as JSON and CSV with provenance, PNG figures, one self-contained HTML page."""

import csv
import json
from html.parser import HTMLParser

import pytest

from bench.report.answer import ANSWER_MARKERS, write_answer
from bench.report.build import write_report
from bench.report.results import RunRecord, load_results, provenance
from bench.scenarios import Scenario

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def record(policy: str, group: str, x: float | None, p99: float, mode: str = "sim", **scenario) -> RunRecord:
    metrics = {"jobs": 4, "finalized": 4, "failed": 0, "transactions": 4, "makespan_s": 4.0, "proofs_per_s": x or 1.0,
               "tx_per_s": x or 1.0, "latency_p50_s": p99 / 2, "latency_p90_s": p99 * 0.9, "latency_p99_s": p99,
               "within_deadline": 1.0, "wasted_prover_s": 2.0 * (policy == "open-race"), "attempts": 4,
               "reassignments": 0, "deadline_misses": 0, "crashes": 0, "slashes": 1, "slashed_stake": 5.0,
               "invalid_caught": 1, "rejected": 0, "longest_gap_s": 1.0}
    sc = Scenario(scenario.pop("name", f"{policy} {group}={x}"), policy, **scenario)
    return RunRecord(sc, mode, metrics, (1.0, 2.0, 3.0, 4.0), 0.1, group, x)


def sample_records() -> list[RunRecord]:
    out = []
    for group, values in (("provers", (1, 2, 4)), ("speed_spread", (0.0, 0.5)), ("crash_rate", (0.0, 0.5)),
                          ("byzantine", (0.0, 0.4)), ("latency_s", (0.0, 0.2))):
        for x in values:
            for policy in ("centralized", "round-robin", "open-race", "redundant", "auction"):
                out.append(record(policy, group, x, 1.0 + x))
    for policy in ("centralized", "round-robin", "auction"):
        out.append(record(policy, "liveness", None, 3.0, name=f"{policy} outage", outage=(1.0, 2.0)))
    return out


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.sources = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.sources += [v for k, v in attrs if k in ("src", "href")]


def test_report_writes_json_csv_png_and_a_self_contained_html(tmp_path):
    records = sample_records() + [record("round-robin", "calibration", None, 2.0, "real", name="rr"),
                                  record("round-robin", "calibration", None, 2.2, "sim", name="rr")]
    meta = provenance("zkprove bench compare", seed=3, base={"provers": 4})
    paths = write_report(tmp_path, "cmp", "test report", records, meta)
    data = json.loads(paths["json"].read_text())
    assert data["provenance"]["seed"] == 3 and data["provenance"]["machine"]["cpu_count"] >= 1
    assert {"ray", "simpy", "numpy"} <= set(data["provenance"]["versions"])
    assert len(data["runs"]) == len(records) and data["runs"][0]["scenario"]["policy"] == "centralized"
    rows = list(csv.DictReader(paths["csv"].open()))
    assert len(rows) == len(records) and {"scenario.policy", "latency_p99_s", "mode"} <= set(rows[0])
    for stem in ("throughput_vs_provers", "latency_vs_speed_spread", "wasted_vs_byzantine", "liveness", "calibration"):
        png = paths[stem].read_bytes()
        assert png.startswith(PNG_MAGIC) and len(png) < 200_000
    parser = _Tags()
    parser.feed(paths["html"].read_text())
    assert "table" in parser.tags and parser.tags.count("img") == len([k for k in paths if k not in ("json", "csv", "html")])
    assert all(src.startswith("data:image/png;base64,") for src in parser.sources)
    assert "mean over seeds [95% interval]" in paths["html"].read_text()
    assert {p["policy"] for p in data["points"]} >= {"centralized", "round-robin"}
    assert all(set(p["metrics"]["proofs_per_s"]) == {"values", "ci"} for p in data["points"])


def test_results_round_trip(tmp_path):
    records = sample_records()
    paths = write_report(tmp_path, "rt", "round trip", records, provenance("test", 0))
    meta, loaded = load_results(paths["json"])
    assert meta["command"] == "test" and loaded == records


def test_answer_is_generated_from_results(tmp_path):
    paths = write_report(tmp_path, "cmp", "answer input", sample_records(), provenance("zkprove bench compare", 1))
    md, png = write_answer(paths["json"], tmp_path / "docs")
    text = md.read_text()
    assert text.startswith("### Centralized vs scattered") and "bench_answer.png" in text
    assert "Liveness" in text and "Throughput" in text
    assert png.read_bytes().startswith(PNG_MAGIC) and png.stat().st_size < 200_000


def test_answer_goes_into_the_readme_between_its_markers_and_nowhere_else(tmp_path):
    paths = write_report(tmp_path, "cmp", "answer input", sample_records(), provenance("zkprove bench compare", 1))
    readme = tmp_path / "README.md"
    readme.write_text(f"# title\n\nbefore\n{ANSWER_MARKERS[0]}\nold text\n{ANSWER_MARKERS[1]}\nafter\n")
    md, _ = write_answer(paths["json"], tmp_path / "results" / "answer", readme=readme)
    text = readme.read_text()
    assert text.startswith("# title\n\nbefore\n") and text.endswith(f"{ANSWER_MARKERS[1]}\nafter\n")
    assert "old text" not in text and "](results/answer/bench_answer.png)" in text
    assert md.read_text().split("\n")[2] in text
    write_answer(paths["json"], tmp_path / "results" / "answer", readme=readme)
    assert readme.read_text() == text
    readme.write_text("no markers\n")
    with pytest.raises(ValueError, match="answer: start"):
        write_answer(paths["json"], tmp_path / "results" / "answer", readme=readme)
