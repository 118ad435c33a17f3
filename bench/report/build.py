"""Assemble a benchmark's report: raw results (JSON, CSV), one PNG per figure, one HTML page.

Runs are grouped by :attr:`RunRecord.group`: a sweep axis gets a latency
figure (and, for ``provers``, a throughput figure; for fault axes, a
wasted-work figure), ``liveness`` gets the finalization timeline and
``calibration`` pairs (real, simulated) get the side-by-side figure.
"""

from __future__ import annotations

from collections import defaultdict
from os import PathLike
from pathlib import Path

from . import plots
from .html import points_table, runs_table, write_page
from .results import RunRecord, write_results

FAULT_AXES = ("crash_rate", "byzantine", "latency_s", "speed_spread")


def figures(records: list[RunRecord]) -> dict[str, bytes]:
    """``{file stem: PNG}`` for every figure the records support."""
    groups: dict[str, list[RunRecord]] = defaultdict(list)
    for r in records:
        groups[r.group].append(r)
    out: dict[str, bytes] = {}
    for group, runs in groups.items():
        if group == "liveness":
            out["liveness"] = plots.liveness_timeline(runs)
        elif group == "calibration":
            out["calibration"] = plots.calibration(calibration_pairs(runs))
        elif group:
            if group == "provers":
                out["throughput_vs_provers"] = plots.throughput_vs_provers(runs)
            out[f"latency_vs_{group}"] = plots.latency_vs_sweep(runs, group)
            if group in FAULT_AXES:
                out[f"wasted_vs_{group}"] = plots.wasted_work(runs, group)
    return out


def calibration_pairs(records: list[RunRecord]) -> list[tuple[RunRecord, RunRecord]]:
    """(real, simulated) runs of the same scenario name."""
    sims = {r.scenario.name: r for r in records if r.mode == "sim"}
    return [(r, sims[r.scenario.name]) for r in records if r.mode == "real" and r.scenario.name in sims]


def calibration_table(pairs: list[tuple[RunRecord, RunRecord]]) -> str:
    """Real and simulated throughput, P50 and P99 side by side, with the relative difference."""
    rows = []
    for real, sim in pairs:
        cells = []
        for key, _ in plots.CALIBRATED:
            a, b = real.metrics[key], sim.metrics[key]
            cells.append(f"<td>{a:.3g}</td><td>{b:.3g}</td><td>{(b - a) / a:+.0%}</td>" if a else "<td colspan=3>-</td>")
        rows.append(f"<tr><td>{real.scenario.name}</td>{''.join(cells)}</tr>")
    head = "".join(f"<th>{label} real</th><th>sim</th><th>diff</th>" for _, label in plots.CALIBRATED)
    return f"<table><tr><th>scenario</th>{head}</tr>{''.join(rows)}</table>"


def write_report(out_dir: str | PathLike, name: str, title: str, records: list[RunRecord],
                 provenance: dict) -> dict[str, Path]:
    """Write ``<name>.json``, ``<name>.csv``, ``<name>_<figure>.png`` and ``<name>.html``; returns the paths."""
    out = Path(out_dir)
    json_path, csv_path = write_results(out, name, records, provenance)
    paths = {"json": json_path, "csv": csv_path}
    pngs = figures(records)
    for stem, png in pngs.items():
        paths[stem] = out / f"{name}_{stem}.png"
        paths[stem].write_bytes(png)
    sections = [("Every point: mean over seeds [95% interval]", points_table(records), None),
                ("All runs (one per seed)", runs_table(records), None)]
    pairs = calibration_pairs(records)
    if pairs:
        sections.append(("Calibration: simulated vs real", calibration_table(pairs), pngs.get("calibration")))
    sections += [(stem.replace("_", " "), "", png) for stem, png in pngs.items() if stem != "calibration"]
    paths["html"] = write_page(out / f"{name}.html", title, provenance, sections)
    return paths
