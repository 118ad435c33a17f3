"""Groth16 end to end on MulChain: zkprove's setup, prover and L1 verifier beside snarkjs, in one run.

For each size 2^k the circuit is ``MulChain(2^k − 2)``: with its one public
input that is exactly a 2^k domain (docs/architecture.md, section "Domain size").
Rows per size:

* setup time (ours draws its toxic waste; snarkjs's reads a powers-of-tau
  file, the smallest shared one that fits);
* prove time with the key loaded, as a prover actor runs (best of
  ``repeats`` after a warm-up proof), its timed steps, and snarkjs's
  ``groth16.prove`` called twice in one node process (the second call);
* prove as a command: a fresh Python process that loads the key and a
  ``.wtns`` and proves, beside ``snarkjs groth16 prove`` on a key from our
  ``.r1cs`` and the same ``.wtns``, with both processes' peak RSS;
* verify time: our L1 verifier (py_ecc pairings) and ``snarkjs groth16 verify``.

Targets at 2^16: prove <= 1.0 s with the key loaded and >= 5x faster than
snarkjs's warm in-process prover; setup under a minute. Without node or
snarkjs the reference columns stay empty.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path

from zkprove.timing import StepTimer, warm_then_time

from .rows import Row

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "tools" / "node" / "node_modules"
SNARKJS = NODE_MODULES / ".bin" / "snarkjs"
PTAU_DIR = ROOT.parent / "shared" / "ptau"
#: log2 of the largest domain each shared powers-of-tau file supports.
PTAU = {12: PTAU_DIR / "pot12_final.ptau", 16: PTAU_DIR / "pot16_final.ptau"}
PROVE_TARGET_S = {2**16: 1.0}
SPEEDUP_TARGET = 5.0
SETUP_TARGET_S = {2**16: 60.0}

#: A fresh process that loads a proving key and a .wtns and proves once, as `zkprove prove` does.
_PROVE_COMMAND = """
import sys
from zkprove.formats.wtns_file import read_wtns
from zkprove.groth16 import load_proving_key, prove
prove(load_proving_key(sys.argv[1]), read_wtns(sys.argv[2]))
"""

#: snarkjs's prover called twice in one node process; prints both times (s) as JSON.
_SNARKJS_IN_PROCESS = """
const snarkjs = require(process.argv[2]);
(async () => {
  const times = [];
  for (let i = 0; i < 2; i++) {
    const start = performance.now();
    await snarkjs.groth16.prove(process.argv[3], process.argv[4]);
    times.push((performance.now() - start) / 1000);
  }
  console.log(JSON.stringify(times));
  process.exit(0);
})();
"""


def snarkjs_available() -> bool:
    return shutil.which("node") is not None and SNARKJS.exists()


def prove_suite(quick: bool = False) -> list[tuple[str, Callable[[], list[Row]]]]:
    """One step per size, for ``zkprove bench``'s suite runner; ``quick``: 2^10 only, a smoke run."""
    sizes = (2**10,) if quick else (2**12, 2**14, 2**16)
    return [(f"Groth16 MulChain 2^{size.bit_length() - 1}", partial(bench_prove, (size,))) for size in sizes]


def bench_prove(sizes: tuple[int, ...] = (2**12, 2**14, 2**16), repeats: int = 3, snarkjs: bool = True) -> list[Row]:
    """Rows for each size (see the module doc); ``snarkjs=False`` skips the reference runs."""
    rows: list[Row] = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            rows += _bench_size(size, repeats, snarkjs and snarkjs_available(), Path(folder))
    return rows


