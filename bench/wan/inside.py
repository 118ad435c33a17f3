"""The measurements of ``zkprove bench wan``, run inside the bench's own network namespace.

``python -m bench.wan.inside --out FILE [--quick] [--pk KEY]`` is started by
:mod:`bench.wan.bench` through ``ip netns exec``; it refuses to run where any
interface but loopback exists, so it never shapes or floods a real network.
It writes its rows, the links it used and its assumptions to FILE as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import sys
import tempfile
from pathlib import Path

from .fleet import FleetError
from .keyfetch import key_fetch_rows
from .link import PROFILES, LinkSpec
from .measure import LATENCY_LINKS, latency_rows, overhead_rows, throughput_rows

QUICK_BATCH, FULL_BATCH = 1, 4
"""Transfers per proof of the rollup circuit whose dev proving key is fetched (12.6 MB and 50.5 MB)."""
QUICK_FLEETS, FULL_FLEETS = (4,), (4, 8, 16)
QUICK_JOBS, FULL_JOBS = 2, 4
"""Jobs per prover in a fleet run."""
QUICK_OVERHEAD_JOBS, FULL_OVERHEAD_JOBS = 30, 60
"""Jobs of the overhead run, shared by its two provers."""
FLEET_LIMIT_S = 600.0


def loopback_only_problem() -> str | None:
    """Why this process is not in a namespace of loopback alone, or None."""
    others = sorted(name for _, name in socket.if_nameindex() if name != "lo")
    if others:
        return (f"this network has interfaces besides loopback ({', '.join(others)}): run the WAN bench "
                "through `zkprove bench wan`, which makes a namespace of its own")
    return None


def key_links(size: int) -> dict[str, LinkSpec]:
    """The key-fetch links: 10 and 100 Mbit/s at 20 ms RTT, and 100 Mbit/s with every connection cut
    after a third of the key (so the download resumes twice)."""
    fast = PROFILES["100mbit"]
    return {"10 Mbit/s, RTT 20 ms": PROFILES["10mbit"], "100 Mbit/s, RTT 20 ms": fast,
            "100 Mbit/s, RTT 20 ms, cut every 1/3 key": LinkSpec(fast.delay_s, fast.jitter_s, fast.mbit_s,
                                                                  drop_after_bytes=size // 3 + 1)}


def dev_key(batch_size: int, folder: Path) -> Path:
    """The rollup's dev proving key for ``batch_size`` transfers a proof (seed 0), saved in ``folder``."""
    from bench.rollup_workload import rollup_workload
    from zkprove.formats.npz_key_file import save_proving_key

    workload = rollup_workload(0, batch_size, depth=4, accounts=2 * batch_size + 8, seed=0)
    path = folder / f"rollup-T{batch_size}.npz"
    save_proving_key(workload.pk, path)
    return path


def fleet_rows(quick: bool, folder: Path, fleets: dict) -> list:
    """The gateway runs' rows (latency, overhead, then throughput); each run's raw result goes into ``fleets``."""
    per = QUICK_JOBS if quick else FULL_JOBS
    print("latency run: external provers direct and at 20, 100 and 300 ms RTT, and one in-Ray prover...",
          file=sys.stderr)
    rows, fleets["latency"] = latency_rows(per, folder, FLEET_LIMIT_S)
    print("overhead run: one external prover direct to the gateway and one in-Ray prover...", file=sys.stderr)
    more, fleets["overhead"] = overhead_rows(QUICK_OVERHEAD_JOBS if quick else FULL_OVERHEAD_JOBS, folder,
                                             FLEET_LIMIT_S)
    rows += more
    sizes = QUICK_FLEETS if quick else FULL_FLEETS
    print(f"throughput runs: {', '.join(map(str, sizes))} external provers...", file=sys.stderr)
    more, fleets["throughput"] = throughput_rows(sizes, per, folder, FLEET_LIMIT_S)
    return rows + more


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.wan.inside", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="JSON file for the results")
    parser.add_argument("--quick", action="store_true", help="the smaller key")
    parser.add_argument("--pk", type=Path, help="fetch this proving key file instead of the rollup's dev key")
    parser.add_argument("--no-fleet", action="store_true", help="only the key fetch, no gateway runs")
    parser.add_argument("--keep-failed", type=Path, help="where to copy a failed gateway run's files")
    args = parser.parse_args(argv)
    problem = loopback_only_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.pk is not None and not args.pk.is_file():
        print(f"error: --pk {args.pk} is not a file", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="zkprove-wan-") as folder:
        batch = QUICK_BATCH if args.quick else FULL_BATCH
        print(f"making the rollup's dev proving key (T={batch})..." if args.pk is None else "", file=sys.stderr)
        key = args.pk or dev_key(batch, Path(folder))
        links = key_links(key.stat().st_size)
        print(f"fetching a {key.stat().st_size:,} B proving key over {len(links)} links...", file=sys.stderr)
        rows = key_fetch_rows(key, links)
        fleets = {}
        if not args.no_fleet:
            try:
                rows += fleet_rows(args.quick, Path(folder), fleets)
            except FleetError:
                if args.keep_failed is not None:
                    shutil.copytree(folder, args.keep_failed, dirs_exist_ok=True,
                                    ignore=shutil.ignore_patterns("cache*", "*.npz"))
                    print(f"the failed run's files (service and prover output, job logs) are kept in "
                          f"{args.keep_failed}", file=sys.stderr)
                raise
    document = {"rows": [r.as_dict() for r in rows], "links": {name: s.as_dict() for name, s in links.items()},
                "fleet_links": {label: PROFILES[name].as_dict() if name else "direct, no relay"
                                for label, name in LATENCY_LINKS.items()},
                "fleets": fleets,
                "key": {"path": str(args.pk) if args.pk else f"rollup dev key, T={batch}, depth 4, seed 0",
                        "bytes": rows[0].size}}
    args.out.write_text(json.dumps(document, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
