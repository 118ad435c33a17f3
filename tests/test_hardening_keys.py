"""Degenerate verifying keys: the forgery each allows is real, and every reader and verifier refuses the key.

For each kind in :mod:`zkprove.groth16.key_sanity`'s table, a proof made from
public values alone passes the raw pairing equation for random public
inputs (so the refusal is no formality), yet :func:`verify`, the snarkjs key
reader, the CLI, the Solidity export and the cluster's verifier all refuse
the key with its reason. A contract rendered without the check accepts
the forgery on revm.
"""

import dataclasses
import json
from random import Random

import pytest
from helpers.evm import Chain, compile_contract, requires_evm
from helpers.simulator import Trapdoor
from typer.testing import CliRunner

import zkprove.l1.solidity as solidity
from zkprove.cli import app
from zkprove.formats.snarkjs_json import (
    SnarkjsFormatError,
    read_verifying_key,
    verifying_key_to_json,
    write_proof,
    write_public,
)
from zkprove.groth16.data import G1_INFINITY, G2_INFINITY, Proof
from zkprove.groth16.key_sanity import degenerate_key_error
from zkprove.l1.curve import P, R
from zkprove.l1.encoding import encode_calldata
from zkprove.l1.precompiles import sum_points
from zkprove.l1.verifier import key_error, negate, pairing_holds, verify, vk_x

TRAPDOOR = Trapdoor.sample(2, Random(21), gamma_is_generator=False)
HONEST = TRAPDOOR.verifying_key()


def _neg2(point):
    x, (y_re, y_im) = point
    return (x, ((P - y_re) % P, (P - y_im) % P))


def _forgeries():
    """(kind, key, forge(vk, inputs) -> proof, reason fragment) for every row of the key_sanity table."""
    k = HONEST
    yield "alpha = O", dataclasses.replace(k, alpha_g1=G1_INFINITY), lambda v, x: Proof(vk_x(v, x), v.gamma_g2, G1_INFINITY), "alpha"
    yield "beta = O", dataclasses.replace(k, beta_g2=G2_INFINITY), lambda v, x: Proof(vk_x(v, x), v.gamma_g2, G1_INFINITY), "beta"
    yield "gamma = O", dataclasses.replace(k, gamma_g2=G2_INFINITY), lambda v, x: Proof(v.alpha_g1, v.beta_g2, G1_INFINITY), "gamma"
    yield "gamma = delta", dataclasses.replace(k, gamma_g2=k.delta_g2), lambda v, x: Proof(v.alpha_g1, v.beta_g2, negate(vk_x(v, x))), "delta = gamma"
    yield "gamma = -delta", dataclasses.replace(k, gamma_g2=_neg2(k.delta_g2)), lambda v, x: Proof(v.alpha_g1, v.beta_g2, vk_x(v, x)), "delta = -gamma"
    yield "beta = gamma", dataclasses.replace(k, beta_g2=k.gamma_g2), lambda v, x: Proof(sum_points([v.alpha_g1, vk_x(v, x)]), v.beta_g2, G1_INFINITY), "gamma = beta"
    yield "beta = -gamma", dataclasses.replace(k, beta_g2=_neg2(k.gamma_g2)), lambda v, x: Proof(sum_points([v.alpha_g1, negate(vk_x(v, x))]), v.beta_g2, G1_INFINITY), "gamma = -beta"
    yield "beta = delta", dataclasses.replace(k, beta_g2=k.delta_g2), lambda v, x: Proof(vk_x(v, x), v.gamma_g2, negate(v.alpha_g1)), "delta = beta"
    yield "beta = -delta", dataclasses.replace(k, beta_g2=_neg2(k.delta_g2)), lambda v, x: Proof(vk_x(v, x), v.gamma_g2, v.alpha_g1), "delta = -beta"


FORGERIES = list(_forgeries())


