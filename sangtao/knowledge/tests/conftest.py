"""Fixtures of the knowledge context: a challenge whose project passed acceptance, with a measured KPI and
a satisfaction survey around its deployment; a complete case; a recognised initiative with a
confidential part; a ward's finished annual task (the data each test needs, no more)."""

import datetime

import pytest

from conftest import make_expert

SECTION_TEXT = {
    "summary": "Đặt lịch khám trực tuyến giúp người bệnh không phải xếp hàng từ sáng sớm.",
    "problem": "Người bệnh chờ ba đến bốn giờ tại quầy tiếp đón của bệnh viện tuyến thành phố.",
    "innovation": "Hệ thống đặt lịch theo khung giờ, kết nối với phần mềm quản lý bệnh viện.",
    "novelty": "Lần đầu bệnh viện công của thành phố chia khung giờ khám theo chuyên khoa.",
    "partners": "Sở Y tế, bệnh viện thí điểm, công ty giải pháp và phường Sài Gòn.",
    "beneficiaries": "Người bệnh ngoại trú, người nhà và nhân viên quầy tiếp đón.",
    "results": "Thời gian chờ giảm từ 190 phút xuống 52 phút trong năm đầu.",
    "difficulties": "Người cao tuổi chưa quen dùng điện thoại; cần điểm hỗ trợ tại sảnh.",
    "conditions": "Lãnh đạo bệnh viện cam kết và dữ liệu lịch bác sĩ cập nhật hằng ngày.",
    "replication": "Các bệnh viện quận có thể dùng lại phần mềm và quy trình tiếp đón.",
    "lessons": "Cần thử nghiệm với người dùng thật trước khi mở rộng.",
    "materials": "Quy trình tiếp đón mới (tệp PDF) và báo cáo đánh giá https://example.vn/bao-cao",
}


def grade(project, dost, solver):
    """One acceptance-council member grades every deliverable Đạt: DoST may conclude."""
    from sangtao.projects import services

    member = make_expert("nt-knowledge")
    services.add_acceptance_member(project, dost, member)
    services.self_assess(project, solver, "Hoàn thành đủ sản phẩm")
    for milestone in project.milestones.all():
        services.rate(project, member.user, milestone, "pass", "pass")
    services.rate(project, member.user, None, "pass")


@pytest.fixture
def graded(project, dost, solver, officer, survey, health):
    """The project graded for acceptance (not yet concluded), deployed at the Department of Health on 1 July
    2026; the KPI measured; the survey of its service answered before (half satisfied) and after (80%)."""
    from sangtao.evaluation import services as evaluation_services
    from sangtao.projects import services as project_services
    from sangtao.surveys.ingest import Incoming, ingest
    from sangtao.surveys.models import Measure, Source, Survey

    challenge = project.challenge
    Survey.objects.filter(pk=survey.pk).update(challenge=challenge)
    items = list(survey.version.items.filter(measure=Measure.SATISFACTION))
    incoming = []
    for unit in survey.units.all():
        for period in survey.periods.all():
            improved = unit == health and period.starts_on >= datetime.date(2026, 7, 1)
            for n in range(40):
                value = 5 if (n % 10 < (8 if improved else 5)) else 3
                incoming.append(Incoming(unit.pk, period.pk, {item.pk: value for item in items},
                                         external_id=f"k-{unit.pk}-{period.pk}-{n}"))
    ingest(survey, incoming, Source.IMPORT)
    grade(project, dost, solver)
    project_services.record_deployment(project, officer, health, "Khám bệnh ngoại trú", datetime.date(2026, 7, 1))
    indicator = challenge.indicators.get()
    for day, value in ((datetime.date(2026, 3, 1), "150"), (datetime.date(2026, 9, 1), "72.5")):
        evaluation_services.record_measurement(indicator, officer, value, day, "Hệ thống thông tin bệnh viện")
    return project


@pytest.fixture
def accepted(graded, dost):
    """The graded project through acceptance: its challenge is in evaluation."""
    from sangtao.projects import services

    project = services.conclude_acceptance(graded, dost)
    project.challenge.refresh_from_db()
    return project


@pytest.fixture
def complete_case(officer, health, field):
    """A case of the Department of Health with every section filled."""
    from sangtao.knowledge import services

    case = services.do_create_case(actor=officer, unit=health, title="Đặt lịch khám trực tuyến")
    return services.do_update_case(case, actor=officer, data={**SECTION_TEXT, "stage": "evaluating", "field": field})


@pytest.fixture
def published(complete_case, officer, dost):
    """The complete case submitted and published for everyone."""
    from sangtao.knowledge import services

    services.do_submit_case(complete_case, actor=officer)
    return services.do_publish_case(complete_case, actor=dost, public=True)


@pytest.fixture
def finished_task(ward, ward_officer, dost):
    """A ward's annual task reported done (100%, the report approved by the ward's leader), with its KPI
    measured at 1.5 days against 5 and 1."""
    from conftest import make_user
    from sangtao.annual import services as annual
    from sangtao.annual.defaults import seed_defaults
    from sangtao.annual.models import ExternalIndicator, ReportPeriod
    from sangtao.orgs.models import Role

    seed_defaults(ReportPeriod, ExternalIndicator)
    leader = make_user("leader2", Role.LEADER, ward)
    plan = annual.create_plan(ward_officer, ward, 2026, "Kế hoạch đổi mới sáng tạo năm 2026")
    task = annual.save_task(plan, ward_officer, {
        "title": "Trả kết quả khai sinh trong ngày", "problem": "Người dân chờ 5 ngày để nhận giấy khai sinh.",
        "public_service": "Đăng ký khai sinh", "facet": "enhancement", "budget_vnd": 150_000_000,
        "budget_source": "unit", "partners": "Công an phường", "person_in_charge": "Nguyễn Văn Bình",
        "kpis": [{"name": "Thời gian trả kết quả", "unit_of_measure": "ngày", "baseline_value": "5",
                  "target_value": "1"}]})
    for move, actor in (("submit", ward_officer), ("approve", leader), ("consolidate", dost), ("start", ward_officer)):
        plan = annual.move_plan(plan, actor, move)
    report = annual.start_report(plan, ward_officer, ReportPeriod.objects.get(code="6-thang"))
    annual.save_report(report, ward_officer, "Đã hoàn thành.", "",
                       {task.pk: (100, "Ký số và trả kết quả qua cổng dịch vụ công")},
                       [(task.kpis.get().pk, "1.5", datetime.date(2026, 6, 20), "Sổ theo dõi của phường")])
    annual.move_report(annual.move_report(report, ward_officer, "submit"), leader, "approve")
    return task
