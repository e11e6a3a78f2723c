"""Calibration on simulated rounds: the bias model recovers the planted quality better than raw means."""

import krippendorff
import numpy as np
import pytest

from sangtao.review.calibration import calibrate, krippendorff_alpha_interval, ranks


def simulated_round(seed: int, proposals=40, reviewers=12, per_proposal=3):
    rng = np.random.default_rng(seed)
    quality = rng.normal(70, 8, proposals)
    bias = rng.normal(0, 7, reviewers)
    scores = []
    for p in range(proposals):
        for r in rng.choice(reviewers, per_proposal, replace=False):
            scores.append((int(r), p, float(quality[p] + bias[r] + rng.normal(0, 3))))
    return quality, bias, scores


def test_adjusted_ranking_is_closer_to_the_planted_quality_than_raw_means():
    from scipy.stats import spearmanr  # here: scipy.stats takes 0.4 s to import, in every worker that collects

    raw_correlations, adjusted_correlations = [], []
    for seed in range(20):
        quality, _bias, scores = simulated_round(seed)
        result = calibrate(scores)
        order = sorted(result.raw_mean)
        raw_correlations.append(spearmanr([result.raw_mean[p] for p in order], quality[order]).statistic)
        adjusted_correlations.append(spearmanr([result.adjusted_mean[p] for p in order], quality[order]).statistic)
    assert np.mean(adjusted_correlations) > np.mean(raw_correlations) + 0.05
    assert sum(a > r for a, r in zip(adjusted_correlations, raw_correlations, strict=True)) >= 16


def test_reviewer_biases_are_recovered():
    _quality, bias, scores = simulated_round(1, proposals=80)
    result = calibrate(scores)
    estimated = np.array([result.bias[r] for r in range(len(bias))])
    assert np.corrcoef(estimated, bias - bias.mean())[0, 1] > 0.9


def test_an_outlying_scoresheet_stands_out():
    _quality, _bias, scores = simulated_round(2)
    reviewer, proposal, value = scores[5]
    scores[5] = (reviewer, proposal, value - 40)
    result = calibrate(scores)
    worst = max(result.residual, key=lambda key: abs(result.residual[key]))
    assert worst == (reviewer, proposal) and abs(result.residual[worst]) > 2.5


@pytest.mark.parametrize("seed", range(5))
def test_alpha_matches_an_independent_implementation(seed):
    _quality, _bias, scores = simulated_round(seed, proposals=15, reviewers=6)
    matrix = np.full((6, 15), np.nan)
    for r, p, s in scores:
        matrix[r, p] = s
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert krippendorff_alpha_interval(scores) == pytest.approx(expected, abs=1e-9)


def test_alpha_is_one_for_perfect_agreement_and_none_without_pairs():
    assert krippendorff_alpha_interval([(1, 1, 60.0), (2, 1, 60.0), (1, 2, 80.0), (2, 2, 80.0)]) == pytest.approx(1)
    assert krippendorff_alpha_interval([(1, 1, 60.0)]) is None


def test_ranks_share_places_on_ties():
    assert ranks({1: 80.0, 2: 75.0, 3: 80.0, 4: 60.0}) == {1: 1, 3: 1, 2: 3, 4: 4}
