"""Read and write snarkjs's Groth16 JSON: ``proof.json``, ``public.json``, ``verification_key.json``.

snarkjs (0.7) writes numbers as decimal strings and points in projective
form, always normalised: G1 as ``[x, y, "1"]``, G2 as
``[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]`` with c0 the real part, and the
point at infinity with z = 0 (``["0", "1", "0"]``). Note the Fq2 order: real
first, as in :mod:`zkprove.groth16.data`, the opposite of the EVM's (EIP-197).

* ``proof.json``: ``pi_a``, ``pi_b``, ``pi_c``, ``protocol: "groth16"``,
  ``curve: "bn128"`` (rapidsnark leaves ``curve`` out; when present it is checked);
* ``public.json``: the public signals, a list of decimal strings;
* ``verification_key.json``: ``protocol``, ``curve``, ``nPublic``,
  ``vk_alpha_1``, ``vk_beta_2``, ``vk_gamma_2``, ``vk_delta_2``,
  ``vk_alphabeta_12``, ``IC``.

``vk_alphabeta_12`` is e(alpha, beta), derived data: the reader ignores it
and the writer computes it the way snarkjs does (see :func:`alphabeta_12`).

The proof and public-input readers take values as they come (a coordinate
>= p is the verifier's to reject, with its reason) but refuse what cannot
be a Groth16 file at all, raising :class:`SnarkjsFormatError` with the file
and the field; the key reader also refuses a key the verifier cannot use.
Files are parsed within the size, depth and digit limits of
:mod:`zkprove.formats.bounded_json`.
"""

import json
import re
from collections.abc import Sequence
from os import PathLike
from typing import Any

from zkprove.groth16.data import G1, G1_INFINITY, G2, G2_INFINITY, Proof, VerifyingKey
from zkprove.formats.bounded_json import read_json
from zkprove.l1.arithmetic import bn
from zkprove.l1.curve import P, to_py_ecc_g1, to_py_ecc_g2
from zkprove.l1.verifier import key_error

PROTOCOL = "groth16"
CURVE = "bn128"
#: Names snarkjs's ``getCurveFromName`` accepts for BN254.
CURVE_ALIASES = ("bn128", "bn254", "alt_bn128")

#: BN254's curve parameter x (p and r are polynomials in it).
BN_X = 4965661367192848881
#: ffjavascript's final exponentiation (Fuentes-Castaneda et al.) returns the
#: reduced pairing raised to 2x(6x^2 + 3x + 1); snarkjs stores e(alpha, beta)
#: in that form.
SNARKJS_PAIRING_POWER = 2 * BN_X * (6 * BN_X * BN_X + 3 * BN_X + 1)


_DECIMAL = re.compile(r"0|[1-9][0-9]{0,77}")
_HEX = re.compile(r"0[xX][0-9a-fA-F]{1,64}")


class SnarkjsFormatError(ValueError):
    """A snarkjs JSON document that cannot be a Groth16 proof, key or input list."""


def _integer(value: Any, where: str) -> int:
    """A uint256 from a JSON integer or a string: canonical decimal (snarkjs) or 0x-hex.

    The string forms are bounded (78 decimal or 64 hex digits, enough for any
    uint256) before ``int`` sees them, so no value can hit Python's
    4,300-digit conversion limit or cost quadratic time.
    """
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        number = int(value)
    elif isinstance(value, str) and _HEX.fullmatch(value):
        number = int(value, 16)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise SnarkjsFormatError(
            f"{where}: expected a non-negative decimal integer (canonical, at most 78 digits) "
            f"or 0x-hex (at most 64 digits), got {value!r:.80}"
        )
    if number < 0:
        raise SnarkjsFormatError(f"{where}: expected a non-negative integer, got {number}")
    if number >= 1 << 256:
        raise SnarkjsFormatError(f"{where}: {number} does not fit in 256 bits")
    return number


def _list(value: Any, length: int, where: str) -> list:
    if not isinstance(value, list) or len(value) != length:
        raise SnarkjsFormatError(f"{where}: expected a list of {length}, got {value!r}")
    return value


def _field(document: Any, key: str, where: str) -> Any:
    if not isinstance(document, dict):
        raise SnarkjsFormatError(f"{where}: expected a JSON object")
    if key not in document:
        raise SnarkjsFormatError(f"{where}: missing field {key!r}")
    return document[key]


