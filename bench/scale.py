"""``zkprove bench scale``: the sweeps of issue 19 at the scale of a real prover network, in simulation.

One base fleet (:data:`BASE`: 100 provers in 10 regions behind a per-prover
network, 100 jobs a second, a quarter of the fleet's capacity) and one sweep
per question (:data:`SWEEPS`), from 10 to 10,000 provers. Every point runs
over 30 seeds through :func:`bench.compare.compare`; runs are sized so that
the whole set finishes in tens of minutes on 2 cores (larger fleets get
fewer jobs, the engine's cost grows with provers x jobs) and ``--quick``
sizes a smoke run for a test. Each figure of the base is a stated guess or
a public figure, listed by :func:`scale_assumptions` with its source.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bench.scenarios import POLICY_NAMES, Scenario, Sweep

FAULTED = ("centralized", "round-robin", "auction")
"""The policies of the fault and network sweeps: the operator's prover, the plain fleet, the staked market."""

BASE = Scenario("scale", "round-robin", provers=100, jobs=1000, interval_s=0.01, warm_s=5.0, regions=10,
                faults={"latency_s": 0.05, "bandwidth_bps": 1.25e7}, latency_spread=0.5, bandwidth_spread=1.0)
"""100 provers, 1,000 jobs one every 10 ms (the fleet of 0.25 s proofs is a quarter busy), 10 regions,
a median one-way delay of 50 ms and a median link of 100 Mbit/s, each spread lognormally per prover."""

STARTUP_S = 1.0
"""Seconds a process takes to start before its warm-up proof (Ray's restart of a crashed actor), a guess."""

SWEEPS: dict[str, Sweep] = {
    "provers": Sweep("provers", (10, 30, 100, 300, 1000, 3000, 10_000), jobs=(1000, 1000, 1000, 1000, 300, 100, 100),
                     window_s=50.0, policies=("centralized", "round-robin"),
                     fixed=(("outages_per_min", 1.0), ("outage_len_s", 2.0))),
    "latency_spread": Sweep("latency_spread", (0.0, 0.5, 1.0, 1.5, 2.0), policies=FAULTED),
    "bandwidth_bps": Sweep("bandwidth_bps", (1.25e5, 1.25e6, 1.25e7, 1.25e8, 1.25e9), policies=FAULTED),
    "speed_spread": Sweep("speed_spread", (0.0, 0.25, 0.5, 0.75, 1.0), policies=FAULTED),
    "crash_rate": Sweep("crash_rate", (0.0, 0.1, 0.2, 0.3, 0.5), policies=FAULTED),
    "byzantine": Sweep("byzantine", (0.0, 0.1, 0.2, 0.3, 0.4), policies=FAULTED),
    "outages_per_min": Sweep("outages_per_min", (0.0, 0.5, 1.0, 2.0, 4.0, 8.0), policies=FAULTED,
                             fixed=(("outage_len_s", 2.0),)),
    "outage_len_s": Sweep("outage_len_s", (0.5, 1.0, 2.0, 4.0, 8.0), policies=FAULTED,
                          fixed=(("outages_per_min", 2.0),)),
    "redundancy": Sweep("redundancy", (1, 2, 3, 4, 5), policies=("round-robin", "redundant"),
                        fixed=(("crash_rate", 0.3),)),
    "stake": Sweep("stake", (20.0, 40.0, 80.0, 160.0, 320.0), policies=("round-robin", "auction"),
                   fixed=(("byzantine", 0.2),)),
    "slash_fraction": Sweep("slash_fraction", (0.1, 0.25, 0.5, 0.75, 1.0), policies=("round-robin", "auction"),
                            fixed=(("byzantine", 0.2),)),
}
"""Prover count (with regional outages; each run's jobs over 50 s, 20 a second up to 300 provers so that 10
provers keep up, fewer beyond so that a run stays bounded, every fleet as long under outages; round-robin
only, as a scattered run of 10,000 provers costs the engine about 30 s whatever its jobs: each of the
10,000 joins at its own time and every assignment round sorts the idle provers), RTT spread,
bandwidth (the proving key downloads on join), speed spread, crash rate, byzantine share, outage
frequency and length, redundancy k (under crashes), stake and slash size (under byzantine provers)."""

SEEDS, QUICK_SEEDS = 30, 3
QUICK_JOBS = 60
"""``--quick``: 3 seeds and at most 60 jobs a run, the provers sweep up to 1,000: a smoke run for a test."""


def sweeps(quick: bool = False) -> dict[str, Sweep]:
    """:data:`SWEEPS`, or their ``--quick`` sizes."""
    if not quick:
        return SWEEPS
    small = {axis: replace(s, jobs=tuple(min(j, QUICK_JOBS) for j in s.jobs)) for axis, s in SWEEPS.items()}
    provers = small["provers"]
    small["provers"] = replace(provers, values=provers.values[:5:2], jobs=provers.jobs[:5:2])
    return small


