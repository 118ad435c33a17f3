"""A phase-2 chain that mixes snarkjs and zkprove on one .zkey, checked by both tools, and proofs under it.

snarkjs sets up from a test-made powers of tau and contributes; zkprove
contributes; a beacon ends the chain (snarkjs's in one run, zkprove's in the
other). ``snarkjs zkey verify`` and ``zkprove zkey verify`` both accept the
result, both provers' proofs verify under its key, and a key whose H point
was swapped is refused by both.
"""

import re
from pathlib import Path

import pytest
from helpers.circuits import INPUTS, Cubic, TwoPublic
from helpers.node import ToolError, node_marks, snarkjs
from typer.testing import CliRunner

from zkprove import groth16
from zkprove.cli import app
from zkprove.formats.r1cs_file import write_r1cs
from zkprove.formats.snarkjs_json import read_proof, read_public, read_verifying_key, write_proof, write_public
from zkprove.formats.wtns_file import write_wtns
from zkprove.formats.zkey_file import read_zkey
from zkprove.l1.verifier import verify

pytestmark = node_marks("snarkjs")
BEACON = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
_HASH_LINES = re.compile(r"contribution #\d+ (\S+):\s+((?:[0-9a-f]{8}\s+){16})")


def zkprove(*args: str | Path) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def chain(small_ptau, tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("zkey-chain")
    cs = TwoPublic.compile()
    write_r1cs(cs, work / "c.r1cs")
    write_wtns(cs.solve(**INPUTS[TwoPublic]).values, work / "w.wtns")
    snarkjs("groth16", "setup", work / "c.r1cs", small_ptau, work / "k0.zkey")
    snarkjs("zkey", "contribute", work / "k0.zkey", work / "k1.zkey", "-n=snarkjs", "-e=interop entropy")
    zkprove("zkey", "contribute", work / "k1.zkey", work / "k2.zkey", "--name", "zkprove")
    snarkjs("zkey", "beacon", work / "k2.zkey", work / "k3.zkey", BEACON, "10", "-n=snarkjs beacon")
    zkprove("zkey", "beacon", work / "k2.zkey", work / "k3z.zkey", BEACON, "10", "--name", "zkprove beacon")
    return work


def snarkjs_hashes(output: str) -> dict[str, str]:
    return {name: "".join(digits.split()) for name, digits in _HASH_LINES.findall(output)}


@pytest.mark.parametrize("final", ["k3.zkey", "k3z.zkey"])
def test_snarkjs_verifies_a_chain_with_our_contribution(small_ptau, chain, final):
    output = snarkjs("zkey", "verify", chain / "c.r1cs", small_ptau, chain / final)
    assert "ZKey Ok!" in output
    hashes = snarkjs_hashes(output)
    assert set(hashes) >= {"snarkjs", "zkprove"}
    assert [c.hash().hex() for c in _contributions(chain / final)][1] == hashes["zkprove"]


@pytest.mark.parametrize("final", ["k3.zkey", "k3z.zkey"])
def test_we_verify_the_mixed_chain_as_snarkjs_does(small_ptau, chain, final):
    theirs = snarkjs_hashes(snarkjs("zkey", "verify", chain / "c.r1cs", small_ptau, chain / final))
    output = zkprove("zkey", "verify", chain / "c.r1cs", small_ptau, chain / final)
    assert "OK:" in output and "by 3 contribution(s)" in output
    ours = dict(re.findall(r"#\d+ \w+ '([^']*)': ([0-9a-f]{128})", output))
    assert ours["snarkjs"] == theirs["snarkjs"] and ours["zkprove"] == theirs["zkprove"]


def test_zkey_verify_refuses_another_circuit(small_ptau, chain, tmp_path):
    write_r1cs(Cubic.compile(), tmp_path / "other.r1cs")
    result = CliRunner().invoke(app, ["zkey", "verify", str(tmp_path / "other.r1cs"), str(small_ptau),
                                      str(chain / "k3.zkey")])
    assert result.exit_code == 1, result.output
    assert "INVALID: its circuit hash differs" in result.output


def _contributions(path: Path):
    from zkprove.ceremony.zkey_phase2 import read_record

    return read_record(read_zkey(path).mpc)[1]


def test_our_beacon_is_snarkjs_s(chain):
    """The same beacon on the same key yields the same contribution in both tools (it has no secret)."""
    ours, theirs = _contributions(chain / "k3z.zkey")[-1], _contributions(chain / "k3.zkey")[-1]
    assert ours.transcript == theirs.transcript
    assert (ours.delta_after == theirs.delta_after).all()


def test_both_provers_prove_under_the_mixed_key(chain):
    key = read_zkey(chain / "k3.zkey")
    snarkjs("zkey", "export", "verificationkey", chain / "k3.zkey", chain / "vk.json")
    from zkprove.formats.wtns_file import read_wtns

    values = read_wtns(chain / "w.wtns")
    proof = groth16.prove(key.pk, values)
    write_proof(chain / "ours.json", proof)
    write_public(chain / "public.json", values[1 : 1 + key.pk.n_public])
    assert "OK" in snarkjs("groth16", "verify", chain / "vk.json", chain / "public.json", chain / "ours.json")
    snarkjs("groth16", "prove", chain / "k3.zkey", chain / "w.wtns", chain / "theirs.json", chain / "theirs_public.json")
    vk = read_verifying_key(chain / "vk.json")
    public = read_public(chain / "theirs_public.json")
    assert verify(vk, public, read_proof(chain / "theirs.json")).ok
    assert not verify(vk, [public[0] + 1, *public[1:]], read_proof(chain / "theirs.json")).ok


def test_a_key_with_a_swapped_h_point_is_refused(small_ptau, chain, tmp_path):
    data = bytearray((chain / "k3.zkey").read_bytes())
    key = read_zkey(bytes(data))
    first, second = (key.pk.h_query[i].astype("<u8").tobytes() for i in (0, 1))
    at = data.find(first)
    data[at : at + 64] = second
    (tmp_path / "bad.zkey").write_bytes(bytes(data))
    with pytest.raises(ToolError):
        snarkjs("zkey", "verify", chain / "c.r1cs", small_ptau, tmp_path / "bad.zkey")
    result = CliRunner().invoke(app, ["zkey", "verify", str(chain / "c.r1cs"), str(small_ptau), str(tmp_path / "bad.zkey")])
    assert result.exit_code == 1
    assert "INVALID: every h_query point is the initial one divided by delta does not hold" in result.output
