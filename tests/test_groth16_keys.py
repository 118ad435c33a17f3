"""Key generation against the Groth16 definitions, fixed-base multiplication, and the key file."""

import json
from random import Random

import numpy as np
import pytest
from helpers.circuits import INPUTS, ThreePublic
from py_ecc import optimized_bn128 as bn

from zkprove import groth16
from zkprove.curve import G1, G2
from zkprove.field.params import R
from zkprove.formats.npz_key_file import load_proving_key, save_proving_key
from zkprove.groth16.fixed_base import fixed_base_mul
from zkprove.groth16.keys import g1_to_ints, g2_to_ints
from zkprove.l1.curve import from_py_ecc_g1, from_py_ecc_g2
from zkprove.l1.verifier import verify

WASTE = groth16.ToxicWaste(tau=1234567, alpha=11, beta=22, gamma=33, delta=44)


@pytest.mark.parametrize("group", [G1, G2], ids=["G1", "G2"])
def test_fixed_base_matches_double_and_add(group):
    scalars = [0, 1, 2, R - 1, (1 << 253) + 5] + [Random(6).randrange(R) for _ in range(40)]
    expected = group.to_affine(group.scalar_mul(group.generator(), scalars))
    assert np.array_equal(fixed_base_mul(group, group.generator(), scalars), expected)


@pytest.fixture(scope="module")
def known():
    """Keys for ThreePublic from known toxic waste, and its u, v, w at tau in Python ints."""
    cs = ThreePublic.compile()
    qap = groth16.QAP.of(cs)
    pk, vk = groth16.keys_from_toxic_waste(qap, WASTE)
    n = qap.domain_size
    omega = qap.domain().omega
    z_tau = (pow(WASTE.tau, n, R) - 1) % R
    lagrange = [z_tau * pow(n, -1, R) * pow(omega, j, R) * pow(WASTE.tau - pow(omega, j, R), -1, R) % R
                for j in range(n)]
    publics = [{i: 1} for i in range(cs.n_public + 1)]
    polys = []
    for rows in ([cs.a.row(j) for j in range(cs.n_constraints)] + publics,
                 [cs.b.row(j) for j in range(cs.n_constraints)], [cs.c.row(j) for j in range(cs.n_constraints)]):
        polys.append([sum(row.get(i, 0) * lagrange[j] for j, row in enumerate(rows)) % R for i in range(cs.n_wires)])
    return cs, pk, vk, polys


def _g1(k):
    return from_py_ecc_g1(bn.multiply(bn.G1, k % R))


def _g2(k):
    return from_py_ecc_g2(bn.multiply(bn.G2, k % R))


def test_key_points_follow_the_definitions(known):
    cs, pk, vk, (u, v, w) = known
    tau, alpha, beta, gamma, delta = WASTE.tau, WASTE.alpha, WASTE.beta, WASTE.gamma, WASTE.delta
    assert (vk.alpha_g1, vk.beta_g2, vk.gamma_g2, vk.delta_g2) == (_g1(alpha), _g2(beta), _g2(gamma), _g2(delta))
    assert g1_to_ints(pk.beta_g1) == _g1(beta) and g2_to_ints(pk.delta_g2) == _g2(delta)
    n_pub1 = cs.n_public + 1
    combined = [(beta * u[i] + alpha * v[i] + w[i]) % R for i in range(cs.n_wires)]
    assert list(vk.ic) == [_g1(combined[i] * pow(gamma, -1, R)) for i in range(n_pub1)]
    for i in range(cs.n_wires):
        assert g1_to_ints(pk.a_query[i]) == _g1(u[i])
        assert g2_to_ints(pk.b_g2_query[i]) == _g2(v[i])
        assert g1_to_ints(pk.b_g1_query[i]) == _g1(v[i])
    for i in range(n_pub1, cs.n_wires):
        assert g1_to_ints(pk.l_query[i - n_pub1]) == _g1(combined[i] * pow(delta, -1, R))
    z_tau = pow(tau, pk.domain_size, R) - 1
    for i in (0, 1, pk.domain_size - 2):
        assert g1_to_ints(pk.h_query[i]) == _g1(pow(tau, i, R) * z_tau * pow(delta, -1, R))


def test_key_file_round_trips_exactly(known, tmp_path):
    cs, pk, vk, _ = known
    save_proving_key(pk, tmp_path / "pk.npz")
    loaded = load_proving_key(tmp_path / "pk.npz")
    assert loaded.vk == vk
    assert (loaded.n_wires, loaded.n_public, loaded.domain_size) == (pk.n_wires, pk.n_public, pk.domain_size)
    for name in ("alpha_g1", "beta_g1", "beta_g2", "delta_g1", "delta_g2",
                 "a_query", "b_g1_query", "b_g2_query", "h_query", "l_query"):
        assert np.array_equal(getattr(loaded, name), getattr(pk, name)), name
    assert loaded.qap.digest == pk.qap.digest == groth16.QAP.of(cs).digest
    witness = cs.solve(**INPUTS[ThreePublic])
    assert verify(loaded.vk, witness.public, groth16.prove(loaded, witness, cs=cs)).ok


def _rewrite(source, target, edit):
    with np.load(source, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    edit(arrays)
    with open(target, "wb") as f:
        np.savez(f, **arrays)


def _set_version(arrays):
    header = json.loads(arrays["header"].tobytes())
    arrays["header"] = np.frombuffer(json.dumps({**header, "version": 2}).encode(), np.uint8)


def _bump_coefficient(arrays):
    arrays["a_coeffs"] = arrays["a_coeffs"].copy()
    arrays["a_coeffs"][0, 0] ^= 1


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_set_version, "version 2"),
        (_bump_coefficient, "digest"),
        (lambda arrays: arrays.pop("h_query"), "h_query"),
        (lambda arrays: arrays.update(l_query=arrays["l_query"][:-1]), "l_query"),
    ],
    ids=["version", "matrix", "missing", "shape"],
)
def test_damaged_key_files_are_refused(known, tmp_path, edit, message):
    _, pk, _, _ = known
    save_proving_key(pk, tmp_path / "pk.npz")
    _rewrite(tmp_path / "pk.npz", tmp_path / "bad.npz", edit)
    with pytest.raises(groth16.KeyFormatError, match=message):
        load_proving_key(tmp_path / "bad.npz")


def test_a_file_that_is_no_key_is_refused(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"not a zip archive")
    with pytest.raises(groth16.KeyFormatError, match="not a zkprove proving key"):
        load_proving_key(tmp_path / "junk.npz")
