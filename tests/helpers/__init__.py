"""Plain helpers the test modules import by name: circuits, corpora of damaged files, node and EVM tools.

They are functions and constants, not fixtures, because tests use them at
collection time (``parametrize`` lists, ``pytestmark`` skips) or call them
with arguments; the fixtures they feed live in ``tests/conftest.py``.

* :mod:`.circuits`: the small Groth16 circuits (Cubic, TwoPublic, ...) and their inputs;
* :mod:`.simulator`: the Groth16 trapdoor simulator that forges statements for the verifier tests;
* :mod:`.damaged_files`, :mod:`.damaged_json`, :mod:`.damaged_npz`, :mod:`.damaged_snarkjs`:
  the seeded corpora of damaged files, each case with the words its refusal must name;
* :mod:`.fuzz`: the check every format fuzz test makes on a refusal;
* :mod:`.node`, :mod:`.evm`: running snarkjs, circom2 and solc, and an in-process EVM;
* :mod:`.dsl`: constraint costs, hint tampering and source lines for the DSL tests;
* :mod:`.rollup`: the rollup tests' keys and genesis state.
"""