def _bench_size(size: int, repeats: int, with_snarkjs: bool, folder: Path) -> list[Row]:
    from circuits.chains import MulChain, domain_sized, mul_chain_reference
    from zkprove import groth16
    from zkprove.formats.r1cs_file import write_r1cs
    from zkprove.formats.wtns_file import write_wtns
    from zkprove.l1.verifier import verify

    n = domain_sized(size.bit_length() - 1)
    cs = MulChain.compile(n=n)
    witness = cs.solve(a=7, out=mul_chain_reference(7, n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
        start = time.perf_counter()
        pk, vk = groth16.setup(cs)
        setup_s = time.perf_counter() - start
    timers = [StepTimer() for _ in range(repeats)]
    proofs, _ = warm_then_time(lambda timer: groth16.prove(pk, witness, timer=timer), StepTimer(), timers)
    proof = proofs[-1]
    start = time.perf_counter()
    if not verify(vk, witness.public, proof).ok:
        raise RuntimeError(f"our proof for MulChain({n}) does not verify")
    verify_s = time.perf_counter() - start
    write_r1cs(cs, folder / "c.r1cs")
    write_wtns(witness.values, folder / "w.wtns")
    groth16.save_proving_key(pk, folder / "pk.npz")
    command = _run(folder, sys.executable, "-c", _PROVE_COMMAND, folder / "pk.npz", folder / "w.wtns")[:2]
    reference = _snarkjs_reference(size, folder) if with_snarkjs else {}
    return _rows(size, setup_s, min(timers, key=StepTimer.total), command, verify_s, reference)


def _snarkjs_reference(size: int, folder: Path) -> dict[str, tuple[float, float | None]]:
    """snarkjs on our .r1cs and .wtns: {step: (seconds, peak MiB)}."""
    ptau = PTAU[min(log for log in PTAU if 1 << log >= size)]
    files = {name: folder / name for name in ("c.r1cs", "c.zkey", "w.wtns", "p.json", "pub.json", "vk.json")}
    reference = {
        "setup": _run(folder, SNARKJS, "groth16", "setup", files["c.r1cs"], ptau, files["c.zkey"])[:2],
        "prove": _run(folder, SNARKJS, "groth16", "prove", files["c.zkey"], files["w.wtns"], files["p.json"],
                      files["pub.json"])[:2],
    }
    _run(folder, SNARKJS, "zkey", "export", "verificationkey", files["c.zkey"], files["vk.json"])
    verify_args = ("groth16", "verify", files["vk.json"], files["pub.json"], files["p.json"])
    reference["verify"] = _run(folder, SNARKJS, *verify_args)[:2]
    (folder / "prove.js").write_text(_SNARKJS_IN_PROCESS)
    output = _run(folder, "node", folder / "prove.js", NODE_MODULES / "snarkjs", files["c.zkey"], files["w.wtns"])[2]
    reference["in_process"] = (float(json.loads(output)[-1]), None)
    return reference


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


def _rows(
    size: int, setup_s: float, timer: StepTimer, command: tuple[float, float], verify_s: float, reference: dict
) -> list[Row]:
    """The rows of one size; ``command`` and the reference values are (seconds, peak MiB)."""
    prove_s = timer.total()
    snarkjs_warm_s = reference.get("in_process", (None,))[0]
    snarkjs_command_s, snarkjs_mib = reference.get("prove", (None, None))
    prove_target, prove_met = "", None
    if size in PROVE_TARGET_S:
        prove_target = f"<= {PROVE_TARGET_S[size]:g} s, >= {SPEEDUP_TARGET:g}x snarkjs"
        faster = snarkjs_warm_s is None or snarkjs_warm_s / prove_s >= SPEEDUP_TARGET
        prove_met = prove_s <= PROVE_TARGET_S[size] and faster
    setup_target, setup_met = "", None
    if size in SETUP_TARGET_S:
        setup_target, setup_met = f"<= {SETUP_TARGET_S[size]:g} s", setup_s <= SETUP_TARGET_S[size]
    rows = [
        Row("groth16 setup (MulChain)", size, setup_s, "s", "snarkjs groth16 setup (ptau)",
            reference.get("setup", (None,))[0], setup_s, setup_target, setup_met),
        Row("groth16 prove, key loaded", size, prove_s, "s", "snarkjs groth16.prove in process (2nd call)",
            snarkjs_warm_s, prove_s, prove_target, prove_met),
    ]
    for name, seconds in timer.steps:
        if name.count(".") == 0 or name.startswith(("msm.", "quotient.")):
            rows.append(Row(f"  step {name}", size, seconds * 1e3, "ms", seconds=seconds))
    return rows + [
        Row("groth16 prove as a command", size, command[0], "s", "snarkjs groth16 prove (command)",
            snarkjs_command_s, command[0]),
        Row("prove command peak RSS", size, command[1], "MiB", "snarkjs groth16 prove peak RSS", snarkjs_mib),
        Row("L1 verify (py_ecc pairing)", size, verify_s, "s", "snarkjs groth16 verify (command)",
            reference.get("verify", (None,))[0], verify_s),
    ]
