"""``zkprove bench verify``: the numba L1 verifier beside py_ecc, snarkjs and arkworks, in one run.

Every row times warm calls on one thread (best of several) and sets them
beside a reference measured in the same run on the same proofs:

* one pairing e(P, Q), against py_ecc's ``pairing``;
* one Groth16 verify with 1, 2 and 3 public inputs, against the same
  verifier on py_ecc arithmetic, ``snarkjs groth16 verify`` (in one node
  process, warm, and as a whole command) and arkworks through groth16py
  (when it is installed: ``pip install groth16py``);
* ``verify_batch`` of 64 proofs, per proof, against single verifies;
* a whole ceremony verify at 2^13 against the walk as it was before (its
  first key recomputed through group NTTs) and against the same walk with
  py_ecc pairings;
* the time from a new process to its first verify, with an empty and
  with a warm numba cache.

Single verifies are timed on statements each verified once (fresh proof
points, fresh public inputs), so nothing the verifier keeps between calls
(the key's prepared points, recurring pairs) flatters the figure beyond
what a verifier of a stream of new proofs gets.

The proofs are real: a small circuit with k public inputs, our dev setup,
our prover. Every reference that is missing says so in its row.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from py_ecc import optimized_bn128 as bn

from zkprove import Circuit, Public, Secret

from .prove import NODE_MODULES, SNARKJS, snarkjs_available
from .rows import Row, best_of
from .warmup import run_fresh

VERIFY_TARGET_S = 0.002
VERIFY_SPEEDUP_TARGET = 250.0
PAIRING_TARGET_S = 0.001
BATCH_TARGET_S = 0.0007
CEREMONY_SPEEDUP_TARGET = 10.0

#: snarkjs's verifier called five times in one node process; prints the verdict and the times (s).
_SNARKJS_VERIFY = """
const snarkjs = require(process.argv[2]);
const fs = require("fs");
const [vk, pub, proof] = process.argv.slice(3).map((f) => JSON.parse(fs.readFileSync(f)));
(async () => {
  const times = [];
  let ok = false;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    ok = await snarkjs.groth16.verify(vk, pub, proof);
    times.push((performance.now() - start) / 1000);
  }
  console.log(JSON.stringify({ ok, times }));
  process.exit(0);
})();
"""

#: A new process that reads a key, a proof and its inputs and verifies once.
_FIRST_VERIFY = """
import sys
from zkprove.formats.snarkjs_json import read_proof, read_public, read_verifying_key
from zkprove.l1 import verify
folder = sys.argv[1]
report = verify(read_verifying_key(folder + "/vk.json"), read_public(folder + "/public.json"), read_proof(folder + "/proof.json"))
assert report.ok, report.reason
"""


class Powers(Circuit):
    """Knows x with y[i] = x^(i+2) for i < k: k public inputs, k constraints."""

    x: Secret

    def __init__(self, k: int):
        self.k = k
        self.y = Public(k)

    def define(self, api) -> None:
        power = self.x
        for i in range(self.k):
            power = power * self.x
            api.assert_equal(power, self.y[i])


def verify_suite(quick: bool = False) -> list[tuple[str, Callable[[], list[Row]]]]:
    """The benchmark steps, in order; ``quick`` shrinks the batch and the ceremony for a smoke run."""
    return [
        ("pairing", bench_pairing),
        ("Groth16 verify", partial(bench_single, (1,) if quick else (1, 2, 3))),
        ("batch verify", partial(bench_batch, 8 if quick else 64)),
        ("ceremony verify", partial(bench_ceremony, 8 if quick else 13)),
        ("JIT warm-up", bench_first_verify),
    ]


def _statements(k: int, count: int = 1):
    """``count`` real proofs with k public inputs, each of another statement: x drawn at random
    from Fr (seeded), so every public input is a full-size field element, as hashes and roots
    are. Returns (vk, [(public inputs, proof)], proving key, first witness)."""
    from random import Random

    from zkprove import groth16
    from zkprove.field.params import R

    cs = Powers.compile(k=k)
    rng = Random(k)
    xs = [rng.randrange(2, R) for _ in range(count)]
    witnesses = [cs.solve(x=x, y=[pow(x, i + 2, R) for i in range(k)]) for x in xs]
    pk, vk = groth16.setup(cs)
    return vk, [(w.public, groth16.prove(pk, w, cs=cs)) for w in witnesses], pk, witnesses[0]


def _fresh_best(verify_one: Callable[[list, object], object], statements: list) -> float:
    """The fastest single verify over statements that are each verified once (nothing about them cached)."""
    best = float("inf")
    for public, proof in statements:
        start = time.perf_counter()
        verify_one(public, proof)
        best = min(best, time.perf_counter() - start)
    return best


def bench_pairing() -> list[Row]:
    """e(P, Q) for random P, Q: the numba pairing against py_ecc's."""
    from zkprove.curve import G1, G2
    from zkprove.pairing import pairing

    p_ref, q_ref = bn.multiply(bn.G1, 1234567), bn.multiply(bn.G2, 7654321)
    p, q = G1.from_py_ecc([p_ref]), G2.from_py_ecc([q_ref])
    pairing(p, q)
    ours = best_of(20, lambda: pairing(p, q))
    reference = best_of(2, lambda: bn.pairing(q_ref, p_ref))
    return [Row("one pairing (Miller loop + final exponentiation), 1 thread", 1, ours, "s", "py_ecc pairing",
                reference, ours, f"<= {PAIRING_TARGET_S * 1e3:g} ms", ours <= PAIRING_TARGET_S)]


