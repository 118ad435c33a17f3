"""Groth16 proving on dense-B circuits: zkprove beside rapidsnark and snarkjs, on the same files, in one run.

Two circuit families from :mod:`circuits.chains`, each sized to a domain of
exactly 2^k: a squaring chain (x <- x^2 + c; every row has its own B term,
so the G2 MSM does full work) and a Poseidon(2) chain (circomlib's hash).
Sizes 2^12, 2^14, 2^16 by default. For each circuit and size:

* the key is a dev ``.zkey`` made by ``zkprove setup --zkey`` (the snarkjs
  QAP variant), and every prover reads that one file and the same ``.wtns``;
* **key loaded**: our ``prove`` with the key in memory, best of ``repeats``
  after a warm-up proof, with its timed steps;
* **whole process**: a fresh ``zkprove prove KEY WITNESS PROOF PUBLIC``,
  rapidsnark's command line on the same files, and ``snarkjs groth16
  prove``; each with its wall time and peak RSS. The first ``zkprove
  prove`` on a key validates its points and writes ``c.zkey.checked``
  (:mod:`zkprove.formats.key_check`), as ``zkprove setup`` would have; it
  has a row of its own, and the whole-process row is the median of
  ``repeats`` runs after it (rapidsnark's too; snarkjs runs once);
* every proof is checked: ours and rapidsnark's by our L1 verifier, ours
  also by ``snarkjs groth16 verify`` when node is present.

rapidsnark is found through ``--rapidsnark PATH`` or ``$ZKPROVE_RAPIDSNARK``
(``../shared/bin/rapidsnark-prover`` on the development machines); its
rows say plainly when it is absent. Targets at 2^16 (issue 15): key loaded
<= 0.5x rapidsnark's whole process, our whole process <= 1.0x rapidsnark's,
our peak RSS <= 2x rapidsnark's.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from zkprove.timing import StepTimer, warm_then_time

from .rows import Row

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "tools" / "node" / "node_modules"
SNARKJS = NODE_MODULES / ".bin" / "snarkjs"
RAPIDSNARK_ENV = "ZKPROVE_RAPIDSNARK"
FAMILIES = ("squaring", "poseidon")
#: Issue 15's targets at 2^16, as ratios to rapidsnark's whole process.
KEY_LOADED_TARGET = 0.5
COMMAND_TARGET = 1.0
RSS_TARGET = 2.0
TARGET_SIZE = 2**16


def snarkjs_available() -> bool:
    return shutil.which("node") is not None and SNARKJS.exists()


def find_rapidsnark(path: Path | None = None) -> Path | None:
    """The rapidsnark prover from ``path`` or ``$ZKPROVE_RAPIDSNARK``, if it exists there."""
    candidate = path or (Path(os.environ[RAPIDSNARK_ENV]) if os.environ.get(RAPIDSNARK_ENV) else None)
    return candidate if candidate is not None and candidate.is_file() else None


def prove_suite(quick: bool = False, slow: bool = False,
                rapidsnark: Path | None = None) -> list[tuple[str, Callable[[], list[Row]]]]:
    """One step per circuit and size for ``zkprove bench``'s runner; ``quick``: 2^10, ``slow``: up to 2^20."""
    sizes = (2**10,) if quick else (2**12, 2**14, 2**16, *((2**18, 2**20) if slow else ()))
    prover = find_rapidsnark(rapidsnark)
    return [(f"{family} chain 2^{size.bit_length() - 1}", partial(bench_prove, (size,), (family,), rapidsnark=prover))
            for size in sizes for family in FAMILIES]


def bench_prove(sizes: tuple[int, ...] = (2**12, 2**14, 2**16), families: tuple[str, ...] = FAMILIES,
                repeats: int = 3, rapidsnark: Path | None = None, snarkjs: bool = True) -> list[Row]:
    """The rows of each circuit and size (module doc); references run when present (``snarkjs=False`` skips it)."""
    rows: list[Row] = []
    for size in sizes:
        for family in families:
            with tempfile.TemporaryDirectory() as folder:
                rows += _bench_one(family, size, repeats, rapidsnark, snarkjs and snarkjs_available(), Path(folder))
    return rows


@dataclass(frozen=True)
class _Command:
    """A whole-process run: wall seconds and peak RSS in MiB."""

    seconds: float
    mib: float


def _circuit(family: str, size: int):
    """The compiled circuit of ``family`` with a domain of exactly ``size``, and a valid witness."""
    from circuits.chains import PoseidonChain, SquaringChain, domain_sized, poseidon_chain_reference, squaring_chain_reference

    n = domain_sized(size.bit_length() - 1)
    if family == "squaring":
        cs = SquaringChain(n).compile()
        return cs, cs.solve(x0=7, out=squaring_chain_reference(7, n))
    chain = PoseidonChain.of_size(n)
    cs = chain.compile()
    return cs, cs.solve(seed=7, out=poseidon_chain_reference(7, chain.n_hashes, chain.tail))


