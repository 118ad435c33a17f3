"""Imports run one way: read every module's imports from its source and fail on any that runs upward.

Between the packages: ``zkprove`` imports none of ``circuits``, ``workers``
and ``bench``; ``circuits`` and ``workers`` import no ``bench``; ``circuits``
imports no ``workers``. Inside ``zkprove``, the arithmetic floors import
only what lies below them: field, then curve, then poly and pairing.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("zkprove", "circuits", "workers", "bench")
FORBIDDEN = {
    "zkprove": {"circuits", "workers", "bench"},
    "circuits": {"workers", "bench"},
    "workers": {"bench"},
    "bench": set(),
}
#: Each zkprove floor and the zkprove subpackages it may import.
FLOORS = {
    "field": set(),
    "curve": {"field"},
    "poly": {"field"},
    "pairing": {"field", "curve"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports, relative imports resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_packages_import_only_downward(package):
    upward = [(module_name(path), name) for path in sources(package) for name in imports(path)
              if name.split(".")[0] in FORBIDDEN[package]]
    assert not upward, f"{package} imports above itself: {upward}"


@pytest.mark.parametrize("floor", sorted(FLOORS))
def test_the_arithmetic_floors_import_only_what_lies_below(floor):
    allowed = FLOORS[floor] | {floor}
    upward = [(module_name(path), name) for path in sources(f"zkprove/{floor}") for name in imports(path)
              if name.startswith("zkprove.") and name.split(".")[1] not in allowed and name != "zkprove"]
    assert not upward, f"zkprove.{floor} imports above itself: {upward}"


def test_the_checker_sees_imports():
    """The walk finds both absolute and relative imports (else every test above would pass vacuously)."""
    found = imports(ROOT / "zkprove" / "pairing" / "check.py")
    assert "zkprove.pairing.fq12" in found and "numpy" in found
    assert "zkprove.curve.points" in imports(ROOT / "zkprove" / "l1" / "arithmetic.py")
