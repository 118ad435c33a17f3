"""The multi-party setup ceremony end to end: 3 + 3 contributions, tampering, the CLI.

One module-scoped ceremony with fixed test secrets serves every test; a
tampering test copies its directory and breaks one step. Completeness is
checked three ways: the chain verifies, the final key equals the dev
setup's key for the product of the secrets, and its proofs pass the L1
verifier. Each soundness test names the step and the check that must fail.
"""

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from zkprove import ceremony
from zkprove.ceremony import directory, phase1, phase2
from zkprove.ceremony.pok import prove_knowledge
from zkprove.ceremony.transcript import (
    Phase2Step,
    phase1_bytes,
    phase2_bytes,
    read_phase1,
)
from zkprove.ceremony.verify import CeremonyError, verify_phase1, verify_phase2
from zkprove.curve import G1, G2
from zkprove.dsl import Circuit, Public, Secret
from zkprove.field.params import R
from zkprove.formats.r1cs_file import write_r1cs
from zkprove.groth16 import ToxicWaste, keys_from_toxic_waste
from zkprove.formats.npz_key_file import load_proving_key, save_proving_key
from zkprove.groth16.prover import prove
from zkprove.groth16.qap import QAP
from zkprove.l1.verifier import verify as l1_verify
from zkprove.timing import StepTimer


class Demo(Circuit):
    """x*y*3 == z, x - y == d, z + d == x*x*y - 2: two public inputs, negative coefficients."""

    x: Secret
    y: Secret
    z: Public
    d: Public

    def define(self, api):
        api.assert_equal(self.z, api.mul(self.x, self.y) * 3)
        api.assert_equal(self.d, self.x - self.y)
        api.assert_equal(self.z + self.d, api.mul(self.x, self.x, self.y) - 2)


PHASE1_SECRETS = [phase1.Secrets(3, 5, 7), phase1.Secrets(11, 13, 17), phase1.Secrets(2**200 + 1, R - 2, 19)]
PHASE2_SECRETS = [23, R - 29, 2**250 + 3]
POWER = 4


def product(values) -> int:
    out = 1
    for v in values:
        out = out * v % R
    return out


@pytest.fixture(scope="module")
def cs():
    return Demo.compile()


@pytest.fixture(scope="module")
def ceremony_dir(tmp_path_factory, cs) -> Path:
    root = tmp_path_factory.mktemp("ceremony")
    ceremony.new_phase1(root, POWER)
    for name, secrets in zip(("alice", "bob", "carol"), PHASE1_SECRETS):
        ceremony.contribute_phase1(root, name, secrets)
    ceremony.init_phase2(root, cs)
    for name, secret in zip(("dave", "erin", "frank"), PHASE2_SECRETS):
        ceremony.contribute_phase2(root, name, secret)
    return root


@pytest.fixture(scope="module")
def final_accumulator(ceremony_dir) -> phase1.Accumulator:
    return directory.last_accumulator(ceremony_dir)


@pytest.fixture()
def copy(ceremony_dir, tmp_path) -> Path:
    return Path(shutil.copytree(ceremony_dir, tmp_path / "copy"))


def expect_failure(call, phase: int, index: int, reason: str) -> None:
    with pytest.raises(CeremonyError) as caught:
        call()
    failure = caught.value.failure
    assert (failure.phase, failure.index) == (phase, index), str(failure)
    assert reason in failure.reason, str(failure)


# -- completeness ---------------------------------------------------------------


def test_three_party_ceremony_verifies_and_names_contributors(ceremony_dir):
    report = ceremony.verify(ceremony_dir)
    assert report.phase1_names == ["alice", "bob", "carol"]
    assert report.phase2_names == ["dave", "erin", "frank"]
    assert report.key_path == directory.key_path(ceremony_dir, 3)


