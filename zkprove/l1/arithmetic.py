"""The curve arithmetic under the precompile models: numba kernels, or py_ecc as the reference.

The models of :mod:`zkprove.l1.precompiles` own the EVM's byte semantics
(lengths, padding, rejection rules, gas); what they need from the curve is
six questions and operations on plain-int affine points
(:mod:`zkprove.groth16.data`), the :class:`Arithmetic` interface:

* :data:`NATIVE`, the default, runs them on zkprove's numba kernels:
  :mod:`zkprove.curve` for G1 sums, products and the G2 subgroup test,
  :mod:`zkprove.pairing` for the product of pairings;
* :data:`PY_ECC` runs them on py_ecc's ``optimized_bn128``, the slow
  reference the tests hold the native path to and an explicit choice for
  anyone who wants to cross-check a verdict (``verify(..., arithmetic="py_ecc")``).

Points handed in are in range (coordinates below p) and, except where a
method says it checks, valid; the rules that decide validity live in
:mod:`zkprove.l1.curve`. Infinity is (0, 0) as in EIP-196.

``bn`` is py_ecc's ``optimized_bn128``, imported on its first use
(``importlib.util.LazyLoader``): it takes about 0.1 s to import, and only
:data:`PY_ECC` and the py_ecc bridges below need it, not the native verifier.
"""

import importlib.util
import sys
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from types import ModuleType
from typing import Protocol

import numpy as np
from numba import njit

from zkprove.curve import points as pt
from zkprove.curve.kernels import load_affine, store_affine
from zkprove.curve.glv import glv_mul, split_limbs
from zkprove.curve.subgroup import in_g2
from zkprove.field.fq2 import fq_to_ints
from zkprove.field.params import R
from zkprove.groth16.data import G1, G1_INFINITY, G2, G2_INFINITY
from zkprove.groth16.keys import g1_array, g2_array
from zkprove.pairing import miller_loop, prepared_lines, prepared_pairing_check
from zkprove.pairing.miller import N_LINES

Pair = tuple[G1, G2]


def _lazy_module(name: str) -> ModuleType:
    """Module ``name``, executed on its first attribute access (the ``importlib.util.LazyLoader`` recipe)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bn = _lazy_module("py_ecc.optimized_bn128")


class Arithmetic(Protocol):
    """What the precompile models ask of the curve; every method is exact (no probability)."""

    name: str

    def g1_on_curve(self, point: G1) -> bool:
        """y^2 = x^3 + 3 for a finite point."""

    def g2_on_twist(self, point: G2) -> bool:
        """y^2 = x^3 + 3/(9+u) for a finite point."""

    def g2_in_subgroup(self, point: G2) -> bool:
        """r * Q = O for a finite point on the twist."""

    def g1_add(self, p: G1, q: G1) -> G1:
        """p + q for valid points."""

    def g1_mul(self, p: G1, scalar: int) -> G1:
        """scalar * p for a valid point and any uint256 scalar."""

    def pairing_is_one(self, pairs: Sequence[Pair]) -> bool:
        """prod e(P_i, Q_i) = 1 for valid points (the empty product is 1)."""


def _g1_point(arr: np.ndarray) -> G1:
    x, y = fq_to_ints(arr)
    return (x, y)


@njit(cache=True)
def _on_curve(points):
    return pt.affine_on_curve(load_affine(points, 0))


@njit(cache=True)
def _in_subgroup(points):
    return in_g2(load_affine(points, 0))


@njit(cache=True)
def _add_into(points, out):
    total = pt.add_mixed(pt.from_affine(load_affine(points, 0)), load_affine(points, 1))
    store_affine(out, 0, pt.to_affine(total))


@njit(cache=True)
def _mul_into(points, halves, out):
    store_affine(out, 0, pt.to_affine(glv_mul(load_affine(points, 0), halves)))


@lru_cache(maxsize=256)
def _lines(q: G2) -> np.ndarray:
    """The prepared Miller-loop lines of a G2 point, kept: a verifier meets its key's gamma and delta every call."""
    return prepared_lines(g2_array([q]))


class RepeatedPairs:
    """Miller loop values of pairs met more than once, such as a verifying key's (alpha, beta) in every verify.

    The first sighting of a pair is only noted; the second computes and keeps
    the pair's own Miller loop value, so from then on the pair costs one Fq12
    multiplication instead of a share of the loop (the same saving as a
    prepared verifying key's e(alpha, beta) in arkworks). The value depends on
    the pair alone, so keeping it changes no answer. Bounded, least recently
    used first out.
    """

    def __init__(self, size: int = 64):
        self.size = size
        self._pairs: OrderedDict[Pair, np.ndarray | None] = OrderedDict()

    def miller_value(self, pair: Pair) -> np.ndarray | None:
        """The kept value of ``pair``, computing it on its second sighting; None on its first."""
        if pair not in self._pairs:
            self._pairs[pair] = None
            if len(self._pairs) > self.size:
                self._pairs.popitem(last=False)
            return None
        value = self._pairs.pop(pair)
        if value is None:
            p, q = pair
            value = miller_loop(g1_array([p]), g2_array([q]))
        self._pairs[pair] = value
        return value


