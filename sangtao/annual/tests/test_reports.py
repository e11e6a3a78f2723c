"""Reports on the calendar held as data: the leader approves before DoST sees them, reminders before the due
date and escalations after it (each once, with the projects' escalation delays), DoST's list of late units,
evidence tagged with external indicators, and the task's KPI result."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import translation

from conftest import assert_move_matrix, move_table_test
from sangtao.annual import services
from sangtao.annual.access import get_report_for
from sangtao.annual.models import ExternalIndicator, PlanStatus, ReportNotice, ReportPeriod, ReportStatus
from sangtao.annual.results import task_results
from sangtao.notifications.models import Notification

REPORT_ALLOWED = move_table_test("annual_report", {"submit": {"officer"}, "approve": {"leader"}, "return": {"leader"}, "accept": {"dost"},
                  "dost_return": {"dost"}})


@pytest.fixture
def report(make_plan, plan_roles, half_year):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    return services.start_report(plan, plan_roles["officer"], half_year)


@pytest.mark.parametrize("path", [[], [("submit", "officer")], [("submit", "officer"), ("approve", "leader")]])
def test_every_role_may_make_exactly_the_report_moves_the_table_gives_it(path, report, plan_roles):
    for move, role in path:
        report = services.move_report(report, plan_roles[role], move)
    assert_move_matrix(report, plan_roles, REPORT_ALLOWED)


def test_dost_sees_a_report_only_once_the_leader_approved_it_and_its_kpi_values_count(report, plan_roles):
    kpi = report.plan.tasks.get().kpis.get()
    task = kpi.task
    services.save_report(report, plan_roles["officer"], "Đã thí điểm", "Thiếu máy quét", {task.pk: (60, "Thí điểm")},
                         [(kpi.pk, "3", datetime.date(2026, 6, 15), "Phần mềm hộ tịch")])
    services.submit_report(report, plan_roles["officer"])
    with pytest.raises(Http404):
        get_report_for(plan_roles["dost"], report.plan_id, report.pk)
    services.approve_report(report, plan_roles["leader"])
    assert get_report_for(plan_roles["dost"], report.plan_id, report.pk) == report
    result = task_results([task])[task.pk]
    assert result.kpis[0].status.latest == 3
    assert result.kpis[0].status.progress == pytest.approx(0.5)  # from 5 days towards 1: half way


def test_a_late_report_brings_a_reminder_then_escalations_each_once(make_plan, plan_roles, half_year):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    due = half_year.due_on(2026)
    assert services.remind_and_escalate_reports(due - datetime.timedelta(days=30)) == 0
    assert services.remind_and_escalate_reports(due - datetime.timedelta(days=3)) == 1
    assert Notification.objects.filter(recipient=plan_roles["officer"], title__startswith="Sắp đến hạn").count() == 1
    assert services.remind_and_escalate_reports(due + datetime.timedelta(days=1)) == 1  # the officer
    assert services.remind_and_escalate_reports(due + datetime.timedelta(days=14)) == 2  # the leader, then DoST
    assert services.remind_and_escalate_reports(due + datetime.timedelta(days=20)) == 0
    levels = set(ReportNotice.objects.filter(plan=plan).values_list("level", flat=True))
    assert levels == {0, 1, 2, 3}
    assert Notification.objects.filter(recipient=plan_roles["dost"], title__startswith="Quá hạn 14 ngày").exists()
    late = services.missing_reports(2026, due + datetime.timedelta(days=1))
    assert [(p.pk, period.code) for p, period, _d in late] == [(plan.pk, "6-thang")]


def test_the_calendar_is_data_a_changed_due_date_moves_the_reminder(make_plan, plan_roles, half_year):
    make_plan(PlanStatus.IN_PROGRESS)
    ReportPeriod.objects.filter(pk=half_year.pk).update(due_month=7, due_day=31)
    assert services.remind_and_escalate_reports(datetime.date(2026, 6, 25)) == 0
    assert services.remind_and_escalate_reports(datetime.date(2026, 7, 28)) == 1


def test_one_evidence_file_serves_several_indicators_and_reports(report, plan_roles, make_plan):
    indicators = list(ExternalIndicator.objects.filter(code__in=["1.5", "6.1.1"]))
    upload = SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    evidence = services.add_evidence(report.plan.unit, plan_roles["officer"], upload, "Quyết định phê duyệt",
                                     indicators, [report])
    assert {i.index for i in evidence.indicators.all()} == {"par", "pii"}
    assert list(evidence.reports.all()) == [report]
    annual = services.start_report(report.plan, plan_roles["officer"], ReportPeriod.objects.get(code="nam"))
    services.cite_evidence(evidence, plan_roles["officer"], annual)
    assert evidence.reports.count() == 2
    assert report.status == ReportStatus.DRAFT


def test_a_report_due_on_29_february_falls_on_it_in_a_leap_year_and_on_the_28th_otherwise(half_year):
    ReportPeriod.objects.filter(pk=half_year.pk).update(due_month=2, due_day=29, due_next_year=False)
    half_year.refresh_from_db()
    assert (half_year.due_on(2028), half_year.due_on(2027)) == (datetime.date(2028, 2, 29), datetime.date(2027, 2, 28))


def test_last_years_annual_report_due_this_year_is_on_the_units_and_dosts_homes(make_plan, plan_roles):
    from django.utils import timezone

    from sangtao.core.workitems import work_for

    last_year = timezone.localdate().year - 1
    make_plan(PlanStatus.IN_PROGRESS, year=last_year)
    ReportPeriod.objects.filter(code="nam").update(due_next_year=True, due_month=1, due_day=1)  # a calendar as data
    annual = ReportPeriod.objects.get(code="nam")
    assert annual.due_on(last_year) == datetime.date(last_year + 1, 1, 1)
    mine = [item for item in work_for(plan_roles["officer"]) if item.kind == "annual.report_due"]
    assert f"{annual.name} {last_year}" in [str(item.title) for item in mine]
    late = [item for item in work_for(plan_roles["dost"]) if item.kind == "annual.report_late"]
    assert any(f"{annual.name} {last_year}" in str(item.title) and item.count == 1 for item in late)
    with translation.override("en"):
        assert f"Annual report {last_year}" in [str(item.title) for item in work_for(plan_roles["officer"])]
