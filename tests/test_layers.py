"""Imports run one way: read every module's imports from its source and fail on any that runs upward.

Between the packages: ``zkprove`` imports none of ``circuits``, ``workers``
and ``bench``; ``circuits`` and ``workers`` import no ``bench`` and not each
other (both rest on zkprove alone: the cluster knows no circuit, a circuit
knows no cluster); ``bench`` imports all, and is where the two meet
(``bench.cluster_cli``: the rollup's workload on the cluster). Inside ``zkprove``, each floor imports only the
floors it rests on and what those may import, as the table ``FLOORS`` says;
docs/architecture.md ("Layers") prints the same table, and a test here
holds the two equal.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("zkprove", "circuits", "workers", "bench")
FORBIDDEN = {
    "zkprove": {"circuits", "workers", "bench"},
    "circuits": {"workers", "bench"},
    "workers": {"circuits", "bench"},
    "bench": set(),
}
#: The root package, ``zkprove/__init__.py``, as a floor: its lazy exports are the DSL's.
ROOT_FLOOR = "zkprove"
#: Each zkprove floor and the floors it rests on: it may import those and everything they may import.
#: The frontend (dsl, gadgets) and the backend (groth16 up to ceremony) both rest on r1cs and meet only
#: in cli, so the prover never imports the DSL. ``timing`` rests on nothing and every floor may import it.
FLOORS = {
    "timing": set(),
    "field": set(),
    "curve": {"field"},
    "poly": {"field"},
    "pairing": {"curve"},
    "r1cs": {"poly", "pairing"},
    "dsl": {"r1cs"},
    "gadgets": {"dsl"},
    "groth16": {"r1cs"},
    "l1": {"groth16"},
    "formats": {"l1"},
    "ceremony": {"formats"},
    ROOT_FLOOR: {"dsl"},
    "cli": {"ceremony", "gadgets", ROOT_FLOOR},
    "__main__": {"cli"},
}
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports, relative imports resolved.

    ``from zkprove import x`` yields ``zkprove.x`` alone: what it imports is x
    (a floor, or one of the root's own names), not the root's lazy exports.
    """
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
            if name != ROOT_FLOOR:
                found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def floor_of(name: str) -> str | None:
    """The zkprove floor a module name belongs to (the root for its own names); None outside zkprove."""
    parts = name.split(".")
    if parts[0] != ROOT_FLOOR:
        return None
    return parts[1] if len(parts) > 1 and parts[1] in FLOORS else ROOT_FLOOR


def allowed(floor: str) -> set[str]:
    """The floors ``floor`` may import: itself, ``timing``, and all it rests on, transitively."""
    reach, todo = {floor, "timing"}, [floor]
    while todo:
        for lower in FLOORS[todo.pop()] - reach:
            reach.add(lower)
            todo.append(lower)
    return reach


def floor_sources(floor: str) -> list[Path]:
    """The files of a floor: the root's ``__init__.py``, a subpackage's tree, or a top-level module."""
    if floor == ROOT_FLOOR:
        return [ROOT / "zkprove" / "__init__.py"]
    folder = ROOT / "zkprove" / floor
    return sources(f"zkprove/{floor}") if folder.is_dir() else [folder.with_suffix(".py")]


def upward_imports(floor: str) -> list[tuple[str, str]]:
    paths = floor_sources(floor)
    return [(module_name(path), name) for path in paths for name in imports(path)
            if floor_of(name) is not None and floor_of(name) not in allowed(floor)]


@pytest.mark.parametrize("package", PACKAGES)
def test_packages_import_only_downward(package):
    upward = [(module_name(path), name) for path in sources(package) for name in imports(path)
              if name.split(".")[0] in FORBIDDEN[package]]
    assert not upward, f"{package} imports above itself: {upward}"


@pytest.mark.parametrize("floor", sorted(FLOORS))
def test_each_floor_imports_only_what_lies_below(floor):
    upward = upward_imports(floor)
    assert not upward, f"zkprove floor {floor} imports above itself (it may import {sorted(allowed(floor))}): {upward}"


def test_every_zkprove_module_has_a_floor():
    """A new subpackage or top-level module must take its place in FLOORS, or it escapes every check."""
    names = {path.stem if path.suffix == ".py" else path.name for path in (ROOT / "zkprove").iterdir()
             if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()}
    assert names == set(FLOORS) - {ROOT_FLOOR}


def test_the_floors_form_no_loop():
    for floor, lower in FLOORS.items():
        assert not any(floor in allowed(other) for other in lower), f"{floor} lies below what it rests on"


def test_the_architecture_doc_prints_the_same_table():
    """docs/architecture.md's Layers table: one row per floor, `floor` then the floors it rests on."""
    section = ARCHITECTURE.read_text().split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if re.match(r"\| `", line)]
    table = {}
    for row in rows:
        floor, rests_on = (cell.strip() for cell in row.strip().strip("|").split("|")[:2])
        table[re.findall(r"`([\w.]+)`", floor)[0]] = set(re.findall(r"`([\w.]+)`", rests_on))
    assert table == FLOORS


def test_the_checker_sees_imports():
    """The walk finds absolute, relative and root imports and judges them (else the tests above pass vacuously)."""
    found = imports(ROOT / "zkprove" / "pairing" / "check.py")
    assert "zkprove.pairing.fq12" in found and "numpy" in found
    assert "zkprove.curve.points" in imports(ROOT / "zkprove" / "l1" / "arithmetic.py")
    assert floor_of("zkprove.__version__") == floor_of("zkprove") == ROOT_FLOOR
    assert floor_of("zkprove.groth16.prover") == "groth16" and floor_of("numpy") is None
    assert "dsl" not in allowed("groth16") and "groth16" in allowed("formats") and "formats" not in allowed("groth16")
    assert "zkprove.__version__" in imports(ROOT / "zkprove" / "cli" / "__init__.py")


def test_the_root_exports_load_the_dsl_only_when_asked():
    """``import zkprove`` loads no floor; each name in ``__all__`` resolves, the DSL's names to the DSL's objects."""
    script = (
        "import sys, zkprove\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('zkprove.'))\n"
        "assert not loaded, loaded\n"
        "import zkprove.dsl as dsl\n"
        "for name in zkprove.__all__:\n"
        "    value = getattr(zkprove, name)\n"
        "    assert name == '__version__' or value is getattr(dsl, name), name\n"
        "try:\n"
        "    zkprove.groth16_prove\n"
        "except AttributeError:\n"
        "    pass\n"
        "else:\n"
        "    raise AssertionError('an unknown root name resolved')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