def test_final_key_equals_the_dev_setup_for_the_combined_secrets(ceremony_dir, cs):
    tau, alpha, beta = (product(getattr(s, name) for s in PHASE1_SECRETS) for name in ("tau", "alpha", "beta"))
    expected, _ = keys_from_toxic_waste(QAP.of(cs), ToxicWaste(tau, alpha, beta, 1, product(PHASE2_SECRETS)))
    key = load_proving_key(directory.key_path(ceremony_dir, 3))
    for name in ("alpha_g1", "beta_g1", "beta_g2", "delta_g1", "delta_g2", "a_query", "b_g1_query", "b_g2_query", "h_query", "l_query"):
        assert np.array_equal(getattr(key, name), getattr(expected, name)), name
    assert key.vk == expected.vk
    assert key.qap.digest == expected.qap.digest


def test_a_smaller_circuit_uses_a_prefix_of_the_powers(final_accumulator):
    class Cubic(Circuit):
        x: Secret
        y: Public

        def define(self, api):
            api.assert_equal(self.y, api.mul(self.x, self.x, self.x) + self.x + 5)

    qap = QAP.of(Cubic.compile())
    assert qap.domain_size < final_accumulator.size
    key = phase2.initialize(final_accumulator, Cubic.compile())
    tau, alpha, beta = (product(getattr(s, name) for s in PHASE1_SECRETS) for name in ("tau", "alpha", "beta"))
    expected, _ = keys_from_toxic_waste(qap, ToxicWaste(tau, alpha, beta, 1, 1))
    assert np.array_equal(key.h_query, expected.h_query) and np.array_equal(key.l_query, expected.l_query)
    assert key.vk == expected.vk


def test_proofs_under_the_ceremony_key_pass_the_l1_verifier(ceremony_dir, cs):
    key = load_proving_key(directory.key_path(ceremony_dir, 3))
    witness = cs.solve(x=3, y=5, z=45, d=R - 2)
    proof = prove(key, witness, cs=cs)
    assert l1_verify(key.vk, [45, R - 2], proof).ok
    assert not l1_verify(key.vk, [45, R - 1], proof).ok


# -- soundness: phase 1 -----------------------------------------------------------


def rewrite_phase1(root: Path, index: int, edit) -> None:
    path = directory.phase1_path(root, index)
    step = read_phase1(path)
    path.write_bytes(phase1_bytes(edit(step)))


def test_phase1_wrong_power_point_is_named(copy):
    def edit(step):
        alpha = step.accumulator.alpha_tau_g1.copy()
        alpha[5] = G1.double(alpha[5][None])[0]
        return dataclasses.replace(step, accumulator=dataclasses.replace(step.accumulator, alpha_tau_g1=alpha))

    rewrite_phase1(copy, 1, edit)
    expect_failure(lambda: verify_phase1(copy), 1, 1, "alpha_tau_g1 holds consecutive powers")


def test_phase1_proof_for_another_secret_is_rejected(copy):
    def edit(step):
        before = read_phase1(directory.phase1_path(copy, 0)).accumulator
        other = prove_knowledge(12345, phase1.DOMAINS["beta"], before.digest())
        return dataclasses.replace(step, contribution=dataclasses.replace(step.contribution, beta=other))

    rewrite_phase1(copy, 1, edit)
    expect_failure(lambda: verify_phase1(copy), 1, 1, "beta update")


def test_phase1_replayed_proof_is_rejected(copy):
    first = read_phase1(directory.phase1_path(copy, 1)).contribution
    rewrite_phase1(copy, 2, lambda step: dataclasses.replace(step, contribution=first))
    expect_failure(lambda: verify_phase1(copy), 1, 2, "tau: proof of knowledge")


def test_phase1_tampered_initial_accumulator_is_rejected(copy):
    def edit(step):
        return dataclasses.replace(step, accumulator=phase1.contribute(step.accumulator, phase1.Secrets(2, 2, 2))[0])

    rewrite_phase1(copy, 0, edit)
    expect_failure(lambda: verify_phase1(copy), 1, 0, "not the initial accumulator")


def test_phase1_truncated_file_is_named(copy):
    path = directory.phase1_path(copy, 1)
    path.write_bytes(path.read_bytes()[:-100])
    expect_failure(lambda: verify_phase1(copy), 1, 1, "unreadable")


