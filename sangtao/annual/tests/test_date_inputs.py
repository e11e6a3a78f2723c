"""A plan's amounts are typed as people write them (1.500.000, core.formats.MoneyField), and its dates (a task's go-live, KPI target dates, milestones, measurement dates) are typed as
the rest of the platform's: DD/MM/YYYY text boxes from core/formats.py, not the browser's date
picker, whose format follows the browser's locale."""

import datetime

import pytest

from conftest import client_for
from sangtao.annual import services
from sangtao.annual.models import KpiMeasurement, PlanStatus
from sangtao.core.formats import short_date

pytestmark = pytest.mark.django_db


def boxes(page: str, name: str) -> str:
    at = page.index(f'name="{name}"')
    return page[page.rindex("<input", 0, at):page.index(">", at) + 1]


def test_the_task_form_has_dd_mm_yyyy_date_boxes_and_reads_dates_day_first(make_plan, plan_roles):
    plan = make_plan(PlanStatus.DRAFT, tasks=0)
    officer = client_for(plan_roles["officer"])
    page = officer.get(f"/annual/{plan.pk}/tasks/new/").content.decode()
    assert 'type="date"' not in page
    for name in ("applied_on", "kpi-0-target_date", "ms-0-due_on"):
        assert 'placeholder="dd/mm/yyyy"' in boxes(page, name) and 'inputmode="numeric"' in boxes(page, name), name
    response = officer.post(f"/annual/{plan.pk}/tasks/new/", {
        "title": "Số hóa hộ tịch", "problem": "Hồ sơ giấy", "public_service": "Đăng ký khai sinh",
        "facet": "enhancement", "budget_vnd": 0, "budget_source": "none", "person_in_charge": "Chị Lan",
        "applied_on": "05/03/2026", "kpi-TOTAL_FORMS": 2, "kpi-INITIAL_FORMS": 0, "kpi-0-name": "Thời gian xử lý",
        "kpi-0-unit_of_measure": "ngày", "kpi-0-baseline_value": "5", "kpi-0-target_value": "1",
        "kpi-0-target_date": "31/12/2026", "ms-TOTAL_FORMS": 2, "ms-INITIAL_FORMS": 0, "ms-0-title": "Thí điểm",
        "ms-0-due_on": "30/06/2026"})
    assert response.status_code == 302
    task = plan.tasks.get()
    assert task.applied_on == datetime.date(2026, 3, 5)
    assert task.kpis.get().target_date == datetime.date(2026, 12, 31)
    assert task.milestones.get().due_on == datetime.date(2026, 6, 30)
    page = officer.get(f"/annual/{plan.pk}/tasks/{task.pk}/").content.decode()
    assert 'value="05/03/2026"' in boxes(page, "applied_on") and 'value="30/06/2026"' in boxes(page, "ms-0-due_on")


def test_a_report_s_measurement_date_is_a_dd_mm_yyyy_box(make_plan, plan_roles, half_year):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    report = services.start_report(plan, plan_roles["officer"], half_year)
    kpi = plan.tasks.get().kpis.get()
    officer = client_for(plan_roles["officer"])
    page = officer.get(report.get_absolute_url()).content.decode()
    assert 'type="date"' not in page
    box = boxes(page, f"kpi{kpi.pk}-measured_on")
    assert 'placeholder="dd/mm/yyyy"' in box and f'value="{short_date(half_year.due_on(2026))}"' in box
    response = officer.post(report.get_absolute_url(), {
        "narrative": "Đã thí điểm", "difficulties": "", f"task{kpi.task_id}-percent": 50,
        f"kpi{kpi.pk}-value": "3", f"kpi{kpi.pk}-measured_on": "15/06/2026", f"kpi{kpi.pk}-source": "Sổ theo dõi"})
    assert response.status_code == 302
    assert KpiMeasurement.objects.get(kpi=kpi).measured_on == datetime.date(2026, 6, 15)


