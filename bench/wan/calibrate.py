"""``zkprove bench calibrate --wan``: the simulation against gateway runs over emulated links, with faults.

Each case of :data:`CASES` is run for real several times (:data:`REAL_SEEDS`):
``cluster serve --gateway``, one ``prover connect`` process per prover at
one thread behind its own relay (:mod:`bench.wan.fleet`), jobs submitted one
every :data:`PACE_S`. Faults are real too: a byzantine prover submits
tampered proofs (``--fault invalid``), and a lossy link cuts every
connection part way (after a seeded count of bytes), which the prover
survives by reconnecting and resuming. Then each case is simulated over :data:`SIM_SEEDS`
seeds by the same engine as every other simulation, with a model read from
the real runs' job logs (as :mod:`bench.simulate.calibrate` does for runs
without a network): the proving times the provers reported, the verifier's
batch cost, each attempt's network time drawn from its prover's measured
ones (assigned to proof received, less proving: the link's round trips and
transfers, retries after a cut, and the gateway's handling, which on two
shared cores is not what the link alone predicts) and the deadline the
service set. What the check tests is the
model of the coordinator over a network: queueing, round-robin over provers
of unequal distance, deadlines, reassignment after a false proof, and
verification batches. Throughput, P50 and P99 latency are compared as the
means over seeds, with their 95% t intervals; the target is 10%.

Run by :func:`run` through :func:`bench.wan.bench.run_in_namespace`: the
real runs happen in a network namespace of their own
(``python -m bench.wan.calibrate --out FILE``), and the simulation outside.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from random import Random
from statistics import fmean, median

from rich.console import Console

from bench.report.results import provenance
from bench.rows import Row, print_rows
from bench.simulate.calibrate import verifier_fit
from bench.simulate.engine import SimProver, Simulation
from bench.simulate.timing import ProofTimes
from bench.stats import mean_ci
from workers.faults import Decision, FaultSpec
from workers.joblog import JobLog
from workers.metrics import measure
from workers.scenario import Scenario
from zkprove.cli.paths import check_output_folder

from .fleet import Fleet, run_fleet
from .link import PROFILES

TOLERANCE = 0.10
METRICS = ("proofs_per_s", "latency_p50_s", "latency_p99_s")
REAL_SEEDS, QUICK_REAL_SEEDS = 5, 1
SIM_SEEDS, QUICK_SIM_SEEDS = 30, 5
JOBS, QUICK_JOBS = 16, 6
PACE_S = 0.5
"""Seconds between jobs: two one-thread provers (0.4 to 0.6 s a proof here) are about half busy."""
RUN_LIMIT_S = 300.0
LIMIT_S, QUICK_LIMIT_S = 3600.0, 900.0


@dataclass(frozen=True)
class WanCase:
    """One calibration scenario: prover i behind link ``links[i]`` (:data:`bench.wan.link.PROFILES`), with
    ``--fault faults[i]`` (honest when absent); with ``cut_span_bytes``, every connection of every link is cut
    after a seeded byte count drawn from [1, cut_span_bytes] (a prover keeps one connection, so a cut share
    of connections would seldom strike)."""

    name: str
    links: tuple[str, ...]
    faults: tuple[str, ...] = ()
    cut_span_bytes: int | None = None

    def fleet(self, jobs: int, seed: int) -> Fleet:
        cut = {"drop_rate": 1.0, "drop_span_bytes": self.cut_span_bytes} if self.cut_span_bytes else {}
        specs = tuple(replace(PROFILES[name], **cut) for name in self.links)
        return Fleet(specs, tuple(f"p{i}" for i in range(len(specs))), jobs, seed=seed, limit_s=RUN_LIMIT_S,
                     pace_s=PACE_S, faults=self.faults)


CASES = (
    WanCase("2 provers, RTT 20 ms", ("20ms", "20ms")),
    WanCase("2 provers, RTT 100 ms", ("100ms", "100ms")),
    WanCase("2 provers, RTT 20 and 300 ms", ("20ms", "300ms")),
    WanCase("2 provers, RTT 20 ms, one byzantine", ("20ms", "20ms"), ("honest", "invalid")),
    WanCase("3 provers, RTT 100 ms, every connection cut within 2 MiB", ("100ms",) * 3, cut_span_bytes=2 << 20),
    WanCase("3 provers, RTT 20, 100 and 300 ms, one byzantine", ("20ms", "100ms", "300ms"),
            ("honest", "honest", "invalid")),
)


def model_from_log(path: Path, labels: dict[str, str]) -> dict:
    """What a twin needs from one real run's job log: proving times, the verifier's fit, each prover's
    network time per attempt (by label), and the shortest attempt allowance the service set."""
    log = JobLog(path)
    try:
        attempts = [a for a in log.attempts() if a.ended_at is not None and a.prove_s]
        network: dict[str, list[float]] = {}
        for a in attempts:
            network.setdefault(labels.get(a.prover, a.prover), []).append(
                max(0.0, a.ended_at - a.assigned_at - a.prove_s))
        fixed, per_proof = verifier_fit(log)
        return {"prove_s": [a.prove_s for a in attempts], "verify_fixed_s": fixed, "verify_per_proof_s": per_proof,
                "network_s": network, "deadline_s": min(a.deadline - a.assigned_at for a in log.attempts()),
                "metrics": asdict(measure(log))}
    finally:
        log.close()


def run_real(cases: tuple[WanCase, ...], seeds: int, jobs: int, folder: Path) -> dict[str, list[dict]]:
    """Every case ``seeds`` times for real; per case, one :func:`model_from_log` per run."""
    runs: dict[str, list[dict]] = {}
    for case in cases:
        for seed in range(1, seeds + 1):
            print(f"real run: {case.name}, seed {seed}", file=sys.stderr)
            where = folder / f"{len(runs)}-{seed}"
            result = run_fleet(case.fleet(jobs, seed), where)
            runs.setdefault(case.name, []).append(model_from_log(where / "jobs.sqlite", result["labels"]))
    return runs


class WanTwin(Simulation):
    """The engine with one given :class:`FaultSpec` per prover (``p0``, ``p1``, ...) instead of a fault mix,
    and each attempt's network time drawn from that prover's measured ones (``network``, seeded): a cut
    connection's retry or a long poll still on the wire is a tail that one fixed delay would not have."""

    def __init__(self, scenario: Scenario, times: ProofTimes, specs: list[FaultSpec],
                 network: list[list[float]], **kwargs: float):
        self.specs, self.network = specs, network
        self.network_rng = Random(f"network:{scenario.seed}")
        super().__init__(scenario, times, **kwargs)

    def _provers(self, speedup: float) -> dict[str, SimProver]:
        return {f"p{i}": SimProver(f"p{i}", spec, 1.0 / speedup, self.times.median_s, self.scenario.stake,
                                   self.scenario.max_restarts) for i, spec in enumerate(self.specs)}

    def _attempt_network_s(self, prover: SimProver, decision: Decision) -> tuple[float, float]:
        measured = self.network[int(prover.prover_id[1:])]
        if not measured:
            return super()._attempt_network_s(prover, decision)
        drawn = self.network_rng.choice(measured)
        return drawn / 2, drawn / 2


