"""The Fr NTT: first call and steady state, against galois' NTT at 2^12.

The reference is galois' radix-2 NTT over the same field (Python-object
arithmetic), measured at 2^12 in the same run; figures are ns per element.
The first call in a process is reported apart: it includes numba compiling
or loading the cached kernels and building the size's twiddle table.
"""

import time

import galois
import numpy as np

from zkprove.field import Fr, R
from zkprove.poly.domain import EvaluationDomain
from zkprove.poly.ntt import coset_intt, coset_ntt, intt, ntt

from .rows import Row, best_of

#: Design target: one NTT of 2^20 elements on this 2-core machine.
NTT_2_20_TARGET_S = 0.5
_REFERENCE_LOG_SIZE = 12


def _random_elements(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return Fr.from_ints(int(x) for x in rng.integers(0, 2**63, n))


def galois_ntt_ns(log_size: int = _REFERENCE_LOG_SIZE) -> float:
    """Reference: galois' NTT of 2^log_size elements of GF(r), ns per element.

    Calls ``np.fft.fft`` on a GF(r) array: ``galois.ntt`` would rebuild the
    field with default arguments, which factors r - 1 for minutes.
    """
    field = galois.GF(R, primitive_element=5, verify=False)
    rng = np.random.default_rng(0)
    x = field([int(v) for v in rng.integers(0, 2**63, 1 << log_size)])
    return best_of(2, lambda: np.fft.fft(x)) / (1 << log_size) * 1e9


def bench_ntt(sizes: tuple[int, ...] = (2**16, 2**20)) -> list[Row]:
    """Rows: the first call, then steady-state ntt, intt, coset_ntt and coset_intt per size."""
    reference = galois_ntt_ns()
    ref_name = f"galois NTT 2^{_REFERENCE_LOG_SIZE}"
    rows = []

    def row(name: str, n: int, seconds: float, with_target: bool = False) -> Row:
        met = seconds <= NTT_2_20_TARGET_S if with_target else None
        target = f"<= {NTT_2_20_TARGET_S:g} s" if with_target else ""
        return Row(name, n, seconds / n * 1e9, "ns/elem", ref_name, reference, seconds, target, met)

    first = sizes[0]
    values = _random_elements(first, seed=first)
    start = time.perf_counter()
    ntt(values)
    seconds = time.perf_counter() - start
    rows.append(row("ntt, first call in process (JIT or cache load + twiddles)", first, seconds))
    for n in sizes:
        values = _random_elements(n, seed=n)
        EvaluationDomain.of(n)
        repeats = 3 if n >= 1 << 18 else 7
        for transform in (ntt, intt, coset_ntt, coset_intt):
            seconds = best_of(repeats, lambda: transform(values))
            on_target = transform is ntt and n == 1 << 20
            rows.append(row(f"{transform.__name__}, steady state (best of {repeats})", n, seconds, on_target))
    return rows
