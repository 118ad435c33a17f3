"""The gateway figures of ``zkprove bench wan``, from fleet runs (:mod:`bench.wan.fleet`) as table rows.

- **Latency run**: one external prover straight to the gateway and one per link (20, 100 and 300 ms RTT)
  and one in-Ray prover, all at one thread, sharing one service and one job
  stream (round-robin). Each prover's median submission-to-finality latency
  stands beside the in-Ray prover's; each latency is split into network and
  gateway, proving, verifying and waiting.
- **Overhead run**: one external prover straight to the gateway (no relay in
  its path: the relay's own forwarding would be counted as the gateway's) and
  one in-Ray prover, one thread each, on one service and job stream, the
  jobs submitted one every ``OVERHEAD_PACE_S`` (longer than a proof and its
  check here), so the two seldom prove at once and a core is free for the
  hops. The gateway's overhead per job is the median of the external
  prover's network-and-gateway parts less the in-Ray prover's, with its
  bootstrap interval (:func:`bench.stats.median_difference_ci`). With the
  cores saturated, as in the latency run (five provers on two cores), every
  process wake-up waits for the scheduler, and the external path has two
  more of them than the in-Ray one; the latency run's split shows that case.
- **Throughput runs**: 4, 8 and 16 external provers at one thread each on
  20 ms links, time-sharing this machine's cores, each beside the smallest
  fleet of the same bench. (A proof's ``prove_s`` is wall time, which
  time-sharing stretches, so it cannot give an ideal rate.)
"""

from __future__ import annotations

import os
from pathlib import Path
from statistics import median

from bench.rows import Row
from bench.stats import median_difference_ci

from .fleet import PARTS, Fleet, medians_by_prover, run_fleet
from .link import PROFILES

LATENCY_LINKS = {"direct": None, "RTT 20 ms": "20ms", "RTT 100 ms": "100ms", "RTT 300 ms": "300ms"}
"""The latency run's external provers: one straight to the gateway (no relay: the gateway's own overhead),
and one behind each emulated link."""
OVERHEAD_TARGET_MS = 5.0
"""Issue 18: the gateway's overhead per job at most 5 ms beside the in-Ray path."""
OVERHEAD_PACE_S = 0.8
"""Seconds between the overhead run's jobs: one proof at one thread and its check take 0.4 to 0.6 s here."""
THROUGHPUT_DEADLINE_S = 120.0
"""Per attempt in the throughput runs: 16 one-thread provers time-sharing 2 cores take several times the
deadline rule's allowance (sized for provers with a core each), so the runs fix one that does not bind."""


def latency_rows(jobs_per_prover: int, folder: Path, limit_s: float) -> tuple[list[Row], dict]:
    """The latency run's rows and its raw result."""
    labels = tuple(LATENCY_LINKS)
    fleet = Fleet(tuple(p and PROFILES[p] for p in LATENCY_LINKS.values()), labels,
                  jobs_per_prover * (len(labels) + 1), ray_provers=1, limit_s=limit_s)
    result = run_fleet(fleet, folder / "latency")
    by = medians_by_prover(result["jobs"])
    base = by.get("in-Ray")
    rows = []
    for label in (*labels, "in-Ray"):
        if label not in by:
            continue
        m = by[label]
        rows.append(Row(f"submission to finality, {label} prover (median of {m['jobs']} jobs)", m["jobs"],
                        m["latency_s"], "s", "in-Ray prover, same run" if base else "",
                        base["latency_s"] if base else None, seconds=m["latency_s"]))
        split = ", ".join(f"{part.removesuffix('_s')} {m[part] / m['latency_s']:.0%}" for part in PARTS)
        rows.append(Row(f"latency split, {label}: {split}", m["jobs"], m["network_s"], "s net+gw",
                        "proving", m["prove_s"]))
    return rows, {"by_prover": by, **result}


def overhead_rows(jobs: int, folder: Path, limit_s: float) -> tuple[list[Row], dict]:
    """The overhead run's row: median network-and-gateway time of a direct external prover less an in-Ray
    prover's, in ms, with its 95% interval; and the run's raw result."""
    result = run_fleet(Fleet((None,), ("direct",), jobs, ray_provers=1, limit_s=limit_s, pace_s=OVERHEAD_PACE_S),
                       folder / "overhead")
    parts = {label: [j["network_s"] * 1e3 for j in result["jobs"] if j["prover"] == label]
             for label in ("direct", "in-Ray")}
    if min(map(len, parts.values())) < 2:
        return [], result
    overhead = median_difference_ci(parts["direct"], parts["in-Ray"])
    below = "all below" if overhead.high <= OVERHEAD_TARGET_MS else "crossing"
    row = Row(f"gateway overhead per job: direct external less in-Ray, median of each's assigned to proof "
              f"received less proving ({len(parts['direct'])} and {len(parts['in-Ray'])} jobs), 95% interval "
              f"[{overhead.low:.2f}, {overhead.high:.2f}] ms, {below} the target", overhead.n, overhead.value, "ms",
              "in-Ray's own median", median(parts["in-Ray"]), target=f"<= {OVERHEAD_TARGET_MS:g} ms",
              met=overhead.value <= OVERHEAD_TARGET_MS)
    return [row], {**result, "overhead_ms": overhead.as_dict()}


def throughput_rows(sizes: tuple[int, ...], jobs_per_prover: int, folder: Path,
                    limit_s: float) -> tuple[list[Row], dict]:
    """One row per fleet size: proofs/s of that many 1-thread external provers on 20 ms links."""
    cores = os.cpu_count() or 1
    rows, raw = [], {}
    first = None
    for n in sizes:
        fleet = Fleet((PROFILES["20ms"],) * n, tuple(f"p{i}" for i in range(n)), jobs_per_prover * n,
                      limit_s=limit_s, deadline_s=THROUGHPUT_DEADLINE_S)
        result = run_fleet(fleet, folder / f"throughput-{n}")
        raw[n] = result
        rows.append(Row(f"throughput, {n} external provers x 1 thread time-sharing {cores} cores, RTT 20 ms",
                        n, result["proofs_per_s"], "proofs/s", f"{first[0]} provers, same bench" if first else "",
                        first[1] if first else None, seconds=result["wall_s"]))
        first = first or (n, result["proofs_per_s"])
    return rows, raw
