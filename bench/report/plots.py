"""The report's figures, as small PNGs (matplotlib, Agg backend): one function per question.

* :func:`throughput_vs_provers`: proofs/s per policy as provers are added;
* :func:`latency_vs_sweep`: P50 (solid) and P99 (dashed) per policy along any sweep axis;
* :func:`wasted_work`: prover-seconds spent on attempts that were not accepted, per policy and axis value;
* :func:`liveness_timeline`: finalizations over time, where an outage shows as a flat stretch;
* :func:`calibration`: simulated beside real throughput and latency.

Each returns PNG bytes, so the same figure goes to a file and into the HTML page.
"""

from __future__ import annotations

import io
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from .results import RunRecord

DPI = 80
SIZE = (6.4, 3.6)


def _png(fig: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=DPI)
    plt.close(fig)
    return buffer.getvalue()


def _by_policy(records: list[RunRecord]) -> dict[str, list[RunRecord]]:
    """One line per policy (and per circuit size, when the records hold several)."""
    sizes = len({r.scenario.batch_size for r in records}) > 1
    lines: dict[str, list[RunRecord]] = defaultdict(list)
    for r in sorted(records, key=lambda r: r.x or 0.0):
        lines[r.scenario.policy + (f" T={r.scenario.batch_size}" if sizes else "")].append(r)
    return lines


def throughput_vs_provers(records: list[RunRecord]) -> bytes:
    """Proofs/s against the number of provers, one line per policy."""
    fig, ax = plt.subplots(figsize=SIZE)
    for policy, runs in _by_policy(records).items():
        ax.plot([r.x for r in runs], [r.metrics["proofs_per_s"] for r in runs], marker="o", label=policy)
    ax.set(xscale="log", xlabel="provers", ylabel="proofs / s", title="Throughput vs provers")
    ax.legend(fontsize=8)
    return _png(fig)


def latency_vs_sweep(records: list[RunRecord], axis: str) -> bytes:
    """P50 (solid) and P99 (dashed) latency to finality against ``axis``, one colour per policy."""
    fig, ax = plt.subplots(figsize=SIZE)
    for policy, runs in _by_policy(records).items():
        xs = [r.x for r in runs]
        (line,) = ax.plot(xs, [r.metrics["latency_p50_s"] for r in runs], marker="o", label=f"{policy} P50")
        ax.plot(xs, [r.metrics["latency_p99_s"] for r in runs], ls="--", color=line.get_color(), label=f"{policy} P99")
    ax.set(xlabel=axis, ylabel="seconds to finality", title=f"Latency vs {axis}")
    ax.legend(fontsize=7, ncol=2)
    return _png(fig)


def wasted_work(records: list[RunRecord], axis: str) -> bytes:
    """Wasted prover-seconds per policy, one bar group per value of ``axis``."""
    lines = _by_policy(records)
    values = sorted({r.x for r in records})
    fig, ax = plt.subplots(figsize=SIZE)
    width = 0.8 / max(len(lines), 1)
    for i, (policy, runs) in enumerate(lines.items()):
        wasted = {r.x: r.metrics["wasted_prover_s"] for r in runs}
        ax.bar([k + i * width for k in range(len(values))], [wasted.get(v, 0.0) for v in values], width, label=policy)
    ax.set_xticks([k + 0.4 - width / 2 for k in range(len(values))], [f"{v:g}" for v in values])
    ax.set(xlabel=axis, ylabel="wasted prover-seconds", title=f"Wasted work vs {axis}")
    ax.legend(fontsize=8)
    return _png(fig)


def liveness_timeline(records: list[RunRecord]) -> bytes:
    """Jobs finalized against time; an outage with no one to take over is a flat stretch."""
    fig, ax = plt.subplots(figsize=SIZE)
    for r in records:
        ax.step([0.0, *r.finalized_at], range(len(r.finalized_at) + 1), where="post", label=r.scenario.name)
        if r.scenario.outage:
            ax.axvspan(*r.scenario.outage, color="grey", alpha=0.15)
    ax.set(xlabel="seconds", ylabel="jobs finalized", title="Liveness: finalizations over time (grey: outage)")
    ax.legend(fontsize=8)
    return _png(fig)


CALIBRATED = (("proofs_per_s", "proofs/s"), ("latency_p50_s", "P50 s"), ("latency_p99_s", "P99 s"))


def calibration(pairs: list[tuple[RunRecord, RunRecord]]) -> bytes:
    """Simulated / real ratio of throughput, P50 and P99 per scenario (1.0: exact; band: +-15%)."""
    fig, ax = plt.subplots(figsize=SIZE)
    width = 0.8 / len(CALIBRATED)
    for i, (metric, label) in enumerate(CALIBRATED):
        ratios = [sim.metrics[metric] / real.metrics[metric] if real.metrics[metric] else 0.0 for real, sim in pairs]
        ax.bar([k + i * width for k in range(len(pairs))], ratios, width, label=label)
    ax.axhspan(0.85, 1.15, color="green", alpha=0.1)
    ax.axhline(1.0, color="black", lw=0.8)
    ax.set_xticks([k + 0.4 - width / 2 for k in range(len(pairs))], [real.scenario.name for real, _ in pairs],
                  fontsize=7, rotation=15)
    ax.set(ylabel="simulated / real", title="Calibration: simulation against real Ray runs")
    ax.legend(fontsize=8)
    return _png(fig)