def test_a_task_s_budget_is_typed_and_shown_with_thousands_separators(make_plan, plan_roles):
    plan = make_plan(PlanStatus.DRAFT, tasks=0)
    officer = client_for(plan_roles["officer"])
    assert 'class="money"' in boxes(officer.get(f"/annual/{plan.pk}/tasks/new/").content.decode(), "budget_vnd")
    response = officer.post(f"/annual/{plan.pk}/tasks/new/", {
        "title": "Số hóa hộ tịch", "problem": "Hồ sơ giấy", "public_service": "Đăng ký khai sinh",
        "facet": "enhancement", "budget_vnd": "1.500.000", "budget_source": "unit",
        "person_in_charge": "Chị Lan", "kpi-TOTAL_FORMS": 2, "kpi-INITIAL_FORMS": 0, "ms-TOTAL_FORMS": 2,
        "ms-INITIAL_FORMS": 0})
    assert response.status_code == 302
    task = plan.tasks.get()
    assert task.budget_vnd == 1_500_000
    page = officer.get(f"/annual/{plan.pk}/tasks/{task.pk}/").content.decode()
    assert 'value="1.500.000"' in boxes(page, "budget_vnd")


def test_a_milestone_date_that_is_not_one_is_named_in_the_summary_at_the_top_of_the_form(make_plan, plan_roles):
    plan = make_plan(PlanStatus.DRAFT, tasks=0)
    response = client_for(plan_roles["officer"]).post(f"/annual/{plan.pk}/tasks/new/", {
        "title": "Số hóa hộ tịch", "problem": "Hồ sơ giấy", "public_service": "Đăng ký khai sinh",
        "facet": "enhancement", "budget_vnd": 0, "budget_source": "none", "person_in_charge": "Chị Lan",
        "kpi-TOTAL_FORMS": 1, "kpi-INITIAL_FORMS": 0, "ms-TOTAL_FORMS": 1, "ms-INITIAL_FORMS": 0,
        "ms-0-title": "Thí điểm", "ms-0-due_on": "15/13/2027"})
    page = response.content.decode()
    assert response.status_code == 200 and not plan.tasks.exists()
    summary = page[page.index('class="error-summary"'):page.index("</div>", page.index('class="error-summary"'))]
    assert 'href="#id_ms-0-due_on"' in summary and page.index('class="error-summary"') < page.index('name="title"')


def test_a_refused_report_lists_each_tasks_error_at_the_top_after_the_tasks_name(make_plan, plan_roles, half_year):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    report = services.start_report(plan, plan_roles["officer"], half_year)
    task = plan.tasks.get()
    page = client_for(plan_roles["officer"]).post(report.get_absolute_url(), {
        "narrative": "Đã thí điểm", "difficulties": "", f"task{task.pk}-percent": 150}).content.decode()
    summary = page[page.index('class="error-summary"'):page.index("</div>", page.index('class="error-summary"'))]
    assert f'href="#id_task{task.pk}-percent">{task.title} — ' in summary


def test_a_measurement_dated_after_today_is_refused_beside_its_box_and_never_offered(make_plan, plan_roles, half_year,
                                                                                      monkeypatch):
    from django.utils import timezone

    real = timezone.localdate
    before_due = half_year.due_on(2026) - datetime.timedelta(days=10)  # the report is written before its due day
    monkeypatch.setattr(timezone, "localdate", lambda value=None: before_due if value is None else real(value))
    plan = make_plan(PlanStatus.IN_PROGRESS)
    report = services.start_report(plan, plan_roles["officer"], half_year)
    kpi = plan.tasks.get().kpis.get()
    officer = client_for(plan_roles["officer"])
    assert f'value="{short_date(before_due)}"' in boxes(officer.get(report.get_absolute_url()).content.decode(),
                                                         f"kpi{kpi.pk}-measured_on")
    page = officer.post(report.get_absolute_url(), {
        "narrative": "", "difficulties": "", f"kpi{kpi.pk}-value": "3",
        f"kpi{kpi.pk}-measured_on": short_date(before_due + datetime.timedelta(days=1)),
        f"kpi{kpi.pk}-source": "Sổ theo dõi"}).content.decode()
    assert "Ngày đo không thể sau hôm nay." in page and not KpiMeasurement.objects.filter(kpi=kpi).exists()
    with pytest.raises(services.InvalidInput, match="sau hôm nay"):
        services.save_report(report, plan_roles["officer"], "", "", {},
                             [(kpi.pk, "3", before_due + datetime.timedelta(days=1), "")])


def test_kpi_values_are_written_as_people_write_them_without_trailing_zeros(make_plan, plan_roles, half_year):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    kpi = plan.tasks.get().kpis.get()
    type(kpi).objects.filter(pk=kpi.pk).update(baseline_value="10.5", target_value="1234.25")
    report = services.start_report(plan, plan_roles["officer"], half_year)
    page = client_for(plan_roles["officer"]).get(report.get_absolute_url()).content.decode()
    assert "nền 10,5, mục tiêu 1.234,25" in page and "10,50" not in page
