"""Reviewer calibration and agreement over the scoresheets of a round.

Model: score(reviewer r, proposal p) = mu + quality_p + bias_r + noise, fitted by
least squares over every submitted scoresheet (biases sum to zero so the model is
identified). A proposal's calibrated score is the mean of its scores with each
reviewer's bias removed. Agreement is Krippendorff's alpha with the interval metric.
These figures inform DoST; the formal pass rule keeps the raw scores.
"""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np


@dataclass
class Calibration:
    raw_mean: dict[int, float]  # proposal -> mean raw total
    adjusted_mean: dict[int, float]  # proposal -> mean total with reviewer bias removed
    bias: dict[int, float]  # reviewer -> additive bias
    residual: dict[tuple[int, int], float]  # (reviewer, proposal) -> standardised residual
    alpha: float | None


def calibrate(scores: list[tuple[int, int, float]]) -> Calibration:
    """scores: (reviewer, proposal, total) for every submitted scoresheet."""
    if not scores:
        return Calibration({}, {}, {}, {}, None)
    # scipy is imported here, not with the module: every process imports this module when Django
    # starts (workers, management commands) and most never calibrate (a third of a second each).
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import lsqr

    reviewers = sorted({r for r, _p, _s in scores})
    proposals = sorted({p for _r, p, _s in scores})
    r_index = {r: i for i, r in enumerate(reviewers)}
    p_index = {p: i for i, p in enumerate(proposals)}
    n, n_p, n_r = len(scores), len(proposals), len(reviewers)
    y = np.array([s for _r, _p, s in scores], dtype=float)
    # Columns: one per proposal (its level, mu folded in), one per reviewer (bias).
    rows = np.repeat(np.arange(n), 2)
    cols = np.array([c for r, p, _s in scores for c in (p_index[p], n_p + r_index[r])])
    design = coo_matrix((np.ones(2 * n), (rows, cols)), shape=(n + 1, n_p + n_r)).tolil()
    design[n, n_p:] = 1.0  # sum of biases = 0
    target = np.append(y, 0.0)
    solution = lsqr(design.tocsr(), target, atol=1e-12, btol=1e-12, iter_lim=10_000)[0]
    bias = {r: float(solution[n_p + r_index[r]]) for r in reviewers}
    raw_sum: dict[int, list[float]] = defaultdict(list)
    adjusted_sum: dict[int, list[float]] = defaultdict(list)
    for r, p, s in scores:
        raw_sum[p].append(s)
        adjusted_sum[p].append(s - bias[r])
    fitted = np.array([solution[p_index[p]] + bias[r] for r, p, _s in scores])
    residuals = y - fitted
    dof = max(n - n_p - n_r + 1, 1)
    sigma = float(np.sqrt((residuals ** 2).sum() / dof)) or 1.0
    return Calibration(
        raw_mean={p: float(np.mean(v)) for p, v in raw_sum.items()},
        adjusted_mean={p: float(np.mean(v)) for p, v in adjusted_sum.items()},
        bias=bias,
        residual={(r, p): float(res / sigma) for (r, p, _s), res in zip(scores, residuals, strict=True)},
        alpha=krippendorff_alpha_interval(scores),
    )


def krippendorff_alpha_interval(scores: list[tuple[int, int, float]]) -> float | None:
    """Krippendorff's alpha, interval metric; units are proposals, coders reviewers.

    alpha = 1 - D_o / D_e over the pairable values (units with at least two scores).
    None when there is no disagreement to measure against (fewer than two values or no spread).
    """
    by_unit: dict[int, list[float]] = defaultdict(list)
    for _r, p, s in scores:
        by_unit[p].append(float(s))
    units = [np.array(v) for v in by_unit.values() if len(v) >= 2]
    values = np.concatenate(units) if units else np.array([])
    total = len(values)
    if total < 2:
        return None
    observed = 0.0
    for unit in units:
        differences = (unit[:, None] - unit[None, :]) ** 2
        observed += differences.sum() / (len(unit) - 1)
    observed /= total
    # Sum over all ordered pairs of distinct values of (v_c - v_k)^2, computed in O(n).
    expected = 2 * (total * (values ** 2).sum() - values.sum() ** 2) / (total * (total - 1))
    if expected == 0:
        return None
    return float(1 - observed / expected)


def ranks(values: dict[int, float]) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) from the highest value; equal values share a rank."""
    ordered = sorted(values.items(), key=lambda item: -item[1])
    result: dict[int, int] = {}
    for position, (key, value) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        result[key] = result[previous[0]] if previous and np.isclose(previous[1], value) else position
    return result
