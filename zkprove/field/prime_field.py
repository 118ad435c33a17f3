"""Fr and Fq as array types: ``uint64[n, 4]`` Montgomery limbs with a checked boundary.

Inside the library, field elements live in numpy arrays of shape ``(n, 4)``
(little-endian uint64 limbs, Montgomery form). This module owns the edges:
conversion from and to Python ints and 32-byte encodings, validation of
arrays that come from outside, and vectorized arithmetic over whole arrays.
"""

import operator
from collections.abc import Iterable

import numpy as np

from . import arrays
from .params import FQ_SPEC, FR_SPEC, P, R, FieldSpec, int_to_limbs

_BYTE_ORDERS = ("big", "little")


class PrimeField:
    """One BN254 prime field, operating on ``uint64[n, 4]`` Montgomery arrays.

    Every method that accepts an array checks it first (dtype, shape, each
    element reduced below the modulus) and raises ValueError naming the first
    offending element, so a bad array never reaches a numba kernel.
    """

    def __init__(self, name: str, modulus: int, spec: FieldSpec, field_id: int):
        self.name = name
        self.modulus = modulus
        self.spec = spec
        self._field_id = field_id
        self._modulus_limbs = np.array(spec.modulus, dtype=np.uint64)

    def __repr__(self) -> str:
        return f"PrimeField({self.name})"

    # -- edges: ints and bytes -------------------------------------------------

    def standard_limbs(self, values: Iterable[int], what: str = "value") -> np.ndarray:
        """Python ints in [0, q) as standard-form (not Montgomery) ``uint64[n, 4]`` limbs."""
        checked = []
        for i, value in enumerate(values):
            try:
                value = operator.index(value)
            except TypeError:
                raise ValueError(f"{what} {i} is a {type(value).__name__}, not an integer") from None
            if not 0 <= value < self.modulus:
                raise ValueError(f"{what} {i} is {value}, outside [0, {self.name} modulus)")
            checked.append(value)
        data = b"".join(v.to_bytes(32, "little") for v in checked)
        return np.frombuffer(data, dtype="<u8").astype(np.uint64).reshape(-1, 4)

    def from_ints(self, values: Iterable[int]) -> np.ndarray:
        """Python ints in [0, q) to a Montgomery array."""
        return self.from_standard_limbs(self.standard_limbs(values))

    def to_ints(self, elements: np.ndarray) -> list[int]:
        """A Montgomery array back to Python ints."""
        data = self.to_standard_limbs(elements).astype("<u8").tobytes()
        return [int.from_bytes(data[k : k + 32], "little") for k in range(0, len(data), 32)]

    def from_standard_limbs(self, limbs: np.ndarray) -> np.ndarray:
        """Standard-form limbs (each < q) to Montgomery form."""
        limbs = self.validate(limbs, "limbs")
        out = arrays.empty(len(limbs))
        arrays.map_unary(arrays.TO_MONTGOMERY, limbs, out, self._field_id)
        return out

    def to_standard_limbs(self, elements: np.ndarray) -> np.ndarray:
        """Montgomery form to standard-form limbs."""
        elements = self.validate(elements)
        out = arrays.empty(len(elements))
        arrays.map_unary(arrays.FROM_MONTGOMERY, elements, out, self._field_id)
        return out

    def from_bytes(self, data: bytes, byteorder: str = "big") -> np.ndarray:
        """Concatenated 32-byte encodings (each < q) to a Montgomery array."""
        self._check_byteorder(byteorder)
        if len(data) % 32:
            raise ValueError(f"{self.name} encoding is {len(data)} bytes, not a multiple of 32")
        values = [int.from_bytes(data[k : k + 32], byteorder) for k in range(0, len(data), 32)]
        return self.from_ints(values)

    def to_bytes(self, elements: np.ndarray, byteorder: str = "big") -> bytes:
        """A Montgomery array as concatenated 32-byte encodings."""
        self._check_byteorder(byteorder)
        return b"".join(v.to_bytes(32, byteorder) for v in self.to_ints(elements))

    @staticmethod
    def _check_byteorder(byteorder: str) -> None:
        if byteorder not in _BYTE_ORDERS:
            raise ValueError(f"byteorder must be 'big' or 'little', got {byteorder!r}")

    # -- validation ------------------------------------------------------------

    def validate(self, elements: np.ndarray, what: str = "elements") -> np.ndarray:
        """Check dtype, shape and reduction; return a C-contiguous view."""
        if not isinstance(elements, np.ndarray):
            raise ValueError(f"{what} must be a numpy array, got {type(elements).__name__}")
        if elements.dtype != np.uint64:
            raise ValueError(f"{what} must have dtype uint64, got {elements.dtype}")
        if elements.ndim != 2 or elements.shape[1] != 4:
            raise ValueError(f"{what} must have shape (n, 4), got {elements.shape}")
        # A fresh writable contiguous array, when needed, keeps to one compiled signature per kernel.
        elements = np.require(elements, requirements=["C_CONTIGUOUS", "WRITEABLE"])
        bad = arrays.first_at_least(elements, self._modulus_limbs)
        if bad >= 0:
            raise ValueError(f"{what} {bad} is not reduced below the {self.name} modulus")
        return elements

    # -- arithmetic --------------------------------------------------------------

    def _binary(self, op: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = self.validate(a, "left operand"), self.validate(b, "right operand")
        if len(a) != len(b):
            raise ValueError(f"operands have different lengths: {len(a)} and {len(b)}")
        out = arrays.empty(len(a))
        arrays.map_binary(op, a, b, out, self._field_id)
        return out

    def _unary(self, op: int, a: np.ndarray) -> np.ndarray:
        a = self.validate(a)
        out = arrays.empty(len(a))
        arrays.map_unary(op, a, out, self._field_id)
        return out

    def add(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return self._binary(arrays.ADD, a, b)

    def sub(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return self._binary(arrays.SUB, a, b)

    def mul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return self._binary(arrays.MUL, a, b)

    def neg(self, a: np.ndarray) -> np.ndarray:
        return self._unary(arrays.NEG, a)

    def square(self, a: np.ndarray) -> np.ndarray:
        return self._unary(arrays.SQUARE, a)

    def pow(self, a: np.ndarray, exponent: int) -> np.ndarray:
        """a^e elementwise for a non-negative integer e (0^0 = 1)."""
        exponent = operator.index(exponent)
        if exponent < 0:
            raise ValueError(f"exponent must be non-negative, got {exponent}")
        if exponent.bit_length() > 256:
            # a^e = a^(e mod (q-1)) for a != 0; keep e > 0 so that 0^e stays 0.
            exponent = exponent % (self.modulus - 1) or self.modulus - 1
        a = self.validate(a)
        out = arrays.empty(len(a))
        arrays.map_pow(a, int_to_limbs(exponent), out, self._field_id)
        return out

    def _check_invertible(self, a: np.ndarray) -> np.ndarray:
        a = self.validate(a)
        zero = arrays.first_zero(a)
        if zero >= 0:
            raise ValueError(f"element {zero} is zero and has no inverse in {self.name}")
        return a

    def inv(self, a: np.ndarray) -> np.ndarray:
        """Elementwise inverse by Fermat's little theorem; zero raises ValueError."""
        return self._unary(arrays.INV, self._check_invertible(a))

    def batch_inv(self, a: np.ndarray) -> np.ndarray:
        """Elementwise inverse with Montgomery's trick: ~3 products per element plus one
        inversion per thread chunk; zero raises ValueError."""
        a = self._check_invertible(a)
        out = arrays.empty(len(a))
        arrays.batch_inverse(a, out, self._field_id)
        return out


Fr = PrimeField("Fr", R, FR_SPEC, arrays.FIELD_R)
Fq = PrimeField("Fq", P, FQ_SPEC, arrays.FIELD_Q)
