"""The gateway wire protocol: identities, signed headers, replay window, commitments, proof parsing."""

import os

import re

import pytest

from workers import gateway_protocol as gp
from workers.identity import Identity, IdentityError, load_identity, load_or_make, prover_id_of, verify

NOW = 1_800_000_000
PROOF = {"a": [1, 2], "b": [[3, 4], [5, 6]], "c": [7, 8]}


def signed(identity, method="POST", path="/v1/commit", body=b'{"x": 1}', at=NOW, nonce=None):
    return gp.sign_headers(identity, method, path, body, at=at, nonce=nonce)


def check(headers, method="POST", path="/v1/commit", body=b'{"x": 1}', now=NOW, nonces=None):
    return gp.check_headers(headers, method, path, body, gp.NonceStore() if nonces is None else nonces, now=now)


def test_key_file_round_trip_and_mode(tmp_path):
    me = Identity.generate()
    path = me.save(tmp_path / "me.pem")
    assert os.stat(path).st_mode & 0o777 == 0o600
    again = load_identity(path)
    assert again.prover_id == me.prover_id == prover_id_of(me.public_key)
    assert me.prover_id.startswith("ext-") and len(me.prover_id) == 20
    with pytest.raises(IdentityError, match="already exists"):
        me.save(path)
    assert load_or_make(path).prover_id == me.prover_id
    assert load_or_make(tmp_path / "new.pem").prover_id != me.prover_id


def test_key_file_refusals(tmp_path):
    with pytest.raises(IdentityError, match="no such key file"):
        load_identity(tmp_path / "absent.pem")
    (tmp_path / "junk.pem").write_text("not a key")
    with pytest.raises(IdentityError, match="not a PEM private key"):
        load_identity(tmp_path / "junk.pem")
    from Crypto.PublicKey import ECC
    (tmp_path / "p256.pem").write_text(ECC.generate(curve="P-256").export_key(format="PEM"))
    with pytest.raises(IdentityError, match="not Ed25519"):
        load_identity(tmp_path / "p256.pem")
    public = ECC.generate(curve="Ed25519").public_key().export_key(format="PEM")
    (tmp_path / "pub.pem").write_text(public)
    with pytest.raises(IdentityError, match="public key only"):
        load_identity(tmp_path / "pub.pem")
    (tmp_path / "dir.pem").mkdir()
    with pytest.raises(IdentityError, match="cannot read"):
        load_identity(tmp_path / "dir.pem")


def test_sign_and_verify():
    me, other = Identity.generate(), Identity.generate()
    sig = me.sign(b"hello")
    assert verify(me.public_key, b"hello", sig)
    assert not verify(other.public_key, b"hello", sig)
    assert not verify(me.public_key, b"hellO", sig)
    assert not verify(me.public_key, b"hello", sig[:-1])


RFC8032_TEST_1 = {  # RFC 8032, section 7.1, "TEST 1": the empty message
    "secret": "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "public": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "signature": "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
}


def test_signatures_match_rfc8032_and_pycryptodome(tmp_path):
    """The identity (OpenSSL through ``cryptography``) against RFC 8032's vector and pycryptodome's Ed25519:
    Ed25519 is deterministic, so both must give the same bytes; and a key file pycryptodome wrote loads."""
    from Crypto.PublicKey import ECC
    from Crypto.Signature import eddsa
    theirs = eddsa.import_private_key(bytes.fromhex(RFC8032_TEST_1["secret"]))
    (tmp_path / "rfc.pem").write_text(theirs.export_key(format="PEM"))
    me = load_identity(tmp_path / "rfc.pem")
    assert me.public_key.hex() == RFC8032_TEST_1["public"]
    assert me.sign(b"").hex() == RFC8032_TEST_1["signature"]
    assert verify(me.public_key, b"", bytes.fromhex(RFC8032_TEST_1["signature"]))
    other = ECC.generate(curve="Ed25519")
    message = os.urandom(200)
    assert verify(other.public_key().export_key(format="raw"), message, eddsa.new(other, "rfc8032").sign(message))
    mine = Identity.generate()
    eddsa.new(eddsa.import_public_key(mine.public_key), "rfc8032").verify(message, mine.sign(message))
    assert not verify(mine.public_key, message, eddsa.new(other, "rfc8032").sign(message))
    assert not verify(b"\xff" * 32, message, mine.sign(message))  # not a point on the curve


