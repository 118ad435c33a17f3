"""The ConstraintSystem contract: CSR matrices, satisfaction checks, diagnostics."""

import dataclasses

import numpy as np
import pytest

from zkprove.field.params import R
from zkprove.r1cs.system import ConstraintSystem, SparseMatrix, UnsatisfiedConstraint


def cubic_system() -> ConstraintSystem:
    """Wires: 1, y (public), x, x2, x3. x*x = x2, x2*x = x3, (x3 + x + 5)*1 = y."""
    a = SparseMatrix.from_rows([{2: 1}, {3: 1}, {4: 1, 2: 1, 0: 5}])
    b = SparseMatrix.from_rows([{2: 1}, {2: 1}, {0: 1}])
    c = SparseMatrix.from_rows([{3: 1}, {4: 1}, {1: 1}])
    return ConstraintSystem(
        a, b, c, n_wires=5, n_pub_in=1, n_prv_in=1,
        wire_names=["one", "y", "x", "x2", "x3"],
        origin_table=[("main", "f.py:1"), ("cube", "f.py:2")],
        origin_index=np.array([1, 1, 0]),
    )


def test_sparse_matrix_rows_and_evaluate():
    m = SparseMatrix.from_rows([{0: 2, 3: R - 1}, {}, {1: 5}])
    assert m.n_rows == 3
    assert m.row(0) == {0: 2, 3: R - 1}
    assert m.row(1) == {}
    assert m.evaluate([1, 7, 0, 4]) == [(2 - 4) % R, 0, 35]


def test_good_witness_passes_and_layout():
    cs = cubic_system()
    assert (cs.n_constraints, cs.n_public) == (3, 1)
    cs.check([1, 35, 3, 9, 27])
    assert cs.first_unsatisfied([1, 35, 3, 9, 27]) is None


def test_bad_witness_names_constraint_gadget_and_signals():
    cs = cubic_system()
    with pytest.raises(UnsatisfiedConstraint) as err:
        cs.check([1, 35, 3, 9, 28])
    assert err.value.index == 1
    assert (err.value.gadget, err.value.location) == ("cube", "f.py:2")
    assert "x3=28" in str(err.value) and "cube at f.py:2" in str(err.value)


def test_witness_check_needs_a_system_over_r():
    other = dataclasses.replace(cubic_system(), prime=101)
    with pytest.raises(ValueError, match="over BN254's r, not 101"):
        other.first_unsatisfied([1, 35, 3, 9, 27])


def test_check_rejects_malformed_witness():
    cs = cubic_system()
    with pytest.raises(ValueError, match="5 wires"):
        cs.check([1, 35, 3])
    with pytest.raises(ValueError, match="wire 0"):
        cs.check([2, 35, 3, 9, 27])


def test_without_provenance():
    cs = cubic_system()
    cs.origin_table = cs.origin_index = cs.wire_names = None
    assert cs.origin(0) is None
    assert cs.wire_name(0) == "one" and cs.wire_name(3) == "w3"
    with pytest.raises(UnsatisfiedConstraint) as err:
        cs.check([1, 36, 3, 9, 27])
    assert err.value.index == 2 and err.value.gadget is None
