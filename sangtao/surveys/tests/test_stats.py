"""Intervals against independent computations, and coverage by simulation."""

import math

import numpy as np
import pytest

from sangtao.surveys.stats import (
    RespondentSums,
    difference_in_differences,
    mean_interval,
    newcombe_difference,
    ratio_mean,
    ratio_share,
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
    from scipy import stats as scipy_stats  # here: scipy.stats takes 0.4 s to import, in every worker that collects

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


def respondent_sums(m, k, s, w=None) -> RespondentSums:
    """The sums the database keeps, computed here with NumPy from per-respondent counts."""
    w = np.ones(len(m)) if w is None else w
    w2 = w * w
    return RespondentSums(len(m), w.sum(), (w * m).sum(), (w * k).sum(), (w * s).sum(), (w2 * m * m).sum(),
                          (w2 * k * m).sum(), (w2 * k * k).sum(), (w2 * s * m).sum(), (w2 * s * s).sum())


def test_ratio_share_with_one_answer_per_respondent_is_the_plain_wilson_interval():
    values = np.random.default_rng(5).integers(1, 6, size=80)
    k = (values >= 4).astype(float)
    share = ratio_share(respondent_sums(np.ones(80), k, values.astype(float)), weighted=False)
    low, high = wilson_by_formula(int(k.sum()), 80)
    assert (share.estimate, share.low, share.high, share.n) == (pytest.approx(k.mean()), pytest.approx(low),
                                                                  pytest.approx(high), 80)
    mean = ratio_mean(respondent_sums(np.ones(80), k, values.astype(float)))
    plain = mean_interval(80, values.sum(), (values**2).sum())
    assert (mean.estimate, mean.low, mean.high) == (pytest.approx(plain.estimate), pytest.approx(plain.low),
                                                    pytest.approx(plain.high))


def test_weighted_ratio_share_with_one_answer_each_is_the_weighted_share():
    rng = np.random.default_rng(6)
    w, y = rng.choice([0.5, 1.0, 3.0], size=200), (rng.random(200) < 0.7).astype(float)
    share = ratio_share(respondent_sums(np.ones(200), y, 5 * y, w), weighted=True)
    plain = weighted_share(w.sum(), (w * y).sum(), (w * w).sum(), (w * w * y).sum(), 200)
    assert (share.estimate, share.low, share.high) == (pytest.approx(plain.estimate), pytest.approx(plain.low),
                                                       pytest.approx(plain.high))


def test_ratio_share_interval_widens_with_correlated_answers_by_the_design_effect():
    """Each respondent answers five items alike: the effective sample is the respondents, not the answers."""
    k = np.array([5.0] * 30 + [0.0] * 10)  # 40 respondents, all five answers satisfied or none
    share = ratio_share(respondent_sums(np.full(40, 5.0), k, 4 * k + 1), weighted=False)
    low, high = wilson_by_formula(30, 40)
    assert (share.low, share.high) == (pytest.approx(low), pytest.approx(high))


def test_overall_intervals_cover_the_true_share_when_one_persons_answers_move_together():
    """Respondents differ (each has their own chance of being satisfied) and answer five items:
    the respondent-clustered interval covers the true share about 95% of the time, where
    Wilson over the 5n pooled answers, as if they were independent, falls far short."""
    rng = np.random.default_rng(12)
    a, b, items, n = 1.5, 0.5, 5, 60  # chance per respondent ~ Beta(1.5, 0.5): true share 0.75
    true_share = a / (a + b)
    clustered = pooled = 0
    repeats = 2000
    for _ in range(repeats):
        chance = rng.beta(a, b, size=n)
        k = rng.binomial(items, chance).astype(float)
        share = ratio_share(respondent_sums(np.full(n, float(items)), k, 4 * k + 1), weighted=False)
        clustered += share.low <= true_share <= share.high
        naive = wilson(k.sum(), n * items)
        pooled += naive.low <= true_share <= naive.high
    assert 0.93 <= clustered / repeats <= 0.975, clustered / repeats
    assert pooled / repeats < 0.85, pooled / repeats  # about 0.79
