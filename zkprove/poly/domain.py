"""The radix-2 evaluation domain H = <omega> of Fr and its coset g*H.

An :class:`EvaluationDomain` of size n (a power of two up to 2^28, the
2-adicity of r - 1) holds everything the NTT needs and computes once: the
primitive n-th root of unity omega, omega^-1, n^-1, the coset generator g and
g^-1 (as Python ints and as Montgomery limb tuples for the kernels), and the
twiddle table. Domains are cached per (size, coset generator) by
:meth:`EvaluationDomain.of`, so the table is built once per size.
The shape follows arkworks' ``Radix2EvaluationDomain`` (ark-poly).

Roots of unity: omega_n = 5^((r - 1) / n), where 5 is the multiplicative
generator of Fr* that arkworks uses (``FftField::GENERATOR``). galois builds
the same root when its field is created with ``primitive_element=5``.

Coset generator: also 5 by default. 5^(2^28) != 1 (tested), so g^n != 1 for
every domain size n, g*H never meets H, and the vanishing polynomial
Z = X^n - 1 is the non-zero constant g^n - 1 on the coset (what the Groth16
quotient H = (A*B - C) / Z divides by). Another offset, e.g. omega_2n as
snarkjs uses, can be passed to :meth:`EvaluationDomain.of`.
"""

from functools import lru_cache

import numpy as np
from numba import njit, prange

from zkprove.field.arrays import load, store
from zkprove.field.montgomery import equal, mul, pow_limbs
from zkprove.field.params import FR_SPEC, R, int_to_limbs

#: 2-adicity of r - 1: the largest power-of-two NTT size Fr supports.
TWO_ADICITY = 28
#: Multiplicative generator of Fr* (arkworks' ``FftField::GENERATOR``).
MULTIPLICATIVE_GENERATOR = 5
#: Default coset offset g for the coset transforms.
COSET_GENERATOR = MULTIPLICATIVE_GENERATOR
#: Primitive 2^28-th root of unity, 5^((r - 1) / 2^28).
TWO_ADIC_ROOT_OF_UNITY = pow(MULTIPLICATIVE_GENERATOR, (R - 1) >> TWO_ADICITY, R)

#: Elements per chunk of the power kernel; each chunk pays one exponentiation.
_POWER_CHUNK = 1 << 14


def montgomery_limbs(value: int) -> tuple:
    """A Python int in [0, r) as the Montgomery-form limb tuple kernels take."""
    return int_to_limbs((value << 256) % R)


@njit(cache=True)
def _scale_chunk(src, dst, factor, base, reverse, start, stop):
    """Rows start..stop-1 of :func:`scale_by_powers`."""
    n = src.shape[0]
    multiply = not (equal(factor, FR_SPEC.one) and equal(base, FR_SPEC.one))
    exponent = (np.uint64(start), np.uint64(0), np.uint64(0), np.uint64(0))
    scale = mul(factor, pow_limbs(base, exponent, FR_SPEC), FR_SPEC)
    for i in range(start, stop):
        x = load(src, (n - i) & (n - 1) if reverse else i)
        if multiply:
            x = mul(x, scale, FR_SPEC)
            scale = mul(scale, base, FR_SPEC)
        store(dst, i, x)