# -- soundness: phase 2 -----------------------------------------------------------


def rewrite_key(root: Path, index: int, **changes) -> None:
    path = directory.key_path(root, index)
    key = load_proving_key(path, allow_degenerate=index == 0)
    save_proving_key(dataclasses.replace(key, **changes), path)


def verify_p2(root: Path, acc: phase1.Accumulator):
    return verify_phase2(root, acc, StepTimer())


def test_phase2_wrong_scaling_of_one_h_point_is_named(copy, final_accumulator):
    key = load_proving_key(directory.key_path(copy, 2))
    h = key.h_query.copy()
    h[4] = G1.double(h[4][None])[0]
    rewrite_key(copy, 2, h_query=h)
    expect_failure(lambda: verify_p2(copy, final_accumulator), 2, 2, "h_query is the previous one divided")


def test_phase2_wrong_scaling_of_one_l_point_is_named(copy, final_accumulator):
    key = load_proving_key(directory.key_path(copy, 1))
    rewrite_key(copy, 1, l_query=G1.scalar_mul(key.l_query, [2] * len(key.l_query)))
    expect_failure(lambda: verify_p2(copy, final_accumulator), 2, 1, "l_query is the previous one divided")


def test_phase2_proof_for_another_secret_is_rejected(copy, final_accumulator):
    before = load_proving_key(directory.key_path(copy, 1))
    other = phase2.Contribution(prove_knowledge(777, phase2.DOMAIN, phase2.key_digest(before)))
    directory.proof_path(copy, 2).write_bytes(phase2_bytes(Phase2Step(2, "erin", other)))
    expect_failure(lambda: verify_p2(copy, final_accumulator), 2, 2, "delta update")


def test_phase2_swapped_delta_is_rejected(copy, final_accumulator):
    key = load_proving_key(directory.key_path(copy, 3))
    other = load_proving_key(directory.key_path(copy, 1))
    rewrite_key(copy, 3, delta_g2=other.delta_g2, vk=dataclasses.replace(key.vk, delta_g2=other.vk.delta_g2))
    expect_failure(lambda: verify_p2(copy, final_accumulator), 2, 3, "delta_g2 and delta_g1 hold the same delta")


def test_phase2_changed_query_outside_delta_is_named(copy, final_accumulator):
    key = load_proving_key(directory.key_path(copy, 2))
    rewrite_key(copy, 2, a_query=key.a_query[::-1].copy())
    expect_failure(lambda: verify_p2(copy, final_accumulator), 2, 2, "a_query changed")


def test_phase2_initial_key_must_be_the_recomputed_one(copy, final_accumulator):
    key = load_proving_key(directory.key_path(copy, 0), allow_degenerate=True)
    rewrite_key(copy, 0, b_g2_query=G2.scalar_mul(key.b_g2_query, [3] * len(key.b_g2_query)))
    expect_failure(lambda: verify_p2(copy, final_accumulator), 2, 0, "b_g2_query is not the circuit's B")


@pytest.mark.parametrize(("field", "named"), [
    ("a_query", "a_query is not"), ("b_g1_query", "b_g1_query is not"), ("b_g2_query", "b_g2_query is not"),
    ("l_query", "IC and l_query are not"), ("h_query", "h_query differs"),
])
def test_one_wrong_point_anywhere_in_the_initial_key_is_caught(copy, final_accumulator, field, named):
    """The random-combination check of the first key catches a single point moved to twice itself."""
    key = load_proving_key(directory.key_path(copy, 0), allow_degenerate=True)
    group = G2 if "g2" in field else G1
    points = getattr(key, field).copy()
    index = len(points) // 2
    points[index] = group.add(points[index : index + 1], points[index : index + 1])[0]
    rewrite_key(copy, 0, **{field: points})
    expect_failure(lambda: verify_p2(copy, final_accumulator), 2, 0, named)