def simulate_case(case: WanCase, runs: list[dict], seeds: int, jobs: int) -> list[dict]:
    """The case's metrics over ``seeds`` simulated seeds, with the model pooled over its real runs."""
    times = ProofTimes(1, 1, 0, tuple(t for r in runs for t in r["prove_s"]),
                       median([r["verify_fixed_s"] for r in runs]), median([r["verify_per_proof_s"] for r in runs]), 0)
    specs, network = [], []
    for i in range(len(case.links)):
        network.append([t for r in runs for t in r["network_s"].get(f"p{i}", [])])
        kind = "byzantine" if i < len(case.faults) and case.faults[i] == "invalid" else "honest"
        specs.append(FaultSpec(kind, 1.0, latency_s=median(network[-1]) / 2 if network[-1] else 0.0))
    deadline = min(r["deadline_s"] for r in runs)
    out = []
    for seed in range(seeds):
        scenario = Scenario(case.name, "round-robin", len(case.links), jobs, interval_s=PACE_S, deadline_s=deadline,
                            seed=seed)
        out.append(asdict(WanTwin(scenario, times, specs, network, join_s=0.0).run()))
    return out


def compare_rows(cases: tuple[WanCase, ...], real: dict[str, list[dict]], sim: dict[str, list[dict]]) -> list[Row]:
    """Per case and metric: the simulated mean beside the real one, each with its interval where it has one."""
    rows = []
    for case in cases:
        for key in METRICS:
            r = [run["metrics"][key] for run in real[case.name]]
            s = [m[key] for m in sim[case.name]]
            real_mean, sim_mean = fmean(r), fmean(s)
            gap = (sim_mean - real_mean) / real_mean if real_mean else float("nan")
            rows.append(Row(f"{case.name}: {key}, sim {_with_interval(s)} ({len(s)} seeds) vs real "
                            f"{_with_interval(r)} ({len(r)})", len(r), sim_mean, "sim", f"real, off by {gap:+.1%}",
                            real_mean, target=f"within {TOLERANCE:.0%}", met=abs(gap) <= TOLERANCE))
    return rows


def _with_interval(values: list[float]) -> str:
    return mean_ci(values).text() if len(values) > 1 else f"{values[0]:.3g}"


