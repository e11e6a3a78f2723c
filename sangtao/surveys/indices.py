"""Satisfaction indices per unit x period x element, from the stored sufficient statistics.

The index of an element is the share of its satisfaction answers at or above the rule's
level (default 4 and 5: "satisfied" and "very satisfied"); the mean is always shown too.
The overall index pools the five elements' answers. n counts respondents, and a cell with
fewer than the rule's minimum is suppressed. Intervals treat each respondent as a cluster
of answers (one person's answers move together): Wilson at the effective sample size, or
design-based (linearised) when responses carry weights. With one answer per respondent
these are the plain Wilson and weighted intervals.
"""

from collections import defaultdict
from dataclasses import dataclass

from sangtao.surveys.ingest import ALL_ELEMENTS, RESPONDENT_STATS
from sangtao.surveys.models import Aggregate, Measure, RespondentAggregate, Survey
from sangtao.surveys.stats import Mean, RespondentSums, Share, ratio_mean, ratio_share

OVERALL = ALL_ELEMENTS  # element key for all five elements together
UNEQUAL = 1e-9  # a cell's weight sums further than this from n: its weights are not all 1

Key = tuple[int, int, int]


@dataclass
class Cell:
    unit_id: int
    period_id: int
    element: int
    n: int  # respondents
    answers: int
    satisfied: int  # answers at or above the rule's level
    share: Share | None  # None when suppressed
    mean: Mean | None
    weighted: bool

    @property
    def suppressed(self) -> bool:
        return self.share is None


def _answer_sums(survey: Survey, **filters) -> dict[Key, list[float]]:
    """Per cell: answers, satisfied answers, and whether any weight differs from 1."""
    sums: dict[Key, list[float]] = defaultdict(lambda: [0.0] * 3)
    rows = Aggregate.objects.filter(survey=survey, item__measure=Measure.SATISFACTION, **filters).values_list(
        "unit_id", "period_id", "item__element", "n", "satisfied", "w_sum", "w2_sum")
    for unit_id, period_id, element, n, satisfied, w_sum, w2_sum in rows:
        unequal = abs(w_sum - n) > UNEQUAL or abs(w2_sum - n) > UNEQUAL
        for key in {(unit_id, period_id, element or OVERALL), (unit_id, period_id, OVERALL)}:
            cell = sums[key]
            cell[0] += n
            cell[1] += satisfied
            cell[2] = max(cell[2], unequal)
    return sums


def _respondent_sums(survey: Survey, **filters) -> dict[Key, list[float]]:
    rows = RespondentAggregate.objects.filter(survey=survey, **filters).values_list(
        "unit_id", "period_id", "element", *RESPONDENT_STATS)
    return {(unit_id, period_id, element): list(stats) for unit_id, period_id, element, *stats in rows}


def make_cell(key: Key, answer_sums: list[float], respondent_sums: list[float] | None, min_n: int) -> Cell:
    answers, satisfied, weighted = int(answer_sums[0]), int(answer_sums[1]), bool(answer_sums[2])
    sums = RespondentSums(int(respondent_sums[0]), *respondent_sums[1:]) if respondent_sums else None
    respondents = sums.respondents if sums else 0
    share = mean = None
    if sums and respondents >= min_n:
        share, mean = ratio_share(sums, weighted), ratio_mean(sums)
    return Cell(key[0], key[1], key[2], respondents, answers, satisfied, share, mean, weighted)


def index_cells(survey: Survey, **filters) -> dict[Key, Cell]:
    """(unit, period, element) -> cell; element OVERALL pools the five elements' answers."""
    respondents = _respondent_sums(survey, **filters)
    return {key: make_cell(key, sums, respondents.get(key), survey.rule.min_n)
            for key, sums in _answer_sums(survey, **filters).items()}
