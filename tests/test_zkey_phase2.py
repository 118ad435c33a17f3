"""snarkjs-form phase-2 contributions: the seeded points, the section-10 record, and the chain checks.

The reference values (``tests/vectors/snarkjs_phase2.json``) were written by
snarkjs and ffjavascript themselves (``make_snarkjs_phase2_vectors.js``), so
these tests pin byte compatibility without node. The round trip with the
tools is in ``test_zkey_ceremony_interop.py``.
"""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from zkprove.ceremony.snarkjs_stream import SeededStream, beacon_seed, g1_from_stream, hash_to_g2, scalar_from_stream
from zkprove.ceremony.zkey_phase2 import Beacon, chain_problem, contribute, read_record, record_bytes
from zkprove.curve import G1, G2
from zkprove.formats.binfile import FormatError

VECTORS = json.loads((Path(__file__).parent / "vectors" / "snarkjs_phase2.json").read_text())
CHAIN = VECTORS["chain"]


def _ints(point):
    return [[int(c) for c in coordinate] if isinstance(coordinate, list) else int(coordinate) for coordinate in point]


@pytest.fixture(scope="module")
def snarkjs_chain():
    circuit_hash, contributions = read_record(bytes.fromhex(CHAIN["section_10"]))
    return circuit_hash, contributions


@pytest.mark.parametrize("case", VECTORS["hash_to_g2"], ids=lambda c: c["digest"][:8])
def test_hash_to_g2_is_snarkjs_s(case):
    point = G2.to_py_ecc(hash_to_g2(bytes.fromhex(case["digest"]))[None])[0]
    assert [[int(c) for c in coordinate.coeffs] for coordinate in point] == _ints(case["point"])


@pytest.mark.parametrize("case", VECTORS["beacons"], ids=lambda c: c["hash"][:8])
def test_beacon_secret_and_blinding_are_snarkjs_s(case):
    stream = SeededStream(beacon_seed(bytes.fromhex(case["hash"]), case["iterations_exp"]))
    assert scalar_from_stream(stream) == int(case["secret"])
    x, y = G1.to_py_ecc(g1_from_stream(stream)[None])[0]
    assert [int(x), int(y)] == _ints(case["s_g1"])


def test_seeded_stream_refuses_a_bad_seed():
    with pytest.raises(ValueError, match="eight 32-bit words"):
        SeededStream((1, 2, 3))


def test_snarkjs_chain_reads_hashes_and_verifies(snarkjs_chain):
    circuit_hash, contributions = snarkjs_chain
    assert circuit_hash.hex() == CHAIN["circuit_hash"]
    assert [c.hash().hex() for c in contributions] == CHAIN["contribution_hashes"]
    assert [c.name for c in contributions] == ["first", "final"]
    assert contributions[0].beacon is None and contributions[1].beacon.iterations_exp == 10
    assert record_bytes(circuit_hash, contributions) == bytes.fromhex(CHAIN["section_10"])
    assert chain_problem(circuit_hash, contributions) is None


def test_a_contribution_appended_to_snarkjs_chain_verifies(snarkjs_chain):
    circuit_hash, contributions = snarkjs_chain
    delta_g1 = contributions[-1].delta_after
    points = G1.scalar_mul(G1.generator(), [5, 7, 11])
    update = contribute(circuit_hash, contributions, delta_g1, G2.generator()[0], points[:2], points[2:], name="ours",
                        secret=12345)
    assert np.array_equal(update.delta_g1, G1.scalar_mul(delta_g1[None], [12345])[0])
    assert np.array_equal(G1.scalar_mul(update.l_query, [12345, 12345]), points[:2])
    chain = [*contributions, update.contribution]
    assert chain_problem(circuit_hash, chain) is None
    again_hash, again = read_record(record_bytes(circuit_hash, chain))
    assert again_hash == circuit_hash and [c.hash() for c in again] == [c.hash() for c in chain]


def test_tampered_chains_are_refused_naming_the_step(snarkjs_chain):
    circuit_hash, (first, final) = snarkjs_chain
    other_hash = bytes(64)
    assert "contribution 1 ('first'): its transcript" in chain_problem(other_hash, [first, final])
    doubled = G2.scalar_mul(first.spx_g2[None], [2])[0]
    assert "proof of knowledge" in chain_problem(circuit_hash, [replace(first, spx_g2=doubled)])
    wrong_delta = G1.scalar_mul(first.delta_after[None], [2])[0]
    problem = chain_problem(circuit_hash, [replace(first, delta_after=wrong_delta)])
    assert "contribution 1 ('first'): the new delta" in problem
    other_beacon = Beacon(b"\x02" * 32, 10)
    assert "does not follow from the beacon" in chain_problem(circuit_hash, [first, replace(final, beacon=other_beacon)])


def test_malformed_records_name_the_field_and_offset():
    record = bytes.fromhex(CHAIN["section_10"])
    with pytest.raises(FormatError, match=r"offset 64: contribution count needs 4 bytes"):
        read_record(record[:66])
    with pytest.raises(FormatError, match=r"contribution 1 G1 .*needs 192 bytes"):
        read_record(record[:100])
    off_curve = bytearray(record)
    off_curve[68] ^= 1
    with pytest.raises(FormatError, match=r"offset 68: contribution 1 G1 point 0 is not on the G1 curve"):
        read_record(bytes(off_curve))
    first_parameters = 68 + 3 * 64 + 128 + 64 + 8
    reordered = bytearray(record)
    reordered[first_parameters] = 3
    with pytest.raises(FormatError, match=r"contribution 1: type 0 with parameters \[3\]"):
        read_record(bytes(reordered))
    with pytest.raises(FormatError, match="trailing"):
        read_record(record + b"\0")


def test_beacon_parameters_are_checked():
    with pytest.raises(ValueError, match="exponent"):
        Beacon(b"\1", 9)
    with pytest.raises(ValueError, match="1 to 255 bytes"):
        Beacon(b"", 10)