def assumptions(quick: bool) -> list[str]:
    seeds, sim_seeds, jobs = (QUICK_REAL_SEEDS, QUICK_SIM_SEEDS, QUICK_JOBS) if quick else (REAL_SEEDS, SIM_SEEDS, JOBS)
    return [
        f"real runs: each case {seeds} times (seeds 1..{seeds}: the rollup's jobs and the relays' jitter and cuts), "
        f"{jobs} rollup jobs (T=1) one every {PACE_S:g} s, round-robin, `zkprove cluster serve --gateway` and "
        "one `zkprove prover connect` at 1 numba thread per prover, each behind its own relay in a namespace "
        f"of loopback alone; all of it shares this machine's {os.cpu_count()} cores",
        f"simulated twin: {sim_seeds} seeds per case, the model read from that case's real job logs (pooled): "
        "proving times as reported, the verifier's batch fit, each attempt's network time drawn from its "
        "prover's measured ones (assigned to proof received, less proving; the median as the link's delay for "
        "deadlines), the shortest attempt allowance set; every prover registered before the first job; a "
        "byzantine prover's every proof false",
        "compared: throughput, P50 and P99 latency, mean over seeds with a 95% t interval; target: the "
        f"simulated mean within {TOLERANCE:.0%} of the real one",
    ]


RUN_KEYS = ("prove_s", "verify_fixed_s", "verify_per_proof_s", "network_s", "deadline_s", "metrics")
"""What :func:`model_from_log` stores per real run, and a twin reads."""


def stored_real_runs(path: Path) -> tuple[dict[str, list[dict]], str]:
    """The real runs of every case in an earlier ``calibration-wan.json``, and when they were run;
    :class:`~bench.wan.bench.WanBenchError` naming what is missing if the file is not one."""
    from .bench import WanBenchError

    try:
        document = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise WanBenchError(f"--from-real {path}: not a readable JSON file ({error})") from None
    real = document.get("real") if isinstance(document, dict) else None
    if not isinstance(real, dict):
        raise WanBenchError(f"--from-real {path}: no real runs (a calibration-wan.json has them under \"real\")")
    for case in CASES:
        runs = real.get(case.name)
        if not isinstance(runs, list) or not runs:
            raise WanBenchError(f"--from-real {path}: no real run of the case {case.name!r}")
        for number, run in enumerate(runs, 1):
            missing = [key for key in RUN_KEYS if not isinstance(run, dict) or key not in run]
            if missing or "jobs" not in run["metrics"]:
                raise WanBenchError(f"--from-real {path}: run {number} of {case.name!r} lacks "
                                    f"{', '.join(missing) or 'metrics.jobs'}")
    stored = document.get("provenance", {})
    return real, stored.get("real_runs_created") or stored.get("created", "?")


def run(quick: bool = False, out_dir: Path = Path("bench/results/calibration-wan"), force: bool = False,
        limit_s: float | None = None, console: Console | None = None, from_real: Path | None = None) -> list[Row]:
    """Run the cases for real in a namespace (or take the real runs stored in ``from_real``, an earlier
    ``calibration-wan.json``), simulate their twins, print and write ``calibration-wan.json``."""
    from .bench import run_in_namespace

    (json_path,) = check_output_folder(out_dir, ("calibration-wan.json",), force)
    console = console or Console(stderr=True)
    said = assumptions(quick)
    limit_s = limit_s or (QUICK_LIMIT_S if quick else LIMIT_S)
    created = None
    if from_real is not None:
        real, created = stored_real_runs(from_real)
        said.append(f"real runs: those stored in {from_real} ({created}), simulated anew")
    for line in said:
        console.print(f"assumption: {line}")
    if from_real is None:
        real = run_in_namespace("bench.wan.calibrate", ["--quick"] if quick else [], limit_s, console)
    seeds = QUICK_SIM_SEEDS if quick else SIM_SEEDS
    sim = {case.name: simulate_case(case, real[case.name], seeds, real[case.name][0]["metrics"]["jobs"])
           for case in CASES}
    rows = compare_rows(CASES, real, sim)
    title = "zkprove bench calibrate --wan: simulation vs gateway runs over emulated links"
    print_rows(rows, title + (" (--quick)" if quick else ""), Console(width=170))
    document = {"provenance": provenance(title + (" --quick" if quick else ""), 0, limit_s=limit_s,
                                         real_runs=str(from_real) if from_real else "this run",
                                         real_runs_created=created),
                "assumptions": said, "cases": [asdict(c) for c in CASES], "real": real, "sim": sim,
                "rows": [r.as_dict() for r in rows]}
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(document, indent=1) + "\n")
    console.print(f"results: {json_path}")
    return rows


def main(argv: list[str] | None = None) -> int:
    """The real runs, inside the namespace: ``python -m bench.wan.calibrate --out FILE [--quick]``."""
    from .inside import loopback_only_problem

    parser = argparse.ArgumentParser(prog="python -m bench.wan.calibrate", description=main.__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    problem = loopback_only_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    seeds, jobs = (QUICK_REAL_SEEDS, QUICK_JOBS) if args.quick else (REAL_SEEDS, JOBS)
    with tempfile.TemporaryDirectory(prefix="zkprove-wan-calibrate-") as folder:
        runs = run_real(CASES, seeds, jobs, Path(folder))
    args.out.write_text(json.dumps(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
