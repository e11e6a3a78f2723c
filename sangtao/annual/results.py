"""A task's result: its KPIs against baseline and target (status derived as for a challenge's
indicators), and, where the service it changed has a satisfaction survey on the platform, the
change in the satisfaction index around the date the solution went into use: computed, not typed."""

from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils import timezone

from sangtao.annual.models import AnnualTask, KpiMeasurement, TaskKpi
from sangtao.evaluation.kpis import KpiStatus, kpi_status
from sangtao.surveys.impact import Impact, impacts
from sangtao.surveys.models import Survey


@dataclass
class KpiResult:
    kpi: TaskKpi
    measurements: list
    status: KpiStatus


@dataclass
class TaskResult:
    task: AnnualTask
    kpis: list[KpiResult]
    impact: Impact | None


def task_results(tasks: list[AnnualTask]) -> dict[int, TaskResult]:
    """task id -> its result, in a fixed number of queries however many tasks."""
    today = timezone.localdate()
    ids = [t.pk for t in tasks]
    measured: dict[int, list] = defaultdict(list)
    for m in KpiMeasurement.objects.filter(kpi__task_id__in=ids).order_by("measured_on", "id"):
        measured[m.kpi_id].append(m)
    kpis: dict[int, list[KpiResult]] = defaultdict(list)
    for kpi in TaskKpi.objects.filter(task_id__in=ids):
        values = measured[kpi.pk]
        kpis[kpi.task_id].append(KpiResult(kpi, values, kpi_status(kpi, values, today)))
    # The unit where the task applied its solution stands for a deployment of the survey's service.
    pairs: list[tuple[Survey, list]] = [(t.survey, [SimpleNamespace(unit_id=t.plan.unit_id, go_live_on=t.applied_on)])
                                        for t in tasks if t.survey_id and t.survey is not None and t.applied_on]
    found = impacts(pairs) if pairs else {}
    return {t.pk: TaskResult(t, kpis[t.pk], found.get(t.survey_id) if t.survey_id and t.applied_on else None)
            for t in tasks}
