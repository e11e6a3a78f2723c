"""Satisfaction before and after a deployment, and a difference-in-differences against
units where the solution is not (yet) deployed.

Assumptions, said on the page too: periods entirely before the go-live date are "before",
periods starting on or after it are "after", periods spanning it are left out; without a
deployment, treated and comparison units would have changed alike (parallel trends);
responses in different periods are independent samples.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Exists, F, Max, OuterRef, Q, Sum, Value, When

from sangtao.surveys.indices import OVERALL, UNEQUAL, Cell, make_cell
from sangtao.surveys.ingest import RESPONDENT_STATS
from sangtao.surveys.models import Aggregate, Measure, Period, RespondentAggregate, Survey
from sangtao.surveys.stats import Difference, difference_in_differences, newcombe_difference

TREATED, CONTROL = 0, 1  # arms: the deployed units, the survey's other units
BEFORE, AFTER = 0, 1


@dataclass
class Impact:
    unit_ids: list[int]
    go_live_on: object
    before: Cell | None
    after: Cell | None
    change: Difference | None
    control_before: Cell | None
    control_after: Cell | None
    did: Difference | None


@dataclass
class Plan:
    """Which units and periods of one survey fall in which arm and phase."""

    survey: Survey
    treated: list[int]
    go_live_on: object
    before: list[int]
    after: list[int]


def impact(survey: Survey, deployments, element: int = OVERALL) -> Impact | None:
    """Pool the deployed units' periods around the earliest go-live date among them."""
    return impacts([(survey, list(deployments))], element)[survey.pk]


def impacts(pairs: list[tuple[Survey, list]], element: int = OVERALL) -> dict[int, Impact | None]:
    """survey id -> its impact, for each survey with the deployments of its challenge; the same
    few queries however many surveys, units and periods (the outcomes dashboard shows many)."""
    plans = _plans(pairs)
    cells = _pooled(plans, element)
    results: dict[int, Impact | None] = {}
    for survey, _deployments in pairs:
        plan = plans.get(survey.pk)
        if plan is None:
            results[survey.pk] = None
            continue
        t_before, t_after, c_before, c_after = (cells.get((survey.pk, arm, phase)) for arm, phase in (
            (TREATED, BEFORE), (TREATED, AFTER), (CONTROL, BEFORE), (CONTROL, AFTER)))
        tb, ta, cb, ca = (cell.share if cell else None for cell in (t_before, t_after, c_before, c_after))
        change = newcombe_difference(ta, tb) if tb and ta else None
        did = difference_in_differences(ta, tb, ca, cb) if tb and ta and cb and ca else None
        results[survey.pk] = Impact(plan.treated, plan.go_live_on, t_before, t_after, change, c_before, c_after, did)
    return results


def _plans(pairs: list[tuple[Survey, list]]) -> dict[int, Plan]:
    """A plan for each survey with a deployment at one of its units."""
    ids = [survey.pk for survey, _deployments in pairs]
    members: dict[int, set[int]] = defaultdict(set)
    for survey_id, unit_id in Survey.units.through.objects.filter(survey_id__in=ids).values_list(
            "survey_id", "orgunit_id"):
        members[survey_id].add(unit_id)
    periods: dict[int, list[Period]] = defaultdict(list)
    for period in Period.objects.filter(survey_id__in=ids):
        periods[period.survey_id].append(period)
    plans = {}
    for survey, deployments in pairs:
        deployed = [d for d in deployments if d.unit_id in members[survey.pk]]
        if not deployed:
            continue
        go_live = min(d.go_live_on for d in deployed)
        plans[survey.pk] = Plan(survey, sorted({d.unit_id for d in deployed}), go_live,
                                [p.pk for p in periods[survey.pk] if p.ends_on < go_live],
                                [p.pk for p in periods[survey.pk] if p.starts_on >= go_live])
    return plans


def _pooled(plans: dict[int, Plan], element: int) -> dict[tuple[int, int, int], Cell]:
    """(survey, arm, phase) -> the cell pooling its units and periods, by one grouped query on
    each kind of sums: the database adds the cells up, nothing is fetched cell by cell."""
    if not plans:
        return {}
    before = [pk for plan in plans.values() for pk in plan.before]
    after = [pk for plan in plans.values() for pk in plan.after]
    member = Survey.units.through.objects.filter(survey_id=OuterRef("survey_id"), orgunit_id=OuterRef("unit_id"))
    scope = Q(Exists(member), survey_id__in=list(plans), period_id__in=before + after)
    arm = Case(*[When(survey_id=pk, unit_id__in=plan.treated, then=Value(TREATED)) for pk, plan in plans.items()],
               default=Value(CONTROL))
    phase = Case(When(period_id__in=before, then=Value(BEFORE)), default=Value(AFTER))
    items = Q(item__measure=Measure.SATISFACTION) & (Q() if element == OVERALL else Q(item__element=element))
    # Weighted, as in indices._answer_sums: a cell whose weight sums differ from n.
    unequal = (Q(w_sum__gt=F("n") + UNEQUAL) | Q(w_sum__lt=F("n") - UNEQUAL)
               | Q(w2_sum__gt=F("n") + UNEQUAL) | Q(w2_sum__lt=F("n") - UNEQUAL))
    answers = {(s, a, p): [n, satisfied, weighted] for s, a, p, n, satisfied, weighted in (
        Aggregate.objects.filter(scope, items).annotate(arm=arm, phase=phase).order_by()
        .values_list("survey_id", "arm", "phase")
        .annotate(n_sum=Sum("n"), satisfied_sum=Sum("satisfied"),
                  weighted=Max(Case(When(unequal, then=Value(1)), default=Value(0)))))}
    respondents = {(s, a, p): stats for s, a, p, *stats in (
        RespondentAggregate.objects.filter(scope, element=element).annotate(arm=arm, phase=phase).order_by()
        .values_list("survey_id", "arm", "phase").annotate(**{f"sum_{name}": Sum(name) for name in RESPONDENT_STATS}))}
    return {key: make_cell((0, 0, element), sums, respondents.get(key), plans[key[0]].survey.rule.min_n)
            for key, sums in answers.items() if sums[0]}
