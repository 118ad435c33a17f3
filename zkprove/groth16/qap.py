"""R1CS to QAP: the evaluation domain, the witness map (quotient H) and the wire polynomials at tau.

The constraint system's rows become evaluations on the radix-2 domain
H = <omega> of size n: wire i's polynomials u_i, v_i, w_i are those with
u_i(omega^j) = A[j][i] (likewise B, C), so a witness z satisfies the system
exactly when A(X)·B(X) − C(X), with A(X) = sum_i z_i u_i(X) and so on, is a
multiple of Z(X) = X^n − 1 (Groth 2016, "On the Size of Pairing-based
Non-interactive Arguments", section 3 and appendix on QAPs).

**snarkjs-compatible rows.** After the m constraints come n_public + 1 rows
with A[m+i][i] = 1 for i = 0..n_public (the constant wire and the public
wires) and B, C zero there. They make u_0..u_{n_public} linearly
independent, which the Groth16 security proof needs for the public wires,
and they are what snarkjs adds, so our keys size their domain as snarkjs
does: n = 2^ceil(log2(m + n_public + 1)) (docs/architecture.md, section "Domain size").

The matrices are kept as CSR arrays with Montgomery-form coefficients
(:class:`Matrix`), built once per constraint system (:meth:`QAP.of`) and
saved inside the proving key, so that proving needs only the key and the
wire values, as with a snarkjs ``.zkey``.

The witness map follows arkworks' ``LibsnarkReduction::witness_map``
(ark-groth16 ``r1cs_to_qap.rs``): evaluations A·z, B·z, C·z on H, an inverse
NTT to coefficients, a forward NTT onto the coset gH where Z is the non-zero
constant g^n − 1, the pointwise quotient (a·b − c)/(g^n − 1), and an inverse
coset NTT back to the n − 1 coefficients of H(X).

**The snarkjs variant** (snarkjs ``src/zkey_new.js``, ``src/groth16_prove.js``;
docs/formats.md). A ``.zkey`` stores A and B but not C, and its H query is
[L'_{2j+1}(tau)/delta] for j < n: the Lagrange basis of the domain of size 2n
at its odd points omega_2n^(2j+1), which form the coset omega_2n·H. There
Z(X) = X^n − 1 is −2 and H(X)·Z(X), of degree at most 2n − 2, is spanned by
that basis, so H(tau)Z(tau) = sum_j (A·B − C)(omega_2n^(2j+1)) · L'_{2j+1}(tau):
the prover needs A·B − C on the odd coset (:func:`odd_coset_numerator`) and
no division. Without C, C·z is taken as A·z ∘ B·z row by row, which is what
it is for a satisfying witness (``QAP.c`` is None), and the witness cannot be
checked against the constraints before proving.
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
from numba import njit, prange

from zkprove.field import Fr
from zkprove.field.arrays import load, store
from zkprove.field.chunks import CHUNKS, chunk_start
from zkprove.field.montgomery import add, equal, is_zero, mul, sub
from zkprove.field.params import FR_SPEC, R
from zkprove.poly import EvaluationDomain
from zkprove.poly.domain import montgomery_limbs, root_of_unity, scale_by_powers
from zkprove.poly.ntt import coset_intt, coset_ntt, intt
from zkprove.r1cs.system import ConstraintSystem, SparseMatrix
from zkprove.timing import StepTimer


def domain_size(n_constraints: int, n_public: int) -> int:
    """2^ceil(log2(m + n_public + 1)): room for the constraints plus snarkjs's public-input rows."""
    rows = n_constraints + n_public + 1
    return 1 << (rows - 1).bit_length()


