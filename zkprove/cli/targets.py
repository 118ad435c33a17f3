"""Circuit targets: the one loader behind every command that takes a circuit.

A target is one of

* an iden3 ``.r1cs`` file (any path that exists, or has no ``:``);
* ``package.module:ClassName``, imported as Python would from the current
  directory, with or without ``PYTHONPATH``;
* ``path/to/file.py:ClassName``, from any directory. A file inside a package
  (its folder has an ``__init__.py``, and so on upward) is imported under its
  dotted name from the package's top, so its relative imports work; a file
  outside any package is imported from its own folder.

Every failure raises :class:`CircuitReferenceError` (a ValueError: exit code
2) naming the target. Commands that make keys, or the ``.r1cs`` keys are made
from, use :func:`load_for_keys`: an under-constrained circuit (an error of
the lint, :mod:`zkprove.dsl.lint`) is refused, as ``Class.compile()`` refuses
it in Python, unless ``--allow-underconstrained`` is given.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from pathlib import Path

import typer

from ..r1cs.system import ConstraintSystem

PARAM_HELP = "circuit size parameter name=value (repeatable)"
TARGET_HELP = "an .r1cs file, package.module:ClassName, or path/to/file.py:ClassName"
ALLOW_UNDERCONSTRAINED_HELP = ("Make keys even when the lint finds under-constrained wires "
                               "(the findings are printed as warnings).")


class CircuitReferenceError(ValueError):
    """A circuit target that does not name a circuit class taking these parameters."""


class UnderConstrainedTarget(ValueError):
    """A circuit the lint calls under-constrained, given to a command that makes keys."""


def parse_params(params: list[str]) -> dict[str, object]:
    """``["T=4", "name=x"]`` -> ``{"T": 4, "name": "x"}``; values that read as ints become ints."""
    parsed: dict[str, object] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"expected name=value, got {item!r}", param_hint="--param")
        try:
            parsed[name] = int(value, 0)
        except ValueError:
            parsed[name] = value
    return parsed


def _package_root(file: Path) -> tuple[Path, str]:
    """(the folder to import from, the dotted module name) of a Python file.

    Walks up while the folder holds an ``__init__.py``, the way a package is
    laid out (docs of :mod:`importlib`: regular packages).
    """
    parts = [file.stem]
    folder = file.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts)


def _import(module_name: str, search_path: Path, target: str):
    """Import ``module_name`` with ``search_path`` first on ``sys.path``."""
    entry = str(search_path)
    if entry not in sys.path:
        sys.path.insert(0, entry)
    try:
        return importlib.import_module(module_name)
    except ImportError as error:
        raise CircuitReferenceError(f"cannot load circuit {target}: {error}") from None


def _module_of_file(file_part: str, target: str):
    file = Path(file_part).resolve()
    if not file.is_file():
        raise CircuitReferenceError(f"cannot load circuit {target}: no file {file_part}")
    root, module_name = _package_root(file)
    module = _import(module_name, root, target)
    found = getattr(module, "__file__", None)
    if found is None or Path(found).resolve() != file:
        raise CircuitReferenceError(
            f"cannot load circuit {target}: the name {module_name} is already taken by {found or 'a built-in module'}; "
            "rename the file or its package")
    return module


def circuit_class(target: str) -> type:
    """The circuit class a ``module:Class`` or ``file.py:Class`` target names."""
    module_part, _, class_name = target.rpartition(":")
    if module_part.endswith(".py") or os.sep in module_part or "/" in module_part:
        module = _module_of_file(module_part, target)
    else:
        module = _import(module_part, Path.cwd(), target)
    found = getattr(module, class_name, None)
    if found is None:
        raise CircuitReferenceError(f"cannot load circuit {target}: {module.__name__} has no {class_name!r}")
    if not (isinstance(found, type) and hasattr(found, "compile")):
        raise CircuitReferenceError(f"{target} is not a circuit class")
    return found


def load(target: str, params: dict[str, object]) -> ConstraintSystem:
    """The constraint system of a target (module doc); a circuit's lint findings are in ``cs.findings``."""
    if ":" not in target or Path(target).exists():
        if params:
            raise typer.BadParameter("--param applies to circuit classes, not .r1cs files")
        from ..formats.r1cs_file import read_r1cs

        return read_r1cs(target)
    cls = circuit_class(target)
    try:
        circuit = cls(**params)
    except TypeError as error:
        raise CircuitReferenceError(f"cannot make {target} with parameters {params}: {error}") from None
    with warnings.catch_warnings():
        # The findings stay in cs.findings; each command prints them its own way.
        warnings.simplefilter("ignore", UserWarning)
        return circuit.compile(strict=False)


def load_for_keys(target: str, params: dict[str, object], allow_underconstrained: bool) -> ConstraintSystem:
    """:func:`load`, refusing an under-constrained circuit unless ``allow_underconstrained``.

    Warnings of the lint, and its errors when allowed, are printed on stderr.
    """
    cs = load(target, params)
    findings = getattr(cs, "findings", [])
    errors = [f for f in findings if f.error]
    listed = "\n".join(f"  {finding}" for finding in findings)
    if errors and not allow_underconstrained:
        raise UnderConstrainedTarget(
            f"{target} is under-constrained: the lint found {len(errors)} error(s)\n{listed}\n"
            "fix the circuit, or pass --allow-underconstrained to go ahead anyway")
    if errors:
        typer.echo(f"warning: {target} is under-constrained (going ahead: --allow-underconstrained); "
                   f"a prover may choose these wires freely:\n{listed}", err=True)
    elif findings:
        typer.echo(f"lint warnings for {target}:\n{listed}", err=True)
    return cs