def bench_single(public_counts: tuple[int, ...] = (1, 2, 3)) -> list[Row]:
    """One Groth16 verify per public-input count, beside py_ecc, snarkjs and arkworks."""
    from zkprove.l1 import verify

    rows = []
    for k in public_counts:
        vk, statements, _, _ = _statements(k, 31)
        assert all(verify(vk, public, proof).ok for public, proof in statements[:1])
        ours = _fresh_best(lambda public, proof: verify(vk, public, proof), statements[1:])
        py_ecc = _fresh_best(lambda public, proof: verify(vk, public, proof, arithmetic="py_ecc"), statements[1:3])
        met = ours <= VERIFY_TARGET_S and py_ecc / ours >= VERIFY_SPEEDUP_TARGET
        name = f"Groth16 verify, {k} public input(s), warm, 1 thread"
        rows.append(Row(name, k, ours, "s", "same verifier on py_ecc arithmetic", py_ecc, ours,
                        f"<= {VERIFY_TARGET_S * 1e3:g} ms, >= {VERIFY_SPEEDUP_TARGET:g}x py_ecc", met))
        with tempfile.TemporaryDirectory() as folder:
            rows += _external_rows(Path(folder), vk, *statements[0], ours, k)
    return rows


def _write_statement(folder: Path, vk, public, proof) -> None:
    from zkprove.formats.snarkjs_json import write_proof, write_public, write_verifying_key

    write_verifying_key(folder / "vk.json", vk)
    write_public(folder / "public.json", public)
    write_proof(folder / "proof.json", proof)


