"""Poseidon Merkle trees: the plain tree, in-circuit root, membership and update, bad witnesses."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkprove import Circuit, Public, Secret
from zkprove.dsl import UnsatisfiedConstraint, evaluate
from zkprove.field.params import R
from zkprove.gadgets import (
    MerkleTree,
    assert_merkle_member,
    merkle_root,
    merkle_update,
    poseidon_hash,
    root_from_path,
    zero_hashes,
)

H00 = 14744269619966411208579211824598458697587494354926760081771325075741142829156  # circomlibjs poseidon([0, 0])


def test_empty_tree_roots_are_zero_subtree_hashes():
    assert zero_hashes(1)[1] == poseidon_hash([0, 0]) == H00
    assert MerkleTree(3).root == zero_hashes(3)[3] == poseidon_hash([poseidon_hash([H00, H00])] * 2)


def test_small_tree_by_hand():
    tree = MerkleTree(2, [1, 2, 3])
    assert tree.root == poseidon_hash([poseidon_hash([1, 2]), poseidon_hash([3, 0])])
    path = tree.path(2)
    assert path.elements == (0, poseidon_hash([1, 2])) and path.bits == (0, 1)
    assert root_from_path(3, path) == tree.root


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(0, R - 1), max_size=8), st.integers(0, 7), st.integers(0, R - 1))
def test_paths_and_updates_agree_with_a_rebuilt_tree(leaves, index, new_leaf):
    tree = MerkleTree(3, leaves)
    assert root_from_path(tree.leaf(index), tree.path(index)) == tree.root
    padded = leaves + [0] * (8 - len(leaves))
    padded[index] = new_leaf
    assert tree.set(index, new_leaf) == MerkleTree(3, padded).root


def test_tree_bounds():
    with pytest.raises(IndexError):
        MerkleTree(2).path(4)
    with pytest.raises(ValueError):
        MerkleTree(1, [1, 2, 3])


class Member(Circuit):
    """Knows a leaf and its path under the public root."""

    def __init__(self, depth: int):
        self.leaf = Secret()
        self.elements = Secret(depth)
        self.bits = Secret(depth)
        self.root = Public()

    def define(self, api):
        assert_merkle_member(api, self.leaf, self.elements, self.bits, self.root)


class Update(Circuit):
    """Replaces a leaf: the public old root becomes the public new root."""

    def __init__(self, depth: int):
        self.old_leaf, self.new_leaf = Secret(), Secret()
        self.elements = Secret(depth)
        self.bits = Secret(depth)
        self.old_root, self.new_root = Public(), Public()

    def define(self, api):
        new_root = merkle_update(api, self.old_leaf, self.new_leaf, self.elements, self.bits, self.old_root)
        api.assert_equal(new_root, self.new_root)


DEPTH = 16
TREE = MerkleTree(DEPTH, [11, 22, 33, 44, 55])
MEMBER = Member(DEPTH).compile()


def member_inputs(index: int) -> dict:
    path = TREE.path(index)
    return {"leaf": TREE.leaf(index), "elements": list(path.elements), "bits": list(path.bits), "root": TREE.root}


def test_depth16_membership_costs_242_per_level():
    """Bit check + select + Poseidon(2) per level: circom2 --O2's 3872 for the same path circuit."""
    assert MEMBER.n_constraints == 242 * DEPTH == 3872


@pytest.mark.parametrize("index", [0, 3, 4, (1 << DEPTH) - 1])
def test_membership_holds(index):
    assert MEMBER.solve(**member_inputs(index)).public == [TREE.root]


def test_wrong_sibling_fails_naming_the_gadget():
    inputs = member_inputs(3)
    inputs["elements"][5] = (inputs["elements"][5] + 1) % R
    with pytest.raises(UnsatisfiedConstraint, match="merkle/poseidon3"):
        MEMBER.solve(**inputs)


def test_wrong_path_bit_fails():
    inputs = member_inputs(3)
    inputs["bits"][0] ^= 1
    with pytest.raises(UnsatisfiedConstraint, match="merkle"):
        MEMBER.solve(**inputs)


def test_non_boolean_path_bit_fails():
    inputs = member_inputs(4)
    inputs["bits"][2] = 2
    with pytest.raises(UnsatisfiedConstraint, match="merkle/select"):
        MEMBER.solve(**inputs)


def test_wrong_leaf_fails():
    with pytest.raises(UnsatisfiedConstraint):
        MEMBER.solve(**{**member_inputs(1), "leaf": 23})


def test_in_circuit_root_matches_the_plain_tree():
    path = TREE.path(2)
    assert evaluate(merkle_root, 33, list(path.elements), list(path.bits)) == TREE.root


def test_update_reuses_the_path_and_its_bit_checks():
    cs = Update(DEPTH).compile()
    assert cs.n_constraints == DEPTH * (1 + 2 * 241) + 1
    tree = MerkleTree(DEPTH, [11, 22, 33])
    path, old_root = tree.path(1), tree.root
    new_root = tree.set(1, 99)
    inputs = {"elements": list(path.elements), "bits": list(path.bits), "old_root": old_root, "new_leaf": 99}
    cs.solve(old_leaf=22, new_root=new_root, **inputs)
    with pytest.raises(UnsatisfiedConstraint, match="merkle"):
        cs.solve(old_leaf=21, new_root=new_root, **inputs)
    with pytest.raises(UnsatisfiedConstraint):
        cs.solve(old_leaf=22, new_root=old_root, **inputs)


def test_path_shape_is_checked():
    with pytest.raises(ValueError, match="siblings"):
        evaluate(merkle_root, 1, [2, 3], [0])
