"""One self-contained HTML page: provenance, tables of every run, and the figures inlined as base64 PNG.

No external CSS, scripts or images, so the page can be mailed or attached to
an issue as one file.
"""

from __future__ import annotations

import base64
import html
import json
from os import PathLike
from pathlib import Path

from .results import RunRecord

COLUMNS = (("proofs_per_s", "proofs/s", "{:.3g}"), ("tx_per_s", "tx/s", "{:.3g}"),
           ("latency_p50_s", "P50 s", "{:.3g}"), ("latency_p90_s", "P90 s", "{:.3g}"),
           ("latency_p99_s", "P99 s", "{:.3g}"), ("within_deadline", "in deadline", "{:.0%}"),
           ("wasted_prover_s", "wasted prover-s", "{:.3g}"), ("reassignments", "reassigned", "{:.0f}"),
           ("slashes", "slashes", "{:.0f}"), ("invalid_caught", "invalid caught", "{:.0f}"),
           ("longest_gap_s", "longest gap s", "{:.3g}"), ("finalized", "finalized", "{:.0f}"))

_STYLE = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;font-size:12px;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}
th{background:#f3f3f3}td:first-child,td:nth-child(2){text-align:left}img{max-width:100%}pre{font-size:11px}"""


def runs_table(records: list[RunRecord]) -> str:
    """An HTML table with one row per run: its name, mode and the metrics of :data:`COLUMNS`."""
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label, _ in COLUMNS)
    rows = []
    for r in records:
        cells = "".join(f"<td>{fmt.format(r.metrics.get(key, 0.0))}</td>" for key, _, fmt in COLUMNS)
        rows.append(f"<tr><td>{html.escape(r.scenario.name)}</td><td>{r.mode}</td>{cells}</tr>")
    return f"<table><tr><th>scenario</th><th>mode</th>{head}</tr>{''.join(rows)}</table>"


INTERVAL_COLUMNS = (("proofs_per_s", "proofs/s"), ("latency_p50_s", "P50 s"), ("latency_p99_s", "P99 s"),
                    ("wasted_prover_s", "wasted prover-s"), ("longest_gap_s", "longest gap s"))


def points_table(records: list[RunRecord]) -> str:
    """One row per compare point: seeds, then each metric of :data:`INTERVAL_COLUMNS` as ``mean [95% interval]``."""
    from .points import points

    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in INTERVAL_COLUMNS)
    rows = [f"<tr><td>{html.escape(p.name)}</td><td>{p.runs[0].mode}</td><td>{len(p.runs)}</td>"
            + "".join(f"<td>{p.interval(key).text()}</td>" for key, _ in INTERVAL_COLUMNS) + "</tr>"
            for p in points(records)]
    return f"<table><tr><th>point</th><th>mode</th><th>seeds</th>{head}</tr>{''.join(rows)}</table>"


def page(title: str, provenance: dict, sections: list[tuple[str, str, bytes | None]]) -> str:
    """The page: ``sections`` are (heading, HTML body, PNG or None)."""
    parts = [(f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
              f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>")]
    for heading, body, png in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>{body}")
        if png is not None:
            parts.append(f"<img alt='{html.escape(heading)}' src='data:image/png;base64,"
                         f"{base64.b64encode(png).decode()}'>")
    parts.append(f"<h2>Provenance</h2><pre>{html.escape(json.dumps(provenance, indent=1))}</pre></body></html>")
    return "".join(parts)


def write_page(path: str | PathLike, title: str, provenance: dict, sections: list[tuple[str, str, bytes | None]]) -> Path:
    out = Path(path)
    out.write_text(page(title, provenance, sections))
    return out
