"""Standard-library gadgets: Poseidon (circomlib-compatible) and Poseidon Merkle trees.

Each gadget comes as a plain-Python function (the reference model) and as an
in-circuit function taking the DSL's ``api`` first.
"""

from .merkle import (
    MerklePath,
    MerkleTree,
    assert_merkle_member,
    merkle_root,
    merkle_update,
    root_from_path,
    zero_hashes,
)
from .poseidon import assert_poseidon, permute, poseidon, poseidon_ex, poseidon_ex_circuit, poseidon_hash
from .poseidon_constants import PoseidonParams, poseidon_params

__all__ = [
    "MerklePath",
    "MerkleTree",
    "PoseidonParams",
    "assert_merkle_member",
    "assert_poseidon",
    "merkle_root",
    "merkle_update",
    "permute",
    "poseidon",
    "poseidon_ex",
    "poseidon_ex_circuit",
    "poseidon_hash",
    "poseidon_params",
    "root_from_path",
    "zero_hashes",
]