def base(quick: bool = False) -> Scenario:
    return replace(BASE, jobs=QUICK_JOBS) if quick else BASE


def scale_assumptions() -> list[dict[str, str]]:
    """The base fleet's figures beyond the measured proof and verifier times, each with its source."""
    from bench.commands import GUESS, PUBLIC

    faults = BASE.faults
    return [
        {"what": "network delay", "value": f"median one-way {faults['latency_s'] * 1e3:g} ms per message, lognormal "
                                           f"per prover (sigma {BASE.latency_spread:g}); the centralized prover "
                                           f"sits next to the sequencer (no delay)",
         "source": f"{PUBLIC}: ~100 ms round trips between continents (e.g. WonderNetwork's published "
                   f"city-to-city pings); the spread is {GUESS}"},
        {"what": "bandwidth", "value": f"median {faults['bandwidth_bps'] * 8 / 1e6:g} Mbit/s, lognormal per prover "
                                       f"(sigma {BASE.bandwidth_spread:g}); a prover downloads the proving key "
                                       f"over it before it joins, once",
         "source": GUESS},
        {"what": "regions", "value": f"{BASE.regions} regions, prover i in region i mod {BASE.regions}; a regional "
                                     f"outage takes the whole region down; the centralized prover is one region",
         "source": GUESS},
        {"what": "outages", "value": "a Poisson process per region (per minute of simulated time) with a fixed "
                                     "length; compressed: real regions fail a few times a year, so read a rate as "
                                     "the share of time down and a length against the proof time",
         "source": GUESS},
        {"what": "demand", "value": f"a job every {BASE.interval_s * 1e3:g} ms ({BASE.jobs} a run); in the provers "
                                    f"sweep each run's jobs over {SWEEPS['provers'].window_s:g} s, 20 a second up to "
                                    f"300 provers (so that 10 keep up), fewer beyond (the engine's cost grows with "
                                    f"provers x jobs)", "source": GUESS},
        {"what": "start", "value": f"the first job is submitted {BASE.warm_s:g} s after the fleet starts; a "
                                   f"prover still downloading the key then joins later", "source": GUESS},
        {"what": "restart", "value": f"{STARTUP_S:g} s before a crashed prover's warm-up proof (a Ray actor restart)",
         "source": GUESS},
        {"what": "outage detection", "value": "a prover that goes down is known gone at once (its attempts are lost "
                                              "and put up again; a real coordinator waits for a heartbeat)",
         "source": GUESS},
    ]


def run(quick: bool = False, axes: tuple[str, ...] = tuple(SWEEPS), seed: int = 0, verify_scale: float = 1.0,
        out_dir: Path = Path("bench/results/scale")) -> list:
    """Every sweep of :data:`SWEEPS` (or ``axes`` of them) over :data:`SEEDS` seeds, simulated; prints the
    table and writes ``scale.json``, CSV, PNGs and HTML under ``out_dir``."""
    from rich.console import Console

    from bench import compare as comparison
    from bench.commands import TIMES_PATH, assumptions, print_runs, shown_assumptions, timing_model
    from bench.report.build import write_report
    from bench.report.results import provenance

    unknown = sorted(set(axes) - set(SWEEPS))
    if unknown:
        raise ValueError(f"unknown scale sweep(s) {', '.join(unknown)}: use {', '.join(SWEEPS)}")
    start, seeds = replace(base(quick), seed=seed), QUICK_SEEDS if quick else SEEDS
    model = timing_model()
    console = Console(stderr=True)
    stated = [a for a in assumptions(model, TIMES_PATH, start.batch_size, verify_scale) if a["what"] != "network"]
    stated += scale_assumptions()
    console.print(shown_assumptions(stated))
    simulate = comparison.simulated(model.get(start.batch_size), verify_scale=verify_scale, startup_s=STARTUP_S)
    records = comparison.compare(start, axes, simulate, POLICY_NAMES, sweeps=sweeps(quick), seeds=seeds,
                                 on_run=lambda r: console.print(f"{r.scenario.name} seed {r.scenario.seed}: "
                                                                f"{r.metrics['proofs_per_s']:.3g} proofs/s, P99 "
                                                                f"{r.metrics['latency_p99_s']:.3g} s, "
                                                                f"{r.wall_s:.2f} s wall"))
    command = "zkprove bench scale" + (" --quick" if quick else "")
    print_runs(records, command)
    paths = write_report(out_dir, "scale", command, records,
                         provenance(command, seed, base=start.as_dict(), seeds=seeds, axes=list(axes),
                                    verify_scale=verify_scale, startup_s=STARTUP_S, proof_times=model.as_dict(),
                                    assumptions=stated))
    console.print(f"report: {paths['html']}")
    return records
