"""Locate and run the node reference tools (snarkjs, circom2) for interop tests.

The tools come from ``tools/node/package.json`` (``npm install --prefix
tools/node``, done by ``scripts/test``). Tests that need them use
:func:`requires_node`, which marks them ``node`` and skips them with a reason
saying what is missing and how to install it::

    from helpers.node import requires_node, snarkjs

    @requires_node("snarkjs")
    def test_something(tmp_path):
        snarkjs("r1cs", "info", str(tmp_path / "c.r1cs"))
"""

import re
import shutil
import subprocess
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "tools" / "node" / "node_modules"
CIRCOMLIB = NODE_MODULES / "circomlib" / "circuits"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ToolError(RuntimeError):
    """A node tool exited non-zero; the message carries its command and output."""


def tool_path(name: str) -> Path:
    return NODE_MODULES / ".bin" / name


@cache
def missing_reason(*tools: str) -> str | None:
    """Why the tools cannot run here, or None when node and all of them are present."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    absent = [name for name in tools if not tool_path(name).exists()]
    if absent:
        return f"{', '.join(absent)} not installed under tools/node (run `npm install --prefix tools/node`)"
    return None


def node_marks(*tools: str) -> list[pytest.MarkDecorator]:
    """The ``node`` mark plus a skip when a tool is missing; usable as a module's ``pytestmark``."""
    reason = missing_reason(*(tools or ("snarkjs", "circom2")))
    return [pytest.mark.node, pytest.mark.skipif(reason is not None, reason=reason or "")]


def requires_node(*tools: str) -> Callable:
    """Decorator: mark a test or class ``node`` and skip it unless node and ``tools`` are present."""

    def apply(obj):
        for mark in node_marks(*tools):
            obj = mark(obj)
        return obj

    return apply


def run_tool(name: str, *args: str, timeout: float = 120, cwd: Path | None = None) -> str:
    """Run ``tools/node/node_modules/.bin/NAME ARGS``; return its stdout without colour codes."""
    command = [str(tool_path(name)), *map(str, args)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False)
    output = _ANSI.sub("", result.stdout)
    if result.returncode != 0:
        raise ToolError(f"{' '.join(command)} exited {result.returncode}:\n{output}\n{_ANSI.sub('', result.stderr)}")
    return output


def snarkjs(*args: str, timeout: float = 120, cwd: Path | None = None) -> str:
    return run_tool("snarkjs", *args, timeout=timeout, cwd=cwd)


def circom2(*args: str, timeout: float = 300, cwd: Path | None = None) -> str:
    return run_tool("circom2", *args, timeout=timeout, cwd=cwd)


def compile_circom(source: Path, out_dir: Path, *flags: str) -> dict[str, Path]:
    """Compile a circom file to ``.r1cs``, ``.sym`` and witness wasm; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    circom2(str(source), "--r1cs", "--wasm", "--sym", "-l", str(CIRCOMLIB), "-o", str(out_dir), *flags)
    stem = source.stem
    return {
        "r1cs": out_dir / f"{stem}.r1cs",
        "sym": out_dir / f"{stem}.sym",
        "wasm": out_dir / f"{stem}_js" / f"{stem}.wasm",
    }


def r1cs_info(path: Path) -> dict[str, int]:
    """``snarkjs r1cs info`` as a dict: {"Wires": 243, "Constraints": 240, ...}."""
    output = snarkjs("r1cs", "info", str(path))
    return {key: int(value) for key, value in re.findall(r"# of ([\w ]+): (\d+)", output)}


def make_small_ptau(work: Path, power: int = 8) -> Path:
    """A phase-2-ready powers of tau in ``work`` for circuits of up to 2^power constraints.

    ``snarkjs powersoftau new``, one contribution and ``prepare phase2`` take a few
    seconds at 2^8, so interop tests never need the prepared files of ``../shared``.
    The session fixture ``small_ptau`` (tests/conftest.py) makes it once.
    """
    snarkjs("powersoftau", "new", "bn128", str(power), work / "pot_0.ptau")
    snarkjs("powersoftau", "contribute", work / "pot_0.ptau", work / "pot_1.ptau", "-n=tests", "-e=zkprove test entropy")
    snarkjs("powersoftau", "prepare", "phase2", work / "pot_1.ptau", work / "pot_final.ptau", timeout=300)
    return work / "pot_final.ptau"
