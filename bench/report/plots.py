"""The report's figures, as small PNGs (matplotlib, Agg backend): one function per question.

Each sweep point is the mean over its seeds with a 95% error bar (:mod:`.points`); rate axes start at zero.

* :func:`throughput_vs_provers`: proofs/s per policy as provers are added;
* :func:`latency_vs_sweep`: P50 (solid) and P99 (dashed) per policy along any sweep axis;
* :func:`wasted_work`: prover-seconds spent on attempts that were not accepted, per policy and axis value;
* :func:`liveness_timeline`: finalizations over time, where an outage shows as a flat stretch;
* :func:`calibration`: simulated beside real throughput and latency;
* :func:`crossover`: the crossovers of one question, a row each: both sides' metric with 95% bands,
  and the advantage with its intervals against zero, the bracket of each sign change shaded.

Each returns PNG bytes, so the same figure goes to a file and into the HTML page.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.stats import Interval

from .crossovers import Crossover
from .points import Point, points
from .results import RunRecord

DPI = 80
SIZE = (6.4, 3.6)


def _png(fig: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=DPI)
    plt.close(fig)
    return buffer.getvalue()


def errorbars(ax: plt.Axes, xs: list, intervals: list[Interval], label: str, **style: object):
    """Means joined by a line, each with its 95% interval as an error bar; returns the line."""
    means = [i.value for i in intervals]
    below = [i.value - i.low for i in intervals]
    above = [i.high - i.value for i in intervals]
    return ax.errorbar(xs, means, yerr=[below, above], marker="o", ms=3, capsize=2, label=label, **style).lines[0]


def _lines(records: list[RunRecord]) -> dict[str, list]:
    """One line of compare points (over seeds) per policy, and per circuit size when the records hold several."""
    sizes = len({r.scenario.batch_size for r in records}) > 1
    lines: dict[str, list] = defaultdict(list)
    for p in sorted(points(records), key=lambda p: p.x or 0.0):
        lines[p.policy + (f" T={p.runs[0].scenario.batch_size}" if sizes else "")].append(p)
    return lines


def throughput_vs_provers(records: list[RunRecord]) -> bytes:
    """Proofs/s against the number of provers, one line per policy, 95% error bars; the axis starts at zero."""
    fig, ax = plt.subplots(figsize=SIZE)
    for policy, line in _lines(records).items():
        errorbars(ax, [p.x for p in line], [p.interval("proofs_per_s") for p in line], policy)
    ax.set(xscale="log", xlabel="provers", ylabel="proofs / s", title="Throughput vs provers (95% intervals)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    return _png(fig)


def latency_vs_sweep(records: list[RunRecord], axis: str) -> bytes:
    """P50 (solid) and P99 (dashed) latency to finality against ``axis``, one colour per policy, 95% error bars."""
    fig, ax = plt.subplots(figsize=SIZE)
    for policy, line in _lines(records).items():
        xs = [p.x for p in line]
        drawn = errorbars(ax, xs, [p.interval("latency_p50_s") for p in line], f"{policy} P50")
        errorbars(ax, xs, [p.interval("latency_p99_s") for p in line], f"{policy} P99", ls="--",
                  color=drawn.get_color())
    ax.set(xlabel=axis, ylabel="seconds to finality", title=f"Latency vs {axis} (95% intervals)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, ncol=2)
    return _png(fig)


def wasted_work(records: list[RunRecord], axis: str) -> bytes:
    """Mean wasted prover-seconds per policy with 95% error bars, one bar group per value of ``axis``."""
    lines = _lines(records)
    values = sorted({r.x for r in records})
    fig, ax = plt.subplots(figsize=SIZE)
    width = 0.8 / max(len(lines), 1)
    for i, (policy, line) in enumerate(lines.items()):
        wasted = {p.x: p.interval("wasted_prover_s") for p in line}
        bars = [wasted.get(v) for v in values]
        means = [b.value if b else 0.0 for b in bars]
        errors = [[b.value - b.low if b else 0.0 for b in bars], [b.high - b.value if b else 0.0 for b in bars]]
        ax.bar([k + i * width for k in range(len(values))], means, width, yerr=errors, capsize=2, label=policy)
    ax.set_xticks([k + 0.4 - width / 2 for k in range(len(values))], [f"{v:g}" for v in values])
    ax.set(xlabel=axis, ylabel="wasted prover-seconds", title=f"Wasted work vs {axis} (95% intervals)")
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


LOG_AXES = ("provers", "bandwidth_bps")
"""Sweeps whose values span decades, drawn on a log x axis."""


def _band(ax: plt.Axes, line: list[Point], metric: str, label: str) -> None:
    """Means over seeds joined by a line, their 95% intervals as a band."""
    xs, intervals = [p.x for p in line], [p.interval(metric) for p in line]
    drawn = ax.plot(xs, [i.value for i in intervals], marker="o", ms=3, label=label)[0]
    ax.fill_between(xs, [i.low for i in intervals], [i.high for i in intervals], color=drawn.get_color(), alpha=0.2)


def crossover(found: list[Point], question: Sequence[Crossover]) -> bytes:
    """One row per crossover of one question. Left: the metric of both sides along the sweep (bands: 95%,
    y from zero). Right: the challenger's advantage with its 95% error bars, the zero line, each sign
    change's bracket shaded and its interpolated crossing dashed."""
    fig, rows = plt.subplots(len(question), 2, figsize=(9.6, 2.9 * len(question)), squeeze=False)
    for (left, right), c in zip(rows, question):
        policies = (c.challenger,) if c.marginal else (c.challenger, c.reference)
        for policy in policies:
            line = sorted((p for p in found if p.group == c.group and p.policy == policy and p.measured(c.metric)),
                          key=lambda p: p.x)
            _band(left, line, c.metric, policy)
        left.set(xlabel=c.group, ylabel=c.label, title=f"{c.label} along {c.group}")
        left.set_ylim(bottom=0)
        left.legend(fontsize=7)
        errorbars(right, list(c.xs), list(c.advantages), f"{c.challenger} advantage")
        right.axhline(0.0, color="black", lw=0.8)
        for i, j in c.changes():
            right.axvspan(c.xs[i], c.xs[j], color="orange", alpha=0.15)
            right.axvline(c.estimate(i, j), color="orange", ls="--", lw=1)
        against = "the step before" if c.marginal else c.reference
        right.set(xlabel=c.group, ylabel=f"advantage, {c.label}", title=f"{c.challenger} better than {against} (> 0)")
        for ax in (left, right):
            if c.group in LOG_AXES:
                ax.set_xscale("log")
    fig.suptitle(question[0].question, fontsize=9)
    return _png(fig)