def _g1(value: Any, where: str) -> G1:
    x, y, z = (_integer(v, f"{where}[{i}]") for i, v in enumerate(_list(value, 3, where)))
    if z == 0:
        return G1_INFINITY
    if z != 1:
        raise SnarkjsFormatError(f"{where}: expected z = 1 (affine) or z = 0 (infinity), got z = {z}")
    return (x, y)


def _fq2(value: Any, where: str) -> tuple[int, int]:
    re, im = (_integer(v, f"{where}[{i}]") for i, v in enumerate(_list(value, 2, where)))
    return (re, im)


def _g2(value: Any, where: str) -> G2:
    x, y, z = (_fq2(v, f"{where}[{i}]") for i, v in enumerate(_list(value, 3, where)))
    if z == (0, 0):
        return G2_INFINITY
    if z != (1, 0):
        raise SnarkjsFormatError(f"{where}: expected z = [1, 0] (affine) or [0, 0] (infinity), got {list(z)}")
    return (x, y)


def _check_header(document: Any, where: str, curve_optional: bool = False) -> None:
    protocol = _field(document, "protocol", where)
    if protocol != PROTOCOL:
        raise SnarkjsFormatError(f"{where}: protocol is {protocol!r}, expected {PROTOCOL!r}")
    if curve_optional and "curve" not in document:
        return
    curve = _field(document, "curve", where)
    if curve not in CURVE_ALIASES:
        raise SnarkjsFormatError(f"{where}: curve is {curve!r}, expected BN254 ({CURVE!r})")


def _g1_json(point: G1) -> list[str]:
    return ["0", "1", "0"] if point == G1_INFINITY else [str(point[0]), str(point[1]), "1"]


def _g2_json(point: G2) -> list[list[str]]:
    if point == G2_INFINITY:
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    return [[str(c) for c in point[0]], [str(c) for c in point[1]], ["1", "0"]]


def proof_from_json(document: Any, where: str = "proof.json") -> Proof:
    """A :class:`Proof` from a parsed ``proof.json`` (snarkjs's, or rapidsnark's without ``curve``)."""
    _check_header(document, where, curve_optional=True)
    return Proof(
        a=_g1(_field(document, "pi_a", where), f"{where}: pi_a"),
        b=_g2(_field(document, "pi_b", where), f"{where}: pi_b"),
        c=_g1(_field(document, "pi_c", where), f"{where}: pi_c"),
    )


def proof_to_json(proof: Proof) -> dict:
    """``proof.json`` content, key order as snarkjs writes it."""
    return {
        "pi_a": _g1_json(proof.a),
        "pi_b": _g2_json(proof.b),
        "pi_c": _g1_json(proof.c),
        "protocol": PROTOCOL,
        "curve": CURVE,
    }


def public_from_json(document: Any, where: str = "public.json") -> list[int]:
    """The public inputs from a parsed ``public.json``."""
    if not isinstance(document, list):
        raise SnarkjsFormatError(f"{where}: expected a list of public signals")
    return [_integer(v, f"{where}[{i}]") for i, v in enumerate(document)]


def public_to_json(public_inputs: Sequence[int]) -> list[str]:
    """``public.json`` content."""
    return [str(x) for x in public_inputs]


def verifying_key_from_json(document: Any, where: str = "verification_key.json") -> VerifyingKey:
    """A :class:`VerifyingKey` from a parsed ``verification_key.json``; nPublic must match IC.

    Unlike a proof, a key is refused here when the verifier could not use it
    (:func:`zkprove.l1.verifier.key_error`: points off the curve or outside the
    subgroup, and keys under which anyone can forge a proof).
    """
    _check_header(document, where)
    ic_json = _field(document, "IC", where)
    if not isinstance(ic_json, list) or not ic_json:
        raise SnarkjsFormatError(f"{where}: IC must be a non-empty list of G1 points")
    n_public = _integer(_field(document, "nPublic", where), f"{where}: nPublic")
    if n_public != len(ic_json) - 1:
        raise SnarkjsFormatError(f"{where}: nPublic is {n_public} but IC has {len(ic_json)} points")
    vk = VerifyingKey(
        alpha_g1=_g1(_field(document, "vk_alpha_1", where), f"{where}: vk_alpha_1"),
        beta_g2=_g2(_field(document, "vk_beta_2", where), f"{where}: vk_beta_2"),
        gamma_g2=_g2(_field(document, "vk_gamma_2", where), f"{where}: vk_gamma_2"),
        delta_g2=_g2(_field(document, "vk_delta_2", where), f"{where}: vk_delta_2"),
        ic=[_g1(point, f"{where}: IC[{i}]") for i, point in enumerate(ic_json)],
    )
    problem = key_error(vk)
    if problem is not None:
        raise SnarkjsFormatError(f"{where}: {problem}")
    return vk


