"""DSL benchmark: compile time, witness time and peak memory per circuit size.

Each measurement runs in a fresh spawned process so that its peak resident
memory (``ru_maxrss``) belongs to that one compile + solve, beside the
process's resident memory after imports. Targets on the reference 2-core
machine, for the multiplication chain: compile <= 10 us per constraint,
witness <= 5 us per wire, 2^20 constraints compiled in <= 20 s within 2 GiB.
Run ``python -m bench.dsl [log2 sizes...]`` for a table.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor

POSEIDON2_CONSTRAINTS = 237  # one PoseidonChain link: Poseidon(2) with a constant counter input


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(circuit: str, size: int) -> dict:
    """Compile and solve one circuit of about ``size`` constraints (runs in the child)."""
    from circuits import chains

    if circuit == "mul_chain":
        instance, inputs = chains.MulChain(size), {"a": 3, "out": chains.mul_chain_reference(3, size)}
    else:
        n_hashes = max(1, size // POSEIDON2_CONSTRAINTS)
        instance, inputs = chains.PoseidonChain(n_hashes), {"seed": 3, "out": chains.poseidon_chain_reference(3, n_hashes)}
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


def _has_poseidon() -> bool:
    return importlib.util.find_spec("zkprove.gadgets.poseidon") is not None


def bench_dsl(sizes: tuple[int, ...] = (2**16, 2**20), circuits: tuple[str, ...] = ("mul_chain", "poseidon_chain")) -> list[dict]:
    """One row per (circuit, size), each measured in a fresh process; the Poseidon
    row is skipped while ``zkprove.gadgets.poseidon`` does not exist.
    """
    rows = []
    context = multiprocessing.get_context("spawn")
    for circuit in circuits:
        if circuit == "poseidon_chain" and not _has_poseidon():
            continue
        for size in sizes:
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                rows.append(pool.submit(_measure, circuit, size).result())
    return rows


def main(argv: list[str]) -> None:
    sizes = tuple(1 << int(k) for k in argv) or (2**16, 2**20)
    print(f"{'circuit':<15}{'constraints':>12}{'compile s':>11}{'us/constr':>11}{'witness s':>11}"
          f"{'us/wire':>9}{'peak MiB':>10}{'base MiB':>10}")
    for row in bench_dsl(sizes):
        print(f"{row['circuit']:<15}{row['constraints']:>12}{row['compile_s']:>11.2f}{row['compile_us_per_constraint']:>11.2f}"
              f"{row['witness_s']:>11.2f}{row['witness_us_per_wire']:>9.2f}{row['peak_rss_mib']:>10.0f}{row['baseline_rss_mib']:>10.0f}")


if __name__ == "__main__":
    main(sys.argv[1:])
