"""``zkprove bench kernels``: field, NTT and MSM kernels against their references.

The suite runs every kernel benchmark in one process (so each figure and its
reference share the machine's state), then the JIT warm-up probe in fresh
processes.
"""

from collections.abc import Callable

from .rows import Row

Suite = list[tuple[str, Callable[[], list[Row]]]]


def kernel_suite(quick: bool = False) -> Suite:
    """The benchmark steps, in order; ``quick`` shrinks sizes for a smoke run."""
    from .kernels_curve import bench_msm
    from .kernels_field import bench_fr_mul
    from .kernels_ntt import bench_ntt
    from .warmup import bench_warmup

    if quick:
        return [
            ("Fr multiplication", lambda: bench_fr_mul(n=1 << 14, chain=1 << 14)),
            ("NTT", lambda: bench_ntt(sizes=(1 << 12,))),
            ("MSM", lambda: bench_msm(sizes_g1=(1 << 10,), sizes_g2=(1 << 8,))),
        ]
    return [
        ("Fr multiplication", bench_fr_mul),
        ("NTT", bench_ntt),
        ("MSM", bench_msm),
        ("JIT warm-up", bench_warmup),
    ]
