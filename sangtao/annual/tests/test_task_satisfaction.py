"""A task's result includes the change in the satisfaction index of the service it changed, where that
service has a satisfaction survey on the platform: computed from the survey's answers around the day
the task applied its solution at its unit, never typed; each task its own date, checked against a
count from the raw answers."""

import datetime

import pytest

from conftest import client_for
from sangtao.annual import services
from sangtao.annual.models import AnnualPlan, PlanStatus
from sangtao.annual.results import task_results
from sangtao.annual.tests.conftest import PLAN_PATH, task_data
from sangtao.surveys.ingest import Incoming, ingest
from sangtao.surveys.models import Measure, Source

PER_CELL = 30  # the survey's minimum n: a quarter alone is shown
# satisfied respondents (of 30) at the ward per quarter; the other units stay at 18
WARD_SATISFIED = {"2026-Q1": 12, "2026-Q2": 15, "2026-Q3": 22, "2026-Q4": 27}


def _answer(survey, ward, satisfied_by=None):
    """Each respondent answers every satisfaction item 5 (satisfied) or 2; returns the raw rows."""
    items = list(survey.version.items.filter(measure=Measure.SATISFACTION))
    rows = []
    for unit in survey.units.all():
        for period in survey.periods.all():
            satisfied = (satisfied_by or WARD_SATISFIED)[period.label] if unit == ward else 18
            incoming = [Incoming(unit.pk, period.pk, {i.pk: 5 if n < satisfied else 2 for i in items},
                                 external_id=f"{unit.pk}-{period.pk}-{n}") for n in range(PER_CELL)]
            ingest(survey, incoming, Source.IMPORT)
            rows += [(unit.pk, period, n < satisfied) for n in range(PER_CELL) for _item in items]
    return rows


def _share(rows, unit_in, periods) -> float:
    part = [ok for unit, period, ok in rows if unit_in(unit) and period in periods]
    return sum(part) / len(part)


@pytest.fixture
def ward_plan(ward, plan_roles, survey):
    """The ward's plan: the same surveyed service changed by three tasks on three dates, and a task
    whose service has no survey."""
    officer = plan_roles["officer"]
    plan = services.create_plan(officer, ward, 2026, "Kế hoạch ĐMST 2026")
    for title, applied in (("Đặt lịch khám qua Zalo", datetime.date(2026, 7, 1)),
                           ("Kiosk tra cứu kết quả", datetime.date(2026, 10, 1)),
                           ("Nhắn tin nhắc lịch", datetime.date(2026, 8, 15))):
        services.save_task(plan, officer, task_data(title, survey=survey, applied_on=applied))
    services.save_task(plan, officer, task_data("Sổ tay cán bộ"))
    for move, role in PLAN_PATH[PlanStatus.IN_PROGRESS]:
        plan = services.move_plan(plan, plan_roles[role], move)
    return AnnualPlan.objects.get(pk=plan.pk)


