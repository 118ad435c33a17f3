"""Montgomery products on 4-limb field elements, emitted as LLVM IR (numba intrinsics), for the MSM's hot loop.

An intrinsic's IR is generated inside the function that calls it, so these
products are always inlined, and a modulus passed from a module-level spec
folds into constants. The ordinary numba products (:mod:`.montgomery`,
:mod:`.fq2`) are calls that LLVM declines to inline (too large), each
passing its two dozen scalar arguments through the stack and saving the
callee's registers: about a quarter of a product's time, and more in Fq2.

Only the batch-affine bucket additions of :mod:`zkprove.curve.msm` use
these (through ``fmul_inline``/``fsquare_inline`` of
:mod:`zkprove.curve.field_ops`). Inlining them into every kernel made a
2^16 MSM 0.80x (G1) and 0.76x (G2) but doubled numba's cold compile of the
test suite (the pairing's Fq12 tower grew tens of thousands of
multiply-accumulates per function; commits a17494c, 9db0261), so everything
else keeps the ordinary, called products.

All arithmetic goes through i128 as in :mod:`.u128`; LLVM lowers it to
``mulx``/``adc`` chains.

- :func:`mont_mul`: CIOS (Koc, Acar, Kaliski, "Analyzing and comparing
  Montgomery multiplication algorithms", IEEE Micro 1996) in the variant that
  drops the top carry word when q leaves the highest bit spare (as gnark does;
  true for both BN254 primes).
- :func:`fq2_mul`, :func:`fq2_square`: Fq2 = Fq[u]/(u^2 + 1). The product is
  Karatsuba with lazy reduction: three 512-bit products combined at full
  width, then two Montgomery reductions (REDC) instead of three full products
  (Aranha, Karabina, Longa, Gebotys, Lopez, "Faster explicit formulas for
  computing pairings over ordinary curves", Eurocrypt 2011, section 3). The
  square is the complex method, (a0 + a1)(a0 - a1) + 2 a0 a1 u: two products.
"""

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

_I64 = ir.IntType(64)
_I128 = ir.IntType(128)
_ZERO = ir.Constant(_I64, 0)
_FQ = types.UniTuple(types.uint64, 4)
_FQ2 = types.UniTuple(_FQ, 2)


def _split(builder, wide):
    return builder.trunc(wide, _I64), builder.trunc(builder.lshr(wide, ir.Constant(_I128, 64)), _I64)


def _mac(builder, a, b, c, d):
    """(low, high) of a*b + c + d."""
    wide = builder.mul(builder.zext(a, _I128), builder.zext(b, _I128))
    wide = builder.add(builder.add(wide, builder.zext(c, _I128)), builder.zext(d, _I128))
    return _split(builder, wide)


def _add(builder, a, b):
    """Limb lists a + b (same length) and the carry out, as i64 values."""
    carry, out = _ZERO, []
    for a_j, b_j in zip(a, b):
        low, carry = _split(builder, builder.add(builder.add(builder.zext(a_j, _I128), builder.zext(b_j, _I128)),
                                                 builder.zext(carry, _I128)))
        out.append(low)
    return out, carry


def _sub(builder, a, b):
    """Limb lists a - b mod 2^(64 len) and the borrow out as an i1."""
    borrow, out = ir.Constant(_I128, 0), []
    for a_j, b_j in zip(a, b):
        wide = builder.sub(builder.sub(builder.zext(a_j, _I128), builder.zext(b_j, _I128)), borrow)
        out.append(builder.trunc(wide, _I64))
        borrow = builder.lshr(wide, ir.Constant(_I128, 127))
    return out, builder.trunc(borrow, ir.IntType(1))


def _masked(builder, flag, limbs):
    """limbs where the i1 flag is set, zeros elsewhere."""
    return [builder.select(flag, x, _ZERO) for x in limbs]


def _reduce_once(builder, t, q):
    """t - q if t >= q else t, for t < 2q."""
    diff, below = _sub(builder, t, q)
    return [builder.select(below, t_j, d_j) for t_j, d_j in zip(t, diff)]


def _add_mod(builder, a, b, q):
    return _reduce_once(builder, _add(builder, a, b)[0], q)


def _sub_mod(builder, a, b, q):
    diff, below = _sub(builder, a, b)
    return _add(builder, diff, _masked(builder, below, q))[0]


