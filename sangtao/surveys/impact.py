"""Satisfaction before and after a deployment, and a difference-in-differences against
units where the solution is not (yet) deployed.

Assumptions, said on the page too: periods entirely before the go-live date are "before",
periods starting on or after it are "after", periods spanning it are left out; without a
deployment, treated and comparison units would have changed alike (parallel trends);
responses in different periods are independent samples.
"""

from dataclasses import dataclass

from sangtao.surveys.indices import OVERALL, Cell, pooled
from sangtao.surveys.models import Survey
from sangtao.surveys.stats import Difference, difference_in_differences, newcombe_difference


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


def impact(survey: Survey, deployments, element: int = OVERALL) -> Impact | None:
    """Pool the deployed units' periods around the earliest go-live date among them."""
    deployments = [d for d in deployments if survey.units.filter(pk=d.unit_id).exists()]
    if not deployments:
        return None
    go_live = min(d.go_live_on for d in deployments)
    treated = sorted({d.unit_id for d in deployments})
    control = list(survey.units.exclude(pk__in=treated).values_list("pk", flat=True))
    periods = list(survey.periods.all())
    before = [p.pk for p in periods if p.ends_on < go_live]
    after = [p.pk for p in periods if p.starts_on >= go_live]
    cells = [pooled(survey, treated, before, element), pooled(survey, treated, after, element),
             pooled(survey, control, before, element), pooled(survey, control, after, element)]
    t_before, t_after, c_before, c_after = (cell.share if cell else None for cell in cells)
    change = newcombe_difference(t_after, t_before) if t_before and t_after else None
    did = difference_in_differences(t_after, t_before, c_after, c_before) if (
        t_before and t_after and c_before and c_after) else None
    return Impact(treated, go_live, cells[0], cells[1], change, cells[2], cells[3], did)
