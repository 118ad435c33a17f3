"""Verify a whole ceremony directory, from the first powers of tau to the final key.

The chain, step by step (BGM17; snarkjs ``powersoftau
verify`` and ``zkey verify`` check the same things):

Phase 1
  * step 0 is exactly the initial accumulator (every point a generator);
  * each step k >= 1, against step k - 1 (:func:`.phase1.check`): the
    first points and the generators, the three proofs of knowledge, the
    three updates linked to them, and the powers structure of the new
    accumulator, all in one batched pairing check (:mod:`.ratio`).
Phase 2
  * step 0 is the key :func:`.phase2.initialize` makes from the last
    phase-1 accumulator and ``circuit.r1cs``, checked with random linear
    combinations instead of being recomputed (:mod:`.initial`);
  * each step k >= 1, against step k - 1 (:func:`.phase2.check`): nothing
    but delta, h_query and l_query changed, the proof of knowledge of d,
    delta multiplied by d in G1 and G2, h_query and l_query divided by d.

The first failure stops the walk and is reported as a :class:`Failure`
naming the phase, the step, its file and the check that failed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from zkprove.formats.binfile import FormatError
from zkprove.formats.r1cs_file import read_r1cs
from zkprove.pairing import pairing_check
from zkprove.timing import StepTimer

from zkprove.formats.npz_key_file import load_proving_key
from zkprove.groth16.key_sanity import degenerate_key_error
from zkprove.groth16.keys import KeyFormatError, ProvingKey
from . import phase1, phase2
from .directory import (
    PHASE1,
    PHASE2,
    circuit_path,
    key_path,
    phase1_path,
    proof_path,
    step_count,
)
from .initial import initial_key_problem
from .ratio import PairingCheck, first_false
from .transcript import read_phase1, read_phase2

#: Called as ``progress(done, total, label)`` after each verified step.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Failure:
    """The first step of the chain that does not check out, and why."""

    phase: int
    index: int
    path: Path
    reason: str

    def __str__(self) -> str:
        step = "the initial state" if self.index == 0 else f"contribution {self.index}"
        return f"phase {self.phase}, {step} ({self.path.name}): {self.reason}"


class CeremonyError(ValueError):
    """A ceremony directory that does not verify; ``failure`` says where and why."""

    def __init__(self, failure: Failure):
        self.failure = failure
        super().__init__(str(failure))


@dataclass
class Report:
    """A verified ceremony: the contributors of each phase and the final key."""

    phase1_names: list[str]
    phase2_names: list[str]
    key: ProvingKey
    key_path: Path
    timer: StepTimer = field(default_factory=StepTimer)


def _fail(phase: int, index: int, path: Path, reason: str) -> CeremonyError:
    return CeremonyError(Failure(phase, index, path, reason))


def _accumulators_equal(a: phase1.Accumulator, b: phase1.Accumulator) -> bool:
    return all(np.array_equal(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))


def _unfinished_key(path: Path) -> ProvingKey:
    """A phase-2 key as the ceremony writes it: the initial one has delta = gamma, and only
    the final key must be one no prover can forge with (checked after the walk)."""
    return load_proving_key(path, allow_degenerate=True)


def _read(phase: int, index: int, path: Path, reader):
    try:
        return reader(path)
    except (OSError, FormatError, KeyFormatError) as error:
        raise _fail(phase, index, path, f"unreadable: {error}") from None


def _checked(phase: int, index: int, path: Path, outcome: tuple[str | None, list], pairing: PairingCheck) -> None:
    problem, claims = outcome
    if problem is None:
        false_claim = first_false(claims, pairing)
        problem = None if false_claim is None else f"check failed: {false_claim.what}"
    if problem is not None:
        raise _fail(phase, index, path, problem)


def verify_phase1(root: Path, progress: Progress | None = None,
                  pairing: PairingCheck = pairing_check) -> tuple[phase1.Accumulator, list[str]]:
    """Walk phase 1; the last accumulator and the contributors' names, or CeremonyError."""
    count = step_count(root, PHASE1)
    if count < 2:
        raise _fail(1, count, Path(root) / PHASE1, "phase 1 has no contribution")
    path = phase1_path(root, 0)
    step = _read(1, 0, path, read_phase1)
    if step.index != 0 or not _accumulators_equal(step.accumulator, phase1.Accumulator.initial(step.accumulator.power)):
        raise _fail(1, 0, path, "not the initial accumulator (every point a generator)")
    names = []
    for index in range(1, count):
        path = phase1_path(root, index)
        before, step = step, _read(1, index, path, read_phase1)
        if step.index != index:
            raise _fail(1, index, path, f"the file says it is step {step.index}")
        _checked(1, index, path, phase1.check(before.accumulator, step.accumulator, step.contribution), pairing)
        names.append(step.name)
        if progress is not None:
            progress(index, count - 1, f"phase 1, contribution {index}")
    return step.accumulator, names


def verify_phase2(root: Path, acc: phase1.Accumulator, timer: StepTimer, progress: Progress | None = None,
                  pairing: PairingCheck = pairing_check) -> tuple[ProvingKey, list[str]]:
    """Walk phase 2 from the key recomputed out of ``acc``; the final key and the names, or CeremonyError."""
    count = step_count(root, PHASE2)
    if count < 2:
        raise _fail(2, count, Path(root) / PHASE2, "phase 2 has no contribution")
    cs = _read(2, 0, circuit_path(root), read_r1cs)
    path = key_path(root, 0)
    before = _read(2, 0, path, _unfinished_key)
    with timer.step("check_initial_key"):
        problem = initial_key_problem(acc, cs, before)
    if problem is not None:
        raise _fail(2, 0, path, f"not the initial key for this circuit and phase 1: {problem}")
    names = []
    for index in range(1, count):
        path = key_path(root, index)
        after = _read(2, index, path, _unfinished_key)
        step = _read(2, index, proof_path(root, index), read_phase2)
        if step.index != index:
            raise _fail(2, index, proof_path(root, index), f"the file says it is step {step.index}")
        _checked(2, index, path, phase2.check(before, after, step.contribution), pairing)
        names.append(step.name)
        before = after
        if progress is not None:
            progress(index, count - 1, f"phase 2, contribution {index}")
    problem = degenerate_key_error(before.vk)
    if problem is not None:
        raise _fail(2, count - 1, key_path(root, count - 1), f"the final key is unusable: {problem}")
    return before, names


def verify(root: Path, progress: Progress | None = None, pairing: PairingCheck = pairing_check) -> Report:
    """Verify the whole ceremony in ``root``; a :class:`Report`, or CeremonyError at the first bad step.

    ``pairing`` checks the batched claims: the numba kernels by default,
    :func:`zkprove.pairing.reference.pairing_check` (py_ecc) to cross-check.
    """
    timer = StepTimer()
    with timer.step("phase1"):
        acc, phase1_names = verify_phase1(root, progress, pairing)
    with timer.step("phase2"):
        key, phase2_names = verify_phase2(root, acc, timer, progress, pairing)
    return Report(phase1_names, phase2_names, key, key_path(root, len(phase2_names)), timer)