def test_signed_request_accepted_and_names_the_caller():
    me = Identity.generate()
    caller = check(signed(me))
    assert caller == gp.Caller(me.public_key, me.prover_id)


def test_wrong_key_and_tampering_refused():
    me, other = Identity.generate(), Identity.generate()
    headers = signed(me)
    swapped = dict(headers, **{"X-Zk-Key": other.public_key.hex()})
    assert check(swapped).code == "bad_signature"
    assert check(headers, body=b'{"x": 2}').code == "bad_signature"
    assert check(headers, path="/v1/reveal").code == "bad_signature"
    assert check(headers, method="GET").code == "bad_signature"
    moved = dict(headers, **{"X-Zk-Time": str(NOW + 1)})
    assert check(moved).code == "bad_signature"
    assert check(headers).prover_id == me.prover_id


def test_missing_or_misshapen_headers_refused():
    headers = signed(Identity.generate())
    for name in gp.HEADERS:
        partial = {k: v for k, v in headers.items() if k != name}
        assert check(partial).code == "unsigned"
    assert check(dict(headers, **{"X-Zk-Key": "zz" * 32})).code == "unsigned"
    assert check(dict(headers, **{"X-Zk-Signature": "ab"})).code == "unsigned"
    assert check(dict(headers, **{"X-Zk-Time": "soon"})).code == "unsigned"
    assert check(dict(headers, **{"X-Zk-Nonce": "x" * 32})).code == "unsigned"


def test_clock_window_edges():
    me = Identity.generate()
    w = gp.CLOCK_WINDOW_S
    assert isinstance(check(signed(me, at=NOW - w)), gp.Caller)
    assert isinstance(check(signed(me, at=NOW + w)), gp.Caller)
    assert check(signed(me, at=NOW - w - 1)).code == "stale_timestamp"
    assert check(signed(me, at=NOW + w + 1)).code == "stale_timestamp"


def test_replay_refused_within_window_and_store_bounded():
    me, other = Identity.generate(), Identity.generate()
    nonces = gp.NonceStore()
    headers = signed(me)
    assert isinstance(check(headers, nonces=nonces), gp.Caller)
    assert check(headers, nonces=nonces).code == "replayed_nonce"
    # another key may use the same nonce value: nonces are per key
    assert isinstance(check(signed(other, nonce=headers["X-Zk-Nonce"]), nonces=nonces), gp.Caller)
    # past the window the old nonce is forgotten, and the old time is stale anyway
    later = NOW + 2 * gp.CLOCK_WINDOW_S + 1
    assert not nonces.seen(me.public_key, headers["X-Zk-Nonce"], later)
    assert check(headers, nonces=nonces, now=later).code == "stale_timestamp"
    nonces.sweep(later)
    assert len(nonces) == 0
    small = gp.NonceStore(per_key=3)
    for _ in range(3):
        assert isinstance(check(signed(me), nonces=small), gp.Caller)
    assert check(signed(me), nonces=small).code == "rate_limited"
    assert isinstance(check(signed(other), nonces=small), gp.Caller)
    assert isinstance(check(signed(me, at=later), nonces=small, now=later), gp.Caller)
    assert len(small) == 2


def test_forged_request_does_not_burn_the_nonce():
    me, other = Identity.generate(), Identity.generate()
    nonces = gp.NonceStore()
    genuine = signed(me)
    forged = dict(genuine, **{"X-Zk-Signature": other.sign(b"x").hex()})
    assert check(forged, nonces=nonces).code == "bad_signature"
    assert isinstance(check(genuine, nonces=nonces), gp.Caller)


