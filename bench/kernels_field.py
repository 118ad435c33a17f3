"""Fr multiplication: vectorized and as a dependent chain, against Python ints."""

import random

from numba import njit

from zkprove.field import Fr
from zkprove.field import arrays
from zkprove.field import montgomery as mont
from zkprove.field.params import FR_SPEC, R

from .rows import Row, best_of

FR_MUL_TARGET_NS = 25.0


@njit(cache=True)
def _square_chain(x, steps):
    """x^(2^steps) by repeated squaring: each product waits for the previous one."""
    for _ in range(steps):
        x = mont.mul(x, x, FR_SPEC)
    return x


def python_mul_ns(n: int = 200_000) -> float:
    """Reference: ``(a*b) % r`` on Python ints, per product."""
    xs = [random.randrange(R) for _ in range(n)]
    ys = [random.randrange(R) for _ in range(n)]
    seconds = best_of(3, lambda: [(a * b) % R for a, b in zip(xs, ys)])
    return seconds / n * 1e9


def bench_fr_mul(n: int = 1 << 20, chain: int = 1 << 22) -> list[Row]:
    """ns per Fr Montgomery product, vectorized over n pairs and as a chain."""
    a = Fr.from_ints(random.randrange(R) for _ in range(n))
    b = Fr.from_ints(random.randrange(R) for _ in range(n))
    out = arrays.empty(n)
    arrays.map_binary(arrays.MUL, a, b, out, arrays.FIELD_R)
    vector_s = best_of(5, lambda: arrays.map_binary(arrays.MUL, a, b, out, arrays.FIELD_R))
    start = arrays.load(a, 0)
    _square_chain(start, 1)
    chain_s = best_of(3, lambda: _square_chain(start, chain))
    reference = python_mul_ns()
    target = f"<= {FR_MUL_TARGET_NS:g} ns"
    vector_ns = vector_s / n * 1e9
    return [
        Row("Fr mul, vectorized (all threads)", n, vector_ns, "ns/mul", "python (a*b)%r", reference,
            vector_s, target, vector_ns <= FR_MUL_TARGET_NS),
        Row("Fr mul, dependent chain", chain, chain_s / chain * 1e9, "ns/mul", "python (a*b)%r", reference, chain_s),
    ]
