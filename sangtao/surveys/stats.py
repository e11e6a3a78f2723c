"""Intervals a statistician would sign: Wilson for shares, design-based for weighted shares,
ratio estimates clustered by respondent when one person gives several answers, Newcombe for
differences of shares, and a difference-in-differences around a deployment.

Everything works from sufficient statistics, so dashboards never read raw responses.
"""

import math
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Share:
    """A share (e.g. satisfied) with its 95% interval; weighted when weights were given."""

    estimate: float
    low: float
    high: float
    n: int  # respondents
    variance: float  # of the estimate, for combining shares (difference-in-differences)


def wilson(successes: float, n: float, z: float = Z95) -> Share:
    if n <= 0:
        raise ValueError("no observations")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return Share(p, max(0.0, centre - half), min(1.0, centre + half), round(n), p * (1 - p) / n)


def weighted_share(w_sum: float, w_success: float, w2_sum: float, w2_success: float, n: int,
                   z: float = Z95) -> Share:
    """Design-based (linearised) interval for a weighted share, from sums of w, w*y, w^2, w^2*y."""
    if w_sum <= 0:
        raise ValueError("no weight")
    p = w_success / w_sum
    # sum w^2 (y - p)^2 with y in {0, 1}: y^2 = y.
    variance = max(w2_success * (1 - 2 * p) + p * p * w2_sum, 0.0) / (w_sum * w_sum)
    half = z * math.sqrt(variance)
    return Share(p, max(0.0, p - half), min(1.0, p + half), n, variance)


@dataclass(frozen=True)
class RespondentSums:
    """Per cell, over respondents i with weight w, m answers, k satisfied, s the sum of values."""

    respondents: int
    w_sum: float
    wm: float
    wk: float
    ws: float
    w2_mm: float
    w2_km: float
    w2_kk: float
    w2_sm: float
    w2_ss: float


def ratio_share(sums: RespondentSums, weighted: bool, z: float = Z95) -> Share:
    """The share of satisfied answers, sum(w k) / sum(w m), with respondents as clusters.

    Its linearised variance is sum w^2 (k - p m)^2 / (sum w m)^2. Unweighted, the interval is
    Wilson's at the effective sample size p(1 - p) / variance (with one answer per respondent,
    exactly the plain Wilson interval); weighted, it is the normal interval, as weighted_share.
    """
    p = sums.wk / sums.wm
    variance = max(sums.w2_kk - 2 * p * sums.w2_km + p * p * sums.w2_mm, 0.0) / (sums.wm * sums.wm)
    if weighted:
        half = z * math.sqrt(variance)
        return Share(p, max(0.0, p - half), min(1.0, p + half), sums.respondents, variance)
    # No spread at all (every answer alike): the respondents are the sample, conservatively.
    effective = p * (1 - p) / variance if variance > 0 else float(sums.respondents)
    share = wilson(p * effective, effective, z)
    return Share(share.estimate, share.low, share.high, sums.respondents, variance)


@dataclass(frozen=True)
class Difference:
    estimate: float
    low: float
    high: float


def newcombe_difference(after: Share, before: Share) -> Difference:
    """Newcombe's hybrid score interval for after - before (independent samples)."""
    d = after.estimate - before.estimate
    low = d - math.sqrt((after.estimate - after.low) ** 2 + (before.high - before.estimate) ** 2)
    high = d + math.sqrt((after.high - after.estimate) ** 2 + (before.estimate - before.low) ** 2)
    return Difference(d, low, high)


def difference_in_differences(treated_after: Share, treated_before: Share, control_after: Share,
                              control_before: Share, z: float = Z95) -> Difference:
    """(treated change) - (control change), with a normal interval from the four variances."""
    d = (treated_after.estimate - treated_before.estimate) - (control_after.estimate - control_before.estimate)
    se = math.sqrt(sum(s.variance for s in (treated_after, treated_before, control_after, control_before)))
    return Difference(d, d - z * se, d + z * se)


@dataclass(frozen=True)
class Mean:
    estimate: float
    low: float
    high: float
    n: int


def mean_interval(n: int, total: float, total_sq: float, z: float = Z95) -> Mean:
    if n <= 0:
        raise ValueError("no observations")
    mean = total / n
    variance = max(total_sq - n * mean * mean, 0.0) / (n - 1) if n > 1 else 0.0
    half = z * math.sqrt(variance / n)
    return Mean(mean, mean - half, mean + half, n)


def ratio_mean(sums: RespondentSums, z: float = Z95) -> Mean:
    """The mean answer, sum(w s) / sum(w m), with respondents as clusters; with one unweighted
    answer per respondent, exactly mean_interval."""
    mean = sums.ws / sums.wm
    n = sums.respondents
    spread = max(sums.w2_ss - 2 * mean * sums.w2_sm + mean * mean * sums.w2_mm, 0.0)
    variance = spread / (sums.wm * sums.wm) * n / (n - 1) if n > 1 else 0.0
    half = z * math.sqrt(variance)
    return Mean(mean, mean - half, mean + half, n)


def sample_size(population: int, margin: float = 0.05) -> int:
    """The rule used before: n = N / (1 + N e^2)."""
    return math.ceil(population / (1 + population * margin * margin))
