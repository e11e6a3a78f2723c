"""The staggered estimator against an independent regression formulation, and against planted effects."""

import numpy as np
import pandas as pd
import pytest

from sangtao.capacity.staggered import NEVER, att_gt, twfe


def reference_cells(outcome: np.ndarray, cohort: np.ndarray) -> dict[tuple[int, int], tuple[float, float]]:
    """ATT(g, t) as the coefficient of a treated dummy in an OLS of the long difference, on a
    long pandas table, with the HC0 (robust) standard error; written from the paper, not the module."""
    n, periods = outcome.shape
    long = pd.DataFrame({"unit": np.repeat(np.arange(n), periods), "period": np.tile(np.arange(periods), n),
                         "y": outcome.ravel(), "g": np.repeat(cohort, periods)})
    wide = long.pivot(index="unit", columns="period", values="y")
    groups = long.groupby("unit")["g"].first()
    found = {}
    for g in sorted(c for c in groups.unique() if c > 0):
        for t in range(1, periods):
            base = g - 1 if t >= g else t - 1
            sample = groups[(groups == g) | (groups == NEVER) | ((groups > max(t, base)) & (groups != g))]
            dy = (wide.loc[sample.index, t] - wide.loc[sample.index, base]).to_numpy()
            x = np.column_stack([np.ones(len(sample)), (sample == g).to_numpy(dtype=float)])
            beta, *_ = np.linalg.lstsq(x, dy, rcond=None)
            resid = dy - x @ beta
            bread = np.linalg.inv(x.T @ x)
            meat = (x * resid[:, None] ** 2).T @ x
            found[(g, t)] = (beta[1], float(np.sqrt((bread @ meat @ bread)[1, 1])))
    return found


def planted(rng, n_per=40, periods=8, cohorts=(3, 5, 6), noise=0.05):
    """Outcomes with unit and period effects, and a treatment effect that differs by cohort and
    grows with time since treatment: tau = base_g + 0.02 * (t - g)."""
    base = {3: 0.10, 5: 0.05, 6: 0.02}
    cohort = np.repeat([*cohorts, NEVER], n_per)
    n = len(cohort)
    t = np.arange(periods)
    effect = np.zeros((n, periods))
    for g in cohorts:
        rows = cohort == g
        effect[rows] = np.where(t >= g, base[g] + 0.02 * (t - g), 0.0)
    y = (rng.normal(0.6, 0.1, n)[:, None] + 0.01 * t[None, :] + effect + rng.normal(0, noise, (n, periods)))
    return y, cohort, effect


def true_overall(effect, cohort):
    """The planted effect aggregated as the estimator aggregates: post cells weighted by cohort size."""
    values, weights = [], []
    for g in sorted(set(cohort) - {NEVER}):
        for t in range(g, effect.shape[1]):
            values.append(effect[cohort == g, t].mean())
            weights.append((cohort == g).sum())
    return float(np.average(values, weights=weights))


def test_every_group_time_effect_and_its_standard_error_equal_the_regression_formulation():
    rng = np.random.default_rng(1)
    y, cohort, _effect = planted(rng, n_per=12)
    result = att_gt(y, cohort)
    reference = reference_cells(y, cohort)
    assert len(result.cells) == len(reference)
    for cell in result.cells:
        att, se = reference[(cell.cohort, cell.period)]
        assert cell.att == pytest.approx(att, abs=1e-12)
        assert cell.se == pytest.approx(se, rel=1e-9)


def test_a_late_cohort_is_compared_only_with_units_not_yet_treated():
    # Two units treated from period 1, two from period 3, two never: at t = 3 the cohort of 1 is
    # compared with the never-treated only (the cohort of 3 is treated by then).
    y = np.array([[0, 1, 1, 1], [0, 1, 1, 1], [0, 0, 0, 5], [0, 0, 0, 5], [0, 0, 0, 0], [0, 0, 0, 0]], float)
    cohort = np.array([1, 1, 3, 3, NEVER, NEVER])
    cells = {(c.cohort, c.period): c for c in att_gt(y, cohort).cells}
    assert cells[(1, 2)].controls == 4  # never and the cohort of 3 (not yet treated at t = 2)
    assert cells[(1, 3)].controls == 2
    assert cells[(1, 3)].att == pytest.approx(1.0)
    assert cells[(3, 3)].att == pytest.approx(5.0)


def test_too_few_untreated_units_is_said_instead_of_an_estimate():
    y = np.array([[0, 1, 2], [0, 1, 2], [0, 0, 0]], float)
    result = att_gt(y, np.array([1, 1, NEVER]))
    assert not result.estimable
    assert result.too_few_controls


def test_units_treated_from_the_first_period_or_with_a_missing_wave_are_left_out():
    y = np.array([[0, 1, 1], [0, np.nan, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1], [0, 1, 1]], float)
    result = att_gt(y, np.array([1, 1, NEVER, NEVER, 0, 1]))
    assert result.units == 5 and result.dropped_cohorts == [0]
    assert result.cohorts == {1: 2}


def test_planted_cohort_and_time_varying_effects_are_recovered_with_about_95_percent_coverage():
    rng = np.random.default_rng(20261129)
    repetitions = 300
    covered, covered_event, estimates, naive = 0, 0, [], []
    truth = None
    for _ in range(repetitions):
        y, cohort, effect = planted(rng)
        truth = true_overall(effect, cohort)
        result = att_gt(y, cohort)
        estimates.append(result.overall.att)
        covered += result.overall.low <= truth <= result.overall.high
        # Two periods after go-live: cohorts 3 and 5 contribute, base + 0.04 each.
        e2_truth = (0.14 + 0.09) / 2
        covered_event += result.event_study[2].low <= e2_truth <= result.event_study[2].high
        naive.append(twfe(y, cohort))
    estimates, naive = np.array(estimates), np.array(naive)
    monte_carlo_se = estimates.std() / np.sqrt(repetitions)
    assert abs(estimates.mean() - truth) < 4 * monte_carlo_se  # unbiased
    assert 0.92 <= covered / repetitions <= 0.98
    assert 0.92 <= covered_event / repetitions <= 0.98
    # The pooled two-way fixed-effects estimate misses the same truth by far more than its noise.
    assert truth - naive.mean() > 0.2 * truth
    assert abs(naive.mean() - truth) > 10 * naive.std() / np.sqrt(repetitions)


def test_pre_trend_check_passes_without_anticipation_and_flags_a_planted_pre_trend():
    rng = np.random.default_rng(7)
    y, cohort, _ = planted(rng)
    assert att_gt(y, cohort).pretrend_p > 0.01
    # Treated units drift upwards before go-live: the joint test rejects.
    drift = np.where(cohort[:, None] != NEVER, 0.03 * np.arange(y.shape[1])[None, :], 0.0)
    assert att_gt(y + drift, cohort).pretrend_p < 0.001
