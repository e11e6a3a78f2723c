"""The annual plans of the query-budget crawl's world (portal/tests/world.py): their number grows with n."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sangtao.annual import services
from sangtao.annual.defaults import seed_defaults
from sangtao.annual.models import ExternalIndicator, ReportPeriod
from sangtao.annual.tests.conftest import consolidated_in_january, task_data
from sangtao.orgs.models import OrgUnit, Role, UnitKind


def build_annual_world(n: int, dost, officer, leader, survey, parent) -> dict:
    from conftest import make_user

    seed_defaults(ReportPeriod, ExternalIndicator)
    half = ReportPeriod.objects.get(code="6-thang")
    unit = officer.memberships.get().unit
    year = timezone.localdate().year
    while unit.annual_plans.filter(year=year).exists():  # the demo's own plans (the pages bench loads the demo first)
        year -= 1
    plan = services.create_plan(officer, unit, year, "Kế hoạch ĐMST")
    for i in range(n + 1):
        services.save_task(plan, officer, task_data(f"Nhiệm vụ {i}", survey=survey,
                                                    applied_on=datetime.date(year, 1, 1)))
    for move, actor in (("submit", officer), ("approve", leader), ("consolidate", dost), ("start", officer)):
        plan = services.move_plan(plan, actor, move)
    report = services.start_report(plan, officer, half)
    kpis = [task.kpis.get() for task in plan.tasks.all()]
    services.save_report(report, officer, "Tiến độ.", "", {k.task_id: (50, "") for k in kpis},
                         [(k.pk, 3, datetime.date(year, 6, 1), "Thống kê") for k in kpis])
    for i in range(n):
        services.add_evidence(unit, officer, SimpleUploadedFile(f"e{i}.pdf", b"%PDF-1.4\n"), f"Minh chứng {i}",
                              list(ExternalIndicator.objects.all()[:2]), [report])
    services.submit_report(report, officer)
    services.approve_report(report, leader)
    services.save_working_group(unit, officer, "12/QĐ-SYT", datetime.date(year, 1, 5), "Đề xuất nhiệm vụ",
                                [{"full_name": f"Thành viên {i}", "job_title": "Chuyên viên", "role": "lead" if i == 0
                                  else "member"} for i in range(n + 2)])
    for i in range(n):  # more units, consolidated and late with their report
        other = OrgUnit.objects.create(kind=UnitKind.WARD, code=f"A{n}-{i}", name=f"Phường kế hoạch {n}.{i}",
                                       parent=parent)
        staff, head = make_user(f"cv.annual{n}.{i}", Role.OFFICER, other), make_user(f"ld.annual{n}.{i}", Role.LEADER, other)
        extra = services.create_plan(staff, other, year, "Kế hoạch ĐMST")
        services.save_task(extra, staff, task_data())
        for move, actor in (("submit", staff), ("approve", head), ("consolidate", dost)):
            extra = services.move_plan(extra, actor, move)
        consolidated_in_january(extra)
    sessions = [services.request_advice(officer, unit, f"Chủ đề {i}", "Câu hỏi", plan.tasks.first()) for i in range(n + 1)]
    return {"advisory_session": sessions[0].pk, "annual_plan": plan.pk, "annual_report": report.pk, "reportperiod": half.pk,
            "externalindicator": ExternalIndicator.objects.first().pk}
