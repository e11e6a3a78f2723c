"""Intervals against independent computations, and coverage by simulation."""

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from sangtao.surveys.stats import (
    difference_in_differences,
    mean_interval,
    newcombe_difference,
    sample_size,
    weighted_share,
    wilson,
)


def wilson_by_formula(k, n, z=1.959963984540054):
    """Wilson's interval written out from the textbook formula, independently of the product code."""
    p = k / n
    centre = (2 * n * p + z**2) / (2 * (n + z**2))
    half = z * math.sqrt(z**2 + 4 * n * p * (1 - p)) / (2 * (n + z**2))
    return centre - half, centre + half


@pytest.mark.parametrize(("k", "n"), [(0, 30), (1, 30), (15, 30), (29, 30), (30, 30), (812, 1000), (7, 9)])
def test_wilson_matches_the_textbook_formula(k, n):
    share = wilson(k, n)
    low, high = wilson_by_formula(k, n)
    assert share.estimate == pytest.approx(k / n)
    assert (share.low, share.high) == (pytest.approx(max(0, low)), pytest.approx(min(1, high)))


def test_wilson_intervals_cover_the_true_share_about_95_percent_of_the_time():
    rng = np.random.default_rng(11)
    for true_p, n in ((0.8, 40), (0.5, 100), (0.93, 200)):
        hits = 0
        for _ in range(4000):
            share = wilson(int(rng.binomial(n, true_p)), n)
            hits += share.low <= true_p <= share.high
        assert 0.93 <= hits / 4000 <= 0.975, (true_p, n, hits / 4000)


def test_weighted_share_with_equal_weights_is_the_plain_share_with_a_wald_interval():
    share = weighted_share(100, 80, 100, 80, 100)
    assert share.estimate == pytest.approx(0.8)
    assert share.high - share.estimate == pytest.approx(1.959963984540054 * math.sqrt(0.8 * 0.2 / 100))


def test_weighted_intervals_cover_the_population_share():
    rng = np.random.default_rng(5)
    hits, trials = 0, 2000
    # Two strata: 30% of the population satisfied at 0.6, 70% at 0.9; the sample over-represents stratum A.
    truth = 0.3 * 0.6 + 0.7 * 0.9
    for _ in range(trials):
        a = rng.random(150) < 0.6
        b = rng.random(150) < 0.9
        w = np.concatenate([np.full(150, 0.3 / 150), np.full(150, 0.7 / 150)])
        y = np.concatenate([a, b]).astype(float)
        share = weighted_share(w.sum(), (w * y).sum(), (w * w).sum(), (w * w * y).sum(), 300)
        hits += share.low <= truth <= share.high
    assert 0.93 <= hits / trials <= 0.97


def test_mean_interval_matches_scipy():
    values = np.array([5, 4, 4, 3, 5, 2, 4, 4, 5, 3], float)
    mean = mean_interval(len(values), values.sum(), (values**2).sum())
    # Normal interval with the sample variance, as scipy computes it.
    low, high = scipy_stats.norm.interval(0.95, loc=values.mean(), scale=values.std(ddof=1) / math.sqrt(len(values)))
    assert (mean.estimate, mean.low, mean.high) == (pytest.approx(values.mean()), pytest.approx(low), pytest.approx(high))


def test_difference_intervals_cover_the_true_change():
    rng = np.random.default_rng(3)
    hits = did_hits = 0
    for _ in range(2000):
        before, after = wilson(rng.binomial(120, 0.7), 120), wilson(rng.binomial(120, 0.8), 120)
        change = newcombe_difference(after, before)
        hits += change.low <= 0.1 <= change.high
        c_before, c_after = wilson(rng.binomial(120, 0.6), 120), wilson(rng.binomial(120, 0.65), 120)
        did = difference_in_differences(after, before, c_after, c_before)
        did_hits += did.low <= 0.05 <= did.high
    assert 0.93 <= hits / 2000 <= 0.975
    assert 0.93 <= did_hits / 2000 <= 0.975


def test_sample_size_rule():
    assert sample_size(10_000) == 385
    assert sample_size(100) == 80
