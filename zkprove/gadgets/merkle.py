"""Binary Merkle trees over Poseidon(2): a plain-Python tree and in-circuit path gadgets.

A node is ``poseidon_hash([left, right])``; an empty leaf is 0, so an empty
subtree of height h has the root ``zero_hashes(h)[h]``. A path for leaf
``index`` lists the siblings from the leaf up, with path bit i = bit i of the
index: 0 when the running node is the left child, 1 when it is the right one.
This matches the usual circom Merkle circuit (a Switcher per level selecting
(node, sibling) or (sibling, node), then Poseidon(2); tests/circom/merkle16.circom).

In-circuit cost per level: 1 constraint to check the path bit is 0 or 1,
1 for the select (the other child is then linear: node + sibling − left)
and 240 for Poseidon(2): 242, like circom2 --O2 on that circuit. Membership
folds the root comparison into the last hash (:func:`assert_poseidon`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from ..dsl import API, Var
from ..dsl.var import Operand
from .poseidon import assert_poseidon, poseidon, poseidon_hash


@cache
def zero_hashes(depth: int) -> tuple[int, ...]:
    """Roots of empty subtrees of height 0..depth (height 0: the empty leaf, 0)."""
    zeros = [0]
    for _ in range(depth):
        zeros.append(poseidon_hash([zeros[-1], zeros[-1]]))
    return tuple(zeros)


@dataclass(frozen=True)
class MerklePath:
    """Siblings from the leaf up, and the index bits saying which side the running node is on."""

    elements: tuple[int, ...]
    bits: tuple[int, ...]


def root_from_path(leaf: int, path: MerklePath) -> int:
    """The root reached by hashing ``leaf`` up along ``path``."""
    node = leaf
    for sibling, bit in zip(path.elements, path.bits):
        node = poseidon_hash([sibling, node] if bit else [node, sibling])
    return node


class MerkleTree:
    """A sparse binary Poseidon tree of fixed depth: only set leaves and their ancestors are stored.

    Setting a leaf rehashes its path (``depth`` hashes); an empty depth-32
    tree costs nothing beyond the 32 zero-subtree hashes.
    """

    def __init__(self, depth: int, leaves: Sequence[int] = ()):
        if not 1 <= depth <= 64:
            raise ValueError(f"depth must be in 1..64, got {depth}")
        if len(leaves) > 1 << depth:
            raise ValueError(f"{len(leaves)} leaves do not fit a depth-{depth} tree")
        self.depth = depth
        self._zeros = zero_hashes(depth)
        self._levels: list[dict[int, int]] = [{} for _ in range(depth + 1)]
        for index, leaf in enumerate(leaves):
            self._levels[0][index] = leaf
        parents = set(range(len(leaves)))
        for level in range(depth):
            parents = {i >> 1 for i in parents}
            for i in parents:
                self._levels[level + 1][i] = self._hash_children(level, i)

    def node(self, level: int, index: int) -> int:
        return self._levels[level].get(index, self._zeros[level])

    def _hash_children(self, level: int, index: int) -> int:
        return poseidon_hash([self.node(level, 2 * index), self.node(level, 2 * index + 1)])

    @property
    def root(self) -> int:
        return self.node(self.depth, 0)

    def leaf(self, index: int) -> int:
        return self.node(0, self._check(index))

    def path(self, index: int) -> MerklePath:
        """The authentication path of leaf ``index``."""
        self._check(index)
        elements = tuple(self.node(level, (index >> level) ^ 1) for level in range(self.depth))
        return MerklePath(elements, tuple((index >> level) & 1 for level in range(self.depth)))

    def set(self, index: int, leaf: int) -> int:
        """Replace leaf ``index`` and return the new root."""
        self._levels[0][self._check(index)] = leaf
        for level in range(self.depth):
            index >>= 1
            self._levels[level + 1][index] = self._hash_children(level, index)
        return self.root

    def _check(self, index: int) -> int:
        if not 0 <= index < 1 << self.depth:
            raise IndexError(f"leaf index {index} outside a depth-{self.depth} tree")
        return index


def merkle_root(api: API, leaf: Operand, path_elements: Sequence[Operand], path_index_bits: Sequence[Operand]) -> Var:
    """In-circuit: the root reached from ``leaf`` along the path; 242 constraints per level.

    Unsatisfiable when a path bit is neither 0 nor 1.
    """
    with api.gadget("merkle"):
        return poseidon(api, _top_children(api, leaf, path_elements, path_index_bits))


def assert_merkle_member(
    api: API, leaf: Operand, path_elements: Sequence[Operand], path_index_bits: Sequence[Operand], root: Operand
) -> None:
    """In-circuit: ``leaf`` sits in the tree with ``root`` at the position the bits give.

    242 constraints per level, the root comparison included. Unsatisfiable
    when a bit is not boolean or a sibling, a bit or the leaf is wrong.
    """
    with api.gadget("merkle"):
        assert_poseidon(api, _top_children(api, leaf, path_elements, path_index_bits), root)


def merkle_update(
    api: API,
    old_leaf: Operand,
    new_leaf: Operand,
    path_elements: Sequence[Operand],
    path_index_bits: Sequence[Operand],
    old_root: Operand,
) -> Var:
    """In-circuit leaf update: check ``old_leaf`` under ``old_root`` and return the root
    with ``new_leaf`` in its place, both along the one path (the bits are checked once).

    2·241 + 1 constraints per level. Unsatisfiable when the old leaf is not a member.
    """
    assert_merkle_member(api, old_leaf, path_elements, path_index_bits, old_root)
    return merkle_root(api, new_leaf, path_elements, path_index_bits)


def _top_children(api: API, leaf: Operand, elements: Sequence[Operand], bits: Sequence[Operand]) -> list[Operand]:
    """Hash up to just below the root; return the root's two children."""
    if len(elements) != len(bits) or not elements:
        raise ValueError(f"a Merkle path needs as many siblings as bits, at least one: {len(elements)} and {len(bits)}")
    node = leaf
    for sibling, bit in zip(elements[:-1], bits[:-1]):
        node = poseidon(api, _children(api, node, sibling, bit))
    return _children(api, node, elements[-1], bits[-1])


def _children(api: API, node: Operand, sibling: Operand, bit: Operand) -> list[Operand]:
    """(node, sibling) when bit is 0, (sibling, node) when 1: one select, the right child is linear."""
    left = api.select(bit, sibling, node)
    return [left, node + sibling - left]
