"""A ceremony directory: where each step's file lives, and the operations that add steps.

Layout (``root`` is any directory the participants pass along)::

    root/phase1/0000.zkptau   the initial accumulator (tau = alpha = beta = 1)
    root/phase1/0001.zkptau   after contribution 1, with its proofs; and so on
    root/circuit.r1cs         the circuit of phase 2 (iden3 .r1cs)
    root/phase2/0000.key      the initial proving key, recomputable from the
                              last phase-1 step and the circuit
    root/phase2/0001.key      the key after contribution 1 (a proving-key file,
    root/phase2/0001.zkpok    usable as is) and its proof; and so on

Each contribution reads the last step and writes the next; the last key
is the ceremony's result once :func:`zkprove.ceremony.verify.verify`
accepts the whole directory. Phase 1 must be finished before phase 2
starts: :func:`init_phase2` fixes the accumulator it starts from.
"""

import re
from pathlib import Path

from zkprove.formats.r1cs_file import write_r1cs
from zkprove.r1cs.system import ConstraintSystem
from zkprove.timing import StepTimer

from zkprove.formats.npz_key_file import load_proving_key, save_proving_key
from zkprove.groth16.keys import ProvingKey
from . import phase1, phase2
from .transcript import Phase1Step, Phase2Step, phase1_bytes, phase2_bytes, read_phase1

PHASE1, PHASE2, CIRCUIT = "phase1", "phase2", "circuit.r1cs"
_SUFFIXES = {PHASE1: ".zkptau", PHASE2: ".key"}


def phase1_path(root: Path, index: int) -> Path:
    return Path(root) / PHASE1 / f"{index:04d}.zkptau"


def key_path(root: Path, index: int) -> Path:
    return Path(root) / PHASE2 / f"{index:04d}.key"


def proof_path(root: Path, index: int) -> Path:
    return Path(root) / PHASE2 / f"{index:04d}.zkpok"


def circuit_path(root: Path) -> Path:
    return Path(root) / CIRCUIT


def step_count(root: Path, phase: str) -> int:
    """How many steps (initial state included) a phase has; ValueError on a gap in the numbering."""
    folder = Path(root) / phase
    pattern = re.compile(r"(\d{4})" + re.escape(_SUFFIXES[phase]))
    found = sorted(int(m.group(1)) for p in folder.glob("*") if (m := pattern.fullmatch(p.name))) if folder.is_dir() else []
    for expected, index in enumerate(found):
        if index != expected:
            raise ValueError(f"{folder}: step {expected:04d}{_SUFFIXES[phase]} is missing")
    return len(found)


def _write_new(path: Path, data: bytes) -> None:
    """Write a step file that must not exist yet (another contributor may have written it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:
        handle.write(data)


def new_phase1(root: Path, power: int) -> Path:
    """Start phase 1 for domains up to 2^power; returns the step-0 file."""
    if step_count(root, PHASE1):
        raise ValueError(f"{Path(root) / PHASE1} already holds a phase 1")
    path = phase1_path(root, 0)
    _write_new(path, phase1_bytes(Phase1Step(0, "initial", phase1.Accumulator.initial(power), None)))
    return path


def contribute_phase1(root: Path, name: str, secrets: phase1.Secrets | None = None) -> Path:
    """Add a phase-1 contribution (fresh secrets unless a test gives them); returns its file."""
    if step_count(root, PHASE2):
        raise ValueError("phase 2 has started: phase 1 is closed")
    count = step_count(root, PHASE1)
    if not count:
        raise ValueError(f"{root} has no phase 1; start one with new_phase1")
    before = read_phase1(phase1_path(root, count - 1)).accumulator
    after, contribution = phase1.contribute(before, secrets)
    path = phase1_path(root, count)
    _write_new(path, phase1_bytes(Phase1Step(count, name, after, contribution)))
    return path


def last_accumulator(root: Path) -> phase1.Accumulator:
    count = step_count(root, PHASE1)
    if not count:
        raise ValueError(f"{root} has no phase 1")
    return read_phase1(phase1_path(root, count - 1)).accumulator


def init_phase2(root: Path, cs: ConstraintSystem, timer: StepTimer | None = None) -> Path:
    """Store the circuit and the initial key computed from the last phase-1 step; returns the key file."""
    if step_count(root, PHASE2):
        raise ValueError(f"{Path(root) / PHASE2} already holds a phase 2")
    if step_count(root, PHASE1) < 2:
        raise ValueError("phase 1 needs at least one contribution before phase 2 starts")
    key = phase2.initialize(last_accumulator(root), cs, timer)
    write_r1cs(cs, circuit_path(root))
    path = key_path(root, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_proving_key(key, path)
    return path


def last_key(root: Path) -> tuple[int, ProvingKey]:
    """(index, key) of the last phase-2 step (the initial one, delta = gamma, included)."""
    count = step_count(root, PHASE2)
    if not count:
        raise ValueError(f"{root} has no phase 2; start it with init_phase2")
    return count - 1, load_proving_key(key_path(root, count - 1), allow_degenerate=True)


def contribute_phase2(root: Path, name: str, secret: int | None = None) -> Path:
    """Add a phase-2 contribution (a fresh d unless a test gives it); returns the new key file."""
    index, before = last_key(root)
    after, contribution = phase2.contribute(before, secret)
    _write_new(proof_path(root, index + 1), phase2_bytes(Phase2Step(index + 1, name, contribution)))
    path = key_path(root, index + 1)
    save_proving_key(after, path)
    return path
