"""MSM benchmark rows for ``zkprove bench kernels``: G1 and G2 Pippenger against py_ecc.

Each row times one MSM of random scalars over distinct random bases and
sets it next to py_ecc's naive ``multiply`` + ``add`` per point, measured
on a small sample in the same run (so machine load affects both alike).

Bases are made cheaply: ``m`` random multiples of the generator A_j and
B_k (numba scalar multiplication), then P = A_j + B_k for all pairs with
one batch affine conversion, giving up to m^2 distinct points in well
under a second for 2^20.
"""

import math
import random
import time

import numpy as np
import py_ecc.optimized_bn128 as reference

from zkprove.curve import G1, G2, Bases, Group
from zkprove.field.params import R

from .rows import Row

MSM_TARGETS_S = {("G1", 2**16): 0.35, ("G1", 2**20): 5.0}


def random_scalar_limbs(n: int, rng: np.random.Generator) -> np.ndarray:
    """n random scalars, uniform in [0, floor(r / 2^192) * 2^192), as ``uint64[n, 4]`` limbs."""
    limbs = rng.integers(0, 2**64, size=(n, 4), dtype=np.uint64)
    limbs[:, 3] = rng.integers(0, R >> 192, size=n, dtype=np.uint64)
    return limbs


def random_points(group: Group, n: int, rng: np.random.Generator) -> np.ndarray:
    """n distinct-with-high-probability random affine points (see module doc)."""
    m = max(2, math.isqrt(n - 1) + 1)
    seeds = group.scalar_mul(group.generator(), random_scalar_limbs(2 * m, rng))
    index = np.arange(n)
    return group.add(seeds[index % m], seeds[m + index // m])


def _reference_ns_per_point(group: Group, sample: int) -> float:
    """py_ecc.optimized_bn128: naive multiply + add per point, ns averaged over a sample."""
    generator = reference.G1 if group is G1 else reference.G2
    points = [reference.multiply(generator, random.randrange(1, R)) for _ in range(sample)]
    scalars = [random.randrange(R) for _ in range(sample)]
    start = time.perf_counter()
    acc = reference.Z1 if group is G1 else reference.Z2
    for point, scalar in zip(points, scalars):
        acc = reference.add(acc, reference.multiply(point, scalar))
    return (time.perf_counter() - start) / sample * 1e9


def bench_msm(
    sizes_g1: tuple[int, ...] = (2**12, 2**16, 2**20),
    sizes_g2: tuple[int, ...] = (2**12, 2**16),
    sample: int = 8,
    seed: int = 0,
) -> list[Row]:
    """One MSM per size and group, in ns per point beside py_ecc's naive multiply + add."""
    rng = np.random.default_rng(seed)
    rows = []
    for group, sizes in ((G1, sizes_g1), (G2, sizes_g2)):
        if not sizes:
            continue
        group.msm(group.generator(), [1])  # compile or load the kernels outside the timing
        reference_ns = _reference_ns_per_point(group, sample)
        for n in sizes:
            points = random_points(group, n, rng)  # multiples of the generator: no checks needed
            bases = Bases(group, points, np.zeros(n, np.bool_))
            scalars = random_scalar_limbs(n, rng)
            start = time.perf_counter()
            group.msm(bases, scalars)
            seconds = time.perf_counter() - start
            target_s = MSM_TARGETS_S.get((group.name, n))
            rows.append(
                Row(
                    f"{group.name} MSM (Pippenger, all threads)",
                    n,
                    seconds / n * 1e9,
                    "ns/point",
                    "py_ecc optimized multiply+add",
                    reference_ns,
                    seconds,
                    f"<= {target_s:g} s" if target_s else "",
                    seconds <= target_s if target_s else None,
                )
            )
    return rows
