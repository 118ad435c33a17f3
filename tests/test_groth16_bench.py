"""``bench/prove.py`` runs end to end (a smoke run at a small size; the numbers are not checked)."""

import pytest

from bench.prove import bench_prove


@pytest.mark.slow
def test_bench_prove_smoke():
    rows = bench_prove((2**8,), repeats=1)
    names = [row.name for row in rows]
    assert "groth16 prove, key loaded" in names and "  step msm.c" in names
    assert all(row.value >= 0 for row in rows)
