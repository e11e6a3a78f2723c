"""A challenge's measured outcome: KPIs against baseline and target, satisfaction before/after."""

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import F
from django.utils import timezone

from sangtao.challenges.models import Challenge, Indicator
from sangtao.core.charts import Chart
from sangtao.evaluation.kpis import KpiStatus, kpi_chart, kpi_status
from sangtao.evaluation.models import Measurement
from sangtao.projects.models import Deployment
from sangtao.surveys.impact import Impact, impacts
from sangtao.surveys.models import Survey


@dataclass
class KpiView:
    indicator: Indicator
    measurements: list
    status: KpiStatus

    @cached_property
    def chart(self) -> Chart:
        """Drawn when a page shows it: the portfolio and the dashboards read only the status."""
        return kpi_chart(self.indicator, self.measurements)


@dataclass
class SurveyView:
    survey: Survey
    impact: Impact | None


Outcome = tuple[list[KpiView], list[SurveyView]]


def challenge_outcome(challenge: Challenge) -> Outcome:
    return outcomes([challenge])[challenge.pk]


def outcomes(challenges: list[Challenge]) -> dict[int, Outcome]:
    """challenge id -> its KPIs and surveys, in the same few queries however many challenges
    (the public dashboard shows fifty)."""
    ids = [challenge.pk for challenge in challenges]
    today = timezone.localdate()
    measured: dict[int, list] = defaultdict(list)
    for measurement in Measurement.objects.filter(indicator__challenge_id__in=ids):
        measured[measurement.indicator_id].append(measurement)
    kpis: dict[int, list[KpiView]] = defaultdict(list)
    for indicator in Indicator.objects.filter(challenge_id__in=ids):
        measurements = measured[indicator.pk]
        kpis[indicator.challenge_id].append(KpiView(indicator, measurements, kpi_status(indicator, measurements, today)))
    deployed: dict[int | None, list] = defaultdict(list)
    for deployment in Deployment.objects.filter(project__challenge_id__in=ids).annotate(
            challenge_pk=F("project__challenge_id")):
        deployed[deployment.challenge_pk].append(deployment)
    surveys = list(Survey.objects.filter(challenge_id__in=ids).select_related("rule"))
    found = impacts([(survey, deployed[survey.challenge_id]) for survey in surveys])
    views: dict[int | None, list[SurveyView]] = defaultdict(list)  # surveys here all have a challenge
    for survey in surveys:
        views[survey.challenge_id].append(SurveyView(survey, found[survey.pk]))
    return {pk: (kpis[pk], views[pk]) for pk in ids}