def test_each_task_gets_the_change_around_its_own_date_as_counted_from_the_raw_answers(ward_plan, survey, ward):
    rows = _answer(survey, ward)
    quarters = {p.label: p for p in survey.periods.all()}
    q = [quarters[label] for label in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")]
    tasks = list(ward_plan.tasks.select_related("survey", "plan").order_by("position"))
    results = task_results(tasks)
    # before: quarters ending before the day; after: quarters starting on or after it; a quarter spanning it is left out
    expected = {"Đặt lịch khám qua Zalo": (q[:2], q[2:]), "Kiosk tra cứu kết quả": (q[:3], q[3:]),
                "Nhắn tin nhắc lịch": (q[:2], q[3:])}
    for task in tasks[:3]:
        before, after = expected[task.title]
        impact = results[task.pk].impact
        assert impact is not None and impact.unit_ids == [ward.pk] and impact.go_live_on == task.applied_on
        change = _share(rows, lambda u: u == ward.pk, after) - _share(rows, lambda u: u == ward.pk, before)
        assert impact.change.estimate == pytest.approx(change)
        assert impact.change.low < impact.change.estimate < impact.change.high
        control = (_share(rows, lambda u: u != ward.pk, after) - _share(rows, lambda u: u != ward.pk, before))
        assert impact.did.estimate == pytest.approx(change - control)
    assert results[tasks[3].pk].impact is None  # its service has no survey


def test_the_change_follows_the_answers_and_the_plan_page_shows_it(ward_plan, survey, ward, plan_roles):
    tasks = list(ward_plan.tasks.select_related("survey", "plan").order_by("position"))
    assert task_results(tasks)[tasks[0].pk].impact.change is None  # no answers yet: nothing to show, nothing typed
    _answer(survey, ward, {"2026-Q1": 15, "2026-Q2": 15, "2026-Q3": 15, "2026-Q4": 15})
    assert task_results(tasks)[tasks[0].pk].impact.change.estimate == pytest.approx(0)
    more = [p for p in survey.periods.all() if p.label in ("2026-Q3", "2026-Q4")]
    items = list(survey.version.items.filter(measure=Measure.SATISFACTION))
    ingest(survey, [Incoming(ward.pk, period.pk, {i.pk: 5 for i in items}, external_id=f"more-{period.pk}-{n}")
                    for period in more for n in range(PER_CELL)], Source.IMPORT)
    # after: 15 + 30 satisfied of 60 a quarter against 15 of 30 before
    assert task_results(tasks)[tasks[0].pk].impact.change.estimate == pytest.approx(0.75 - 0.5)
    page = client_for(plan_roles["officer"]).get(ward_plan.get_absolute_url()).content.decode()
    assert "Thay đổi chỉ số hài lòng của dịch vụ (tính từ khảo sát)" in page


@pytest.mark.django_db
def test_a_task_offers_the_surveys_of_a_services_users_not_the_staff_surveys_of_a_capacity_round(survey, dost):
    from sangtao.annual.forms import TaskForm
    from sangtao.capacity.models import CapacityRule, Round
    from sangtao.surveys.models import Survey

    staff = Survey.objects.create(name="Phong vũ biểu đổi mới 2026", version=survey.version, service="—",
                                  rule=survey.rule, created_by=dost)
    Round.objects.create(year=2026, name="Đợt 2026", opens_on=datetime.date(2026, 3, 1),
                         closes_on=datetime.date(2026, 4, 1), rule=CapacityRule.objects.first(), barometer=staff,
                         created_by=dost)
    offered = set(TaskForm().fields["survey"].queryset)
    assert survey in offered and staff not in offered


@pytest.mark.django_db
def test_a_kpi_without_a_target_date_is_due_by_the_end_of_its_plans_year(make_plan, monkeypatch):
    from django.utils import timezone

    from sangtao.annual.models import KpiMeasurement

    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda value=None: datetime.date(2026, 12, 2) if value is None
                        else real(value))
    plan = make_plan(PlanStatus.IN_PROGRESS, year=2026)
    task = plan.tasks.get()
    kpi = task.kpis.get()  # 5 days down to 1, no date given
    assert kpi.target_date is None
    KpiMeasurement.objects.create(kpi=kpi, value="4.8", measured_on=datetime.date(2026, 2, 1), source="Sổ",
                                  recorded_by=plan.created_by)
    [result] = task_results([task])[task.pk].kpis
    assert result.status.code == "off_track"  # a twentieth of the way in eleven months of twelve


def test_the_city_report_shows_each_surveyed_tasks_change_as_the_plan_computes_it(ward_plan, survey, ward, dost):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from sangtao.annual.models import CityReport
    from sangtao.core.tasks import run_pending

    _answer(survey, ward)
    report = services.request_city_report(dost, 2026)
    run_pending()
    report = CityReport.objects.get(pk=report.pk)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(report.pdf.open("rb")).pages).split())
    assert "3 nhiệm vụ gắn khảo sát hài lòng của dịch vụ; 3 nhiệm vụ đủ số phiếu trước và sau ngày áp dụng" in text
    tasks = list(ward_plan.tasks.select_related("survey", "plan").order_by("position"))
    results = task_results(tasks)
    sheet = load_workbook(report.workbook.open("rb"))["Hài lòng"]
    shown = {row[1]: row[3:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(shown) == {task.title for task in tasks[:3]}  # the task without a survey is not listed
    for task in tasks[:3]:
        impact = results[task.pk].impact
        assert shown[task.title] == pytest.approx((impact.before.share.estimate, impact.after.share.estimate,
                                                   impact.change.estimate, impact.change.low, impact.change.high))
        assert task.title in text
