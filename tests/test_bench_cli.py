"""The benchmark command runs end to end and says what it measured (no timing asserted)."""

import json

from typer.testing import CliRunner

from zkprove.cli import app


def test_bench_kernels_quick_json():
    result = CliRunner().invoke(app, ["bench", "kernels", "--quick", "--json", "-"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{"):])
    names = [row["name"] for row in report["rows"]]
    assert any("Fr mul" in name for name in names)
    assert any("ntt" in name for name in names)
    assert any("G1 MSM" in name for name in names) and any("G2 MSM" in name for name in names)
    for row in report["rows"]:
        assert row["value"] > 0 and row["reference"] > 0 and row["speedup"] > 0
    assert report["machine"]["cpu_count"] >= 1
