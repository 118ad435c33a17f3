"""Native 64x64->128-bit arithmetic for numba through LLVM's i128.

numba has no 128-bit integer type, so each helper here is an ``@intrinsic``
that zero-extends its uint64 operands to ``i128``, does the arithmetic there,
and returns the low and high 64-bit halves. LLVM lowers ``mac`` to one
``mul``/``mulx`` plus an ``add``/``adc`` chain, which is what makes 4-limb
Montgomery multiplication competitive with C (docs/architecture.md, section "Data representations").
"""

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

_I64 = ir.IntType(64)
_I128 = ir.IntType(128)
_PAIR = types.UniTuple(types.uint64, 2)


def _split(builder, wide):
    """Low and high uint64 halves of an i128 value."""
    low = builder.trunc(wide, _I64)
    high = builder.trunc(builder.lshr(wide, ir.Constant(_I128, 64)), _I64)
    return low, high


@intrinsic
def mac(typingctx, a, b, c, d):
    """``a*b + c + d`` as ``(low, high)``; cannot overflow 128 bits."""
    sig = _PAIR(types.uint64, types.uint64, types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        a_, b_, c_, d_ = (builder.zext(x, _I128) for x in args)
        wide = builder.add(builder.add(builder.mul(a_, b_), c_), d_)
        return context.make_tuple(builder, signature.return_type, _split(builder, wide))

    return sig, codegen


@intrinsic
def adc(typingctx, a, b, carry):
    """``a + b + carry`` as ``(sum, carry_out)`` with carry_out in {0, 1}."""
    sig = _PAIR(types.uint64, types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        a_, b_, c_ = (builder.zext(x, _I128) for x in args)
        wide = builder.add(builder.add(a_, b_), c_)
        return context.make_tuple(builder, signature.return_type, _split(builder, wide))

    return sig, codegen


@intrinsic
def sbb(typingctx, a, b, borrow):
    """``a - b - borrow`` as ``(difference, borrow_out)`` with borrow_out in {0, 1}."""
    sig = _PAIR(types.uint64, types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        a_, b_, c_ = (builder.zext(x, _I128) for x in args)
        wide = builder.sub(builder.sub(a_, b_), c_)
        low = builder.trunc(wide, _I64)
        out = builder.trunc(builder.lshr(wide, ir.Constant(_I128, 127)), _I64)
        return context.make_tuple(builder, signature.return_type, (low, out))

    return sig, codegen