def _external_rows(folder: Path, vk, public, proof, ours: float, k: int) -> list[Row]:
    """snarkjs (in process and as a command) and arkworks (groth16py) on the same files."""
    _write_statement(folder, vk, public, proof)
    files = [folder / name for name in ("vk.json", "public.json", "proof.json")]
    name = f"Groth16 verify, {k} public input(s)"
    rows = []
    if snarkjs_available():
        (folder / "verify.js").write_text(_SNARKJS_VERIFY)
        done = subprocess.run(["node", str(folder / "verify.js"), str(NODE_MODULES / "snarkjs"), *map(str, files)],
                              capture_output=True, text=True, timeout=300, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["ok"], "snarkjs refused a proof our verifier accepts"
        command_s = best_of(3, lambda: subprocess.run([str(SNARKJS), "groth16", "verify", *map(str, files)],
                                                      capture_output=True, timeout=300, check=True))
        rows += [Row(name, k, ours, "s", "snarkjs groth16.verify in one node process (best of 5)", min(result["times"]), ours),
                 Row(name, k, ours, "s", "snarkjs groth16 verify as a command", command_s, ours)]
    else:
        rows.append(Row(name, k, ours, "s", "snarkjs: node or tools/node/node_modules missing", None, ours))
    rows.append(_arkworks_row(files, ours, name, k))
    return rows


def _arkworks_row(files: list[Path], ours: float, name: str, k: int) -> Row:
    try:
        import groth16py
    except ImportError:
        return Row(name, k, ours, "s", "arkworks (groth16py): not installed, pip install groth16py", None, ours)
    vk_json, public_json, proof_json = (f.read_text() for f in files)
    verifier = groth16py.Verifier(groth16py.VerifyingKey.from_snarkjs(vk_json))
    assert verifier.verify_snarkjs(proof_json, public_json), "arkworks refused a proof our verifier accepts"
    arkworks = best_of(30, lambda: verifier.verify_snarkjs(proof_json, public_json))
    return Row(name, k, ours, "s", "arkworks via groth16py (prepared key, JSON in)", arkworks, ours,
               "faster than arkworks", ours <= arkworks)


def bench_batch(n_proofs: int = 64) -> list[Row]:
    """verify_batch of n proofs under one key, per proof, beside single verifies."""
    from zkprove.l1 import verify, verify_batch

    vk, statements, pk, witness = _statements(1, 2 * n_proofs)
    batches = [statements[:n_proofs], statements[n_proofs:]]
    inputs, proofs = zip(*batches[0])
    assert verify_batch(vk, proofs, inputs).ok
    batch = best_of(3, lambda: verify_batch(vk, proofs, inputs)) / n_proofs
    single = _fresh_best(lambda public, proof: verify(vk, public, proof), batches[1])
    return [Row(f"verify_batch of {n_proofs} proofs, per proof", n_proofs, batch, "s", "single verify per proof",
                single, batch * n_proofs, f"<= {BATCH_TARGET_S * 1e3:g} ms/proof", batch <= BATCH_TARGET_S)]


def bench_ceremony(power: int = 13) -> list[Row]:
    """A ceremony (one contribution per phase) verified as now, beside two references in the same run:
    the walk as it was before (the first key recomputed through group NTTs instead of checked by
    random combinations: this walk without that check, plus :func:`phase2.initialize`), and the
    same walk with py_ecc pairings."""
    from circuits.chains import MulChain, domain_sized
    from zkprove import ceremony
    from zkprove.ceremony import directory, phase2
    from zkprove.pairing import reference

    cs = MulChain.compile(n=domain_sized(power))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        ceremony.new_phase1(root, power)
        ceremony.contribute_phase1(root, "alice")
        ceremony.init_phase2(root, cs)
        ceremony.contribute_phase2(root, "bob")
        ceremony.verify(root)
        ours, report = _timed(lambda: ceremony.verify(root))
        py_ecc, _ = _timed(lambda: ceremony.verify(root, pairing=reference.pairing_check))
        recompute, _ = _timed(lambda: phase2.initialize(directory.last_accumulator(root), cs))
    before = ours - dict(report.timer.steps)["phase2.check_initial_key"] + recompute
    steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in report.timer.steps)
    name = f"ceremony verify, 2^{power} ({steps})"
    return [Row(name, 1 << power, ours, "s", "the walk as before: first key recomputed by group NTTs", before, ours,
                f">= {CEREMONY_SPEEDUP_TARGET:g}x", before / ours >= CEREMONY_SPEEDUP_TARGET),
            Row(name, 1 << power, ours, "s", "the same walk with py_ecc pairings", py_ecc, ours)]


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench_first_verify() -> list[Row]:
    """A new process's time to its first verify, against an empty and then a warm numba cache."""
    vk, [(public, proof)], _, _ = _statements(1)
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory(prefix="zkprove-numba-cache-") as cache:
        _write_statement(Path(folder), vk, public, proof)
        command = [sys.executable, "-c", _FIRST_VERIFY, folder]
        (cold, _), (warm, _) = run_fresh(command, cache), run_fresh(command, cache)
    return [Row(f"new process to first verify, {label}", 0, seconds, "s", seconds=seconds)
            for label, seconds in (("cold cache", cold), ("warm cache", warm))]
