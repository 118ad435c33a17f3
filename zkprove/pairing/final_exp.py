"""The final exponentiation f -> f^((p^12 - 1)/r) of the BN254 pairing.

The exponent splits as (p^6 - 1)(p^2 + 1) * (p^4 - p^2 + 1)/r.

* The easy part, f^((p^6-1)(p^2+1)), costs one inversion and Frobenius
  maps: f^(p^6) is the conjugate. Its result lies in the cyclotomic
  subgroup, where squaring is cheap (:func:`.fq12.cyclotomic_square`) and
  inversion is conjugation.
* The hard part, (p^4 - p^2 + 1)/r = l0 + l1 p + l2 p^2 + l3 p^3 with
  l3 = 1, l2 = 6x^2 + 1, l1 = -36x^3 - 18x^2 - 12x + 1 and
  l0 = -36x^3 - 30x^2 - 18x - 2, is computed from f^x, f^(x^2), f^(x^3)
  and Frobenius maps by the addition chain of Scott, Benger, Charlemagne,
  Dominguez Perez and Kachisa, "On the final exponentiation for calculating
  pairings on ordinary elliptic curves" (Pairing 2009, section 5), the chain
  go-ethereum's bn256 uses too.

The result is exactly f^((p^12-1)/r), the reduced pairing value py_ecc
computes, not a fixed power of it; the tests compare the two.
"""

from numba import njit

from zkprove.curve.subgroup import SEED

from . import fq12
from .miller import signed_digits

_SEED_DIGITS = signed_digits(SEED)


@njit(cache=True)
def cyclotomic_power_of_seed(a):
    """a^x for a in the cyclotomic subgroup, left to right over the signed digits of x."""
    inverse = fq12.conjugate(a)
    result = a
    for index in range(len(_SEED_DIGITS) - 2, -1, -1):
        result = fq12.cyclotomic_square(result)
        digit = _SEED_DIGITS[index]
        if digit > 0:
            result = fq12.mul(result, a)
        elif digit < 0:
            result = fq12.mul(result, inverse)
    return result


@njit(cache=True)
def easy_part(f):
    """f^((p^6 - 1)(p^2 + 1)); f must be non-zero (a Miller loop value always is)."""
    t = fq12.mul(fq12.conjugate(f), fq12.inv(f))
    return fq12.mul(fq12.frobenius(fq12.frobenius(t)), t)


@njit(cache=True)
def hard_part(t):
    """t^((p^4 - p^2 + 1)/r) for t in the cyclotomic subgroup (Scott et al.'s chain)."""
    fu = cyclotomic_power_of_seed(t)
    fu2 = cyclotomic_power_of_seed(fu)
    fu3 = cyclotomic_power_of_seed(fu2)
    fp = fq12.frobenius(t)
    fp2 = fq12.frobenius(fp)
    fp3 = fq12.frobenius(fp2)
    y0 = fq12.mul(fq12.mul(fp, fp2), fp3)
    y1 = fq12.conjugate(t)
    y2 = fq12.frobenius(fq12.frobenius(fu2))
    y3 = fq12.conjugate(fq12.frobenius(fu))
    y4 = fq12.conjugate(fq12.mul(fu, fq12.frobenius(fu2)))
    y5 = fq12.conjugate(fu2)
    y6 = fq12.conjugate(fq12.mul(fu3, fq12.frobenius(fu3)))
    t0 = fq12.mul(fq12.mul(fq12.cyclotomic_square(y6), y4), y5)
    t1 = fq12.mul(fq12.mul(y3, y5), t0)
    t0 = fq12.mul(t0, y2)
    t1 = fq12.cyclotomic_square(fq12.mul(fq12.cyclotomic_square(t1), t0))
    t0 = fq12.mul(t1, y1)
    t1 = fq12.mul(t1, y0)
    return fq12.mul(fq12.cyclotomic_square(t0), t1)


@njit(cache=True)
def final_exponentiation(f):
    """f^((p^12 - 1)/r)."""
    return hard_part(easy_part(f))
