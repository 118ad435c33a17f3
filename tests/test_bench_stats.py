"""bench.stats: its intervals cover a known value at their nominal rate on seeded synthetic data.

Coverage over ``TRIALS`` independent samples is a binomial count; it must lie
within 3 standard deviations of ``TRIALS * level``. Each test also runs a
deliberately wrong level and checks that the same tolerance rejects it, so
the check can fail.
"""

import math

import numpy as np
import pytest

from bench.stats import (Interval, bootstrap_ci, difference_ci, mean_ci, median_difference_ci, percentile_ci, ratio_ci,
                         within_noise)

TRIALS = 400


def tolerance(level: float, trials: int = TRIALS) -> float:
    """Three binomial standard deviations of the covered share."""
    return 3 * math.sqrt(level * (1 - level) / trials)


def coverage(make, truth: float, trials: int = TRIALS, seed: int = 7) -> float:
    """Share of ``trials`` intervals ``make(rng, i)`` that contain ``truth``."""
    rng = np.random.default_rng(seed)
    return sum(make(rng, i).crosses(truth) for i in range(trials)) / trials


def test_t_interval_covers_a_known_mean_at_95_percent():
    make = lambda rng, i: mean_ci(rng.normal(3.0, 2.0, size=8))
    assert abs(coverage(make, 3.0) - 0.95) <= tolerance(0.95)
    narrow = lambda rng, i: mean_ci(rng.normal(3.0, 2.0, size=8), level=0.5)
    assert abs(coverage(narrow, 3.0) - 0.95) > tolerance(0.95)


def test_t_interval_of_skewed_runs_covers_at_30_seeds():
    """Exponential values (as throughputs over seeds can be skewed) at the simulation's 30 seeds."""
    make = lambda rng, i: mean_ci(rng.exponential(2.0, size=30))
    assert abs(coverage(make, 2.0) - 0.95) <= tolerance(0.95) + 0.01


def test_bootstrap_percentile_interval_covers_a_known_median():
    truth = math.log(2)  # the median of an exponential of mean 1
    make = lambda rng, i: percentile_ci(rng.exponential(1.0, size=60), 50, seed=i)
    assert abs(coverage(make, truth, trials=300) - 0.95) <= tolerance(0.95, 300) + 0.01
    assert not percentile_ci(np.arange(100.0), 50).crosses(80.0)


def test_median_difference_interval_covers_a_known_difference():
    """Long-tailed latencies (exponential, medians 5 ln 2 and 3 ln 2 ms) at the gateway bench's ~20 jobs a side."""
    truth = 2 * math.log(2)
    make = lambda rng, i: median_difference_ci(rng.exponential(5.0, size=21), rng.exponential(3.0, size=21), seed=i)
    assert abs(coverage(make, truth, trials=300) - 0.95) <= tolerance(0.95, 300) + 0.02
    assert median_difference_ci([1.0, 2.0, 3.0], [0.0, 1.0, 9.0]).value == 1.0
    assert not median_difference_ci(np.arange(50.0) + 30, np.arange(50.0)).crosses(0.0)


def test_ratio_interval_covers_a_known_ratio_and_is_seeded():
    make = lambda rng, i: ratio_ci(rng.normal(1.15, 0.2, size=30), rng.normal(1.0, 0.2, size=30), seed=i)
    assert abs(coverage(make, 1.15, trials=300) - 0.95) <= tolerance(0.95, 300) + 0.01
    a, b = np.linspace(1.0, 2.0, 10), np.linspace(1.0, 1.5, 10)
    assert ratio_ci(a, b, seed=3) == ratio_ci(a, b, seed=3)
    assert bootstrap_ci(a, lambda rows: rows.mean(axis=1), seed=3).value == pytest.approx(1.5)


def test_welch_difference_covers_and_within_noise_says_when_it_cannot_tell():
    make = lambda rng, i: difference_ci(rng.normal(1.0, 1.0, size=10), rng.normal(0.5, 0.3, size=20))
    assert abs(coverage(make, 0.5) - 0.95) <= tolerance(0.95)
    rng = np.random.default_rng(1)
    same = difference_ci(rng.normal(1.0, 0.1, 30), rng.normal(1.0, 0.1, 30))
    apart = difference_ci(rng.normal(1.5, 0.1, 30), rng.normal(1.0, 0.1, 30))
    assert within_noise(same) and not within_noise(apart)
    assert within_noise(Interval(1.1, 0.9, 1.3, 5), null=1.0) and not within_noise(Interval(1.1, 1.05, 1.2, 5), 1.0)


def test_bad_input_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="at least 2 values"):
        mean_ci([1.0])
    with pytest.raises(ValueError, match="finite"):
        mean_ci([1.0, float("nan")])
    with pytest.raises(ValueError, match="percentile"):
        percentile_ci([1.0, 2.0], 150)
    with pytest.raises(ValueError, match="denominator"):
        ratio_ci([1.0, 2.0], [0.0, 0.0])
    assert mean_ci([2.0, 4.0]).text() == "3 [-9.71, 15.7]"