def _cios(builder, a, b, q, inv):
    """a*b*2^-256 mod q for a, b < q (see module doc)."""
    t = [_ZERO] * 4
    for b_i in b:
        t0, carry_a = _mac(builder, a[0], b_i, t[0], _ZERO)
        m = builder.mul(t0, inv)
        carry_m = _mac(builder, m, q[0], t0, _ZERO)[1]
        nxt = []
        for j in range(1, 4):
            t_j, carry_a = _mac(builder, a[j], b_i, t[j], carry_a)
            r, carry_m = _mac(builder, m, q[j], t_j, carry_m)
            nxt.append(r)
        t = nxt + [builder.add(carry_a, carry_m)]
    return _reduce_once(builder, t, q)


def _product(builder, a, b):
    """The 8 limbs of a*b (schoolbook)."""
    r = [_ZERO] * 8
    for i, b_i in enumerate(b):
        carry = _ZERO
        for j, a_j in enumerate(a):
            r[i + j], carry = _mac(builder, a_j, b_i, r[i + j], carry)
        r[i + 4] = carry
    return r


def _redc(builder, t, q, inv):
    """t*2^-256 mod q in [0, q) for 8 limbs t < q*2^256 (operand scanning)."""
    t, high = list(t), _ZERO
    for i in range(4):
        m = builder.mul(t[i], inv)
        carry = _ZERO
        for j in range(4):
            t[i + j], carry = _mac(builder, m, q[j], t[i + j], carry)
        t[i + 4], high = _split(builder, builder.add(builder.add(builder.zext(t[i + 4], _I128),
                                                                 builder.zext(carry, _I128)),
                                                     builder.zext(high, _I128)))
    return _reduce_once(builder, t[4:], q)


def _fq2_mul(builder, a, b, q, inv):
    v0 = _product(builder, a[0], b[0])
    v1 = _product(builder, a[1], b[1])
    # a0 + a1 and b0 + b1 stay unreduced (below 2q < 2^255): the imaginary part
    # a0 b1 + a1 b0 = cross - v0 - v1 is then exact and below 2q^2 < q 2^256.
    cross = _product(builder, _add(builder, a[0], a[1])[0], _add(builder, b[0], b[1])[0])
    diff, below = _sub(builder, v0, v1)
    real = diff[:4] + _add(builder, diff[4:], _masked(builder, below, q))[0]  # + q 2^256 if v1 > v0
    imag = _sub(builder, _sub(builder, cross, v0)[0], v1)[0]
    return [_redc(builder, real, q, inv), _redc(builder, imag, q, inv)]


def _fq2_square(builder, a, q, inv):
    real = _cios(builder, _add_mod(builder, a[0], a[1], q), _sub_mod(builder, a[0], a[1], q), q, inv)
    imag = _cios(builder, a[0], a[1], q, inv)
    return [real, _add_mod(builder, imag, imag, q)]


def _unpack(builder, value, typ):
    """An Fq (list of 4 limbs), Fq2 (list of two such) or wide (8 limbs) argument as i64 values."""
    if typ == _FQ2:
        return [_unpack(builder, builder.extract_value(value, k), _FQ) for k in range(2)]
    return [builder.extract_value(value, k) for k in range(typ.count)]


def _pack(context, builder, typ, value):
    if typ == _FQ2:
        return context.make_tuple(builder, typ, [_pack(context, builder, _FQ, part) for part in value])
    return context.make_tuple(builder, typ, value)


def _codegen(emit, result):
    """Codegen for (operands..., q, inv) -> result: ``emit(builder, *operands, q, inv)`` on i64 values."""
    def codegen(context, builder, signature, args):
        values = [_unpack(builder, v, t) for v, t in zip(args[:-1], signature.args[:-1])]
        return _pack(context, builder, result, emit(builder, *values, args[-1]))

    return codegen


@intrinsic
def mont_mul(typingctx, a, b, q, inv):
    """a*b*2^-256 mod q for 4-limb a, b < q < 2^255 and inv = -q^-1 mod 2^64 (CIOS)."""
    return _FQ(_FQ, _FQ, _FQ, types.uint64), _codegen(_cios, _FQ)


@intrinsic
def fq2_mul(typingctx, a, b, q, inv):
    """a*b in Fq2 (Montgomery form), Karatsuba with lazy reduction; q, inv of the base field."""
    return _FQ2(_FQ2, _FQ2, _FQ, types.uint64), _codegen(_fq2_mul, _FQ2)


@intrinsic
def fq2_square(typingctx, a, q, inv):
    """a^2 in Fq2 (Montgomery form) by the complex method; q, inv of the base field."""
    return _FQ2(_FQ2, _FQ, types.uint64), _codegen(_fq2_square, _FQ2)