class NativeArithmetic:
    """The numba kernels; a call costs microseconds plus the int-to-limb conversion at the edge.

    The pairing check keeps the prepared lines of recent G2 points and the
    Miller values of recurring pairs (:class:`RepeatedPairs`); both are pure
    functions of the points.
    """

    name = "native"

    def __init__(self) -> None:
        self.repeated = RepeatedPairs()

    def g1_on_curve(self, point: G1) -> bool:
        return bool(_on_curve(g1_array([point])))

    def g2_on_twist(self, point: G2) -> bool:
        return bool(_on_curve(g2_array([point])))

    def g2_in_subgroup(self, point: G2) -> bool:
        return bool(_in_subgroup(g2_array([point])))

    def g1_add(self, p: G1, q: G1) -> G1:
        out = np.empty((1, 2, 4), np.uint64)
        _add_into(g1_array([p, q]), out)
        return _g1_point(out)

    def g1_mul(self, p: G1, scalar: int) -> G1:
        out = np.empty((1, 2, 4), np.uint64)
        _mul_into(g1_array([p]), split_limbs(scalar), out)
        return _g1_point(out)

    def pairing_is_one(self, pairs: Sequence[Pair]) -> bool:
        """Pairs with a point at infinity contribute 1 and are dropped; kept values stand in for recurring pairs."""
        kept, fresh = [], []
        for pair in pairs:
            p, q = pair
            if p == G1_INFINITY or q == G2_INFINITY:
                continue
            value = self.repeated.miller_value(pair)
            if value is None:
                fresh.append(pair)
            else:
                kept.append(value)
        lines = np.stack([_lines(q) for _, q in fresh]) if fresh else np.empty((0, N_LINES, 3, 2, 4), np.uint64)
        values = np.stack(kept) if kept else np.empty((0, 2, 3, 2, 4), np.uint64)
        return prepared_pairing_check(g1_array([p for p, _ in fresh]), lines, values)


class PyEccArithmetic:
    """py_ecc's ``optimized_bn128``: pure Python, about 0.2 s a Miller loop; the reference oracle."""

    name = "py_ecc"

    def g1_on_curve(self, point: G1) -> bool:
        return bn.is_on_curve(to_py_ecc_g1(point), bn.b)

    def g2_on_twist(self, point: G2) -> bool:
        return bn.is_on_curve(to_py_ecc_g2(point), bn.b2)

    def g2_in_subgroup(self, point: G2) -> bool:
        return bn.is_inf(bn.multiply(to_py_ecc_g2(point), R))

    def g1_add(self, p: G1, q: G1) -> G1:
        return from_py_ecc_g1(bn.add(to_py_ecc_g1(p), to_py_ecc_g1(q)))

    def g1_mul(self, p: G1, scalar: int) -> G1:
        return from_py_ecc_g1(bn.multiply(to_py_ecc_g1(p), scalar))

    def pairing_is_one(self, pairs: Sequence[Pair]) -> bool:
        """One py_ecc Miller loop per pair, multiplied, then a single final exponentiation."""
        product = bn.FQ12.one()
        for p, q in pairs:
            product *= bn.pairing(to_py_ecc_g2(q), to_py_ecc_g1(p), final_exponentiate=False)
        return bn.final_exponentiate(product) == bn.FQ12.one()


NATIVE = NativeArithmetic()
PY_ECC = PyEccArithmetic()


def warm_up() -> None:
    """Run every native kernel once on the generators, so that a long-running verifier pays its JIT
    compilation (or its numba cache load, under a second) before the first proof arrives."""
    g1 = from_py_ecc_g1(bn.G1)
    g2 = from_py_ecc_g2(bn.G2)
    assert NATIVE.g1_on_curve(g1) and NATIVE.g2_on_twist(g2) and NATIVE.g2_in_subgroup(g2)
    assert NATIVE.g1_add(g1, g1) == NATIVE.g1_mul(g1, 2)
    assert not prepared_pairing_check(g1_array([g1]), _lines(g2)[None], np.empty((0, 2, 3, 2, 4), np.uint64))
_BY_NAME = {a.name: a for a in (NATIVE, PY_ECC)}


def arithmetic_named(name: str | Arithmetic) -> Arithmetic:
    """The arithmetic called ``name`` ("native" or "py_ecc"); an :class:`Arithmetic` passes through."""
    if not isinstance(name, str):
        return name
    if name not in _BY_NAME:
        raise ValueError(f"unknown arithmetic {name!r}: choose one of {', '.join(sorted(_BY_NAME))}")
    return _BY_NAME[name]


def to_py_ecc_g1(point: G1) -> tuple:
    """py_ecc projective point for an affine G1 point (infinity included)."""
    if point == G1_INFINITY:
        return bn.Z1
    x, y = point
    return (bn.FQ(x), bn.FQ(y), bn.FQ.one())


def to_py_ecc_g2(point: G2) -> tuple:
    """py_ecc projective point for an affine G2 point; FQ2 takes [re, im] too."""
    if point == G2_INFINITY:
        return bn.Z2
    x, y = point
    return (bn.FQ2(list(x)), bn.FQ2(list(y)), bn.FQ2.one())


def from_py_ecc_g1(point: tuple) -> G1:
    """Affine plain-int G1 point for a py_ecc projective one."""
    if bn.is_inf(point):
        return G1_INFINITY
    x, y = bn.normalize(point)
    return (int(x), int(y))


def from_py_ecc_g2(point: tuple) -> G2:
    """Affine plain-int G2 point for a py_ecc projective one."""
    if bn.is_inf(point):
        return G2_INFINITY
    x, y = bn.normalize(point)
    return ((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1])))