@pytest.mark.parametrize("kind, vk, forge, says", FORGERIES, ids=[f[0] for f in FORGERIES])
def test_the_forgery_is_real_and_the_key_is_refused(kind, vk, forge, says):
    inputs = [Random(kind).randrange(R) for _ in range(2)]
    forged = forge(vk, inputs)
    assert pairing_holds(vk, inputs, forged), kind
    assert not pairing_holds(HONEST, inputs, forge(HONEST, inputs))
    report = verify(vk, inputs, forged)
    assert not report.ok and says in report.reason and "verifying key" in report.reason
    assert key_error(vk) == degenerate_key_error(vk) == report.reason


def _unbinding(ic_logs, shift):
    """A key whose IC makes one proof valid for two statements, and those statements."""
    trapdoor = dataclasses.replace(TRAPDOOR, ic_logs=ic_logs)
    inputs = [5, 7]
    proof = trapdoor.prove(inputs, Random(3))
    return trapdoor.verifying_key(), proof, inputs, [x + s for x, s in zip(inputs, shift)]


@pytest.mark.parametrize(
    "ic_logs, shift, says",
    [((11, 0, 13), (4, 0), "IC[1]: the point at infinity, so public input 0 would be unbound"),
     ((11, 13, 13), (1, -1), "IC[2]: equal or opposite to IC[1]"),
     ((11, 13, R - 13), (1, 1), "IC[2]: equal or opposite to IC[1]")],
    ids=["IC[1] = O", "IC[2] = IC[1]", "IC[2] = -IC[1]"],
)
def test_unbound_inputs_are_real_and_refused(ic_logs, shift, says):
    vk, proof, inputs, others = _unbinding(ic_logs, shift)
    assert pairing_holds(vk, inputs, proof) and pairing_holds(vk, others, proof)
    assert says in verify(vk, inputs, proof).reason


def test_delta_at_infinity_is_refused_and_ic0_at_infinity_is_not():
    assert "delta: the point at infinity" in key_error(dataclasses.replace(HONEST, delta_g2=G2_INFINITY))
    assert key_error(dataclasses.replace(HONEST, ic=[G1_INFINITY, *HONEST.ic[1:]])) is None, "IC[0] binds no input"


def _degenerate_files(folder, vk):
    (folder / "vk.json").write_text(json.dumps(verifying_key_to_json(vk)))
    write_public(folder / "public.json", [5, 7])
    write_proof(folder / "proof.json", TRAPDOOR.prove([5, 7], Random(1)))
    return [str(folder / name) for name in ("vk.json", "proof.json", "public.json")]


@pytest.mark.parametrize("index", [2, 3], ids=["gamma = O", "gamma = delta"])
def test_the_key_reader_and_the_cli_refuse_a_degenerate_key(tmp_path, index):
    kind, vk, _, says = FORGERIES[index]
    vk_file, proof_file, public_file = _degenerate_files(tmp_path, vk)
    with pytest.raises(SnarkjsFormatError, match=says):
        read_verifying_key(vk_file)
    runner = CliRunner()
    for argv in (["verify", vk_file, proof_file, public_file], ["export", "solidity", vk_file, "-o", str(tmp_path / "v.sol")]):
        result = runner.invoke(app, argv)
        assert result.exit_code == 2 and says in result.output, (argv, result.output)
    assert not (tmp_path / "v.sol").exists()


def test_the_cluster_verifier_refuses_a_degenerate_key():
    from workers.actors import VerifierActor

    with pytest.raises(ValueError, match="delta = gamma"):
        VerifierActor(FORGERIES[3][1])


@requires_evm
@pytest.mark.parametrize("index", [2, 3], ids=["gamma = O", "gamma = delta"])
def test_a_contract_built_without_the_check_accepts_the_forgery(monkeypatch, index):
    """Why export refuses: on revm, the contract for such a key verifies a forged proof for any inputs."""
    kind, vk, forge, says = FORGERIES[index]
    with pytest.raises(ValueError, match=says):
        solidity.render_verifier(vk)
    monkeypatch.setattr(solidity, "key_error", lambda _: None)
    chain = Chain(compile_contract(solidity.render_verifier(vk), solidity.DEFAULT_CONTRACT_NAME))
    inputs = [Random(index).randrange(R) for _ in range(2)]
    assert chain.call(encode_calldata(forge(vk, inputs), inputs)).returned_true
