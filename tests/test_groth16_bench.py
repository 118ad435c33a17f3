"""``bench/prove.py`` runs end to end (a smoke run at a small size; the numbers are not checked)."""

import pytest

from bench.prove import bench_prove, find_rapidsnark


@pytest.mark.slow
def test_bench_prove_smoke():
    rows = bench_prove((2**8,), repeats=1, rapidsnark=find_rapidsnark())
    names = [row.name for row in rows]
    for family in ("squaring", "poseidon"):
        assert f"{family}: prove, key loaded" in names and f"{family}: zkprove prove (whole process)" in names
    assert "  step msm.b_g2" in names
    assert all(row.value >= 0 for row in rows)


def test_rapidsnark_is_found_only_where_it_is(tmp_path, monkeypatch):
    monkeypatch.delenv("ZKPROVE_RAPIDSNARK", raising=False)
    assert find_rapidsnark() is None and find_rapidsnark(tmp_path / "absent") is None
    binary = tmp_path / "prover"
    binary.write_text("")
    monkeypatch.setenv("ZKPROVE_RAPIDSNARK", str(binary))
    assert find_rapidsnark() == binary