@dataclass(frozen=True)
class Matrix:
    """A sparse matrix in CSR form with Montgomery-form Fr coefficients (``uint64[nnz, 4]``)."""

    indptr: np.ndarray
    wires: np.ndarray
    coeffs: np.ndarray

    @classmethod
    def from_sparse(cls, matrix: SparseMatrix, extra_rows: list[dict[int, int]]) -> Matrix:
        """The rows of ``matrix`` followed by ``extra_rows`` (``{wire: coefficient}`` each)."""
        counts = np.diff(np.asarray(matrix.indptr, dtype=np.int64))
        counts = np.concatenate([counts, np.array([len(row) for row in extra_rows], dtype=np.int64)])
        wires = [np.asarray(matrix.wires, dtype=np.int64)]
        wires += [np.array(list(row), dtype=np.int64) for row in extra_rows]
        coeffs = list(matrix.coeffs) + [c for row in extra_rows for c in row.values()]
        return cls(
            indptr=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
            wires=np.concatenate(wires).astype(np.int64),
            coeffs=Fr.from_ints(coeffs) if coeffs else np.zeros((0, 4), np.uint64),
        )

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1


@dataclass(frozen=True)
class QAP:
    """A constraint system as a QAP: the extended matrices (see module doc) and the domain size.

    ``a``, ``b``, ``c`` have n_constraints + n_public + 1 rows; rows past
    them up to ``domain_size`` are zero. ``c`` is None for a QAP read from a
    snarkjs ``.zkey``, which stores no C (module doc). ``digest`` (hex SHA-256
    over the sizes and the matrices) identifies the constraint system a key
    was made for; :meth:`without_c` gives the digest a ``.zkey``'s QAP has.
    """

    n_wires: int
    n_public: int
    n_constraints: int
    domain_size: int
    a: Matrix
    b: Matrix
    c: Matrix | None

    def __post_init__(self) -> None:
        for name in ("a", "b", "c") if self.c is not None else ("a", "b"):
            problem = self._matrix_error(getattr(self, name))
            if problem:
                raise ValueError(f"QAP matrix {name}: {problem}")

    def _matrix_error(self, m: Matrix) -> str | None:
        """Why ``m`` cannot be one of this QAP's matrices (kernels index without bounds checks)."""
        if not self.n_public < self.n_wires or self.domain_size < self.n_constraints + self.n_public + 1:
            return f"sizes are inconsistent: {self.n_wires} wires, {self.n_public} public, domain {self.domain_size}"
        if m.n_rows != self.n_constraints + self.n_public + 1:
            return f"{m.n_rows} rows, expected {self.n_constraints + self.n_public + 1}"
        if m.indptr[0] != 0 or m.indptr[-1] != len(m.wires) or np.any(np.diff(m.indptr) < 0):
            return "indptr is not a valid CSR row pointer"
        if len(m.wires) and (m.wires.min() < 0 or m.wires.max() >= self.n_wires):
            return f"a wire index lies outside [0, {self.n_wires})"
        try:
            Fr.validate(m.coeffs, "coefficient")
        except ValueError as error:
            return str(error)
        return None

    @classmethod
    def of(cls, cs: ConstraintSystem) -> QAP:
        """The QAP of ``cs``, converted once and cached for as long as ``cs`` lives."""
        cached = _CACHE.get(id(cs))
        if cached is not None and cached[0]() is cs:
            return cached[1]
        qap = cls.from_constraint_system(cs)
        _CACHE[id(cs)] = (weakref.ref(cs), qap)
        weakref.finalize(cs, _CACHE.pop, id(cs), None)
        return qap

    @classmethod
    def from_constraint_system(cls, cs: ConstraintSystem) -> QAP:
        """Convert ``cs`` (coefficients to Montgomery limbs, public-input rows appended)."""
        if cs.prime != R:
            raise ValueError(f"Groth16 over BN254 needs a constraint system over r, not {cs.prime}")
        public_rows = [{i: 1} for i in range(cs.n_public + 1)]
        empty_rows: list[dict[int, int]] = [{} for _ in public_rows]
        return cls(
            n_wires=cs.n_wires,
            n_public=cs.n_public,
            n_constraints=cs.n_constraints,
            domain_size=domain_size(cs.n_constraints, cs.n_public),
            a=Matrix.from_sparse(cs.a, public_rows),
            b=Matrix.from_sparse(cs.b, empty_rows),
            c=Matrix.from_sparse(cs.c, empty_rows),
        )

    @cached_property
    def digest(self) -> str:
        """Hex SHA-256 of the sizes and the CSR arrays of A, B, C."""
        h = hashlib.sha256(b"zkprove.groth16.qap/1")
        h.update(np.array([self.n_wires, self.n_public, self.n_constraints, self.domain_size], "<i8").tobytes())
        for matrix in self.matrices:
            for array, dtype in ((matrix.indptr, "<i8"), (matrix.wires, "<i8"), (matrix.coeffs, "<u8")):
                h.update(np.ascontiguousarray(array, dtype=dtype).tobytes())
        return h.hexdigest()

    @property
    def matrices(self) -> tuple[Matrix, ...]:
        """A, B and (when stored) C."""
        return (self.a, self.b) if self.c is None else (self.a, self.b, self.c)

    def without_c(self) -> QAP:
        """This QAP as a ``.zkey`` holds it: A and B only."""
        return self if self.c is None else replace(self, c=None)

    def domain(self) -> EvaluationDomain:
        return EvaluationDomain.of(self.domain_size)

    def reduce(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A·z, B·z, C·z on the domain (Montgomery, ``domain_size`` rows) for Montgomery wire values z.

        Without C, C·z is A·z ∘ B·z (module doc).
        """
        out = []
        for matrix in self.matrices:
            rows = np.zeros((self.domain_size, 4), np.uint64)
            _matvec(matrix.indptr, matrix.wires, matrix.coeffs, z, rows)
            out.append(rows)
        if self.c is None:
            out.append(Fr.mul(out[0], out[1]))
        return out[0], out[1], out[2]

    def wire_evaluations(self, lagrange: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """u_i(tau), v_i(tau), w_i(tau) for every wire, given L_j(tau) for every row j (Montgomery)."""
        if self.c is None:
            raise ValueError("this QAP has no C matrix (read from a .zkey), so w_i(tau) cannot be evaluated")
        out = []
        for matrix in (self.a, self.b, self.c):
            values = np.zeros((self.n_wires, 4), np.uint64)
            _transpose_matvec(matrix.indptr, matrix.wires, matrix.coeffs, lagrange, values)
            out.append(values)
        return out[0], out[1], out[2]


_CACHE: dict[int, tuple[weakref.ref, QAP]] = {}


@njit(cache=True)
def _matvec_rows(indptr, wires, coeffs, z, out, lo, hi):
    for row in range(lo, hi):
        acc = (np.uint64(0), np.uint64(0), np.uint64(0), np.uint64(0))
        for k in range(indptr[row], indptr[row + 1]):
            value = load(z, wires[k])
            coeff = load(coeffs, k)
            if not equal(coeff, FR_SPEC.one):
                value = mul(value, coeff, FR_SPEC)
            acc = add(acc, value, FR_SPEC)
        store(out, row, acc)


@njit(cache=True, parallel=True)
def _matvec(indptr, wires, coeffs, z, out):
    """out[row] = sum_k coeffs[k] * z[wires[k]] over the row's entries, rows in parallel."""
    n = indptr.shape[0] - 1
    for c in prange(CHUNKS):
        _matvec_rows(indptr, wires, coeffs, z, out, chunk_start(c, n), chunk_start(c + 1, n))


@njit(cache=True)
def _transpose_matvec(indptr, wires, coeffs, x, out):
    """out[wire] += coeff * x[row] for every entry (row, wire, coeff): the column sums M^T x."""
    for row in range(indptr.shape[0] - 1):
        xr = load(x, row)
        if is_zero(xr):
            continue
        for k in range(indptr[row], indptr[row + 1]):
            w = wires[k]
            store(out, w, add(load(out, w), mul(xr, load(coeffs, k), FR_SPEC), FR_SPEC))


@njit(cache=True)
def _divide_rows(a, b, c, z_inv, out, lo, hi):
    factor = load(z_inv, 0)
    for i in range(lo, hi):
        ab = mul(load(a, i), load(b, i), FR_SPEC)
        store(out, i, mul(sub(ab, load(c, i), FR_SPEC), factor, FR_SPEC))


@njit(cache=True, parallel=True)
def _divide_on_coset(a, b, c, z_inv, out):
    """out[i] = (a[i] * b[i] - c[i]) * z_inv: the quotient's evaluations on the coset."""
    n = a.shape[0]
    for k in prange(CHUNKS):
        _divide_rows(a, b, c, z_inv, out, chunk_start(k, n), chunk_start(k + 1, n))


def quotient(
    az: np.ndarray, bz: np.ndarray, cz: np.ndarray, domain: EvaluationDomain, timer: StepTimer
) -> np.ndarray:
    """The n − 1 coefficients of H = (A·B − C)/Z from the evaluations of A, B, C on the domain.

    Timed steps: ``intt`` (3 transforms), ``coset_ntt`` (3), ``divide``, ``coset_intt`` (1).
    """
    with timer.step("intt"):
        coefficients = [intt(values, domain) for values in (az, bz, cz)]
    with timer.step("coset_ntt"):
        on_coset = [coset_ntt(values, domain) for values in coefficients]
    with timer.step("divide"):
        z_inv = np.array([montgomery_limbs(pow(domain.vanishing_on_coset(), -1, R))], np.uint64)
        h_on_coset = np.empty_like(az)
        _divide_on_coset(on_coset[0], on_coset[1], on_coset[2], z_inv, h_on_coset)
    with timer.step("coset_intt"):
        h = coset_intt(h_on_coset, domain)
    return h[: domain.size - 1]


def odd_coset_numerator(
    az: np.ndarray, bz: np.ndarray, cz: np.ndarray, domain: EvaluationDomain, timer: StepTimer
) -> np.ndarray:
    """(A·B − C)(omega_2n^(2j+1)) for j < n: the scalars of the snarkjs H query (module doc).

    The odd points of the 2n domain are the coset omega_2n·H, so each of A, B, C
    goes through an inverse NTT and a coset NTT with offset omega_2n.
    Timed steps: ``intt`` (3 transforms), ``coset_ntt`` (3), ``subtract``.
    """
    odd = EvaluationDomain.of(domain.size, root_of_unity(domain.log_size + 1))
    with timer.step("intt"):
        coefficients = [intt(values, domain) for values in (az, bz, cz)]
    with timer.step("coset_ntt"):
        a, b, c = (coset_ntt(values, odd) for values in coefficients)
    with timer.step("subtract"):
        return Fr.sub(Fr.mul(a, b), c)


def lagrange_basis_at(domain: EvaluationDomain, tau: int) -> np.ndarray:
    """L_j(tau) for j < n (Montgomery): Z(tau)/n · omega^j / (tau − omega^j), one batch inversion.

    tau must lie outside the domain (tau^n != 1).
    """
    n = domain.size
    z_tau = (pow(tau, n, R) - 1) % R
    if z_tau == 0:
        raise ValueError("tau lies in the evaluation domain")
    omegas = np.empty((n, 4), np.uint64)
    omegas[:] = FR_SPEC.one
    powers_of(omegas, domain.omega)
    tau_array = np.empty_like(omegas)
    tau_array[:] = montgomery_limbs(tau)
    denominators = Fr.batch_inv(Fr.sub(tau_array, omegas))
    scale = np.empty_like(omegas)
    scale[:] = montgomery_limbs(z_tau * domain.size_inv % R)
    return Fr.mul(Fr.mul(omegas, denominators), scale)


def powers_of(out: np.ndarray, base: int) -> None:
    """Multiply row i of ``out`` (Montgomery, in place) by base^i."""
    scale_by_powers(out, out, FR_SPEC.one, montgomery_limbs(base % R), False)
