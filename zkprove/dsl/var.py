"""Circuit variables: linear combinations of wires, folded for free.

A :class:`Var` is a linear combination ``sum c_i * w_i`` over Fr held as a
small ``{wire: coefficient}`` dict (wire 0 is the constant 1, coefficients are
in [1, r)). Additions, subtractions, negations and multiplications by
constants fold into a new dict and never become constraints; only a product
of two non-constant Vars asks the API for one constraint.

A Var holds the :class:`API` that made it, as gnark's frontend variables go
through its ``frontend.API``, never the builder behind it. Its state is its
own: the API reads it through :attr:`Var.terms`, :attr:`Var.is_bool`,
:attr:`Var.is_fresh` and :meth:`Var.use`, and changes it only through
:meth:`Var.mark_bool` and :meth:`Var.rebind`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from ..field.params import R
from .diagnostics import VarMisuse, user_location

if TYPE_CHECKING:
    from .api import API

Terms = dict[int, int]
Operand = Union["Var", int]


def lc_add(a: Terms, b: Terms, k: int = 1) -> Terms:
    """``a + k*b`` with zero coefficients dropped."""
    out = a.copy()
    for w, c in b.items():
        v = (out.get(w, 0) + k * c) % R
        if v:
            out[w] = v
        elif w in out:
            del out[w]
    return out


def lc_scale(a: Terms, k: int) -> Terms:
    """``k*a``; the empty combination when k is 0 mod r."""
    k %= R
    if not k:
        return {}
    if k == 1:
        return a.copy()
    return {w: c * k % R for w, c in a.items()}


def const_terms(value: int) -> Terms:
    value %= R
    return {0: value} if value else {}


def is_const(t: Terms) -> bool:
    return not t or (len(t) == 1 and 0 in t)


_LESS = "for n-bit a and b, {call} gives 1 or 0; api.assert_in_range(x, n) bounds x"
_COMPARISON_ADVICE = {
    "==": "api.is_equal(a, b) gives 1 or 0; api.assert_equal(a, b) requires equality",
    "!=": "1 - api.is_equal(a, b) gives 1 or 0; api.assert_nonzero(a - b) requires a difference",
    "<": _LESS.format(call="api.less_than(a, b, n)"),
    "<=": _LESS.format(call="api.less_or_equal(a, b, n)"),
    ">": _LESS.format(call="api.less_than(b, a, n)"),
    ">=": _LESS.format(call="api.less_or_equal(b, a, n)"),
}


class Var:
    """A value inside a circuit: a linear combination of wires.

    Operators follow the API's costs: ``x + y``, ``x - y``, ``-x``, ``3 * x``
    and ``x / 3`` are free; ``x * y`` and ``x ** k`` cost one constraint per
    product of non-constants (see :meth:`API.mul`); ``x / y`` is
    :meth:`API.div`. A Var has no value while ``define`` runs, so it has no
    truth value and ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` against a Var
    or an int raise :class:`VarMisuse` naming the API call to use
    (``api.is_equal``, ``api.assert_equal``, ``api.less_than``...); branch
    with ``api.select``. Vars hash by identity.
    """

    __slots__ = ("_lc", "_api", "_bool", "_fresh")

    def __init__(self, lc: Terms, api: API, is_bool: bool = False, fresh: bool = False):
        self._lc = lc
        self._api = api
        self._bool = is_bool  # known to be 0 or 1 (constrained or constant)
        self._fresh = fresh  # a just-made product wire nobody has used yet

    @property
    def terms(self) -> Terms:
        """The linear combination, read without using the Var (to evaluate or print it)."""
        return self._lc

    @property
    def is_bool(self) -> bool:
        """Known to be 0 or 1: a bit, a checked boolean, a boolean constant, ``1 - b``."""
        return self._bool

    @property
    def is_fresh(self) -> bool:
        """A product wire just made and not used since: :meth:`API.assert_equal` may fold it."""
        return self._fresh

    def use(self) -> Terms:
        """The linear combination, to build on: from now on the Var is no longer fresh."""
        self._fresh = False
        return self._lc

    def mark_bool(self) -> None:
        """Record that a constraint (or the product of booleans) makes this Var 0 or 1."""
        self._bool = True

    def rebind(self, lc: Terms) -> None:
        """Stand for ``lc`` from now on: the builder folded this fresh product into an
        assertion that it equals ``lc`` (see ``Builder.fold_product``), removing its wire.
        """
        self._lc, self._fresh = lc, False

    def _coerce(self, other: Operand) -> Terms:
        if isinstance(other, Var):
            return other.use()
        if isinstance(other, int):
            return const_terms(other)
        return NotImplemented

    def __add__(self, other: Operand) -> Var:
        t = self._coerce(other)
        if t is NotImplemented:
            return NotImplemented
        return Var(lc_add(self.use(), t), self._api)

    __radd__ = __add__

    def __sub__(self, other: Operand) -> Var:
        t = self._coerce(other)
        if t is NotImplemented:
            return NotImplemented
        return Var(lc_add(self.use(), t, -1), self._api)

    def __rsub__(self, other: Operand) -> Var:
        t = self._coerce(other)
        if t is NotImplemented:
            return NotImplemented
        is_bool = self._bool and t == {0: 1}  # 1 - b stays boolean
        return Var(lc_add(t, self.use(), -1), self._api, is_bool)

    def __neg__(self) -> Var:
        return Var(lc_scale(self.use(), -1), self._api)

    def __mul__(self, other: Operand) -> Var:
        if not isinstance(other, (Var, int)):
            return NotImplemented
        return self._api.mul(self, other)

    __rmul__ = __mul__

    def __truediv__(self, other: Operand) -> Var:
        if not isinstance(other, (Var, int)):
            return NotImplemented
        return self._api.div(self, other)

    def __pow__(self, exponent: int) -> Var:
        """Square-and-multiply: ``x**5`` is 3 constraints (x², x⁴, x⁵)."""
        if not isinstance(exponent, int) or exponent < 1:
            return NotImplemented
        result, base = None, self
        while exponent:
            if exponent & 1:
                result = base if result is None else self._api.mul(result, base)
            exponent >>= 1
            if exponent:
                base = self._api.mul(base, base)
        return result

    def __bool__(self) -> bool:
        raise VarMisuse(f"a circuit Var has no truth value while compiling (at {user_location()}): branch with "
                        "api.select(cond, a, b) on a 0/1 Var from api.is_equal, api.is_zero or api.less_than")

    def _compare(self, other: object, op: str) -> bool:
        """``==``, ``<``... with a Var or an int: refused with the API call to use (:class:`VarMisuse`)."""
        if not isinstance(other, (Var, int)):
            return NotImplemented
        raise VarMisuse(f"`a {op} b` on a circuit Var (at {user_location()}) has no answer while compiling, "
                        f"where a is the Var: {_COMPARISON_ADVICE[op]}")

    def __eq__(self, other: object) -> bool:
        return self._compare(other, "==")

    def __ne__(self, other: object) -> bool:
        return self._compare(other, "!=")

    def __lt__(self, other: object) -> bool:
        return self._compare(other, "<")

    def __le__(self, other: object) -> bool:
        return self._compare(other, "<=")

    def __gt__(self, other: object) -> bool:
        return self._compare(other, ">")

    def __ge__(self, other: object) -> bool:
        return self._compare(other, ">=")

    __hash__ = object.__hash__  # by identity: Vars stay usable as dict keys and set members

    def __repr__(self) -> str:
        body = " + ".join(f"{c}*{self._api.builder.wire_name(w)}" for w, c in sorted(self._lc.items())) or "0"
        return f"Var({body})"
