"""The README's example runs and says what the README says it says."""

import runpy
from pathlib import Path

EXAMPLE = Path(__file__).parents[1] / "examples" / "cubic.py"


def test_cubic_example(capsys):
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    valid, refused = capsys.readouterr().out.splitlines()
    assert valid.startswith("3 constraints; valid=True; gas ") and "calldata 292 bytes" in valid
    assert refused.startswith("UnsatisfiedConstraint: constraint 2 is not satisfied: gadget main at ")
    assert "cubic.py:17" in refused and "x=4" in refused
