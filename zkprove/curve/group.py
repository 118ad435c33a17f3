"""The array-level API of BN254's G1 and G2: validation, conversions, arithmetic, MSM.

A :class:`Group` operates on numpy arrays of points, Montgomery limbs:

======== ================== ==================
group    affine             Jacobian
======== ================== ==================
G1       ``uint64[n,2,4]``  ``uint64[n,3,4]``
G2       ``uint64[n,2,2,4]`` ``uint64[n,3,2,4]``
======== ================== ==================

Fq2 coordinates are real part first. The point at infinity is (0, 0) in
affine arrays (on neither curve, since b != 0) and any Z = 0 in Jacobian
ones. Arithmetic accepts either coordinate system, told apart by axis 1
(2 or 3 coordinates); it returns affine when every input is affine.

Every array or list from outside is checked before a kernel sees it, and
a bad one raises ValueError naming the first offending index. Bases that
many MSMs will reuse (a proving key) go through :meth:`Group.prepare` once
and are then trusted.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from zkprove.field import Fq, Fr, fq2
from zkprove.field import arrays as field_arrays

from . import kernels
from .msm import msm_jacobian
from .subgroup import in_g2_batch

Scalars = Sequence[int] | np.ndarray
_P_LIMBS = np.array(Fq.spec.modulus, dtype=np.uint64)


@dataclass(frozen=True)
class Bases:
    """Affine MSM bases checked once by :meth:`Group.prepare`, then reused without checks."""

    group: "Group"
    points: np.ndarray
    at_infinity: np.ndarray

    def __len__(self) -> int:
        return len(self.points)


class Group:
    """One of BN254's groups (G1 over Fq, G2 over Fq2) acting on point arrays."""

    def __init__(self, name: str, degree: int, subgroup_check):
        self.name = name
        self.degree = degree
        self.element_shape = (4,) if degree == 1 else (degree, 4)
        self._subgroup_check = subgroup_check

    def __repr__(self) -> str:
        return self.name

    @property
    def has_cofactor(self) -> bool:
        """Whether a point on the curve may lie outside the r-order subgroup (G2; G1's cofactor is 1)."""
        return self._subgroup_check is not None

    def __reduce__(self):
        """Unpickle to the module's own G1 or G2, so identity checks survive Ray and pickle."""
        return (_group_named, (self.name,))

    # -- constructors and conversions ------------------------------------------

    def generator(self) -> np.ndarray:
        """The standard generator (EIP-196/197, py_ecc) as a one-point affine array."""
        import py_ecc.bn128 as bn128  # py_ecc takes 0.1-0.2 s to import; only the conversions need it

        return self.from_py_ecc([bn128.G1 if self.degree == 1 else bn128.G2])

    def infinity(self, n: int = 1) -> np.ndarray:
        """n points at infinity, affine (all-zero limbs)."""
        return np.zeros((n, 2) + self.element_shape, np.uint64)

    def from_py_ecc(self, points: Sequence) -> np.ndarray:
        """py_ecc points to a validated affine array.

        Accepts ``py_ecc.bn128`` affine pairs (None for infinity) and
        ``py_ecc.optimized_bn128`` homogeneous projective triples (x/z, y/z;
        z = 0 for infinity), even mixed in one list.
        """
        ints = []
        for i, point in enumerate(points):
            try:
                ints.extend(self._point_ints(point))
            except (TypeError, ValueError, AttributeError, ZeroDivisionError):
                raise ValueError(f"{self.name} point {i} is not a py_ecc point: {point!r}") from None
        for k, value in enumerate(ints):
            if not 0 <= value < Fq.modulus:
                raise ValueError(f"{self.name} point {k // (2 * self.degree)} has a coordinate >= p")
        arr = fq2.fq_from_ints(ints).reshape((-1, 2) + self.element_shape)
        return self.validate(arr)

    def _point_ints(self, point) -> list[int]:
        """The 2*degree coordinate integers of one py_ecc point, 0s for infinity."""
        if point is None:
            return [0] * (2 * self.degree)
        if len(point) == 3:
            z = self._field_ints(point[2])
            if not any(z):
                return [0] * (2 * self.degree)
            import py_ecc.optimized_bn128 as py_ecc_optimized

            point = py_ecc_optimized.normalize(point)
        x, y = point
        return self._field_ints(x) + self._field_ints(y)

    def _field_ints(self, value) -> list[int]:
        if self.degree == 1:
            return [int(value)]
        if len(value.coeffs) != self.degree:
            raise ValueError("wrong extension degree")
        return [int(c) for c in value.coeffs]

    def to_py_ecc(self, points: np.ndarray, optimized: bool = False) -> list | tuple | None:
        """Points (affine or Jacobian array) to py_ecc: ``bn128`` affine pairs with None
        for infinity, or with ``optimized=True`` ``optimized_bn128`` triples (z = 1,
        infinity (1, 1, 0)). A single point (no leading axis, as :meth:`msm` returns)
        gives a single py_ecc point, an array of points a list."""
        if isinstance(points, np.ndarray) and points.ndim == 1 + len(self.element_shape):
            return self.to_py_ecc(points[None], optimized)[0]
        aff = self.to_affine(self._check(points, "points"))
        ints = fq2.fq_to_ints(aff)
        from py_ecc import fields

        kind = ("optimized_" if optimized else "") + ("bn128_FQ" if self.degree == 1 else "bn128_FQ2")
        field = getattr(fields, kind)
        step = self.degree
        coords = [field(ints[k]) if step == 1 else field(ints[k : k + step]) for k in range(0, len(ints), step)]
        out = []
        for x, y in zip(coords[0::2], coords[1::2]):
            if x == field.zero() and y == field.zero():
                out.append((field.one(), field.one(), field.zero()) if optimized else None)
            else:
                out.append((x, y, field.one()) if optimized else (x, y))
        return out

    # -- validation ------------------------------------------------------------

    def _check(self, points: np.ndarray, what: str) -> np.ndarray:
        """Check dtype, shape and coordinate range; return a C-contiguous array."""
        if not isinstance(points, np.ndarray):
            raise ValueError(f"{what} must be a numpy array, got {type(points).__name__}")
        if points.dtype != np.uint64:
            raise ValueError(f"{what} must have dtype uint64, got {points.dtype}")
        if points.ndim != 2 + len(self.element_shape) or points.shape[1] not in (2, 3) or points.shape[2:] != self.element_shape:
            raise ValueError(
                f"{what} must have shape (n, 2, {self._shape_text()}) or (n, 3, {self._shape_text()}) "
                f"for {self.name}, got {points.shape}"
            )
        points = np.ascontiguousarray(points)
        bad = field_arrays.first_at_least(points.reshape(-1, 4), _P_LIMBS)
        if bad >= 0:
            per_point = points.shape[1] * self.degree
            raise ValueError(f"{what}: point {bad // per_point} has a coordinate >= p")
        return points

    def _shape_text(self) -> str:
        return ", ".join(map(str, self.element_shape))

    def is_on_curve(self, points: np.ndarray) -> np.ndarray:
        """Per point: satisfies y^2 = x^3 + b (infinity counts as on the curve)."""
        aff = self.to_affine(points)
        out = np.empty(len(aff), np.bool_)
        kernels.on_curve(aff, out)
        return out

    def in_subgroup(self, points: np.ndarray) -> np.ndarray:
        """Per point: on the curve and in the r-order subgroup (G1's cofactor is 1)."""
        aff = self.to_affine(points)
        out = self.is_on_curve(aff)
        if self._subgroup_check is not None:
            candidates = np.flatnonzero(out)
            member = np.zeros(len(candidates), np.bool_)
            self._subgroup_check(np.ascontiguousarray(aff[candidates]), member)
            out[candidates] = member
        return out

    def validate(self, points: np.ndarray, what: str = "points") -> np.ndarray:
        """Check an array of points fully; raise ValueError at the first bad one.

        Checks dtype, shape, coordinates < p, the curve equation and, for G2,
        the subgroup. Returns the points as a C-contiguous array.
        """
        points = self._check_on_curve(points, what)
        if self._subgroup_check is not None:
            member = self.in_subgroup(points)
            if not member.all():
                raise ValueError(f"{what}: point {int(np.argmin(member))} is not in the {self.name} subgroup")
        return points

    def _check_on_curve(self, points: np.ndarray, what: str) -> np.ndarray:
        """:meth:`validate` without the subgroup check."""
        points = self._check(points, what)
        on_curve = self.is_on_curve(points)
        if not on_curve.all():
            raise ValueError(f"{what}: point {int(np.argmin(on_curve))} is not on the {self.name} curve")
        return points

    # -- arithmetic ------------------------------------------------------------

    def to_jacobian(self, points: np.ndarray) -> np.ndarray:
        """Affine to Jacobian ((0, 0) becomes Z = 0); Jacobian input is returned as is."""
        points = self._check(points, "points")
        if points.shape[1] == 3:
            return points
        out = np.empty((len(points), 3) + self.element_shape, np.uint64)
        kernels.from_affine(points, out)
        return out

    def to_affine(self, points: np.ndarray) -> np.ndarray:
        """Jacobian to affine with one inversion per thread chunk; affine input as is."""
        points = self._check(points, "points")
        if points.shape[1] == 2:
            return points
        out = np.empty((len(points), 2) + self.element_shape, np.uint64)
        kernels.to_affine(points, out)
        return out

    def _operands(self, *arrays: np.ndarray) -> list[np.ndarray]:
        """Arithmetic operands: checked like :meth:`validate` except for G2's subgroup
        (the formulas are right for any point on the curve; membership is a protocol
        matter, checked where points enter from outside)."""
        checked = [self._check_on_curve(a, f"operand {k}") for k, a in enumerate(arrays)]
        if len({len(a) for a in checked}) > 1:
            raise ValueError(f"operands have different lengths: {[len(a) for a in checked]}")
        return checked

    def _result(self, jac: np.ndarray, *inputs: np.ndarray) -> np.ndarray:
        return self.to_affine(jac) if all(a.shape[1] == 2 for a in inputs) else jac

    def add(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a[i] + b[i]; a mixed addition when one side is affine."""
        a, b = self._operands(a, b)
        out = np.empty((len(a), 3) + self.element_shape, np.uint64)
        if a.shape[1] == 2 and b.shape[1] == 3:
            a, b = b, a
        if b.shape[1] == 2 and a.shape[1] == 3:
            kernels.add_mixed(a, b, out)
        else:
            kernels.add(self.to_jacobian(a), self.to_jacobian(b), out)
        return self._result(out, a, b)

    def double(self, a: np.ndarray) -> np.ndarray:
        """2 a[i]."""
        (a,) = self._operands(a)
        out = np.empty((len(a), 3) + self.element_shape, np.uint64)
        kernels.double(self.to_jacobian(a), out)
        return self._result(out, a)

    def neg(self, a: np.ndarray) -> np.ndarray:
        """-a[i], in a's coordinate system."""
        (a,) = self._operands(a)
        out = a.copy()
        kernels.neg(a, out)
        return out

    def scalar_mul(self, points: np.ndarray, scalars: Scalars) -> np.ndarray:
        """[scalars[i]] points[i]; a single point is broadcast over all scalars."""
        (points,) = self._operands(points)
        limbs = scalar_limbs(scalars)
        if len(points) == 1:
            points = np.repeat(points, len(limbs), axis=0)
        if len(points) != len(limbs):
            raise ValueError(f"{len(points)} points but {len(limbs)} scalars")
        out = np.empty((len(points), 3) + self.element_shape, np.uint64)
        kernels.scalar_mul(self.to_affine(points), limbs, out)
        return self._result(out, points)

    # -- multi-scalar multiplication -------------------------------------------

    def prepare(self, points: np.ndarray, checked: bool = False) -> Bases:
        """Validate affine MSM bases once; MSMs on the result skip all point checks.

        ``checked``: the caller has validated these very points already (a
        proving key whose file carries a matching verdict, see
        :mod:`zkprove.formats.key_check`), so only dtype and shape are checked.
        """
        if not checked:
            points = self.validate(points, "bases")
        elif (points.dtype != np.uint64 or points.ndim != 2 + len(self.element_shape)
              or points.shape[2:] != self.element_shape or not (points.flags.c_contiguous and points.flags.aligned)):
            shape = f"(n, 2, {self._shape_text()})"
            raise ValueError(f"checked {self.name} bases must be C-contiguous aligned uint64 {shape}")
        if points.shape[1] != 2:
            raise ValueError("MSM bases must be affine (n, 2, ...) arrays; convert with to_affine")
        at_infinity = ~points.any(axis=tuple(range(1, points.ndim)))
        return Bases(self, points, at_infinity)

    def msm(self, bases: np.ndarray | Bases, scalars: Scalars) -> np.ndarray:
        """sum_i scalars[i] * bases[i] as one affine point, shape (2, *element_shape).

        ``bases``: an affine array (validated on every call) or a :class:`Bases`
        from :meth:`prepare` (trusted). ``scalars``: Python ints in [0, r) or
        standard-form (not Montgomery) ``uint64[n, 4]`` limbs.
        """
        if not isinstance(bases, Bases):
            bases = self.prepare(bases)
        elif bases.group is not self:
            raise ValueError(f"bases were prepared for {bases.group.name}, not {self.name}")
        limbs = scalar_limbs(scalars)
        if len(limbs) != len(bases):
            raise ValueError(f"{len(bases)} bases but {len(limbs)} scalars")
        jac = msm_jacobian(bases.points, limbs, bases.at_infinity)
        return self.to_affine(jac)[0]


def scalar_limbs(scalars: Scalars) -> np.ndarray:
    """Scalars as checked standard-form ``uint64[n, 4]`` limbs, each in [0, r)."""
    if isinstance(scalars, np.ndarray) and scalars.dtype != object:
        return Fr.validate(scalars, "scalars")
    return Fr.standard_limbs(scalars, "scalar")


G1 = Group("G1", 1, None)
G2 = Group("G2", 2, in_g2_batch)


def _group_named(name: str) -> Group:
    return {"G1": G1, "G2": G2}[name]

__all__ = ["Bases", "G1", "G2", "Group", "Scalars", "scalar_limbs"]