@njit(cache=True, parallel=True)
def scale_by_powers(src, dst, factor, base, reverse):
    """Write dst[i] = src[j] * factor * base^i for every row, in parallel.

    j is i, or (n - i) mod n when ``reverse`` is set (the index negation that
    turns a forward NTT into an inverse one); ``reverse`` needs dst distinct
    from src, otherwise dst may be src. When factor and base are both one
    this is a plain copy with no multiplications. Each chunk starts from
    factor * base^start and walks up by one multiplication per element, as
    arkworks' ``distribute_powers`` does.
    """
    n = src.shape[0]
    if n <= _POWER_CHUNK:  # one chunk: skip the thread pool's wake-up and barrier
        _scale_chunk(src, dst, factor, base, reverse, 0, n)
        return
    for chunk in prange((n + _POWER_CHUNK - 1) // _POWER_CHUNK):
        start = chunk * _POWER_CHUNK
        _scale_chunk(src, dst, factor, base, reverse, start, min(n, start + _POWER_CHUNK))


def root_of_unity(log_size: int) -> int:
    """The primitive 2^log_size-th root of unity omega_n = 5^((r - 1) / n)."""
    return pow(TWO_ADIC_ROOT_OF_UNITY, 1 << (TWO_ADICITY - log_size), R)


@lru_cache(maxsize=None)
def _twiddle_table(log_size: int) -> np.ndarray:
    """Per-stage twiddles, each stage contiguous: n - 1 Montgomery elements.

    The stage whose butterflies span half-size h = 2^s holds omega_2h^j for
    j < h at rows h - 1 .. 2h - 2, so a stage reads its twiddles
    sequentially. The last stage (h = n/2) is the powers of omega; every
    smaller stage is the even entries of the next larger one. Cached per
    size (shared by every coset generator) and read-only.
    """
    size = 1 << log_size
    table = np.empty((max(size - 1, 0), 4), dtype=np.uint64)
    if size > 1:
        last = table[size // 2 - 1 :]
        last[:] = FR_SPEC.one
        scale_by_powers(last, last, FR_SPEC.one, montgomery_limbs(root_of_unity(log_size)), False)
        for stage in range(log_size - 2, -1, -1):
            half = 1 << stage
            table[half - 1 : 2 * half - 1] = table[2 * half - 1 : 4 * half - 1 : 2]
    table.setflags(write=False)
    return table


class EvaluationDomain:
    """The multiplicative subgroup H of size n in Fr, and its coset g*H.

    Build one with :meth:`of` (cached) rather than the constructor.
    Attributes: ``size``, ``log_size``, ``omega`` (generator of H),
    ``omega_inv``, ``size_inv`` (n^-1), ``coset_generator`` (g),
    ``coset_generator_inv``, all Python ints in [0, r); the ``*_limbs``
    twins in Montgomery form; ``twiddles`` (see :func:`_twiddle_table`).
    """

    def __init__(self, size: int, coset_generator: int = COSET_GENERATOR) -> None:
        self.log_size = check_size(size)
        self.size = 1 << self.log_size
        self.omega = root_of_unity(self.log_size)
        self.omega_inv = pow(self.omega, -1, R)
        self.size_inv = pow(self.size, -1, R)
        g = coset_generator % R
        if g == 0 or pow(g, self.size, R) == 1:
            raise ValueError(f"coset generator {coset_generator} must not lie in H (g^n must not be 1)")
        self.coset_generator = g
        self.coset_generator_inv = pow(g, -1, R)
        self.size_inv_limbs = montgomery_limbs(self.size_inv)
        self.coset_generator_limbs = montgomery_limbs(g)
        self.coset_generator_inv_limbs = montgomery_limbs(self.coset_generator_inv)
        self.twiddles = _twiddle_table(self.log_size)

    @classmethod
    def of(cls, size: int, coset_generator: int = COSET_GENERATOR) -> "EvaluationDomain":
        """The cached domain of this size and coset generator."""
        return _cached_domain(1 << check_size(size), coset_generator % R)

    def element(self, index: int) -> int:
        """omega^index as a Python int."""
        return pow(self.omega, index, R)

    def vanishing_on_coset(self) -> int:
        """Z(X) = X^n - 1 evaluated anywhere on g*H: the constant g^n - 1."""
        return (pow(self.coset_generator, self.size, R) - 1) % R

    def __repr__(self) -> str:
        return f"EvaluationDomain(size=2^{self.log_size}, coset_generator={self.coset_generator})"


@lru_cache(maxsize=None)
def _cached_domain(size: int, coset_generator: int) -> EvaluationDomain:
    return EvaluationDomain(size, coset_generator)


def check_size(size: int) -> int:
    """log2(size) for a supported NTT size; ValueError otherwise."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise ValueError(f"domain size must be an int, got {type(size).__name__}")
    size = int(size)
    if size < 1 or size & (size - 1):
        raise ValueError(f"domain size must be a power of two, got {size}")
    log_size = size.bit_length() - 1
    if log_size > TWO_ADICITY:
        raise ValueError(f"domain size 2^{log_size} exceeds 2^{TWO_ADICITY}, the 2-adicity of r - 1")
    return log_size