def test_commitment_binds_identity_job_attempt_and_proof():
    me, other = Identity.generate(), Identity.generate()
    base = gp.commitment(me.public_key, 7, 1, PROOF)
    assert base == gp.commitment(me.public_key, 7, 1, gp.parse_proof(gp.proof_to_wire(PROOF)))
    assert len(bytes.fromhex(base)) == 32
    changed = [gp.commitment(other.public_key, 7, 1, PROOF), gp.commitment(me.public_key, 8, 1, PROOF),
               gp.commitment(me.public_key, 7, 2, PROOF),
               gp.commitment(me.public_key, 7, 1, dict(PROOF, c=[7, 9]))]
    assert len({base, *changed}) == 5
    assert len(gp.canonical_proof_bytes(PROOF)) == 8 * 32


def test_parse_proof_accepts_ints_and_decimal_strings():
    assert gp.parse_proof(PROOF) == PROOF
    assert gp.parse_proof(gp.proof_to_wire(PROOF)) == PROOF
    mixed = {"a": ["1", 2], "b": [[3, "4"], ["5", 6]], "c": [7, "8"]}
    assert gp.parse_proof(mixed) == PROOF


@pytest.mark.parametrize("bad, words", [
    ([1, 2], "exactly the keys"),
    ({"a": [1, 2], "b": [[3, 4], [5, 6]]}, "exactly the keys"),
    (dict(PROOF, extra=1), "exactly the keys"),
    (dict(PROOF, a=[1]), "a: expected a list of two"),
    (dict(PROOF, b=[[3, 4]]), "b: expected a list of two"),
    (dict(PROOF, b=[[3, 4], 5]), r"b\[1\]: expected a list of two"),
    (dict(PROOF, a=[1.0, 2]), r"a\[0\]: expected an integer"),
    (dict(PROOF, a=[True, 2]), r"a\[0\]: a boolean"),
    (dict(PROOF, c=[7, "0x8"]), r"c\[1\]: a string that is not a decimal"),
    (dict(PROOF, c=[7, "-8"]), r"c\[1\]: a string that is not a decimal"),
    (dict(PROOF, c=[7, -8]), r"c\[1\]: outside the base field"),
    (dict(PROOF, c=[7, gp.P]), r"c\[1\]: outside the base field"),
    (dict(PROOF, c=[7, None]), r"c\[1\]: expected an integer"),
])
def test_parse_proof_refusals_say_what(bad, words):
    with pytest.raises(gp.Refusal, match=words) as caught:
        gp.parse_proof(bad)
    assert caught.value.code == "malformed" and caught.value.status == 400


def test_refusal_vocabulary_is_closed():
    assert gp.Refusal("past_deadline", "late").body() == {"error": "late", "code": "past_deadline"}
    with pytest.raises(ValueError, match="unknown refusal code"):
        gp.Refusal("oops", "no such code")
    assert all(400 <= status < 600 for status in gp.CODES.values())


def test_framed_work_answer_round_trip_and_refusals():
    answer = {"service": "s", "assignments": [{"job_id": 1, "witness_size": 3}, {"job_id": 2, "witness_size": 0}]}
    data = gp.frame_work(answer, [b"abc", b""])
    assert gp.unframe_work(data) == (answer, [b"abc", b""])
    assert gp.unframe_work(gp.frame_work({"service": "s", "assignments": []}, [])) == (
        {"service": "s", "assignments": []}, [])
    header = len(data) - 3
    for bad, words in [(data[:3], "at least 4 bytes"), (b"\xff" + data[1:], "claims bytes 4.."),
                       (data[:-1], f"a witness of 3 bytes at byte offset {header} runs past"),
                       (data + b"x", "1 bytes after the last witness"),
                       (gp.frame_work({"service": "s"}, []), "is not a work answer")]:
        with pytest.raises(ValueError, match=re.escape(words)):
            gp.unframe_work(bad)