def test_a_wrong_ic_point_in_the_initial_key_is_caught(copy, final_accumulator):
    key = load_proving_key(directory.key_path(copy, 0), allow_degenerate=True)
    ic = list(key.vk.ic)
    ic[0] = ic[1]
    rewrite_key(copy, 0, vk=dataclasses.replace(key.vk, ic=ic))
    expect_failure(lambda: verify_p2(copy, final_accumulator), 2, 0, "IC and l_query are not")


def test_phase2_truncated_key_is_named(copy, final_accumulator):
    path = directory.key_path(copy, 2)
    path.write_bytes(path.read_bytes()[:-50])
    expect_failure(lambda: verify_p2(copy, final_accumulator), 2, 2, "unreadable")


def test_a_missing_step_is_reported(copy):
    directory.phase1_path(copy, 1).unlink()
    with pytest.raises(ValueError, match="0001.zkptau is missing"):
        ceremony.verify(copy)


# -- the command line -------------------------------------------------------------


def test_cli_runs_and_verifies_a_ceremony_then_names_a_tampered_step(tmp_path, cs):
    from zkprove.cli import app

    root, runner = tmp_path / "c", CliRunner()
    write_r1cs(cs, tmp_path / "demo.r1cs")
    steps = [
        ["powersoftau", "new", str(root), "--power", str(POWER)],
        ["powersoftau", "contribute", str(root), "--name", "alice"],
        ["powersoftau", "verify", str(root)],
        ["init", str(root), str(tmp_path / "demo.r1cs")],
        ["contribute", str(root), "--name", "bob"],
        ["verify", str(root), "--vk-out", str(tmp_path / "vk.json")],
    ]
    for args in steps:
        result = runner.invoke(app, ["ceremony", *args])
        assert result.exit_code == 0, (args, result.output)
    assert "ceremony valid: phase 1 by alice; phase 2 by bob" in result.output
    assert (tmp_path / "vk.json").exists()
    proof = directory.proof_path(root, 1)
    proof.write_bytes(proof.read_bytes()[:-1])
    result = runner.invoke(app, ["ceremony", "verify", str(root)])
    assert result.exit_code == 1
    assert "INVALID: phase 2, contribution 1 (0001.zkpok): unreadable" in result.output
    result = runner.invoke(app, ["ceremony", "contribute", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no phase 2" in result.output


# -- scale ------------------------------------------------------------------------


class Chain(Circuit):
    """y = f^n(x) with f(a) = a * (a + 3): n constraints."""

    x: Secret
    y: Public

    def __init__(self, n: int):
        self.n = n

    def define(self, api):
        acc = self.x
        for _ in range(self.n):
            acc = api.mul(acc, acc + 3)
        api.assert_equal(self.y, acc)


@pytest.mark.slow
def test_ceremony_at_2_10_proves_and_verifies(tmp_path):
    power, n = 10, (1 << 10) - 3
    cs = Chain.compile(n=n)
    assert QAP.of(cs).domain_size == 1 << power
    ceremony.new_phase1(tmp_path, power)
    ceremony.contribute_phase1(tmp_path, "alice")
    ceremony.contribute_phase1(tmp_path, "bob")
    ceremony.init_phase2(tmp_path, cs)
    ceremony.contribute_phase2(tmp_path, "carol")
    ceremony.contribute_phase2(tmp_path, "dave")
    report = ceremony.verify(tmp_path)
    y = 2
    for _ in range(n):
        y = y * (y + 3) % R
    proof = prove(report.key, cs.solve(x=2, y=y), cs=cs)
    assert l1_verify(report.key.vk, [y], proof).ok


def test_a_ceremony_whose_contributions_leave_delta_at_gamma_is_refused(tmp_path, cs):
    """d = 1 passes every step's check, but the final key would have delta = gamma (anyone could forge)."""
    root = tmp_path / "lazy"
    ceremony.new_phase1(root, POWER)
    ceremony.contribute_phase1(root, "alice", PHASE1_SECRETS[0])
    ceremony.init_phase2(root, cs)
    ceremony.contribute_phase2(root, "mallory", 1)
    expect_failure(lambda: ceremony.verify(root), 2, 1, "the final key is unusable: verifying key: delta = gamma")
