"""Raw results of a benchmark: one record per run, written as JSON and CSV with their provenance.

Every file says what produced it: the machine (:func:`bench.rows.machine`),
the versions of the packages that decide the numbers, the seed, the command
and, per run, the full scenario. A :class:`RunRecord` keeps a run's metrics
(:class:`workers.metrics.RunMetrics`, the same code for real and simulated
runs) and its finalization times, from which the liveness timeline is drawn.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from bench.rows import machine
from workers.jobstore import JobStore
from workers.metrics import measure
from workers.scenario import Scenario
from zkprove.cli.paths import provenance as json_provenance
from zkprove.formats.bounded_json import read_json

BENCH_PACKAGES = ("simpy", "matplotlib", "scipy")
"""Versioned in a bench's provenance beside :data:`zkprove.cli.paths.PROVENANCE_PACKAGES`."""


SUMMARIZED = ("proofs_per_s", "tx_per_s", "latency_p50_s", "latency_p99_s", "wasted_prover_s", "longest_gap_s",
              "finalized", "slashes", "head_of_line_mean_s", "head_of_line_max_s")
"""The metrics whose per-seed values and intervals the JSON carries per compare point."""


@dataclass(frozen=True)
class RunRecord:
    """One run: its scenario, whether it was real (Ray) or simulated, its metrics and finalization times."""

    scenario: Scenario
    mode: str
    """``"real"`` or ``"sim"``."""
    metrics: dict[str, float]
    finalized_at: tuple[float, ...] = ()
    """Seconds after the first submission at which each job finalized, in order."""
    wall_s: float = 0.0
    """Wall-clock seconds the run (or the simulation) took."""
    group: str = ""
    """What the run belongs to in a report: a sweep axis (``provers``, ...), ``liveness``, ``calibration``."""
    x: float | None = None
    """The run's value on its sweep axis."""

    def flat(self) -> dict[str, object]:
        """One CSV row: scenario fields, then metrics, then extras."""
        scenario = {f"scenario.{k}": json.dumps(v) if isinstance(v, (dict, tuple, list)) else v
                    for k, v in self.scenario.as_dict().items()}
        return {"mode": self.mode, "group": self.group, "x": self.x, **scenario, **self.metrics, "wall_s": self.wall_s}

    def as_dict(self) -> dict:
        return {"mode": self.mode, "group": self.group, "x": self.x, "scenario": self.scenario.as_dict(),
                "metrics": self.metrics, "finalized_at": list(self.finalized_at), "wall_s": self.wall_s}


def record_from_log(scenario: Scenario, mode: str, log: JobStore, wall_s: float, group: str = "",
                    x: float | None = None) -> RunRecord:
    """Measure a finished run's job log (real or simulated) into a record."""
    start = min((j.submitted_at for j in log.jobs()), default=0.0)
    times = tuple(at - start for _, _, at in log.finalized())
    return RunRecord(scenario, mode, measure(log).as_dict(), times, wall_s, group, x)


def provenance(command: str, seed: int, **context: object) -> dict:
    """Where and how results were produced: :func:`zkprove.cli.paths.provenance` with the command and machine."""
    return json_provenance(seed, BENCH_PACKAGES, command=command, machine=machine(), **context)


def write_results(out_dir: str | PathLike, name: str, records: list[RunRecord], meta: dict) -> tuple[Path, Path]:
    """``<name>.json`` (provenance + every record) and ``<name>.csv`` (one flat row per run)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path, csv_path = out / f"{name}.json", out / f"{name}.csv"
    from .points import points

    summaries = [p.as_dict(SUMMARIZED) for p in points(records)]
    json_path.write_text(json.dumps({"provenance": meta, "runs": [r.as_dict() for r in records],
                                     "points": summaries}, indent=1))
    rows = [r.flat() for r in records]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with csv_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        writer.writerows(rows)
    return json_path, csv_path


RESULTS_MAX_BYTES = 256 << 20
"""The largest results file :func:`load_results` reads: a 30-seed ``bench scale`` part holds every run's
finalization times (about 60 MB for 2,400 runs of 1,000 jobs), beyond the 16 MiB of other zkprove JSON."""


def load_results(path: str | PathLike) -> tuple[dict, list[RunRecord]]:
    """Read back what :func:`write_results` wrote as JSON.

    Any other JSON (or none) raises ValueError naming the file (exit code 2
    on the command line), not the KeyError of the first missing field.
    """
    data = read_json(path, max_bytes=RESULTS_MAX_BYTES)
    try:
        records = [RunRecord(Scenario.from_dict(r["scenario"]), r["mode"], r["metrics"], tuple(r["finalized_at"]), r["wall_s"],
                             r["group"], r["x"]) for r in data["runs"]]
        return data["provenance"], records
    except (KeyError, TypeError, IndexError) as error:
        raise ValueError(f"{path}: not the results of a zkprove bench run "
                         f"({type(error).__name__}: {error})") from None

