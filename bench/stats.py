"""Uncertainty of benchmark figures over seeds: means, percentiles and ratios with 95% intervals.

A compare point is run once per seed; each seed gives one value of each
metric. :func:`mean_ci` gives the Student-t interval of the mean (the values
are independent runs; t, not z, because there are few of them). Percentiles
of pooled latencies and ratios of two means have no simple sampling
distribution, so :func:`bootstrap_ci` and :func:`ratio_ci` use the
percentile bootstrap (Efron & Tibshirani, *An Introduction to the
Bootstrap*, 1993, ch. 13), seeded so that a report regenerates identically.
:func:`within_noise` says whether a difference is distinguishable from none:
its interval crosses 0 (a difference) or 1 (a ratio).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

LEVEL = 0.95
RESAMPLES = 2000


@dataclass(frozen=True)
class Interval:
    """A point estimate and its two-sided confidence interval at ``level``."""

    value: float
    low: float
    high: float
    n: int
    level: float = LEVEL

    def crosses(self, null: float) -> bool:
        """True when ``null`` lies inside the interval: the data cannot tell the estimate from it."""
        return self.low <= null <= self.high

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n, "level": self.level}

    def text(self, digits: int = 3) -> str:
        """``"1.23 [1.10, 1.36]"``."""
        return f"{self.value:.{digits}g} [{self.low:.{digits}g}, {self.high:.{digits}g}]"


def _values(values: Sequence[float], least: int) -> np.ndarray:
    data = np.asarray(values, dtype=float)
    if data.ndim != 1 or len(data) < least:
        raise ValueError(f"an interval needs at least {least} values, got {len(data)}")
    if not np.all(np.isfinite(data)):
        raise ValueError("an interval needs finite values; got NaN or infinity")
    return data


def _resamples(data: np.ndarray, rng: np.random.Generator, resamples: int) -> np.ndarray:
    """``resamples`` bootstrap samples of ``data`` (drawn with replacement), one per row."""
    return data[rng.integers(0, len(data), size=(resamples, len(data)))]


def mean_ci(values: Sequence[float], level: float = LEVEL) -> Interval:
    """The mean and its Student-t interval: mean +- t_{(1+level)/2, n-1} * s / sqrt(n)."""
    data = _values(values, 2)
    mean = float(data.mean())
    half = float(scipy_stats.t.ppf((1 + level) / 2, len(data) - 1) * data.std(ddof=1) / math.sqrt(len(data)))
    return Interval(mean, mean - half, mean + half, len(data), level)


def bootstrap_ci(values: Sequence[float], statistic: Callable[[np.ndarray], np.ndarray], seed: int = 0,
                 level: float = LEVEL, resamples: int = RESAMPLES) -> Interval:
    """``statistic`` of ``values`` and its percentile-bootstrap interval (``resamples`` draws, seeded).

    ``statistic`` maps a 2-D array (one sample per row) to one value per row, so all resamples are
    computed in one numpy call.
    """
    data = _values(values, 2)
    estimates = statistic(_resamples(data, np.random.default_rng(seed), resamples))
    tail = (1 - level) / 2
    low, high = np.quantile(estimates, [tail, 1 - tail])
    return Interval(float(statistic(data[None, :])[0]), float(low), float(high), len(data), level)


def percentile_ci(values: Sequence[float], q: float, seed: int = 0, level: float = LEVEL) -> Interval:
    """The ``q``-th percentile (0-100) of ``values`` with its bootstrap interval (for P50, P99)."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be in [0, 100], got {q}")
    return bootstrap_ci(values, lambda rows: np.percentile(rows, q, axis=1), seed, level)


def ratio_ci(numerator: Sequence[float], denominator: Sequence[float], seed: int = 0,
             level: float = LEVEL, resamples: int = RESAMPLES) -> Interval:
    """mean(numerator) / mean(denominator), each resampled on its own (independent seeds), percentile bootstrap."""
    a, b = _values(numerator, 2), _values(denominator, 2)
    if b.mean() == 0:
        raise ValueError("a ratio needs a denominator whose mean is not zero")
    rng = np.random.default_rng(seed)
    means_a = _resamples(a, rng, resamples).mean(axis=1)
    means_b = _resamples(b, rng, resamples).mean(axis=1)
    ratios = means_a[means_b != 0] / means_b[means_b != 0]
    tail = (1 - level) / 2
    low, high = np.quantile(ratios, [tail, 1 - tail])
    return Interval(float(a.mean() / b.mean()), float(low), float(high), min(len(a), len(b)), level)


def median_difference_ci(a: Sequence[float], b: Sequence[float], seed: int = 0, level: float = LEVEL,
                         resamples: int = RESAMPLES) -> Interval:
    """median(a) - median(b), each sample resampled on its own, percentile bootstrap: for latencies, whose
    long tails make a difference of means mostly a difference of outliers."""
    x, y = _values(a, 2), _values(b, 2)
    rng = np.random.default_rng(seed)
    differences = np.median(_resamples(x, rng, resamples), axis=1) - np.median(_resamples(y, rng, resamples), axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(differences, [tail, 1 - tail])
    return Interval(float(np.median(x) - np.median(y)), float(low), float(high), min(len(x), len(y)), level)


def difference_ci(a: Sequence[float], b: Sequence[float], level: float = LEVEL) -> Interval:
    """mean(a) - mean(b) with Welch's t interval (independent samples, unequal variances; Welch 1947)."""
    x, y = _values(a, 2), _values(b, 2)
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    diff = float(x.mean() - y.mean())
    se = math.sqrt(va + vb)
    if se == 0:
        return Interval(diff, diff, diff, min(len(x), len(y)), level)
    dof = (va + vb) ** 2 / (va ** 2 / (len(x) - 1) + vb ** 2 / (len(y) - 1))
    half = float(scipy_stats.t.ppf((1 + level) / 2, dof) * se)
    return Interval(diff, diff - half, diff + half, min(len(x), len(y)), level)


def within_noise(interval: Interval, null: float = 0.0) -> bool:
    """True when the interval of a difference (``null`` 0) or a ratio (``null`` 1) contains ``null``."""
    return interval.crosses(null)
