"""Impact per deployment with staggered rollouts: the satisfaction index of a survey's units in each
period, from the survey engine's respondent sums, and each unit's cohort from its deployment.

A unit's cohort is the first survey period that starts on or after its go-live date; a period under
way at go-live counts as before (so a partly treated wave pulls an effect towards zero, never away).
Units of the survey without a deployment are never treated in the window. A unit-period with fewer
respondents than the survey's rule shows is missing, and the unit is left out of the panel.
"""

import datetime
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _

from sangtao.capacity.staggered import NEVER, Staggered, att_gt, twfe
from sangtao.orgs.models import OrgUnit
from sangtao.projects.models import Deployment
from sangtao.surveys.indices import OVERALL
from sangtao.surveys.models import Period, RespondentAggregate, Survey

ASSUMPTIONS = [
    _("Xu hướng song song: nếu không áp dụng giải pháp, mức hài lòng ở các đơn vị áp dụng sẽ thay đổi như ở các "
      "đơn vị chưa áp dụng."),
    _("Không đón trước: mức hài lòng không thay đổi trước ngày đưa vào sử dụng (kiểm tra bằng các kỳ trước khi "
      "áp dụng, ở dưới)."),
    _("Không lan tỏa: việc áp dụng ở một đơn vị không làm thay đổi mức hài lòng ở đơn vị khác."),
    _("Kỳ khảo sát đang diễn ra vào ngày áp dụng được tính là kỳ trước áp dụng; đơn vị thiếu số liệu ở một kỳ "
      "(hoặc bị ẩn vì ít phiếu) không được đưa vào."),
]


@dataclass
class Panel:
    survey: Survey
    periods: list[Period]
    unit_ids: list[int]
    outcome: np.ndarray  # units x periods, % satisfied (NaN: missing or suppressed)
    cohort: np.ndarray
    go_live: dict[int, datetime.date]


def deployments_of(survey: Survey) -> dict[int, datetime.date]:
    """unit -> its first go-live date, among the deployments of the survey's challenge."""
    go_live: dict[int, datetime.date] = {}
    if survey.challenge_id:
        for unit_id, day in Deployment.objects.filter(project__challenge_id=survey.challenge_id).values_list(
                "unit_id", "go_live_on"):
            if unit_id not in go_live or day < go_live[unit_id]:
                go_live[unit_id] = day
    return go_live


def panel(survey: Survey) -> Panel:
    periods = list(Period.objects.filter(survey=survey).order_by("starts_on", "id"))
    unit_ids = sorted(Survey.units.through.objects.filter(survey_id=survey.pk).values_list("orgunit_id", flat=True))
    row = {u: i for i, u in enumerate(unit_ids)}
    column = {p.pk: j for j, p in enumerate(periods)}
    outcome = np.full((len(unit_ids), len(periods)), np.nan)
    for unit_id, period_id, respondents, wm, wk in RespondentAggregate.objects.filter(
            survey=survey, element=OVERALL).values_list("unit_id", "period_id", "respondents", "wm", "wk"):
        if unit_id in row and period_id in column and respondents >= survey.rule.min_n and wm:
            outcome[row[unit_id], column[period_id]] = 100 * wk / wm
    go_live = {unit_id: day for unit_id, day in deployments_of(survey).items() if unit_id in row}
    cohort = np.full(len(unit_ids), NEVER)
    for unit_id, day in go_live.items():
        first = next((j for j, p in enumerate(periods) if p.starts_on >= day), None)
        # Deployed after the last period: not treated within the window.
        cohort[row[unit_id]] = NEVER if first is None else first
    return Panel(survey, periods, unit_ids, outcome, cohort, go_live)


@dataclass
class BeforeAfter:
    """One deployment seen alone: its unit's index in the last period before go-live and in the
    latest one since (None where that period is missing or suppressed, or has not come yet)."""

    unit: str
    go_live: datetime.date
    before: float | None
    before_period: str
    after: float | None
    after_period: str

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


def before_after(data: Panel) -> list[BeforeAfter]:
    """The simple view beside the estimate: each deployment's own before and after, no comparison
    with other units (so a trend shared by every unit shows here as an effect)."""
    names = dict(OrgUnit.objects.filter(pk__in=list(data.go_live)).values_list("pk", "name"))
    rows = []
    for unit_id, day in sorted(data.go_live.items(), key=lambda item: (item[1], names.get(item[0], ""))):
        values = data.outcome[data.unit_ids.index(unit_id)]
        first_after = int(data.cohort[data.unit_ids.index(unit_id)])
        first_after = len(data.periods) if first_after == NEVER else first_after
        before = [j for j in range(first_after) if not np.isnan(values[j])]
        after = [j for j in range(first_after, len(data.periods)) if not np.isnan(values[j])]
        rows.append(BeforeAfter(
            names.get(unit_id, ""), day,
            float(values[before[-1]]) if before else None, data.periods[before[-1]].label if before else "",
            float(values[after[-1]]) if after else None, data.periods[after[-1]].label if after else ""))
    return rows


@dataclass
class ImpactView:
    panel: Panel
    result: Staggered
    naive: float | None


def staggered_impact(survey: Survey) -> ImpactView:
    data = panel(survey)
    months = [p.starts_on.year * 12 + p.starts_on.month - 1 for p in data.periods]
    result = att_gt(data.outcome, data.cohort, months)
    naive = twfe(data.outcome, data.cohort) if result.estimable else None
    return ImpactView(data, result, naive)
