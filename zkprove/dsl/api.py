"""The one API object a circuit's ``define(self, api)`` receives.

Grouped as gnark groups its frontend: arithmetic, bits, conditionals and
comparisons, assertions, hints. Each docstring states the call's cost in
R1CS constraints and when the resulting system cannot be satisfied. Costs
assume non-constant operands; constants fold at compile time and cost
nothing (an assertion on constants that fails raises :class:`CircuitError`).
Every argument may be a :class:`Var` or a Python int (taken mod r).

The API is the one object a circuit sees. It owns the :class:`Builder`
that records the constraints (gnark's frontend.API in front of its
builder): the builder returns terms and wires, the API turns them into
Vars that hold the API itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from ..field.params import R
from .builder import Builder
from .diagnostics import CircuitError, user_location
from .var import Operand, Terms, Var, const_terms, is_const, lc_add, lc_scale

#: Widest value ``to_bits`` accepts: 2^253 < r, so an n-bit decomposition is unique.
MAX_BITS = 253
_BOOL_B = {0: R - 1}  # the "- 1" of b*(b - 1) = 0


def _inverse_or_zero(x: int) -> int:
    """Hint: 1/x, or 0 at x = 0 (the constraint that follows then fails or absorbs it)."""
    return pow(x, -1, R) if x else 0


def _low_bits(count: int) -> Callable[[int], list[int]]:
    def bits(x: int) -> list[int]:
        return [(x >> i) & 1 for i in range(count)]

    return bits


class API:
    """Builds constraints for the circuit being compiled; see the module docstring."""

    def __init__(self) -> None:
        self._b = Builder()

    @property
    def builder(self) -> Builder:
        """The tracer behind this API: the compiler freezes it and the lint reads it.

        Like gnark's ``api.Compiler()``, it is there for tools; a circuit needs
        only the API's calls.
        """
        return self._b

    def _t(self, x: Operand) -> Terms:
        if isinstance(x, Var):
            return x.use()
        if isinstance(x, int):
            return const_terms(x)
        raise TypeError(f"expected a circuit Var or an int, got {type(x).__name__}")

    def _var(self, t: Terms, is_bool: bool = False) -> Var:
        return Var(t, self, is_bool)

    def _known_bool(self, x: Operand, t: Terms) -> bool:
        if isinstance(x, Var) and x.is_bool:
            return True
        bound = self._b.bound(t)
        return bound is not None and bound <= 1

    # -- arithmetic ------------------------------------------------------

    def constant(self, value: int) -> Var:
        """The constant ``value`` mod r as a Var. Free."""
        return self._var(const_terms(value), value in (0, 1))

    def add(self, a: Operand, b: Operand, *more: Operand) -> Var:
        """``a + b + ...``. Free: folded into one linear combination."""
        t = lc_add(self._t(a), self._t(b))
        for x in more:
            t = lc_add(t, self._t(x))
        return self._var(t)

    def sub(self, a: Operand, b: Operand) -> Var:
        """``a - b``. Free."""
        return self._var(lc_add(self._t(a), self._t(b), -1))

    def neg(self, a: Operand) -> Var:
        """``-a``. Free."""
        return self._var(lc_scale(self._t(a), -1))

    def mul(self, a: Operand, b: Operand, *more: Operand) -> Var:
        """``a * b * ...``. One constraint per product of two non-constants; by a constant, free.

        Always satisfiable (the product wire is solved by construction). The
        result of a single product, passed straight to :meth:`assert_equal`,
        folds into that assertion: ``api.assert_equal(x * y, z)`` is one
        constraint, like circom's ``x * y === z``.
        """
        if not more and a.__class__ is Var and b.__class__ is Var and not (a.is_bool or b.is_bool):
            ta, tb = a.use(), b.use()  # fast path: the common product of two Vars
            if not (is_const(ta) or is_const(tb)):
                return Var(self._b.product(ta, tb), self, fresh=True)
        operands = (a, b, *more)
        is_bool = all(x.is_bool if isinstance(x, Var) else x in (0, 1) for x in operands)
        acc, fresh = self._t(a), False
        for x in operands[1:]:
            t = self._t(x)
            if is_const(t):
                acc, fresh = lc_scale(acc, t.get(0, 0)), False
            elif is_const(acc):
                acc, fresh = lc_scale(t, acc.get(0, 0)), False
            else:
                acc, fresh = self._b.product(acc, t), True
        if fresh and is_bool:
            self._b.note_range(acc, 1)
        return Var(acc, self, is_bool, fresh)

    def div(self, a: Operand, b: Operand) -> Var:
        """``a / b``. By a constant: free. Otherwise :meth:`inverse` then :meth:`mul`:
        1 constraint when ``a`` is constant, else 2.

        Unsatisfiable when ``b`` is 0 (also for ``a`` = 0: no 0/0 escape hatch).
        """
        tb = self._t(b)
        if is_const(tb):
            if not tb:
                raise CircuitError(f"division by the constant 0 at {user_location()}")
            return self._var(lc_scale(self._t(a), pow(tb[0], -1, R)))
        with self._b.api_call("div"):
            return self.mul(a, self.inverse(self._var(tb)))

    def inverse(self, x: Operand) -> Var:
        """``1 / x``: a hinted wire ``inv`` and 1 constraint ``x * inv = 1``.

        Unsatisfiable when ``x`` is 0.
        """
        t = self._t(x)
        if is_const(t):
            if not t:
                raise CircuitError(f"inverse of the constant 0 at {user_location()}")
            return self.constant(pow(t[0], -1, R))
        with self._b.api_call("inverse"):
            (inv,) = self._b.hint(_inverse_or_zero, [t], 1, trusted=True)
            self._b.check(t, {inv: 1}, {0: 1})
        return self._var({inv: 1})

    # -- assertions ------------------------------------------------------

    def assert_equal(self, a: Operand, b: Operand) -> None:
        """``a == b``. 1 constraint ``(a - b) * 1 = 0``, or 0 when it folds into a
        fresh product (see :meth:`mul`) or both sides are the same combination.

        Unsatisfiable when the values differ.
        """
        for x, y in ((a, b), (b, a)):
            if isinstance(x, Var) and x.is_fresh:
                folded = self._b.fold_product(x.terms, self._t(y))
                if folded is not None:
                    x.rebind(folded)
                    return
        d = lc_add(self._t(a), self._t(b), -1)
        if not d:
            return
        if is_const(d):
            raise CircuitError(f"assert_equal on constants that differ at {user_location()}")
        self._b.check(d, {0: 1}, {})

    def assert_nonzero(self, x: Operand) -> None:
        """``x != 0``. 1 constraint (``x * inv = 1`` with a hinted inverse).

        Unsatisfiable when ``x`` is 0.
        """
        with self._b.api_call("assert_nonzero"):
            self.inverse(x)

    def assert_bool(self, x: Operand) -> None:
        """``x`` is 0 or 1. 1 constraint ``x * (x - 1) = 0``; free when ``x`` is already
        known boolean (a bit from :meth:`to_bits`, an :meth:`is_zero` result, a checked Var).

        Unsatisfiable when ``x`` is neither 0 nor 1. Marks ``x`` as boolean.
        """
        t = self._t(x)
        if self._known_bool(x, t):
            return
        if is_const(t):
            raise CircuitError(f"assert_bool on the constant {t.get(0, 0)} at {user_location()}")
        with self._b.api_call("assert_bool"):
            self._b.check(t, lc_add(t, _BOOL_B), {})
        self._b.note_range(t, 1)
        if isinstance(x, Var):
            x.mark_bool()

    def assert_in_range(self, x: Operand, n: int) -> None:
        """``0 <= x < 2^n`` as integers. n constraints (a :meth:`to_bits`); free when the
        bound already follows from known ranges (bits, earlier range checks, small constants).

        Unsatisfiable when ``x >= 2^n``. Requires ``1 <= n <= 253``.
        """
        t = self._t(x)
        bound = self._b.bound(t)
        if bound is not None and bound < 1 << n:
            return
        with self._b.api_call("assert_in_range"):
            self.to_bits(self._var(t), n)

    # -- bits ------------------------------------------------------------

    def to_bits(self, x: Operand, n: int) -> list[Var]:
        """The n little-endian bits of ``x``, range-checking ``x < 2^n``. n constraints.

        The low n-1 bits are hinted wires, each with ``b * (b - 1) = 0``; the top
        bit is the linear combination ``(x - sum b_i 2^i) / 2^(n-1)`` with the
        same boolean constraint, which also enforces the recomposition
        (circomlib's Num2Bits(n) after circom's linear simplification).
        Unsatisfiable when ``x >= 2^n``. Requires ``1 <= n <= 253``, so the
        decomposition is unique.
        """
        if not 1 <= n <= MAX_BITS:
            raise ValueError(f"to_bits needs 1 <= n <= {MAX_BITS}, got {n}")
        t = self._t(x)
        if is_const(t):
            value = t.get(0, 0)
            if value >> n:
                raise CircuitError(f"the constant {value} does not fit in {n} bits at {user_location()}")
            return [self.constant((value >> i) & 1) for i in range(n)]
        b = self._b
        with b.api_call("to_bits"):
            low = b.hint(_low_bits(n - 1), [t], n - 1, trusted=True) if n > 1 else []
            top = t
            for i, w in enumerate(low):
                top = lc_add(top, {w: 1 << i}, -1)
            top = lc_scale(top, pow(1 << (n - 1), -1, R))
            for w in low:
                b.check({w: 1}, {w: 1, 0: R - 1}, {})
                b.note_range({w: 1}, 1)
            b.check(top, lc_add(top, _BOOL_B), {})
        b.note_range(t, n)
        b.note_range(top, 1)
        return [self._var({w: 1}, True) for w in low] + [self._var(top, True)]

    def from_bits(self, bits: Sequence[Operand]) -> Var:
        """``sum bits[i] * 2^i``. Free, plus 1 :meth:`assert_bool` constraint for each bit
        not already known boolean.

        Unsatisfiable when a bit is neither 0 nor 1.
        """
        with self._b.api_call("from_bits"):
            t: Terms = {}
            for i, bit in enumerate(bits):
                self.assert_bool(bit)
                t = lc_add(t, self._t(bit), 1 << i)
        self._b.note_range(t, len(bits))
        return self._var(t)

    # -- conditionals and comparisons ------------------------------------

    def is_zero(self, x: Operand) -> Var:
        """1 if ``x`` is 0 else 0. 2 constraints (circomlib IsZero): with a hinted
        ``inv``, ``x * inv = 1 - out`` and ``x * out = 0``. Always satisfiable.
        """
        t = self._t(x)
        if is_const(t):
            return self.constant(0 if t else 1)
        b = self._b
        with b.api_call("is_zero"):
            (inv,) = b.hint(_inverse_or_zero, [t], 1, trusted=True)
            out = b.define(t, {inv: 1}, {0: 1}, R - 1)
            b.check(t, {out: 1}, {})
        b.note_range({out: 1}, 1)
        return self._var({out: 1}, True)

    def is_equal(self, a: Operand, b: Operand) -> Var:
        """1 if ``a == b`` else 0. 2 constraints (:meth:`is_zero` of ``a - b``). Always satisfiable."""
        with self._b.api_call("is_equal"):
            return self.is_zero(self.sub(a, b))

    def select(self, cond: Operand, a: Operand, b: Operand) -> Var:
        """``a`` if ``cond`` is 1, ``b`` if it is 0. 1 constraint ``cond * (a - b) = out - b``;
        free when ``a - b`` is constant; plus 1 :meth:`assert_bool` unless ``cond``
        is known boolean.

        Unsatisfiable when ``cond`` is neither 0 nor 1.
        """
        c, ta, tb = self._t(cond), self._t(a), self._t(b)
        is_bool = self._known_bool(a, ta) and self._known_bool(b, tb)
        if is_const(c):
            value = c.get(0, 0)
            if value not in (0, 1):
                raise CircuitError(f"select on the non-boolean constant {value} at {user_location()}")
            return self._var(ta if value else tb, is_bool)
        bld = self._b
        with bld.api_call("select"):
            self.assert_bool(cond)
            d = lc_add(ta, tb, -1)
            if is_const(d):
                return self._var(lc_add(tb, lc_scale(c, d.get(0, 0))), is_bool)
            out = bld.define(c, d, lc_scale(tb, -1), 1)
        bounds = bld.bound(ta), bld.bound(tb)
        if None not in bounds:
            bld.note_range({out: 1}, max(bounds).bit_length())
        return self._var({out: 1}, is_bool)

    def less_than(self, a: Operand, b: Operand, n: int) -> Var:
        """1 if ``a < b`` else 0, for n-bit ``a`` and ``b``. n+1 constraints: circomlib's
        LessThan(n), the top bit of ``to_bits(a + 2^n - b, n + 1)``.

        Precondition, not enforced here: ``a, b < 2^n``. Otherwise the result can
        be wrong, which is a soundness bug; the compile-time lint reports any
        input whose range does not follow from a range check, bits or constants
        (see :mod:`zkprove.dsl.lint`). Requires ``1 <= n <= 252``.
        """
        if not 1 <= n <= MAX_BITS - 1:
            raise ValueError(f"less_than needs 1 <= n <= {MAX_BITS - 1}, got {n}")
        ta, tb = self._t(a), self._t(b)
        with self._b.api_call("less_than"):
            self._b.oblige(ta, n, "less_than input a")
            self._b.oblige(tb, n, "less_than input b")
            bits = self.to_bits(self._var(lc_add(lc_add(ta, {0: 1 << n}), tb, -1)), n + 1)
        return 1 - bits[n]

    def less_or_equal(self, a: Operand, b: Operand, n: int) -> Var:
        """1 if ``a <= b`` else 0, for n-bit ``a`` and ``b``: ``1 - less_than(b, a, n)``.
        n+1 constraints; same precondition as :meth:`less_than`.
        """
        with self._b.api_call("less_or_equal"):
            return 1 - self.less_than(b, a, n)

    # -- hints and gadgets -----------------------------------------------

    def hint(self, fn: Callable[..., int | Sequence[int]], *inputs: Operand, n_outputs: int = 1) -> Var | list[Var]:
        """New wires computed by ``fn`` from the inputs' values, outside the constraints. Free.

        ``fn`` receives ints in [0, r) and returns an int (one output) or a
        sequence of ``n_outputs`` ints. Returns a Var, or a list of Vars when
        ``n_outputs > 1``. A hint proves nothing: its outputs must then be
        constrained, and the compile-time lint reports outputs that are not
        (see :mod:`zkprove.dsl.lint`).
        """
        if n_outputs < 1:
            raise ValueError("a hint needs at least one output")
        outs = self._b.hint(fn, [self._t(x) for x in inputs], n_outputs)
        vars_ = [self._var({w: 1}) for w in outs]
        return vars_[0] if n_outputs == 1 else vars_

    @contextmanager
    def gadget(self, name: str) -> Iterator[None]:
        """Label the constraints made in the block as gadget ``name`` (nested: ``outer/name``).

        The label appears in diagnostics and in the per-gadget breakdown of
        ``zkprove r1cs info``. Free.
        """
        with self._b.gadget(name):
            yield
