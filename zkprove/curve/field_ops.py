"""Field operations that dispatch on the element type, so curve formulas are written once.

G1 lives over Fq and G2 over Fq2. Inside kernels an Fq element is a
``UniTuple(uint64, 4)`` and an Fq2 element a ``UniTuple(UniTuple(uint64, 4), 2)``,
so the two fields differ in their numba *type*. Each function below is a
stub with an ``@overload`` that picks the Fq (:mod:`zkprove.field.montgomery`
with ``FQ_SPEC``) or Fq2 (:mod:`zkprove.field.fq2`) implementation while
numba types the caller. A formula such as ``points.double`` therefore
compiles once per field with no runtime dispatch and no copy of its source.

We chose this over passing a tuple of dispatchers as an argument because
overloads keep the call sites plain (``fmul(a, b)``), need no extra
parameter threaded through every kernel, and cache like any njit code.

``fmul_inline`` and ``fsquare_inline`` compute the same products as
``fmul``/``fsquare`` but are emitted inline as LLVM IR
(:mod:`zkprove.field.limbs_ir`). Only the MSM's batch-affine bucket
additions use them: inlined everywhere, they made numba's cold compile
twice as slow.

The stubs raise if called from Python: they exist only to be compiled.
Array access goes through :func:`load` and :func:`store`, which read an
element from a row of shape ``(4,)`` (Fq) or ``(2, 4)`` (Fq2).
"""

from numba import types
from numba.extending import overload

from zkprove.field import fq2
from zkprove.field import montgomery as fq
from zkprove.field.limbs_ir import fq2_mul, fq2_square, mont_mul
from zkprove.field.params import FQ_SPEC

_FQ_ZERO = fq.ZERO
_FQ_ONE = FQ_SPEC.one
_FQ2_ZERO = fq2.ZERO
_FQ2_ONE = fq2.ONE


def _is_fq(t) -> bool:
    return isinstance(t, types.UniTuple) and t.count == 4 and isinstance(t.dtype, types.Integer)


def _is_fq2(t) -> bool:
    return isinstance(t, types.UniTuple) and t.count == 2 and _is_fq(t.dtype)


def _jit_only(*args):
    raise NotImplementedError("field_ops functions are callable only from numba-compiled code")


def _binary(name, doc, fq_impl, fq2_impl):
    def stub(a, b):
        _jit_only()

    stub.__name__, stub.__doc__ = name, doc

    @overload(stub)
    def _dispatch(a, b):
        if _is_fq(a):
            return fq_impl
        if _is_fq2(a):
            return fq2_impl
        return None

    return stub


def _unary(name, doc, fq_impl, fq2_impl):
    def stub(a):
        _jit_only()

    stub.__name__, stub.__doc__ = name, doc

    @overload(stub)
    def _dispatch(a):
        if _is_fq(a):
            return fq_impl
        if _is_fq2(a):
            return fq2_impl
        return None

    return stub


fadd = _binary("fadd", "a + b", lambda a, b: fq.add(a, b, FQ_SPEC), lambda a, b: fq2.add(a, b))
fsub = _binary("fsub", "a - b", lambda a, b: fq.sub(a, b, FQ_SPEC), lambda a, b: fq2.sub(a, b))
fmul = _binary("fmul", "a * b", lambda a, b: fq.mul(a, b, FQ_SPEC), lambda a, b: fq2.mul(a, b))
fmul_inline = _binary(
    "fmul_inline",
    "a * b, inlined (MSM hot loop only)",
    lambda a, b: mont_mul(a, b, FQ_SPEC.modulus, FQ_SPEC.inv),
    lambda a, b: fq2_mul(a, b, FQ_SPEC.modulus, FQ_SPEC.inv),
)
fsquare_inline = _unary(
    "fsquare_inline",
    "a^2, inlined (MSM hot loop only)",
    lambda a: mont_mul(a, a, FQ_SPEC.modulus, FQ_SPEC.inv),
    lambda a: fq2_square(a, FQ_SPEC.modulus, FQ_SPEC.inv),
)
fequal = _binary("fequal", "a == b", lambda a, b: fq.equal(a, b), lambda a, b: fq2.equal(a, b))
fsquare = _unary("fsquare", "a^2", lambda a: fq.square(a, FQ_SPEC), lambda a: fq2.square(a))
fneg = _unary("fneg", "-a", lambda a: fq.neg(a, FQ_SPEC), lambda a: fq2.neg(a))
fdouble = _unary("fdouble", "2a", lambda a: fq.double(a, FQ_SPEC), lambda a: fq2.double(a))
finv = _unary("finv", "a^-1 (caller excludes 0)", lambda a: fq.inv(a, FQ_SPEC), lambda a: fq2.inv(a))
fis_zero = _unary("fis_zero", "a == 0", lambda a: fq.is_zero(a), lambda a: fq2.is_zero(a))
fzero_like = _unary("fzero_like", "0 in a's field", lambda a: _FQ_ZERO, lambda a: _FQ2_ZERO)
fone_like = _unary("fone_like", "1 in a's field", lambda a: _FQ_ONE, lambda a: _FQ2_ONE)


def load(row):
    """The field element stored in ``row`` (shape (4,) for Fq, (2, 4) for Fq2)."""
    _jit_only()


def store(row, value):
    """Write a field element into ``row`` (shape (4,) for Fq, (2, 4) for Fq2)."""
    _jit_only()


@overload(load)
def _load(row):
    if isinstance(row, types.Array) and row.ndim == 1:
        return lambda row: (row[0], row[1], row[2], row[3])
    if isinstance(row, types.Array) and row.ndim == 2:
        return lambda row: (
            (row[0, 0], row[0, 1], row[0, 2], row[0, 3]),
            (row[1, 0], row[1, 1], row[1, 2], row[1, 3]),
        )
    return None


@overload(store)
def _store(row, value):
    if isinstance(row, types.Array) and row.ndim == 1:

        def impl(row, value):
            row[0], row[1], row[2], row[3] = value

        return impl
    if isinstance(row, types.Array) and row.ndim == 2:

        def impl(row, value):
            row[0, 0], row[0, 1], row[0, 2], row[0, 3] = value[0]
            row[1, 0], row[1, 1], row[1, 2], row[1, 3] = value[1]

        return impl
    return None
