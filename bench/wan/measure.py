"""The gateway figures of ``zkprove bench wan``, from fleet runs (:mod:`bench.wan.fleet`) as table rows.

- **Latency run**: one external prover straight to the gateway and one per link (20, 100 and 300 ms RTT)
  and one in-Ray prover, all at one thread, sharing one service and one job
  stream (round-robin). Each prover's median submission-to-finality latency
  stands beside the in-Ray prover's; each latency is split into network and
  gateway, proving, verifying and waiting; the gateway's overhead per job is
  the direct prover's network-and-gateway part less the in-Ray prover's (no relay
  in its path: the relay's own forwarding would be counted as the gateway's).
- **Throughput runs**: 4, 8 and 16 external provers at one thread each on
  20 ms links, time-sharing this machine's cores, each beside the smallest
  fleet of the same bench. (A proof's ``prove_s`` is wall time, which
  time-sharing stretches, so it cannot give an ideal rate.)
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.rows import Row

from .fleet import PARTS, Fleet, medians_by_prover, run_fleet
from .link import PROFILES

LATENCY_LINKS = {"direct": None, "RTT 20 ms": "20ms", "RTT 100 ms": "100ms", "RTT 300 ms": "300ms"}
"""The latency run's external provers: one straight to the gateway (no relay: the gateway's own overhead),
and one behind each emulated link."""
OVERHEAD_TARGET_MS = 5.0
"""Issue 18: the gateway's overhead per job at most 5 ms beside the in-Ray path."""
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
    if base and "direct" in by:
        overhead_ms = (by["direct"]["network_s"] - base["network_s"]) * 1e3
        rows.append(Row("gateway overhead per job: direct external less in-Ray (assigned to proof received, "
                        "less proving)", by["direct"]["jobs"], overhead_ms, "ms", "in-Ray's own", base["network_s"] * 1e3,
                        target=f"<= {OVERHEAD_TARGET_MS:g} ms", met=overhead_ms <= OVERHEAD_TARGET_MS))
    return rows, {"by_prover": by, **result}


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
