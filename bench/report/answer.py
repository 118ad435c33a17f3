"""The README's answer: what the measurements say about centralized vs scattered proving.

:func:`write_answer` reads the raw results of ``bench compare`` (and, when
given, ``bench calibrate``), picks the headline figures, and writes a short
markdown section plus one four-panel PNG. Every number in the text is
computed here from those results, so re-running the benchmarks regenerates
the section; nothing is typed in by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from os import PathLike
from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from .crossovers import by_comparison, crossovers
from .findings import Finding
from .plots import crossover, errorbars
from .points import find, points
from .results import RunRecord, load_results


SCALE_GROUPS = (("latency_spread", "RTT spread"), ("bandwidth_bps", "bandwidth (B/s)"),
                ("outages_per_min", "outages per region-minute"), ("outage_len_s", "outage length (s)"),
                ("byzantine", "byzantine share"))
"""The sweeps of ``bench scale`` compared against the centralized prover at their hardest end (the lowest
bandwidth, the highest value of the others), by group, in words."""


def findings(records: list[RunRecord]) -> list[Finding]:
    """Each scattered policy against the centralized prover (and redundancy and the auction against plain
    round-robin under byzantine provers) at the far end of every sweep the records hold."""
    found = points(records)
    groups = {p.group for p in found}
    present = {(p.group, p.policy) for p in found}
    out = []

    def add(topic: str, group: str, challenger: str, reference: str, metric: str, label: str, higher: bool) -> None:
        if {(group, challenger), (group, reference)} <= present:
            pair = find(found, group, challenger), find(found, group, reference)
            if all(p.measured(metric) for p in pair):
                out.append(Finding(topic, *pair, metric, label, higher))

    def add_at(topic: str, group: str, x: float | None, challenger: str, reference: str, metric: str, label: str,
               higher: bool) -> None:
        if {(group, challenger, x), (group, reference, x)} <= {(p.group, p.policy, p.x) for p in found}:
            pair = find(found, group, challenger, x), find(found, group, reference, x)
            if all(p.measured(metric) for p in pair):
                out.append(Finding(topic, *pair, metric, label, higher))

    top = {g: max((p.x for p in found if p.group == g and p.x is not None), default=None) for g in groups}
    for policy in ("round-robin", "open-race", "redundant", "auction"):
        add(f"Throughput at {top.get('provers')} provers", "provers", policy, "centralized", "proofs_per_s",
            "proofs/s", True)
    for policy in ("round-robin", "auction"):
        add(f"P99 at speed spread {top.get('speed_spread')}", "speed_spread", policy, "centralized",
            "latency_p99_s", "s P99", False)
    add(f"Throughput at crash rate {top.get('crash_rate')}", "crash_rate", "round-robin", "centralized",
        "proofs_per_s", "proofs/s", True)
    add(f"P99 at crash rate {top.get('crash_rate')}", "crash_rate", "round-robin", "centralized", "latency_p99_s",
        "s P99", False)
    add(f"P99 at network delay {top.get('latency_s')} s", "latency_s", "round-robin", "centralized",
        "latency_p99_s", "s P99", False)
    for policy in ("redundant", "auction"):
        add(f"P99 at byzantine share {top.get('byzantine')}", "byzantine", policy, "round-robin", "latency_p99_s",
            "s P99", False)
        add(f"Wasted work at byzantine share {top.get('byzantine')}", "byzantine", policy, "round-robin",
            "wasted_prover_s", "prover-s wasted", False)
    for policy in ("round-robin", "auction"):
        add(f"Head-of-line wait at speed spread {top.get('speed_spread')}", "speed_spread", policy, "centralized",
            "head_of_line_mean_s", "s a verified proof waits for earlier jobs (in-order finality)", False)
    for group, words in SCALE_GROUPS:
        xs = {p.x for p in found if p.group == group}
        if not xs:
            continue
        hardest = min(xs) if group == "bandwidth_bps" else max(xs)
        for policy in ("round-robin", "auction"):
            add_at(f"P99 at {words} {hardest:g}", group, hardest, policy, "centralized", "latency_p99_s", "s P99",
                   False)
            add_at(f"Throughput at {words} {hardest:g}", group, hardest, policy, "centralized", "proofs_per_s",
                   "proofs/s", True)
    for group, words in (("stake", "stake"), ("slash_fraction", "slash fraction")):
        add_at(f"P99 at {words} {top.get(group)}", group, top.get(group), "auction", "round-robin",
               "latency_p99_s", "s P99", False)
        add_at(f"Wasted work at {words} {top.get(group)}", group, top.get(group), "auction", "round-robin",
               "wasted_prover_s", "prover-s wasted", False)
    add_at(f"P99 at redundancy {top.get('redundancy')}", "redundancy", top.get("redundancy"), "redundant",
           "round-robin", "latency_p99_s", "s P99", False)
    add_at(f"Wasted work at redundancy {top.get('redundancy')}", "redundancy", top.get("redundancy"), "redundant",
           "round-robin", "wasted_prover_s", "prover-s wasted", False)
    for policy in ("round-robin", "auction"):
        add("Liveness through an outage", "liveness", policy, "centralized", "longest_gap_s",
            "s longest gap without a finalization", False)
        add("P99 through an outage", "liveness", policy, "centralized", "latency_p99_s", "s P99", False)
    return out


def headline(records: list[RunRecord], calibration: list[RunRecord] | None = None,
             images: tuple[str, ...] = ()) -> str:
    """The section's text: where the centralized prover wins, where scattered provers win, what is within
    the noise, and the crossovers (``images``: a plot's path for each question of :func:`by_comparison`);
    every figure and interval computed from ``records``."""
    found = findings(records)
    if not found:
        raise ValueError("the results hold none of the sweeps the answer compares (provers, speed_spread, "
                         "crash_rate, latency_s, byzantine, liveness)")
    central = [f for f in found if f.winner() == "centralized"]
    scattered = [f for f in found if f.winner() not in (None, "centralized") and f.reference.policy == "centralized"]
    among = [f for f in found if f.winner() is not None and f.reference.policy != "centralized"]
    noise = [f for f in found if f.winner() is None]
    seeds = min(len(p.runs) for p in points(records))
    lines = [f"Every figure is the mean over {seeds} or more seeds with its 95% interval `mean [low, high]`; a "
             f"ratio's interval is a seeded bootstrap, and a difference whose interval contains a ratio of 1 is "
             f"called within the noise, not a win." if seeds > 1 else
             "These results hold a single seed per point: no interval can be given, so no finding is called a "
             "win; rerun with `--seeds` (30 simulated, 5 real by default)."]
    for title, chosen in (("Where the centralized prover wins", central), ("Where scattered provers win", scattered),
                          ("Among scattered policies", among), ("Within the noise (no winner)", noise)):
        body = "\n".join(f"- {f.sentence()}" for f in chosen) or "- none"
        lines.append(f"**{title}.**\n\n{body}")
    lines.append(_crossover_section(points(records), images))
    if calibration:
        lines.append(_calibration_sentence(calibration))
    return "\n\n".join(lines)


def _crossover_section(found: list, images: tuple[str, ...]) -> str:
    """Each crossover of :func:`bench.report.crossovers.crossovers` as a sentence, with its plot if given."""
    found_crossovers = crossovers(found)
    if not found_crossovers:
        return "**Crossovers.**\n\n- none: the results hold no sweep with two or more points of both sides"
    body = []
    for i, question in enumerate(by_comparison(found_crossovers)):
        body += [f"- {c.text()}" for c in question]
        if i < len(images):
            body.append(f"\n  ![{question[0].question}]({images[i]})\n")
    return ("**Crossovers.** At each x, the advantage is the difference of the two means over seeds, signed so "
            "that positive favours the first policy named, with Welch's 95% interval; a crossover is where that "
            "interval changes sign (points whose interval contains 0 are within the noise and decide nothing).\n\n"
            + "\n".join(body))


def _calibration_sentence(records: list[RunRecord]) -> str:
    real = {r.scenario.name: r for r in records if r.mode == "real"}
    diffs = [abs(s.metrics[k] - real[s.scenario.name].metrics[k]) / real[s.scenario.name].metrics[k]
             for s in records if s.mode == "sim" and s.scenario.name in real
             for k in ("proofs_per_s", "latency_p50_s", "latency_p99_s") if real[s.scenario.name].metrics[k]]
    return (f"**Calibration.** On {len(real)} scenarios run for real on Ray on this machine, the simulation's "
            f"throughput, P50 and P99 differ from the real runs by at most {max(diffs):.0%} "
            f"(median {sorted(diffs)[len(diffs) // 2]:.0%}).")


def figure(records: list[RunRecord]) -> bytes:
    """Four panels: throughput vs provers, P99 vs byzantine share, wasted work vs byzantine share, liveness."""
    import io

    fig, axes = plt.subplots(2, 2, figsize=(9, 6))
    found = points(records)
    for policy in sorted({p.policy for p in found}):
        for ax, group, key in ((axes[0, 0], "provers", "proofs_per_s"), (axes[0, 1], "byzantine", "latency_p99_s"),
                               (axes[1, 0], "byzantine", "wasted_prover_s")):
            line = sorted((p for p in found if p.group == group and p.policy == policy), key=lambda p: p.x)
            errorbars(ax, [p.x for p in line], [p.interval(key) for p in line], policy)
    first_seed = min(r.scenario.seed for r in records)
    for r in (r for r in records if r.group == "liveness" and r.scenario.seed == first_seed):
        axes[1, 1].step([0.0, *r.finalized_at], range(len(r.finalized_at) + 1), where="post", label=r.scenario.policy)
        axes[1, 1].axvspan(*r.scenario.outage, color="grey", alpha=0.1)
    for ax in axes.flat:
        ax.set_ylim(bottom=0)
    axes[0, 0].set(xscale="log", xlabel="provers", ylabel="proofs/s", title="Throughput vs provers")
    axes[0, 0].set_xticks(sorted({r.x for r in records if r.group == "provers"}))
    axes[0, 0].xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    axes[0, 0].xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    axes[0, 1].set(xlabel="byzantine share", ylabel="P99 s", title="Tail latency vs byzantine share")
    axes[1, 0].set(xlabel="byzantine share", ylabel="prover-s", title="Wasted work vs byzantine share")
    axes[1, 1].set(xlabel="seconds", ylabel="finalized", title=f"Liveness through an outage (grey), seed {first_seed}")
    for ax in (axes[0, 0], axes[1, 1]):
        if ax.get_legend_handles_labels()[1]:  # an empty panel (no such sweep in these results) has no legend
            ax.legend(fontsize=7)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72)
    plt.close(fig)
    return buffer.getvalue()


def load_many(paths: Sequence[str | PathLike]) -> tuple[dict, list[RunRecord]]:
    """The records of several result files (e.g. ``bench scale`` run in parts), a run present in more than
    one (the same group, x, scenario and seed) kept once; the first file's provenance, with every command."""
    provenance: dict = {}
    records, seen = [], set()
    for path in paths:
        meta, runs = load_results(path)
        provenance = provenance or dict(meta)
        for r in runs:
            key = (r.group, r.x, r.scenario.name, r.scenario.seed, r.mode)
            if key not in seen:
                seen.add(key)
                records.append(r)
    if not records:
        raise ValueError(f"no runs in {', '.join(str(p) for p in paths)}")
    return provenance, records


def write_answer(compare_json: str | PathLike | Sequence[str | PathLike],
                 out_dir: str | PathLike = "bench/results/answer", calibration_json: str | PathLike | None = None,
                 readme: str | PathLike | None = None) -> tuple[Path, Path]:
    """Write ``bench_answer.md``, ``bench_answer.png`` and one ``bench_answer_crossover_<n>.png`` per
    crossover question (:func:`~bench.report.crossovers.by_comparison`) under ``out_dir`` from saved results (one file or several), and put the same section into
    ``readme`` (if given) between its answer markers."""
    sources = [compare_json] if isinstance(compare_json, (str, PathLike)) else list(compare_json)
    provenance, records = load_many(sources)
    calibration = load_results(calibration_json)[1] if calibration_json else None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png = out / "bench_answer.png"
    png.write_bytes(figure(records))
    found = points(records)
    drawn = []
    for i, question in enumerate(by_comparison(crossovers(found))):
        drawn.append(out / f"bench_answer_crossover_{i}.png")
        drawn[-1].write_bytes(crossover(found, question))
    machine = provenance.get("machine", {})
    base = provenance.get("base", {})
    source = (f"every proof made and verified for real on Ray: jobs of {base.get('batch_size')} transfers, "
              f"{base.get('jobs')} per run, one every {base.get('interval_s')} s outside the provers sweep; the "
              f"scattered provers share the machine's cores with each other and with the L1 verifier"
              if records[0].mode == "real" else _simulated_from(provenance))
    names = ", ".join(f"`{Path(p).parent.name}/{Path(p).name}`" if len(sources) > 1 else f"`{Path(p).name}`"
                      for p in sources)

    def section(where: Callable[[Path], str]) -> str:
        return (f"### Centralized vs scattered proving: what the measurements say\n\n"
                f"{headline(records, calibration, tuple(where(d) for d in drawn))}\n\n{_assumptions(provenance)}"
                f"![centralized vs scattered]({where(png)})\n\n"
                f"*Generated by `zkprove bench answer` from {names} "
                f"({provenance.get('command')}, seed {provenance.get('seed')}, {machine.get('cpu_count')} cores, "
                f"{provenance.get('created')}); {source}.*\n")

    md = out / "bench_answer.md"
    md.write_text(section(lambda path: path.name))
    if readme is not None:
        home = Path(readme).resolve().parent
        splice(Path(readme), section(lambda path: path.resolve().relative_to(home).as_posix()))
    return md, png


def _simulated_from(provenance: dict) -> str:
    """Where a simulation's proof times came from, as stored in its results."""
    measured = provenance.get("proof_times", {}).get("machine", {})
    return (f"simulated from proof times measured {measured.get('measured_at', 'at an unrecorded time')} on a "
            f"{measured.get('cpu_count', '?')}-core machine ({measured.get('platform', 'unrecorded platform')})")


def _assumptions(provenance: dict) -> str:
    """The stored assumptions of the run, one bullet each with its source (empty when none were stored)."""
    stated = provenance.get("assumptions") or []
    if not stated:
        return ""
    return "**Assumptions.**\n\n" + "".join(f"- {a['what']}: {a['value']} ({a['source']})\n" for a in stated) + "\n"


ANSWER_MARKERS = ("<!-- bench answer: start -->", "<!-- bench answer: end -->")
"""The README lines between which :func:`splice` writes the generated section."""


def splice(readme: Path, section: str) -> None:
    """Replace what lies between the :data:`ANSWER_MARKERS` in ``readme`` with ``section``."""
    text = readme.read_text()
    start, end = ANSWER_MARKERS
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise ValueError(f"{readme} needs the lines {start!r} and {end!r}, once each and in that order")
    head, rest = text.split(start)
    readme.write_text(f"{head}{start}\n{section}{end}{rest.split(end, 1)[1]}")
