"""The README's answer: what the measurements say about centralized vs scattered proving.

:func:`write_answer` reads the raw results of ``bench compare`` (and, when
given, ``bench calibrate``), picks the headline figures, and writes a short
markdown section plus one four-panel PNG. Every number in the text is
computed here from those results, so re-running the benchmarks regenerates
the section; nothing is typed in by hand.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from .results import RunRecord, load_results


def _pick(records: list[RunRecord], group: str, policy: str, x: float | None = None) -> RunRecord:
    runs = [r for r in records if r.group == group and r.scenario.policy == policy and (x is None or r.x == x)]
    if not runs:
        raise KeyError(f"no {policy} run in group {group!r} at {x}")
    return max(runs, key=lambda r: r.x or 0.0) if x is None else runs[0]


def _top(records: list[RunRecord], group: str) -> float:
    return max(r.x for r in records if r.group == group)


def headline(records: list[RunRecord], calibration: list[RunRecord] | None = None) -> str:
    """The section's text: a few sentences, each figure taken from ``records``."""
    m = lambda group, policy, x=None: _pick(records, group, policy, x).metrics
    n, spread, byz, crash = (_top(records, g) for g in ("provers", "speed_spread", "byzantine", "crash_rate"))
    central, rr, race, k2, auction = (m("provers", p, n)["proofs_per_s"]
                                      for p in ("centralized", "round-robin", "open-race", "redundant", "auction"))
    outage = {p: m("liveness", p) for p in ("centralized", "round-robin", "auction")}
    crashed, central_crashed = m("crash_rate", "round-robin", crash), m("crash_rate", "centralized", crash)
    real = records[0].mode == "real"
    equal = "one prover actor with every core" if real else "ideal scaling assumed"
    lines = [
        (f"**Throughput.** With {n:g} provers and a backlog of jobs, scattered round-robin provers reach "
        f"{rr:.3g} proofs/s, {rr / central:.0%} of one centralized prover holding the same resources "
        f"({central:.3g} proofs/s, {equal}); open race {race:.3g}, 2-of-N redundancy {k2:.3g}, "
        f"auction {auction:.3g}."),
        (f"**Tail latency and stability.** As prover speeds scatter (lognormal sigma {spread:g}), round-robin's "
        f"P99 goes from {m('speed_spread', 'round-robin', 0.0)['latency_p99_s']:.3g} s to "
        f"{m('speed_spread', 'round-robin', spread)['latency_p99_s']:.3g} s; the auction, whose bids favour fast "
        f"provers, ends at {m('speed_spread', 'auction', spread)['latency_p99_s']:.3g} s and the centralized prover "
        f"at {m('speed_spread', 'centralized', spread)['latency_p99_s']:.3g} s. With half the provers crashing on "
        f"{crash:.0%} of their attempts, round-robin finalizes {crashed['finalized']:.0f} of {crashed['jobs']:.0f} "
        f"jobs at a P99 of {crashed['latency_p99_s']:.3g} s after {crashed['reassignments']:.0f} reassignments; the "
        f"centralized prover, crashing as often on average, runs at {central_crashed['proofs_per_s']:.3g} proofs/s "
        f"(against {crashed['proofs_per_s']:.3g}) with a P99 of {central_crashed['latency_p99_s']:.3g} s, since "
        f"nothing proves while it restarts."),
        (f"**What redundancy and slashing buy.** With {byz:.0%} byzantine provers, round-robin reaches a P99 of "
        f"{m('byzantine', 'round-robin', byz)['latency_p99_s']:.3g} s and wastes "
        f"{m('byzantine', 'round-robin', byz)['wasted_prover_s']:.3g} prover-seconds; 2-of-N redundancy "
        f"{_compare(m('byzantine', 'redundant', byz), m('byzantine', 'round-robin', byz))}; the stake auction "
        f"{_compare(m('byzantine', 'auction', byz), m('byzantine', 'round-robin', byz))}, slashing "
        f"{m('byzantine', 'auction', byz)['slashes']:.0f} times. The verifier rejected "
        f"{m('byzantine', 'round-robin', byz)['invalid_caught']:.0f} invalid proofs in the round-robin run alone."),
        (f"**Liveness.** An outage of the centralized prover stops finality for its whole length: the longest gap "
        f"without a finalization is {outage['centralized']['longest_gap_s']:.3g} s, against "
        f"{outage['round-robin']['longest_gap_s']:.3g} s (round-robin) and "
        f"{outage['auction']['longest_gap_s']:.3g} s (auction) when the same prover drops out of a scattered "
        f"fleet; P99 latency is {outage['centralized']['latency_p99_s']:.3g} s against "
        f"{outage['round-robin']['latency_p99_s']:.3g} s."),
    ]
    if calibration:
        lines.append(_calibration_sentence(calibration))
    return "\n\n".join(lines)


