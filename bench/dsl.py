"""DSL benchmark: compile time, witness time and peak memory per circuit size.

Each measurement runs in a fresh spawned process so that its peak resident
memory (``ru_maxrss``) belongs to that one compile + solve, beside the
process's resident memory after imports. Targets on the reference 2-core
machine, for the multiplication chain: compile <= 10 us per constraint,
witness <= 5 us per wire, 2^20 constraints compiled in <= 20 s within 2 GiB.
Run it as ``zkprove bench dsl``.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from concurrent.futures import ProcessPoolExecutor

from .rows import Row

COMPILE_US_TARGET = 10.0
WITNESS_US_TARGET = 5.0
COMPILE_S_TARGET_2_20 = 20.0
MEMORY_MIB_TARGET = 2048


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(circuit: str, size: int) -> dict:
    """Compile and solve one circuit of about ``size`` constraints (runs in the child)."""
    from circuits import chains

    if circuit == "mul_chain":
        instance, inputs = chains.MulChain(size), {"a": 3, "out": chains.mul_chain_reference(3, size)}
    else:
        instance = chains.PoseidonChain.of_size(size)
        inputs = {"seed": 3, "out": chains.poseidon_chain_reference(3, instance.n_hashes, instance.tail)}
    baseline = _rss_mib()
    start = time.perf_counter()
    cs = instance.compile()
    compiled = time.perf_counter()
    witness = cs.solve(**inputs)
    solved = time.perf_counter()
    assert len(witness) == cs.n_wires
    return {
        "circuit": circuit,
        "size": size,
        "constraints": cs.n_constraints,
        "wires": cs.n_wires,
        "compile_s": compiled - start,
        "compile_us_per_constraint": 1e6 * (compiled - start) / cs.n_constraints,
        "witness_s": solved - compiled,
        "witness_us_per_wire": 1e6 * (solved - compiled) / cs.n_wires,
        "baseline_rss_mib": baseline,
        "peak_rss_mib": _rss_mib(),
    }


def _measurements(sizes: tuple[int, ...], circuits: tuple[str, ...]) -> list[dict]:
    """One measurement per (circuit, size), each in a fresh spawned process."""
    results = []
    context = multiprocessing.get_context("spawn")
    for circuit in circuits:
        for size in sizes:
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                results.append(pool.submit(_measure, circuit, size).result())
    return results


def bench_dsl(sizes: tuple[int, ...] = (2**16, 2**20), circuits: tuple[str, ...] = ("mul_chain", "poseidon_chain")) -> list[Row]:
    """Compile time, witness time and peak memory rows; targets apply to the multiplication chain."""
    rows = []
    for m in _measurements(sizes, circuits):
        targeted = m["circuit"] == "mul_chain"
        label = f"{m['circuit']} ({m['constraints']:,} constraints)"
        compile_target = COMPILE_US_TARGET if targeted else None
        witness_target = WITNESS_US_TARGET if targeted else None
        rows.append(Row(f"compile {label}", m["constraints"], m["compile_us_per_constraint"], "us/constraint",
                        seconds=m["compile_s"], target=f"<= {compile_target:g} us" if compile_target else "",
                        met=m["compile_us_per_constraint"] <= compile_target if compile_target else None))
        rows.append(Row(f"witness {label}", m["wires"], m["witness_us_per_wire"], "us/wire",
                        seconds=m["witness_s"], target=f"<= {witness_target:g} us" if witness_target else "",
                        met=m["witness_us_per_wire"] <= witness_target if witness_target else None))
        big = targeted and m["size"] >= 2**20
        rows.append(Row(f"peak memory {label}, {m['baseline_rss_mib']:.0f} MiB after imports", m["constraints"],
                        m["peak_rss_mib"], "MiB",
                        target=f"<= {MEMORY_MIB_TARGET:,} MiB, compile <= {COMPILE_S_TARGET_2_20:g} s" if big else "",
                        met=(m["peak_rss_mib"] <= MEMORY_MIB_TARGET and m["compile_s"] <= COMPILE_S_TARGET_2_20) if big else None))
    return rows
