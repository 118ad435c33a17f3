"""R1CS to QAP: the domain rule, the wire polynomials at a point, and the QAP identity in Python ints."""

from random import Random

import numpy as np
import pytest
from helpers.circuits import INPUTS, Cubic, ThreePublic

from zkprove.field import Fr
from zkprove.field.params import R
from zkprove.groth16.qap import QAP, Matrix, domain_size, lagrange_basis_at, quotient
from zkprove.r1cs import first_unsatisfied
from zkprove.timing import StepTimer


@pytest.mark.parametrize(
    ("constraints", "public", "size"),
    [(1, 0, 2), (1, 1, 4), (2**10 - 2, 1, 2**10), (2**10 - 1, 1, 2**11), (2**10, 1, 2**11), (2**16 - 4, 3, 2**16)],
)
def test_domain_counts_the_public_input_rows(constraints, public, size):
    assert domain_size(constraints, public) == size


def _points(n: int) -> list[int]:
    omega = pow(5, (R - 1) // n, R)
    return [pow(omega, j, R) for j in range(n)]


def _lagrange(points: list[int], j: int, x: int) -> int:
    """L_j(x) by the product formula, independently of the library's."""
    value = 1
    for k, w in enumerate(points):
        if k != j:
            value = value * (x - w) * pow(points[j] - w, -1, R) % R
    return value


def _rows(cs, n: int) -> list[list[dict[int, int]]]:
    """The extended A, B, C rows (snarkjs's public-input rows appended), padded to n."""
    publics = [{i: 1} for i in range(cs.n_public + 1)]
    a = [cs.a.row(j) for j in range(cs.n_constraints)] + publics
    b = [cs.b.row(j) for j in range(cs.n_constraints)] + [{}] * len(publics)
    c = [cs.c.row(j) for j in range(cs.n_constraints)] + [{}] * len(publics)
    return [m + [{}] * (n - len(m)) for m in (a, b, c)]


def test_lagrange_basis_matches_the_product_formula():
    qap = QAP.of(ThreePublic.compile())
    x = Random(1).randrange(R)
    points = _points(qap.domain_size)
    expected = [_lagrange(points, j, x) for j in range(qap.domain_size)]
    assert Fr.to_ints(lagrange_basis_at(qap.domain(), x)) == expected


def test_lagrange_basis_refuses_a_point_of_the_domain():
    qap = QAP.of(Cubic.compile())
    with pytest.raises(ValueError, match="domain"):
        lagrange_basis_at(qap.domain(), qap.domain().element(3))


def test_wire_evaluations_are_column_sums():
    cs = ThreePublic.compile()
    qap = QAP.of(cs)
    x = Random(2).randrange(R)
    lagrange = [_lagrange(_points(qap.domain_size), j, x) for j in range(qap.domain_size)]
    u, v, w = qap.wire_evaluations(Fr.from_ints(lagrange))
    for evaluated, rows in zip((u, v, w), _rows(cs, qap.domain_size)):
        expected = [sum(row.get(i, 0) * lagrange[j] for j, row in enumerate(rows)) % R for i in range(cs.n_wires)]
        assert Fr.to_ints(evaluated) == expected


@pytest.mark.parametrize("circuit", [Cubic, ThreePublic])
def test_qap_identity_at_a_random_point(circuit):
    """A(x) B(x) − C(x) = H(x) Z(x), all in Python ints from the rows, the quotient from the library."""
    cs = circuit.compile()
    qap = QAP.of(cs)
    n = qap.domain_size
    z = cs.solve(**INPUTS[circuit]).values
    az, bz, cz = qap.reduce(Fr.from_ints(z))
    rows = _rows(cs, n)
    evaluations = [[sum(c * z[i] for i, c in row.items()) % R for row in m] for m in rows]
    assert [Fr.to_ints(v) for v in (az, bz, cz)] == evaluations
    h = Fr.to_ints(quotient(az, bz, cz, qap.domain(), StepTimer()))
    assert len(h) == n - 1
    x = Random(3).randrange(R)
    points = _points(n)
    at_x = [sum(e[j] * _lagrange(points, j, x) for j in range(n)) % R for e in evaluations]
    h_at_x = sum(coefficient * pow(x, i, R) for i, coefficient in enumerate(h)) % R
    assert (at_x[0] * at_x[1] - at_x[2]) % R == h_at_x * (pow(x, n, R) - 1) % R


def test_an_unsatisfied_row_is_found():
    cs = Cubic.compile()
    qap = QAP.of(cs)
    z = list(cs.solve(**INPUTS[Cubic]).values)
    z[3] += 1
    az, bz, cz = qap.reduce(Fr.from_ints(z))
    found = first_unsatisfied(az, bz, cz, qap.n_constraints)
    assert found is not None and found == cs.first_unsatisfied(z)
    good = cs.solve(**INPUTS[Cubic]).values
    assert first_unsatisfied(*qap.reduce(Fr.from_ints(good)), qap.n_constraints) is None


def test_qap_is_cached_per_constraint_system_and_digests_tell_systems_apart():
    cs = Cubic.compile()
    assert QAP.of(cs) is QAP.of(cs)
    assert QAP.of(Cubic.compile()).digest == QAP.of(cs).digest
    assert QAP.of(ThreePublic.compile()).digest != QAP.of(cs).digest


def test_qap_refuses_out_of_range_wires():
    qap = QAP.of(Cubic.compile())
    bad = Matrix(qap.a.indptr, np.where(qap.a.wires == 2, qap.n_wires, qap.a.wires), qap.a.coeffs)
    with pytest.raises(ValueError, match="wire index"):
        QAP(qap.n_wires, qap.n_public, qap.n_constraints, qap.domain_size, bad, qap.b, qap.c)
