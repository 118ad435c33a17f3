"""Output paths, checked before a command does its work.

A proof or a setup that takes minutes should not fail at the end because
``-o`` names a folder that does not exist, a file that is read-only, or a
file the user did not mean to replace. Each check raises
:class:`OutputPathError` (a ValueError, so exit code 2) naming the path.

One convention for every command's outputs: ``-o/--output FILE`` for a
file, ``-o/--out-dir DIR`` for a folder of files, and ``--json PATH`` for the
machine-readable result of a command that prints one, written to PATH; with
PATH ``-`` the JSON goes to stdout and the text to stderr, so that stdout
parses (:func:`check_json_output` before the work, :func:`write_json_output`
after it). Every ``--json`` document of a run that measures something
(``zkprove cluster run``, ``zkprove bench compare`` and the other benches)
carries :func:`provenance`: the seed, when (UTC), the versions that decide
the numbers and the machine's cores.
"""

import json
import os
import platform
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import typer

#: The packages whose versions every provenance names (Python's own is added).
PROVENANCE_PACKAGES = ("zkprove", "numba", "numpy", "ray")


class OutputPathError(ValueError):
    """An output path that cannot or may not be written."""


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path.cwd()


def check_output_file(path: Path, force: bool) -> Path:
    """``path`` may be written: its folder exists and is writable; an existing file needs ``force``."""
    folder = path.parent
    if not folder.is_dir():
        raise OutputPathError(f"cannot write {path}: folder {folder} does not exist")
    if path.is_dir():
        raise OutputPathError(f"cannot write {path}: it is a folder")
    if path.exists():
        if not force:
            raise OutputPathError(f"{path} exists; pass --force to overwrite it")
        if not os.access(path, os.W_OK):
            raise OutputPathError(f"cannot overwrite {path}: not writable")
    elif not os.access(folder, os.W_OK | os.X_OK):
        raise OutputPathError(f"cannot write {path}: folder {folder} is not writable")
    return path


def check_output_folder(folder: Path, names: tuple[str, ...], force: bool) -> tuple[Path, ...]:
    """``folder/name`` for each name may be written; ``folder`` itself may still be created.

    The folder must be a folder if it exists, and otherwise its nearest existing
    ancestor must be a writable folder (it is made, with its parents, on write).
    """
    if folder.exists():
        if not folder.is_dir():
            raise OutputPathError(f"cannot write into {folder}: it is a file, not a folder")
        return tuple(check_output_file(folder / name, force) for name in names)
    ancestor = _nearest_existing(folder)
    if not ancestor.is_dir():
        raise OutputPathError(f"cannot create {folder}: {ancestor} is a file, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputPathError(f"cannot create {folder}: {ancestor} is not writable")
    return tuple(folder / name for name in names)


FORCE_HELP = "Overwrite output files that already exist."
JSON_HELP = "Write the result as JSON to this file; '-' writes it to stdout and the text to stderr."


def is_stdout(path: Path | None) -> bool:
    """``--json -``: the JSON goes to stdout, the text to stderr."""
    return path is not None and str(path) == "-"


def check_json_output(path: Path | None, force: bool) -> None:
    """A ``--json`` file may be written (``-`` and no ``--json`` always may)."""
    if path is not None and not is_stdout(path):
        check_output_file(path, force)


def write_json_output(path: Path | None, document: Any) -> None:
    """Write ``document`` where ``--json`` says: nowhere, stdout (``-``) or a file."""
    if path is None:
        return
    text = json.dumps(document, indent=1)
    if is_stdout(path):
        typer.echo(text)
    else:
        path.write_text(text + "\n", encoding="utf-8")


def provenance(seed: int | None, packages: tuple[str, ...] = (), **context: Any) -> dict[str, Any]:
    """Where a result comes from: ``seed``, ``created`` (UTC, ISO 8601), ``versions`` (Python,
    :data:`PROVENANCE_PACKAGES` and ``packages``), ``cores`` (this machine's CPUs), then ``context``."""
    versions = {"python": platform.python_version()}
    for name in (*PROVENANCE_PACKAGES, *packages):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return {"seed": seed, "created": created, "versions": versions, "cores": os.cpu_count(), **context}
