"""JIT warm-up: how long a fresh process takes to its first results.

numba compiles each kernel on first use in a process, unless ``cache=True``
finds machine code from an earlier run. This measures a new interpreter's
time to its first Fr product, NTT and G1 MSM, once against an empty cache
directory (cold) and once against the cache that run left (warm).
"""

import json
import os
import subprocess
import sys
import tempfile
import time

from .rows import Row

FIRST_MSM_TARGET_S = 3.0

_PROBE = """
import json, time
t0 = time.perf_counter()
import numpy as np
from zkprove.field import Fr
t_import = time.perf_counter()
a = Fr.from_ints(range(1, 1025))
Fr.mul(a, a)
t_mul = time.perf_counter()
from zkprove.poly.ntt import ntt
ntt(a)
t_ntt = time.perf_counter()
from zkprove.curve import G1
points = G1.scalar_mul(G1.generator(), list(range(1, 1025)))
G1.msm(points, list(range(1, 1025)))
t_msm = time.perf_counter()
print(json.dumps({"import": t_import - t0, "fr_mul": t_mul - t_import,
                  "ntt": t_ntt - t_mul, "msm": t_msm - t_ntt}))
"""


def run_fresh(command: list[str], cache_dir: str) -> tuple[float, str]:
    """Run ``command`` in a new process whose numba cache is ``cache_dir``: (wall seconds, stdout)."""
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"warm-up probe failed:\n{done.stderr[-2000:]}")
    return wall, done.stdout


def _probe(cache_dir: str) -> dict:
    wall, stdout = run_fresh([sys.executable, "-c", _PROBE], cache_dir)
    return {"wall": wall, **json.loads(stdout.strip().splitlines()[-1])}


def bench_warmup() -> list[Row]:
    """Cold-cache and warm-cache time from process start to the first MSM result."""
    with tempfile.TemporaryDirectory(prefix="zkprove-numba-cache-") as cache_dir:
        cold = _probe(cache_dir)
        warm = _probe(cache_dir)
    rows = []
    for label, run in (("cold cache", cold), ("warm cache", warm)):
        detail = ", ".join(f"{k} {run[k]:.2f}s" for k in ("import", "fr_mul", "ntt", "msm"))
        met = run["wall"] <= FIRST_MSM_TARGET_S if label == "warm cache" else None
        target = f"<= {FIRST_MSM_TARGET_S:g} s" if label == "warm cache" else ""
        rows.append(Row(f"new process to first MSM, {label} ({detail})", 0, run["wall"], "s",
                        seconds=run["wall"], target=target, met=met))
    return rows