def _compare(run: dict, reference: dict) -> str:
    """"reaches a P99 of x s (lower) for y wasted prover-seconds (more)" against ``reference``."""
    def word(a: float, b: float, less: str, more: str) -> str:
        return "the same" if abs(a - b) <= 0.02 * max(abs(b), 1e-9) else (less if a < b else more)

    p99, wasted = run["latency_p99_s"], run["wasted_prover_s"]
    return (f"reaches {p99:.3g} s ({word(p99, reference['latency_p99_s'], 'lower', 'higher')}) for {wasted:.3g} "
            f"wasted prover-seconds ({word(wasted, reference['wasted_prover_s'], 'less', 'more')})")


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
    policies = sorted({r.scenario.policy for r in records})
    for policy in policies:
        for ax, group, key in ((axes[0, 0], "provers", "proofs_per_s"), (axes[0, 1], "byzantine", "latency_p99_s"),
                               (axes[1, 0], "byzantine", "wasted_prover_s")):
            runs = sorted((r for r in records if r.group == group and r.scenario.policy == policy), key=lambda r: r.x)
            ax.plot([r.x for r in runs], [r.metrics[key] for r in runs], marker="o", ms=3, label=policy)
    for r in (r for r in records if r.group == "liveness"):
        axes[1, 1].step([0.0, *r.finalized_at], range(len(r.finalized_at) + 1), where="post", label=r.scenario.policy)
        axes[1, 1].axvspan(*r.scenario.outage, color="grey", alpha=0.1)
    axes[0, 0].set(xscale="log", xlabel="provers", ylabel="proofs/s", title="Throughput vs provers")
    axes[0, 0].set_xticks(sorted({r.x for r in records if r.group == "provers"}))
    axes[0, 0].xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    axes[0, 0].xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    axes[0, 1].set(xlabel="byzantine share", ylabel="P99 s", title="Tail latency vs byzantine share")
    axes[1, 0].set(xlabel="byzantine share", ylabel="prover-s", title="Wasted work vs byzantine share")
    axes[1, 1].set(xlabel="seconds", ylabel="finalized", title="Liveness through an outage (grey)")
    axes[0, 0].legend(fontsize=7)
    axes[1, 1].legend(fontsize=7)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72)
    plt.close(fig)
    return buffer.getvalue()


def write_answer(compare_json: str | PathLike, out_dir: str | PathLike = "bench/results/answer",
                 calibration_json: str | PathLike | None = None,
                 readme: str | PathLike | None = None) -> tuple[Path, Path]:
    """Write ``bench_answer.md`` and ``bench_answer.png`` under ``out_dir`` from saved results, and
    put the same section into ``readme`` (if given) between its answer markers."""
    provenance, records = load_results(compare_json)
    calibration = load_results(calibration_json)[1] if calibration_json else None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png = out / "bench_answer.png"
    png.write_bytes(figure(records))
    machine = provenance.get("machine", {})
    base = provenance.get("base", {})
    source = (f"every proof made and verified for real on Ray: jobs of {base.get('batch_size')} transfers, "
              f"{base.get('jobs')} per run, one every {base.get('interval_s')} s outside the provers sweep; the "
              f"scattered provers share the machine's cores with each other and with the L1 verifier"
              if records[0].mode == "real" else "simulated from proof times measured on this machine")

    def section(image: str) -> str:
        return (f"### Centralized vs scattered proving: what the measurements say\n\n"
                f"{headline(records, calibration)}\n\n![centralized vs scattered]({image})\n\n"
                f"*Generated by `zkprove bench answer` from `{Path(compare_json).name}` "
                f"({provenance.get('command')}, seed {provenance.get('seed')}, {machine.get('cpu_count')} cores, "
                f"{provenance.get('created')}); {source}.*\n")

    md = out / "bench_answer.md"
    md.write_text(section(png.name))
    if readme is not None:
        splice(Path(readme), section(png.resolve().relative_to(Path(readme).resolve().parent).as_posix()))
    return md, png


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
