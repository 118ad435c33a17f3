"""Circuit declaration, wire layout, solving, gadget labels and source-line diagnostics."""

from __future__ import annotations

import pytest

from helpers.dsl import line_of
from zkprove import Circuit, Public, Secret
from zkprove.dsl import Record, Signal, UnsatisfiedConstraint, evaluate, gadget
from zkprove.field.params import R


class Cubic(Circuit):
    """Knows x with x**3 + x + 5 == y (docs/dsl.md, section "Declaring a circuit")."""

    x: Secret
    y: Public

    def define(self, api):
        x3 = api.mul(self.x, self.x, self.x)
        api.assert_equal(self.y, x3 + self.x + 5)  # cubic-assert


class Transfer(Record):
    amount: Signal

    def __init__(self, depth: int):
        self.path = Signal(depth)


class Batch(Circuit):
    """T transfers with Merkle paths of a given depth: shapes from size parameters."""

    total: Public
    limits: Public[2]

    def __init__(self, T: int, depth: int):
        self.txs = Secret(Transfer(depth), T)
        self.grid = Secret(T, 2)

    def define(self, api):
        api.assert_equal(api.add(0, 0, *(tx.amount for tx in self.txs)), self.total)
        for tx, row in zip(self.txs, self.grid):
            api.assert_equal(tx.path[0] * row[0], row[1])
            for node in tx.path:
                api.assert_in_range(node, 8)
        api.assert_equal(self.limits[0] * self.limits[1], self.grid[0][0])


def test_user_journey():
    cs = Cubic.compile()
    assert (cs.n_constraints, cs.n_wires, cs.n_public, cs.n_prv_in) == (3, 5, 1, 1)
    w = cs.solve(x=3, y=35)
    assert w.public == [35] and w.values[:3] == [1, 35, 3]
    cs.check(w.values)


def test_layout_names_and_parameters():
    cs = Batch(T=2, depth=3).compile()
    assert (cs.n_pub_in, cs.n_prv_in) == (3, 2 * 4 + 4)
    assert list(cs.wire_names[:9]) == ["one", "total", "limits[0]", "limits[1]", "txs[0].amount",
                                       "txs[0].path[0]", "txs[0].path[1]", "txs[0].path[2]", "txs[1].amount"]
    assert cs.wire_names[12] == "grid[0][0]"
    assert Batch.compile(T=1, depth=2).n_prv_in == 5
    txs = [{"amount": 5, "path": [1, 2, 3]}, {"amount": 7, "path": [4, 5, 6]}]
    w = cs.solve(total=12, limits=[2, 3], txs=txs, grid=[[6, 6], [1, 4]])
    assert w.public == [12, 2, 3]
    cs.check(w.values)
    with pytest.raises(UnsatisfiedConstraint, match="assert_in_range"):
        cs.solve(total=12, limits=[2, 3], txs=[txs[0], {"amount": 7, "path": [4, 256, 6]}], grid=[[6, 6], [1, 4]])


def test_solve_rejects_malformed_inputs():
    cs = Batch(T=1, depth=1).compile()
    good = dict(total=1, limits=[1, 1], txs=[{"amount": 1, "path": [1]}], grid=[[1, 1]])
    cs.solve(**good)
    for change, message in (
        ({"limits": [1]}, "length 2"),
        ({"total": R}, r"input total = 0x.* outside \(-r, r\)"),
        ({"txs": [{"amount": 1}]}, "no member path"),
        ({"txs": [{"amount": 1, "path": ["1.0"]}]}, r"input txs\[0\]\.path\[0\] must be a decimal or 0x-hex"),
        ({"extra": 1}, "unexpected"),
    ):
        with pytest.raises(ValueError, match=message):
            cs.solve(**{**good, **change})
    with pytest.raises(ValueError, match="missing input grid"):
        cs.solve(**{k: v for k, v in good.items() if k != "grid"})
    assert cs.solve(**{**good, "total": -1, "txs": [{"amount": R - 1, "path": [1]}]}).public[0] == R - 1


@gadget("range8")
def range8(api, x):
    api.to_bits(x, 8)  # range8-line
    return x


class Labelled(Circuit):
    a: Secret
    b: Secret

    def define(self, api):
        with api.gadget("outer"):
            range8(api, self.a)
            api.assert_in_range(self.b, 8)
            api.assert_equal(api.less_than(self.a, self.b, 8), 1)  # lt-line
        api.assert_equal(api.is_zero(self.b), 0)


def test_gadget_labels_and_lines():
    cs = Labelled.compile()
    here = __file__
    labels = {cs.origin(i) for i in range(cs.n_constraints)}
    assert ("outer/range8/to_bits", line_of(here, "range8-line")) in labels
    assert ("outer/less_than", line_of(here, "lt-line")) in labels
    with pytest.raises(UnsatisfiedConstraint) as err:
        cs.solve(a=300, b=1)
    assert (err.value.gadget, err.value.location) == ("outer/range8/to_bits", line_of(here, "range8-line"))
    with pytest.raises(UnsatisfiedConstraint) as err:
        cs.solve(a=9, b=3)
    assert err.value.location == line_of(here, "lt-line")
    assert "a=9" in str(err.value) and "b=3" in str(err.value)


def test_library_gadgets_point_at_the_user_call_site():
    from zkprove.gadgets.poseidon import poseidon, poseidon_hash

    class Hash(Circuit):
        a: Secret[2]
        out: Public

        def define(self, api):
            api.assert_equal(poseidon(api, self.a) * 2, self.out)  # hash-call

    cs = Hash.compile()
    assert {cs.origin(i)[1] for i in range(cs.n_constraints)} == {line_of(__file__, "hash-call")}
    cs.check(cs.solve(a=[1, 2], out=2 * poseidon_hash([1, 2]) % R).values)
    with pytest.raises(UnsatisfiedConstraint) as err:
        cs.solve(a=[1, 2], out=0)
    assert err.value.location == line_of(__file__, "hash-call")


def test_failure_location_of_define_line():
    with pytest.raises(UnsatisfiedConstraint) as err:
        Cubic.compile().solve(x=3, y=36)
    assert (err.value.index, err.value.gadget) == (2, "main")
    assert err.value.location == line_of(__file__, "cubic-assert")
    assert "y=36" in str(err.value)


def test_evaluate_nested_values():
    assert evaluate(lambda api, xs, k: [[x * k for x in row] for row in xs], [[1, 2], [3, 4]], 3) == [[3, 6], [9, 12]]
    assert evaluate(lambda api, x, n: api.to_bits(x, n), 5, n=3) == [1, 0, 1]
