"""Satisfaction indices per unit x period x element, from the stored sufficient statistics.

The index of an element is the share of its satisfaction answers at or above the rule's
level (default 4 and 5: "satisfied" and "very satisfied"); the mean is always shown too.
A cell below the rule's minimum n is suppressed. Intervals are Wilson, or design-based
(linearised) when responses carry weights.
"""

from collections import defaultdict
from dataclasses import dataclass

from sangtao.surveys.models import Aggregate, Measure, Survey
from sangtao.surveys.stats import Mean, Share, mean_interval, weighted_share, wilson

OVERALL = 0  # element key for all five elements together


@dataclass
class Cell:
    unit_id: int
    period_id: int
    element: int
    n: int
    satisfied: int
    share: Share | None  # None when suppressed
    mean: Mean | None
    weighted: bool

    @property
    def suppressed(self) -> bool:
        return self.share is None


def _sums(survey: Survey, **filters) -> dict[tuple[int, int, int | None], list[float]]:
    sums: dict[tuple[int, int, int | None], list[float]] = defaultdict(lambda: [0.0] * 8)
    rows = Aggregate.objects.filter(survey=survey, item__measure=Measure.SATISFACTION, **filters).values_list(
        "unit_id", "period_id", "item__element", "n", "total", "total_sq", "satisfied", "w_sum", "w_satisfied",
        "w2_sum", "w2_satisfied")
    for unit_id, period_id, element, *stats in rows:
        for key in ((unit_id, period_id, element), (unit_id, period_id, OVERALL)):
            cell = sums[key]
            for position, value in enumerate(stats):
                cell[position] += value
    return sums


def make_cell(key: tuple[int, int, int | None], stats: list[float], min_n: int) -> Cell:
    n, total, total_sq, satisfied, w_sum, w_satisfied, w2_sum, w2_satisfied = stats
    n = int(n)
    weighted = abs(w2_sum - n) > 1e-9 or abs(w_sum - n) > 1e-9
    share = mean = None
    if n >= min_n and n > 0:
        share = weighted_share(w_sum, w_satisfied, w2_sum, w2_satisfied, n) if weighted else wilson(satisfied, n)
        mean = mean_interval(n, total, total_sq)
    return Cell(key[0], key[1], key[2] or OVERALL, n, int(satisfied), share, mean, weighted)


def index_cells(survey: Survey, **filters) -> dict[tuple[int, int, int | None], Cell]:
    """(unit, period, element) -> cell; element OVERALL pools the five elements' answers."""
    return {key: make_cell(key, stats, survey.rule.min_n) for key, stats in _sums(survey, **filters).items()}


def pooled(survey: Survey, unit_ids: list[int], period_ids: list[int], element: int = OVERALL) -> Cell | None:
    """One cell pooling several units and periods (for before/after and comparisons)."""
    if not unit_ids or not period_ids:
        return None
    total = [0.0] * 8
    for (_unit_id, _period_id, cell_element), stats in _sums(survey, unit_id__in=unit_ids,
                                                           period_id__in=period_ids).items():
        if cell_element == element:
            total = [a + b for a, b in zip(total, stats, strict=True)]
    return make_cell((0, 0, element), total, survey.rule.min_n) if total[0] else None
