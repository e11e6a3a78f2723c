"""A task's result: its KPIs against baseline and target (status derived as for a challenge's
indicators), and, where the service it changed has a satisfaction survey on the platform, the
change in the satisfaction index around the date the solution went into use: computed, not typed."""

import datetime
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
    year_end = {t.pk: datetime.date(t.plan.year, 12, 31) for t in tasks}  # an annual task's KPI is due by then
    for kpi in TaskKpi.objects.filter(task_id__in=ids):
        values = measured[kpi.pk]
        kpis[kpi.task_id].append(KpiResult(kpi, values, kpi_status(kpi, values, today, year_end[kpi.task_id])))
    # The unit where the task applied its solution stands for a deployment of the survey's service, from
    # the day it was applied. impacts() pools one deployment set per survey, so tasks that share a survey
    # with another unit or another date go in separate rounds: each task gets its own unit and date's
    # change (one round, and its few queries, when every task of a survey shares them).
    keys: dict[tuple, Survey] = {}
    for t in tasks:
        if t.survey_id and t.survey is not None and t.applied_on:
            keys.setdefault((t.survey_id, t.plan.unit_id, t.applied_on), t.survey)
    rounds: list[list[tuple]] = []
    taken: dict[int, int] = defaultdict(int)  # survey id -> rounds it is in
    for key in keys:
        if taken[key[0]] == len(rounds):
            rounds.append([])
        rounds[taken[key[0]]].append(key)
        taken[key[0]] += 1
    found: dict[tuple, Impact | None] = {}
    for keys_of_round in rounds:
        pairs = [(keys[key], [SimpleNamespace(unit_id=key[1], go_live_on=key[2])]) for key in keys_of_round]
        by_survey = impacts(pairs)
        found.update({key: by_survey.get(key[0]) for key in keys_of_round})
    return {t.pk: TaskResult(t, kpis[t.pk], found.get((t.survey_id, t.plan.unit_id, t.applied_on))) for t in tasks}
