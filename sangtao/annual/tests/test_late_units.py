"""DoST's list of units late with a report counts only plans that still owe one: a plan done (its
annual report approved by the leader) is neither late nor reminded, whatever report it skipped."""

import datetime

from django.utils import timezone

from conftest import client_for, make_user
from sangtao.annual import services
from sangtao.annual.models import AnnualPlan, PlanStatus, ReportPeriod
from sangtao.annual.tests.conftest import PLAN_PATH, consolidated_in_january, task_data
from sangtao.orgs.models import OrgUnit, Role, UnitKind


def _done_without_the_six_month_report(make_plan, plan_roles, year=2026):
    plan = make_plan(PlanStatus.IN_PROGRESS, year=year)
    annual = services.start_report(plan, plan_roles["officer"], ReportPeriod.objects.get(code="nam"))
    services.submit_report(annual, plan_roles["officer"])
    services.approve_report(annual, plan_roles["leader"])
    return services.move_plan(plan, plan_roles["leader"], "complete")


def _plan_of_another_ward(city, dost, year):
    unit = OrgUnit.objects.create(kind=UnitKind.WARD, code="26743", name="Phường Bến Thành", parent=city)
    roles = {"officer": make_user("cv.benthanh", Role.OFFICER, unit), "leader": make_user("ld.benthanh", Role.LEADER, unit),
             "dost": dost}
    plan = services.create_plan(roles["officer"], unit, year, "Kế hoạch ĐMST")
    services.save_task(plan, roles["officer"], task_data())
    for move, role in PLAN_PATH[PlanStatus.IN_PROGRESS]:
        plan = services.move_plan(plan, roles[role], move)
    consolidated_in_january(plan)
    return plan


def test_a_done_plan_is_not_late_with_the_report_it_skipped(make_plan, plan_roles, city):
    done = _done_without_the_six_month_report(make_plan, plan_roles)
    assert done.status == PlanStatus.DONE
    other = _plan_of_another_ward(city, plan_roles["dost"], 2026)
    after_both = services.report_calendar(2026)[-1][1] + datetime.timedelta(days=1)
    late = services.missing_reports(2026, after_both)
    assert {(plan.pk, period.code) for plan, period, _due in late} == {(other.pk, "6-thang"), (other.pk, "nam")}
    count, first = services.late_reports(2026, after_both)  # the roll-up page's count, by the database
    assert count == 2 and [(p.pk, period.code, due) for p, period, due in first] == [
        (p.pk, period.code, due) for p, period, due in late]
    assert services.late_reports(2026, after_both, limit=1)[0] == 2


def test_a_done_plan_gets_no_reminder(make_plan, plan_roles, half_year):
    _done_without_the_six_month_report(make_plan, plan_roles)
    due = half_year.due_on(2026)
    assert services.remind_and_escalate_reports(due - datetime.timedelta(days=3)) == 0
    assert services.remind_and_escalate_reports(due + datetime.timedelta(days=20)) == 0


def test_the_rollup_lists_the_late_plan_but_not_the_done_one(make_plan, plan_roles, city):
    last_year = timezone.localdate().year - 1  # both reports of last year are past due today
    done = _done_without_the_six_month_report(make_plan, plan_roles, year=last_year)
    late = _plan_of_another_ward(city, plan_roles["dost"], last_year)
    page = client_for(plan_roles["dost"]).get(f"/annual/rollup/?year={last_year}").content.decode()
    section = page.split('id="late"')[1].split("</section>")[0]
    assert late.get_absolute_url() in section and done.get_absolute_url() not in section
    assert "kể cả dự thảo và dừng thực hiện" in page  # what the tables count, unlike the city's report


def test_a_report_awaiting_the_leader_is_still_late_dost_has_not_received_it(make_plan, plan_roles, half_year):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    report = services.start_report(plan, plan_roles["officer"], half_year)
    services.submit_report(report, plan_roles["officer"])
    after = half_year.due_on(2026) + datetime.timedelta(days=1)
    assert [p.pk for p, _period, _due in services.missing_reports(2026, after)] == [plan.pk]
    assert services.late_reports(2026, after)[0] == 1
    services.approve_report(report, plan_roles["leader"])
    assert services.missing_reports(2026, after) == [] and services.late_reports(2026, after)[0] == 0


def test_a_unit_owes_no_report_due_before_dost_took_its_plan_in(make_plan, plan_roles, half_year):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    due = half_year.due_on(2026)
    AnnualPlan.objects.filter(pk=plan.pk).update(
        consolidated_at=datetime.datetime(2026, 9, 1, 9, tzinfo=timezone.get_current_timezone()))
    after = due + datetime.timedelta(days=20)
    assert services.missing_reports(2026, after) == [] and services.late_reports(2026, after)[0] == 0
    assert services.remind_and_escalate_reports(after) == 0
    assert [period.code for _p, period, _d in services.missing_reports(2026, datetime.date(2027, 1, 31))] == ["nam"]


def test_an_amended_plan_consolidated_again_still_owes_the_reports_that_fell_due_before(make_plan, plan_roles,
                                                                                        half_year):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    after = half_year.due_on(2026) + datetime.timedelta(days=20)
    assert [p.pk for p, _period, _due in services.missing_reports(2026, after)] == [plan.pk]
    for move, role in (("amend", "officer"), ("submit", "officer"), ("approve", "leader"), ("consolidate", "dost")):
        plan = services.move_plan(plan, plan_roles[role], move, "Điều chỉnh")
    assert [p.pk for p, _period, _due in services.missing_reports(2026, after)] == [plan.pk]


def test_this_years_rollup_points_to_last_years_reports_still_owed(make_plan, plan_roles, city):
    this_year = timezone.localdate().year
    late = _plan_of_another_ward(city, plan_roles["dost"], this_year - 1)  # both its reports are past due
    client = client_for(plan_roles["dost"])
    section = client.get(f"/annual/rollup/?year={this_year}").content.decode().split('id="late"')[1].split("</section>")[0]
    assert f'href="?year={this_year - 1}#late"' in section
    assert f"Năm {this_year - 1} còn 2 báo cáo quá hạn chưa nộp." in section
    assert late.get_absolute_url() not in section  # listed on last year's page, which the line links to
    earlier = client.get(f"/annual/rollup/?year={this_year - 1}").content.decode()
    assert "báo cáo quá hạn chưa nộp" not in earlier  # only the current year's page looks back
