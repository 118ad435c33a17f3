"""The quadratic extension Fq2 = Fq[u]/(u^2 + 1) that BN254's G2 lives over.

An element a0 + a1*u is a pair of Fq elements, real part first: inside
kernels a tuple ``(a0, a1)`` of two 4-limb Montgomery tuples, in arrays the
trailing axes ``(..., 2, 4)`` (docs/architecture.md, section "Data representations"). This is py_ecc's
``FQ2([a0, a1])`` order; the EVM precompiles write the imaginary part first,
and that conversion belongs to the L1 encoder, not here.

Multiplication is Karatsuba (3 Fq multiplications), squaring the complex
method (2), inversion goes through the norm a0^2 + a1^2, which lies in Fq
(Beuchat et al., "High-speed software implementation of the optimal ate
pairing over Barreto-Naehrig curves", Pairing 2010, section 3 and alg. 8).
"""

from collections.abc import Iterable, Sequence

import numpy as np
from numba import njit

from . import montgomery as fq
from . import wide
from .params import FQ_SPEC, P, int_to_limbs

_MONTGOMERY_R = 1 << 256
_MONTGOMERY_R_INV = pow(_MONTGOMERY_R, -1, P)
ZERO = (fq.ZERO, fq.ZERO)
ONE = (FQ_SPEC.one, fq.ZERO)


@njit(cache=True)
def add(a, b):
    """a + b."""
    return (fq.add(a[0], b[0], FQ_SPEC), fq.add(a[1], b[1], FQ_SPEC))


@njit(cache=True)
def sub(a, b):
    """a - b."""
    return (fq.sub(a[0], b[0], FQ_SPEC), fq.sub(a[1], b[1], FQ_SPEC))


@njit(cache=True)
def neg(a):
    """-a."""
    return (fq.neg(a[0], FQ_SPEC), fq.neg(a[1], FQ_SPEC))


@njit(cache=True)
def double(a):
    """2a."""
    return (fq.double(a[0], FQ_SPEC), fq.double(a[1], FQ_SPEC))


@njit(cache=True)
def conjugate(a):
    """a0 - a1*u, which is also the Frobenius map a^p (since p = 3 mod 4)."""
    return (a[0], fq.neg(a[1], FQ_SPEC))


@njit(cache=True)
def mul(a, b):
    """a * b by Karatsuba, (a0b0 - a1b1) + ((a0+a1)(b0+b1) - a0b0 - a1b1)u, with lazy reduction:
    three 512-bit products, combined at full width, two Montgomery reductions (:mod:`.wide`).

    The sums a0 + a1 and b0 + b1 stay unreduced (below 2q < 2^255), so the
    imaginary part a0b1 + a1b0 is exact and below 2q^2 < q * 2^256."""
    v0 = wide.product(a[0], b[0])
    v1 = wide.product(a[1], b[1])
    cross = wide.product(wide.add_narrow(a[0], a[1]), wide.add_narrow(b[0], b[1]))
    real = wide.reduce(wide.sub_mod(v0, v1, FQ_SPEC.modulus), FQ_SPEC)
    imag = wide.reduce(wide.sub(wide.sub(cross, v0)[0], v1)[0], FQ_SPEC)
    return (real, imag)


@njit(cache=True)
def square(a):
    """a^2 by the complex method: (a0+a1)(a0-a1) + 2*a0*a1*u."""
    real = fq.mul(fq.add(a[0], a[1], FQ_SPEC), fq.sub(a[0], a[1], FQ_SPEC), FQ_SPEC)
    imag = fq.mul(a[0], a[1], FQ_SPEC)
    return (real, fq.double(imag, FQ_SPEC))


@njit(cache=True)
def mul_by_fq(a, k):
    """a * k for k in the base field Fq."""
    return (fq.mul(a[0], k, FQ_SPEC), fq.mul(a[1], k, FQ_SPEC))


@njit(cache=True)
def inv(a):
    """a^-1 = conj(a) / (a0^2 + a1^2); the caller must exclude zero."""
    norm = fq.add(fq.square(a[0], FQ_SPEC), fq.square(a[1], FQ_SPEC), FQ_SPEC)
    return mul_by_fq(conjugate(a), fq.inv(norm, FQ_SPEC))


@njit(cache=True)
def is_zero(a):
    """True for 0 + 0u."""
    return fq.is_zero(a[0]) and fq.is_zero(a[1])


@njit(cache=True)
def equal(a, b):
    """Component-wise equality of two reduced elements."""
    return fq.equal(a[0], b[0]) and fq.equal(a[1], b[1])


def power_of_ints(base: tuple[int, int], exponent: int) -> tuple[int, int]:
    """(re + im*u)^e over plain integers mod p, for deriving constants (Frobenius factors) at import."""
    result, square = (1, 0), base
    while exponent:
        if exponent & 1:
            result = ((result[0] * square[0] - result[1] * square[1]) % P,
                      (result[0] * square[1] + result[1] * square[0]) % P)
        square = ((square[0] ** 2 - square[1] ** 2) % P, 2 * square[0] * square[1] % P)
        exponent >>= 1
    return result


def constant(real: int, imag: int) -> tuple:
    """The kernel-ready tuple of real + imag*u (Montgomery limbs), for module-level constants."""
    return tuple(int_to_limbs(part % P * (1 << 256) % P) for part in (real, imag))


def fq_from_ints(values: Iterable[int]) -> np.ndarray:
    """Fq integers in [0, p) to Montgomery ``uint64[n, 4]``, in plain Python.

    Edge conversions (py_ecc points, constants) are small; doing them with
    Python integers keeps them free of kernel compilation.
    """
    data = bytearray()
    for index, value in enumerate(values):
        if not 0 <= value < P:
            raise ValueError(f"Fq value {index} is not in [0, p)")
        data += (value * _MONTGOMERY_R % P).to_bytes(32, "little")
    return np.frombuffer(bytes(data), dtype="<u8").astype(np.uint64).reshape(-1, 4)


def fq_to_ints(arr: np.ndarray) -> list[int]:
    """Montgomery ``uint64[..., 4]`` limbs back to Fq integers, in plain Python."""
    data = np.ascontiguousarray(arr, dtype="<u8").tobytes()
    return [int.from_bytes(data[k : k + 32], "little") * _MONTGOMERY_R_INV % P for k in range(0, len(data), 32)]


def from_ints(pairs: Iterable[Sequence[int]]) -> np.ndarray:
    """(real, imag) integer pairs in [0, p) to a Montgomery ``uint64[n, 2, 4]`` array."""
    return fq_from_ints(part for pair in pairs for part in pair).reshape(-1, 2, 4)


def to_ints(arr: np.ndarray) -> list[tuple[int, int]]:
    """A Montgomery ``uint64[..., 2, 4]`` array to (real, imag) integer pairs."""
    flat = fq_to_ints(arr)
    return list(zip(flat[0::2], flat[1::2]))