def _bench_one(family: str, size: int, repeats: int, rapidsnark: Path | None, with_snarkjs: bool,
               folder: Path) -> list[Row]:
    from zkprove import groth16
    from zkprove.formats.wtns_file import write_wtns
    from zkprove.formats.zkey_file import dev_zkey, write_zkey

    cs, witness = _circuit(family, size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
        start = time.perf_counter()
        pk, vk = groth16.setup(cs, odd_coset_h=True)
        setup_s = time.perf_counter() - start
    files = {name: folder / name for name in ("c.zkey", "w.wtns", "vk.json")}
    write_zkey(files["c.zkey"], dev_zkey(pk))
    write_wtns(witness.values, files["w.wtns"])
    timers = [StepTimer() for _ in range(repeats)]
    warm_then_time(lambda timer: groth16.prove(pk, witness.values, timer=timer), StepTimer(), timers)
    zkprove = [sys.executable, "-m", "zkprove", "prove"]
    first = _prove_command(folder, "zkprove", zkprove, files, vk, witness.public, with_snarkjs)
    ours = _median(_prove_command(folder, f"zkprove{k}", zkprove, files, vk, witness.public, False)
                   for k in range(repeats))
    theirs = (_median(_prove_command(folder, f"rapidsnark{k}", [rapidsnark], files, vk, witness.public, False)
                      for k in range(repeats)) if rapidsnark else None)
    snarkjs = (_prove_command(folder, "snarkjs", [SNARKJS, "groth16", "prove"], files, vk, witness.public, False)
               if with_snarkjs else None)
    return _rows(family, size, setup_s, min(timers, key=StepTimer.total), first, ours, theirs, snarkjs)


def _median(runs) -> _Command:
    """The median wall time of some whole-process runs, with the highest of their peak RSS."""
    runs = list(runs)
    return _Command(statistics.median(r.seconds for r in runs), max(r.mib for r in runs))


def _prove_command(folder: Path, name: str, command: list, files: dict[str, Path], vk, public: list[int],
                   snarkjs_check: bool) -> _Command:
    """Run one prover as a whole process on the key and witness; check its proof (module doc)."""
    from zkprove.formats.snarkjs_json import read_proof, write_verifying_key
    from zkprove.l1.verifier import verify

    proof, public_file = folder / f"{name}_proof.json", folder / f"{name}_public.json"
    seconds, mib, _ = _run(folder, *command, files["c.zkey"], files["w.wtns"], proof, public_file)
    verdict = verify(vk, public, read_proof(proof))
    if not verdict.ok:
        raise RuntimeError(f"{name}'s proof does not verify: {verdict.reason}")
    if snarkjs_check:
        write_verifying_key(files["vk.json"], vk)
        if "OK" not in _run(folder, SNARKJS, "groth16", "verify", files["vk.json"], public_file, proof)[2]:
            raise RuntimeError(f"snarkjs rejects {name}'s proof")
    return _Command(seconds, mib)


def _run(folder: Path, *command: str | Path) -> tuple[float, float, str]:
    """Run a command to completion; (wall seconds, its peak RSS in MiB, its stdout).

    The peak is the child's VmHWM polled from /proc every 5 ms (the last
    reading before it exits): ``wait4``'s ru_maxrss would report this large
    process's RSS instead, which a child inherits across fork and exec.
    Output goes to files, so a chatty child can never fill a pipe and stall.
    """
    out_path, err_path = folder / "stdout.txt", folder / "stderr.txt"
    start = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        child = subprocess.Popen([str(c) for c in command], stdout=out, stderr=err)
        peak_kib = 0
        while child.poll() is None:
            peak_kib = max(peak_kib, _vm_hwm_kib(child.pid))
            time.sleep(0.005)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed: {err_path.read_text()[-2000:]}")
    return seconds, peak_kib / 1024, out_path.read_text()


def _vm_hwm_kib(pid: int) -> int:
    """A running process's peak RSS (VmHWM) in KiB; 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _target(size: int, ratio: float, value: float, reference: _Command | None, what: str) -> tuple[str, bool | None]:
    if size != TARGET_SIZE:
        return "", None
    if reference is None:
        return f"<= {ratio:g}x rapidsnark (absent)", None
    return f"<= {ratio:g}x rapidsnark", value <= ratio * getattr(reference, what)


def _rows(circuit: str, size: int, setup_s: float, timer: StepTimer, first: _Command, ours: _Command,
          rapidsnark: _Command | None, snarkjs: _Command | None) -> list[Row]:
    """The rows of one circuit and size: the reference column is rapidsnark's whole process, or snarkjs's."""
    absent = f"rapidsnark (absent: set ${RAPIDSNARK_ENV} or --rapidsnark)"
    reference_name = "rapidsnark whole process" if rapidsnark else absent
    reference_s = rapidsnark.seconds if rapidsnark else None
    prove_s = timer.total()
    rows = [Row(f"{circuit}: dev setup (.zkey)", size, setup_s, "s", seconds=setup_s),
            Row(f"{circuit}: prove, key loaded", size, prove_s, "s", reference_name, reference_s, prove_s,
                *_target(size, KEY_LOADED_TARGET, prove_s, rapidsnark, "seconds"))]
    for name, seconds in timer.steps:
        if name.count(".") == 0 or name.startswith(("msm.", "quotient.")):
            rows.append(Row(f"  step {name}", size, seconds * 1e3, "ms", seconds=seconds))
    rows += [
        Row(f"{circuit}: zkprove prove, first on this key (validates it)", size, first.seconds, "s",
            reference_name, reference_s, first.seconds),
        Row(f"{circuit}: zkprove prove (whole process)", size, ours.seconds, "s", reference_name, reference_s,
            ours.seconds, *_target(size, COMMAND_TARGET, ours.seconds, rapidsnark, "seconds")),
        Row(f"{circuit}: zkprove prove peak RSS", size, ours.mib, "MiB",
            reference_name.replace("whole process", "peak RSS"), rapidsnark.mib if rapidsnark else None, None,
            *_target(size, RSS_TARGET, ours.mib, rapidsnark, "mib")),
    ]
    if snarkjs is not None:
        rows += [Row(f"{circuit}: zkprove prove vs snarkjs", size, ours.seconds, "s",
                     "snarkjs groth16 prove (whole process)", snarkjs.seconds, ours.seconds),
                 Row(f"{circuit}: zkprove peak RSS vs snarkjs", size, ours.mib, "MiB", "snarkjs peak RSS", snarkjs.mib)]
    return rows
