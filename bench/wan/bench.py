"""``zkprove bench wan``: scattered provers' network costs, measured over emulated links on this machine.

The bench makes a network namespace of its own (:class:`bench.wan.netns.Namespace`),
runs :mod:`bench.wan.inside` in it under a wall-clock limit, and removes the
namespace however that ends. It prints every assumption first, then a table,
and writes ``wan.json`` (provenance, assumptions, links, rows) into its
output folder, as ``zkprove bench compare`` writes its results.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from bench.report.results import provenance
from bench.rows import Row, print_rows

from zkprove.cli.paths import check_output_folder

from .inside import FULL_OVERHEAD_JOBS, QUICK_OVERHEAD_JOBS
from .measure import OVERHEAD_PACE_S, THROUGHPUT_DEADLINE_S
from .netns import Namespace, unavailable_reason

TITLE = "zkprove bench wan"
QUICK_LIMIT_S, FULL_LIMIT_S = 1200.0, 3600.0
"""The wall-clock limits of a run; past them the namespace and all in it are removed."""


class WanBenchError(RuntimeError):
    """The bench could not run here, or its run failed or ran past its limit; the message says which."""


def assumptions(quick: bool, pk: Path | None, no_fleet: bool = False) -> list[str]:
    """What the numbers rest on, in words, printed before the run and stored with its results."""
    key = f"the proving key {pk}" if pk else ("the rollup's dev proving key, T=1 (12.6 MB)" if quick else
                                             "the rollup's dev proving key, T=4 (50.5 MB)")
    fleet = [] if no_fleet else [
        "gateway runs: `zkprove cluster serve --gateway` on 127.0.0.1 (round-robin, rollup T=1), prover i "
        "behind its relay on 127.0.0.(10+i), each a `zkprove prover connect` process at 1 numba thread with "
        "its own key cache; jobs submitted once all have registered; the run's Ray has token auth off "
        "(it is reachable only inside the namespace)",
        f"throughput runs: {'4' if quick else '4, 8 and 16'} external provers at 1 thread each TIME-SHARE the "
        f"{os.cpu_count()} cores with the service, verifier and relays; each beside the smallest fleet "
        "(prove_s is wall time, stretched by time-sharing, so it gives no ideal rate); their deadline is fixed "
        f"at {THROUGHPUT_DEADLINE_S:g} s per attempt, so time-sharing, not the deadline rule, sets the rate",
        "overhead run: one external prover straight to the gateway (no relay) beside one in-Ray prover, 1 thread "
        f"each, {QUICK_OVERHEAD_JOBS if quick else FULL_OVERHEAD_JOBS} jobs between them, one submitted every "
        f"{OVERHEAD_PACE_S:g} s (so the two seldom prove at once and a core is free); the gateway's overhead "
        "per job = median net+gw of the external prover less the in-Ray prover's, with a 95% bootstrap interval",
        "latency split from the job log: waiting (submitted to assigned), net+gw (assigned to proof received, "
        "less the prover's own prove_s, which counts the witness's solve and encoding at the gateway and its "
        "decoding at the prover: the long poll's answer, the reveal, signatures, the gateway's handling), proving, "
        "verifying (received to verified), order (verified to finalized)"]
    return [
        f"machine: {os.cpu_count()} cores, shared by everything in the run (relays, key server, client)",
        "network: a fresh namespace with loopback alone (MTU 65536); each link is a user-space asyncio "
        "TCP relay (this kernel has no netem): one-way delay as a floor plus jitter in [0, j], order kept; "
        "a token bucket per direction of the link, shared by its connections (64 KiB deep), for the rate; a new "
        "connection's first bytes wait 3 one-way delays (the handshake); no packet loss or reordering below TCP",
        "RTT of a link = 2 x its one-way delay; 1 Mbit/s = 10^6 bit/s",
        f"key fetch: {key}, downloaded by the external prover's own KeyCache + GatewayClient (signed "
        "range requests, whole-file SHA-256 before use) from a stand-in for the gateway's GET /v1/key "
        "endpoint (aiohttp FileResponse; no signature check on that side)",
        "reference of a fetch = 2 RTT (handshake, request) + the key's bytes beyond the token bucket at the "
        "link rate: the least the link allows",
        *fleet,
    ]


def run_in_namespace(module: str, args: list[str], limit_s: float, console: Console) -> dict:
    """``python -m module --out FILE *args`` in a network namespace of its own, stopped (and the namespace
    removed) after ``limit_s``; the JSON it wrote to FILE. :class:`WanBenchError` if it cannot run or fails."""
    reason = unavailable_reason()
    if reason:
        raise WanBenchError(f"the WAN bench needs a network namespace of its own: {reason}")
    with tempfile.TemporaryDirectory(prefix="zkprove-wan-out-") as folder:
        result = Path(folder) / "inside.json"
        with Namespace() as ns:
            console.print(f"network namespace {ns.name}: running for at most {limit_s:g} s")
            process = ns.popen([sys.executable, "-m", module, "--out", str(result), *args])
            try:
                code = process.wait(limit_s)
            except subprocess.TimeoutExpired:
                raise WanBenchError(f"the WAN bench ran past its {limit_s:g} s limit and was stopped") from None
        if code != 0:
            raise WanBenchError(f"the WAN bench's run in the namespace exited {code} (its error is above)")
        return json.loads(result.read_text())


def run(quick: bool = False, pk: Path | None = None, out_dir: Path = Path("bench/results/wan"),
        limit_s: float | None = None, force: bool = False, no_fleet: bool = False,
        console: Console | None = None) -> list[Row]:
    """Run the bench in its own namespace; print the assumptions and the table; write ``out_dir/wan.json``
    (checked writable, and not replaced without ``force``, before the run)."""
    (json_path,) = check_output_folder(out_dir, ("wan.json",), force)
    console = console or Console(stderr=True)
    limit_s = limit_s or (QUICK_LIMIT_S if quick else FULL_LIMIT_S)
    said = assumptions(quick, pk, no_fleet)
    for line in said:
        console.print(f"assumption: {line}")
    args = ["--keep-failed", str((out_dir / "failed-run").resolve())]
    args += ["--quick"] if quick else []
    args += ["--pk", str(pk.resolve())] if pk else []
    args += ["--no-fleet"] if no_fleet else []
    inside = run_in_namespace("bench.wan.inside", args, limit_s, console)
    rows = [Row(**{k: v for k, v in r.items() if k != "speedup"}) for r in inside["rows"]]
    print_rows(rows, TITLE + (" (--quick)" if quick else ""), Console(width=170))
    document = {"provenance": provenance(TITLE + (" --quick" if quick else ""), 0, limit_s=limit_s),
                "assumptions": said, "links": inside["links"], "key": inside["key"],
                "fleet_links": inside["fleet_links"], "fleets": inside["fleets"],
                "rows": [r.as_dict() for r in rows]}
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(document, indent=1) + "\n")
    console.print(f"results: {json_path}")
    return rows