def alphabeta_12(alpha: G1, beta: G2) -> list[list[list[str]]]:
    """``vk_alphabeta_12``: e(alpha, beta) as snarkjs computes and lays it out.

    The value is py_ecc's pairing raised to :data:`SNARKJS_PAIRING_POWER`.
    py_ecc writes Fq12 over Fq as sum c_m w^m with w^6 = 9 + i; snarkjs uses
    the tower Fq2[v]/(v^3 - (9 + i)), then [w]/(w^2 - v), so the same w, and
    stores [[b0, b1, b2], [b3, b4, b5]] with element = sum_j sum_k b_(3j+k) w^(j+2k),
    each b an Fq2 [re, im]. An Fq2 coefficient re + im*i at w^n is
    (re - 9 im) w^n + im w^(n+6) in py_ecc's basis, which inverts as below.
    """
    value = bn.pairing(to_py_ecc_g2(beta), to_py_ecc_g1(alpha)) ** SNARKJS_PAIRING_POWER
    c = [int(x) for x in value.coeffs]

    def coefficient(n: int) -> list[str]:
        return [str((c[n] + 9 * c[n + 6]) % P), str(c[n + 6])]

    return [[coefficient(j + 2 * k) for k in range(3)] for j in range(2)]


def verifying_key_to_json(vk: VerifyingKey) -> dict:
    """``verification_key.json`` content, key order as snarkjs writes it."""
    return {
        "protocol": PROTOCOL,
        "curve": CURVE,
        "nPublic": vk.n_public,
        "vk_alpha_1": _g1_json(vk.alpha_g1),
        "vk_beta_2": _g2_json(vk.beta_g2),
        "vk_gamma_2": _g2_json(vk.gamma_g2),
        "vk_delta_2": _g2_json(vk.delta_g2),
        "vk_alphabeta_12": alphabeta_12(vk.alpha_g1, vk.beta_g2),
        "IC": [_g1_json(point) for point in vk.ic],
    }


def load_json(path: str | PathLike) -> Any:
    """Parse a JSON file within :mod:`~zkprove.formats.bounded_json`'s limits; any failure,
    a missing file included, becomes a SnarkjsFormatError naming the file."""
    try:
        return read_json(path)
    except (OSError, ValueError) as error:
        raise SnarkjsFormatError(f"{path}: cannot read JSON: {error}") from error


def save_json(path: str | PathLike, document: Any) -> None:
    """Write JSON the way snarkjs does (one-space indent)."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)


def read_proof(path: str | PathLike) -> Proof:
    """Read a snarkjs ``proof.json``."""
    return proof_from_json(load_json(path), str(path))


def read_public(path: str | PathLike) -> list[int]:
    """Read a snarkjs ``public.json``."""
    return public_from_json(load_json(path), str(path))


def read_verifying_key(path: str | PathLike) -> VerifyingKey:
    """Read a snarkjs ``verification_key.json``."""
    return verifying_key_from_json(load_json(path), str(path))


def write_proof(path: str | PathLike, proof: Proof) -> None:
    """Write a snarkjs ``proof.json``."""
    save_json(path, proof_to_json(proof))


def write_public(path: str | PathLike, public_inputs: Sequence[int]) -> None:
    """Write a snarkjs ``public.json``."""
    save_json(path, public_to_json(public_inputs))


def write_verifying_key(path: str | PathLike, vk: VerifyingKey) -> None:
    """Write a snarkjs ``verification_key.json``."""
    save_json(path, verifying_key_to_json(vk))
