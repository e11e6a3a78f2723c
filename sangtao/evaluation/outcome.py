"""A challenge's measured outcome: KPIs against baseline and target, satisfaction before/after."""

from dataclasses import dataclass

from django.utils import timezone

from sangtao.challenges.models import Challenge, Indicator
from sangtao.evaluation.kpis import KpiStatus, chart_svg, kpi_status
from sangtao.evaluation.models import Measurement
from sangtao.projects.models import Deployment
from sangtao.surveys.impact import Impact, impact
from sangtao.surveys.models import Survey


@dataclass
class KpiView:
    indicator: Indicator
    measurements: list
    status: KpiStatus
    chart: str


@dataclass
class SurveyView:
    survey: Survey
    impact: Impact | None


def challenge_outcome(challenge: Challenge) -> tuple[list[KpiView], list[SurveyView]]:
    today = timezone.localdate()
    by_indicator: dict[int, list] = {}
    for measurement in Measurement.objects.filter(indicator__challenge=challenge):
        by_indicator.setdefault(measurement.indicator_id, []).append(measurement)
    kpis = []
    for indicator in challenge.indicators.all():
        measurements = by_indicator.get(indicator.pk, [])
        kpis.append(KpiView(indicator, measurements, kpi_status(indicator, measurements, today),
                            chart_svg(indicator, measurements)))
    deployments = list(Deployment.objects.filter(project__challenge=challenge))
    surveys = [SurveyView(s, impact(s, deployments)) for s in Survey.objects.filter(challenge=challenge)
               .select_related("rule")]
    return kpis, surveys
