"""Keys, proofs and public inputs from a caller, checked into the plain-int form the verifier computes on.

:mod:`zkprove.groth16.data` holds points as tuples of ints, but nothing stops a
caller from passing strings, floats, None, lists of the wrong length or a
dict. :func:`coerce_call` turns whatever came into exactly that form, or
raises :class:`MalformedValue` naming the element ("proof.b.x.im: expected an
integer, got str"), so that the verifier can report instead of raising.

Accepted: any integer type (``int``, numpy integers: whatever has
``__index__``) except ``bool``, whose True/False would silently read as 1/0;
any sequence of the right length (tuple, list, 1-D numpy array) except
strings and bytes. Coordinates must be non-negative (a uint256 is); a public
input's range, like a coordinate's upper bound, is the precompiles' rule and
is judged by :func:`zkprove.l1.verifier.precheck` with its own reason.
"""

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from zkprove.groth16.data import G1, G2, Fq2, Proof, VerifyingKey


class MalformedValue(ValueError):
    """A key, proof or public-input list that is not made of integers in the expected shape."""


def _integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        raise MalformedValue(f"{where}: expected an integer, got {type(value).__name__} {value!r:.40}")
    return operator.index(value)


def _coordinate(value: Any, where: str) -> int:
    number = _integer(value, where)
    if number < 0:
        raise MalformedValue(f"{where}: {number} is negative, not a uint256")
    return number


def _sequence(value: Any, where: str, length: int | None = None) -> Sequence:
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, (Sequence, np.ndarray)):
        raise MalformedValue(f"{where}: expected a sequence, got {type(value).__name__}")
    if length is not None and len(value) != length:
        raise MalformedValue(f"{where}: expected {length} elements, got {len(value)}")
    return value


def _fq2(value: Any, where: str) -> Fq2:
    re, im = _sequence(value, where, 2)
    return (_coordinate(re, f"{where}.re"), _coordinate(im, f"{where}.im"))


def coerce_g1(value: Any, where: str) -> G1:
    """``(x, y)`` as ints."""
    x, y = _sequence(value, where, 2)
    return (_coordinate(x, f"{where}.x"), _coordinate(y, f"{where}.y"))


def coerce_g2(value: Any, where: str) -> G2:
    """``((x.re, x.im), (y.re, y.im))`` as ints."""
    x, y = _sequence(value, where, 2)
    return (_fq2(x, f"{where}.x"), _fq2(y, f"{where}.y"))


def coerce_key(vk: Any) -> VerifyingKey:
    """A :class:`VerifyingKey` of plain ints (hashable, so that checks on it can be remembered)."""
    if not isinstance(vk, VerifyingKey):
        raise MalformedValue(f"verifying key: expected a VerifyingKey, got {type(vk).__name__}")
    return VerifyingKey(
        alpha_g1=coerce_g1(vk.alpha_g1, "verifying key alpha"),
        beta_g2=coerce_g2(vk.beta_g2, "verifying key beta"),
        gamma_g2=coerce_g2(vk.gamma_g2, "verifying key gamma"),
        delta_g2=coerce_g2(vk.delta_g2, "verifying key delta"),
        ic=[coerce_g1(p, f"verifying key IC[{i}]") for i, p in enumerate(_sequence(vk.ic, "verifying key IC"))],
    )


def coerce_proof(proof: Any) -> Proof:
    """A :class:`Proof` of plain ints."""
    if not isinstance(proof, Proof):
        raise MalformedValue(f"proof: expected a Proof, got {type(proof).__name__}")
    return Proof(a=coerce_g1(proof.a, "proof.a"), b=coerce_g2(proof.b, "proof.b"), c=coerce_g1(proof.c, "proof.c"))


def coerce_inputs(public_inputs: Any) -> tuple[int, ...]:
    """The public inputs as a tuple of ints (negative ones included: their range is precheck's)."""
    values = _sequence(public_inputs, "public inputs")
    return tuple(_integer(x, f"public input {i}") for i, x in enumerate(values))


def coerce_call(vk: Any, public_inputs: Any, proof: Any) -> tuple[VerifyingKey, tuple[int, ...], Proof]:
    """All three of a verifier call; MalformedValue names the first element that is not."""
    return coerce_key(vk), coerce_inputs(public_inputs), coerce_proof(proof)
