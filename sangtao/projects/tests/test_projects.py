"""Step 4: the plan, reports and their review, derived health, overdue escalation, acceptance, deployment."""

import datetime

import pytest
from django.utils import timezone

from conftest import PROJECT_WORLD, client_for, make_expert, module_world, project_world
from sangtao.challenges.models import Status
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.notifications.models import Notification
from sangtao.projects import services
from sangtao.projects.acceptance import acceptance_result
from sangtao.projects.models import Escalation, Grade, Milestone, Project, ProjectStatus, ReportStatus

pytestmark = pytest.mark.django_db
# Every test here starts from the same project under way, built once for the module.
globals().update(module_world(project_world, PROJECT_WORLD))
TODAY = timezone.localdate


def test_project_is_created_from_the_decision_with_its_plan(project, selection):
    assert project.lead_organisation == selection["proposals"][0].organisation
    assert [m.title for m in project.milestones.all()] == ["Thiết kế hệ thống", "Thí điểm tại bệnh viện"]
    assert project.partners.get().responsibilities == "Triển khai thí điểm tại phường"


def test_a_project_needs_a_challenge_in_implementation(project, dost):
    with pytest.raises((StaleState, InvalidInput)):
        services.create_project(project.decision, dost, {"starts_on": TODAY(), "ends_on": TODAY(),
                                                         "milestones": [{"title": "x", "due_on": TODAY()}]})


def test_health_is_derived_from_dates_and_reports(project, solver, officer):
    assert services.health(project)[0] == "at_risk"  # first milestone due in 10 days, no progress reported
    report = services.submit_report(project, solver, TODAY(), "Đã xong thiết kế sơ bộ",
                                    {project.milestones.first().pk: 80})
    services.review_report(report, officer, accept=True)
    assert services.health(project) == ("on_track", [])
    later = TODAY() + datetime.timedelta(days=11)
    state, reasons = services.health(project, later)
    assert state == "late" and any("Thiết kế hệ thống" in r for r in reasons)


def test_a_report_is_returned_with_a_note_and_only_the_owner_reviews(project, solver, officer, ward_officer):
    report = services.submit_report(project, solver, TODAY(), "Tiến độ tháng 1", {})
    with pytest.raises(NotAllowed):
        services.review_report(report, ward_officer, accept=True)
    with pytest.raises(InvalidInput):
        services.review_report(report, officer, accept=False)
    returned = services.review_report(report, officer, accept=False, note="Bổ sung số liệu")
    assert returned.status == ReportStatus.RETURNED
    assert Notification.objects.filter(recipient=solver, body="Bổ sung số liệu").exists()


def test_only_the_lead_reports(project, officer):
    with pytest.raises(NotAllowed):
        services.submit_report(project, officer, TODAY(), "x", {})


def test_overdue_items_escalate_owner_then_leader_then_dost_once_each(project, solver, leader, dost):
    milestone = project.milestones.first()
    Milestone.objects.filter(pk=milestone.pk).update(due_on=TODAY() - datetime.timedelta(days=1))
    services.escalate_overdue()
    assert set(Escalation.objects.filter(subject=f"milestone:{milestone.pk}").values_list("level", flat=True)) == {1}
    assert Notification.objects.filter(recipient=solver, title__contains="Thiết kế hệ thống").exists()
    services.escalate_overdue(TODAY() + datetime.timedelta(days=7))
    assert Notification.objects.filter(recipient=leader, title__contains="Quá hạn").exists()
    services.escalate_overdue(TODAY() + datetime.timedelta(days=14))
    services.escalate_overdue(TODAY() + datetime.timedelta(days=15))
    levels = list(Escalation.objects.filter(subject=f"milestone:{milestone.pk}").values_list("level", flat=True))
    assert sorted(levels) == [1, 2, 3]
    assert Notification.objects.filter(recipient=dost, title__contains="Thiết kế hệ thống").count() == 1


def test_a_missing_periodic_report_is_overdue(project):
    state, reasons = services.health(project, TODAY() + datetime.timedelta(days=11))
    assert state == "late" and any("Báo cáo" in r for r in reasons)


def grade_all(project, members, milestone_grades, report_grade):
    for member in members:
        for milestone, (quantity, quality) in zip(project.milestones.all(), milestone_grades, strict=True):
            services.rate(project, member.user, milestone, quality, quantity)
        services.rate(project, member.user, None, report_grade)


ACCEPTANCE_TABLE = [
    ([("excellent", "excellent"), ("excellent", "excellent")], "pass", Grade.EXCELLENT),
    ([("excellent", "excellent"), ("pass", "excellent")], "pass", Grade.PASS),
    ([("fail", "pass"), ("pass", "pass")], "pass", Grade.FAIL),  # 1/2 quantity criteria < 3/4
    ([("pass", "fail"), ("pass", "pass")], "pass", Grade.FAIL),  # a quality criterion fails
    ([("pass", "pass"), ("pass", "pass")], "fail", Grade.FAIL),  # the report fails
]


@pytest.mark.parametrize(("grades", "report", "expected"), ACCEPTANCE_TABLE)
def test_acceptance_rule_table(project, solver, dost, grades, report, expected):
    members = [make_expert(f"nt{i}") for i in range(3)]
    for member in members:
        services.add_acceptance_member(project, dost, member)
    services.self_assess(project, solver, "Hoàn thành đủ sản phẩm")
    grade_all(project, members, grades, report)
    assert acceptance_result(project).overall == expected


def test_quantity_share_is_data(project, solver, dost):
    rules = project.rules
    rules.quantity_share_numerator, rules.quantity_share_denominator = 1, 2
    rules.save()
    members = [make_expert("nt0")]
    services.add_acceptance_member(project, dost, members[0])
    services.self_assess(project, solver, "Xong")
    grade_all(project, members, [("fail", "pass"), ("pass", "pass")], "pass")
    assert acceptance_result(project).overall == Grade.PASS


def test_passing_acceptance_moves_the_challenge_to_evaluation_then_deployment(project, solver, dost, officer, ward):
    member = make_expert("nt0")
    services.add_acceptance_member(project, dost, member)
    with pytest.raises(InvalidInput):
        services.rate(project, member.user, None, "pass")  # before the self-assessment
    services.self_assess(project, solver, "Xong")
    with pytest.raises(InvalidInput, match="Còn thiếu"):
        services.conclude_acceptance(project, dost)
    grade_all(project, [member], [("pass", "pass"), ("pass", "pass")], "pass")
    services.conclude_acceptance(project, dost)
    project.refresh_from_db()
    project.challenge.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTED and project.challenge.status == Status.EVALUATING
    deployment = services.record_deployment(project, officer, ward, "Đặt lịch khám", TODAY())
    assert deployment.unit == ward
    with pytest.raises(InvalidInput):
        services.record_deployment(project, officer, ward, "Đặt lịch khám", TODAY())


def test_project_pages_are_for_insiders(project, dost, solver, officer, ward_officer, outsider, expert):
    for user, visible in ((dost, True), (solver, True), (officer, True), (ward_officer, True), (outsider, False),
                          (expert, False), (None, False)):
        response = client_for(user).get(f"/projects/{project.pk}/")
        assert (response.status_code == 200) == visible, user


def test_evidence_on_reports_and_documents_on_tasks_are_for_insiders(project, solver, officer, ward, outsider):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sangtao.projects.models import ProjectDocument

    pdf = SimpleUploadedFile("bang-chung.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    client_for(solver).post(f"/projects/{project.pk}/do/report/", {
        "period_end": TODAY().isoformat(), "narrative": "Có minh chứng", "evidence": pdf})
    evidence = ProjectDocument.objects.get()
    assert evidence.report is not None and evidence.kind == "pdf"
    task = services.add_task(project, officer, ward, "Bố trí điểm hỗ trợ", TODAY())
    fake = SimpleUploadedFile("virus.pdf", b"MZ not a pdf", content_type="application/pdf")
    client_for(officer).post(f"/projects/{project.pk}/do/document/", {"task": task.pk, "file": fake})
    assert ProjectDocument.objects.count() == 1  # refused by content, not by name
    assert client_for(officer).get(f"/projects/{project.pk}/documents/{evidence.pk}/").status_code == 200
    assert client_for(outsider).get(f"/projects/{project.pk}/documents/{evidence.pk}/").status_code == 404


def test_acceptance_council_members_see_the_project(project, dost):
    member = make_expert("nt-view")
    assert client_for(member.user).get(f"/projects/{project.pk}/").status_code == 404
    services.add_acceptance_member(project, dost, member)
    assert client_for(member.user).get(f"/projects/{project.pk}/").status_code == 200


def test_a_projects_work_is_on_the_homes_of_its_lead_partner_owner_and_leader(project, solver, ward_officer,
                                                                               officer, leader, dost, ward):
    from sangtao.core.workitems import work_for

    def items(user):
        return {item.kind: item for item in work_for(user)}

    Project.objects.filter(pk=project.pk).update(starts_on=TODAY() - datetime.timedelta(days=28))
    report = items(solver)["projects.report"]  # the first report falls due within the week
    assert report.count == 1 and report.url == f"/projects/{project.pk}/#report"
    services.add_task(project, dost, ward, "Tập huấn cán bộ phường", TODAY() + datetime.timedelta(days=5))
    task = items(ward_officer)["projects.tasks"]
    assert task.count == 1 and task.url == f"/projects/{project.pk}/#task"
    services.submit_report(project, solver, TODAY(), "Đã thiết kế xong", {})
    assert items(officer)["projects.review_report"].count == 1
    Milestone.objects.filter(pk=project.milestones.first().pk).update(due_on=TODAY() - datetime.timedelta(days=1))
    services.escalate_overdue()
    services.escalate_overdue(TODAY() + datetime.timedelta(days=7))
    escalated = items(leader)["projects.escalated"]
    assert escalated.count == 1 and escalated.url == f"/projects/{project.pk}/" and escalated.overdue


INTERNAL_KEY = r"\b[a-z_]+:\d+\b"  # "milestone:7", "task:12": how the code names things, never a person


def _page_problems(html: str) -> list[str]:
    """What a person would stumble on in the page's main part: an internal key in the text, a form
    that does not say what it does (no heading, legend or summary of its own, not the only form of
    its titled section, not one button whose name is its own) or a field with no visible label."""
    import re

    import lxml.html

    main = lxml.html.fromstring(html).xpath("//main")[0]
    problems = [f"internal key {key!r}" for key in re.findall(INTERNAL_KEY, main.text_content())]
    names: dict[str, int] = {}

    def text_of(ids: str) -> str:
        return " ".join(" ".join(main.xpath(f"//*[@id='{i}']")[0].text_content().split())
                        for i in ids.split() if main.xpath(f"//*[@id='{i}']"))

    for form in main.xpath(".//form"):
        controls = [c for c in form.xpath(".//input|.//select|.//textarea")
                    if c.get("type") not in ("hidden", "submit", "button")]
        for control in controls:
            label = main.xpath(f".//label[@for='{control.get('id')}']") if control.get("id") else []
            if not (label and label[0].text_content().strip()) and not text_of(control.get("aria-labelledby", "")):
                problems.append(f"{control.get('name')}: no visible label")
        section = form.xpath("ancestor::section[1]")
        alone = bool(section) and bool(section[0].xpath("./h2|./h3")) and len(section[0].xpath(".//form")) == 1
        if form.xpath(".//h2|.//h3|.//h4|.//legend") or form.xpath("ancestor::details[summary]") or alone:
            continue
        buttons = form.xpath(".//button")
        if not controls and len(buttons) == 1:
            name = " ".join(buttons[0].text_content().split()) + " " + text_of(buttons[0].get("aria-describedby", ""))
            names[name] = names.get(name, 0) + 1
            continue
        problems.append(f"a bare form ({form.get('action')}): nothing says what it does")
    problems += [f"{n} buttons named {name!r}" for name, n in names.items() if n > 1]
    return problems


def test_the_project_page_names_things_as_people_read_them_and_every_form_says_what_it_does(
        project, solver, dost, ward):
    """With everything on it (milestones with tranches, tasks, a report to review, escalations of a
    milestone, a task and a report, a self-assessment, an acceptance member), as each role that acts
    on it: no "milestone:7 → ..." anywhere, no bare inline form, no unlabelled field."""
    Project.objects.filter(pk=project.pk).update(starts_on=TODAY() - datetime.timedelta(days=40))
    Milestone.objects.filter(pk=project.milestones.first().pk).update(due_on=TODAY() - datetime.timedelta(days=1))
    services.add_task(project, dost, ward, "Bố trí điểm hỗ trợ người cao tuổi", TODAY() - datetime.timedelta(days=1))
    services.add_task(project, dost, ward, "Tập huấn cán bộ phường", TODAY() + datetime.timedelta(days=9))
    services.escalate_overdue()
    assert {e.split(":")[0] for e in project.escalations.values_list("subject", flat=True)} == {
        "milestone", "task", "report"}
    services.submit_report(project, solver, TODAY(), "Đã xong thiết kế sơ bộ", {})
    url = f"/projects/{project.pk}/"
    lead_page = client_for(solver).get(url).content.decode()
    assert 'id="self_assess"' in lead_page and 'id="narrative"' in lead_page
    services.self_assess(project, solver, "Hoàn thành thiết kế.")
    member = make_expert("nt-page")
    services.add_acceptance_member(project, dost, member)
    dost_page = client_for(dost).get(url).content.decode()
    assert "Bố trí điểm hỗ trợ người cao tuổi" in dost_page and 'name="decision"' in dost_page
    member_page = client_for(member.user).get(url).content.decode()
    assert 'name="quality_report"' in member_page
    assert "Ghi hoàn thành" not in member_page  # a council member grades; the work is the insiders'
    for who, page in (("lead", lead_page), ("DoST", dost_page), ("acceptance member", member_page)):
        assert _page_problems(page) == [], who


def test_a_stale_health_filter_is_ignored_and_the_portfolio_shows_every_project(project, dost):
    stale = client_for(dost).get("/projects/", {"health": "overdue"})
    assert stale.status_code == 200 and list(stale.context["page"].object_list) == [project]
    assert stale.context["wanted"] == "" and stale.context["querystring"] == ""
    state = services.health(project)[0]
    kept = client_for(dost).get("/projects/", {"health": state})
    assert list(kept.context["page"].object_list) == [project] and kept.context["querystring"] == f"health={state}"
    other = "closed" if state != "closed" else "late"
    assert list(client_for(dost).get("/projects/", {"health": other}).context["page"].object_list) == []


@pytest.mark.parametrize("box", ["narrative", "issues"])
def test_a_progress_report_text_longer_than_4000_characters_is_refused_with_a_message(project, solver, box):
    data = {"period_end": TODAY().isoformat(), "narrative": "Đã xong thiết kế", box: "ý" * 4001}
    page = client_for(solver).post(f"/projects/{project.pk}/do/report/", data, follow=True)
    assert page.status_code == 200 and "4000" in page.content.decode()
    assert not project.reports.exists()
    client_for(solver).post(f"/projects/{project.pk}/do/report/", {**data, box: "ý" * 4000})
    assert project.reports.count() == 1


@pytest.mark.parametrize(("box", "value", "message"), [
    ("period_end", "31/02/2026", "Ngày không hợp lệ"), ("period_end", "9" * 40, "Ngày không hợp lệ"),
    ("progress", "abc", "Tiến độ phải từ 0 đến 100%"), ("progress", "101", "Tiến độ phải từ 0 đến 100%"),
    ("progress", "1" * 30, "Tiến độ phải từ 0 đến 100%")])
def test_a_progress_report_with_a_bad_date_or_percent_is_refused_with_a_message(project, solver, box, value,
                                                                                 message):
    name = f"progress_{project.milestones.first().pk}" if box == "progress" else box
    page = client_for(solver).post(f"/projects/{project.pk}/do/report/", {"narrative": "Tiến độ", name: value},
                                   follow=True)
    assert page.status_code == 200 and message in page.content.decode() and not project.reports.exists()
    if box == "progress":  # which milestone's percent it is
        assert f"{project.milestones.first().title}: {message}" in page.content.decode()


def test_a_progress_report_from_the_page_keeps_its_date_and_percents(project, solver):
    first, second = project.milestones.all()
    client_for(solver).post(f"/projects/{project.pk}/do/report/", {
        "period_end": "", "narrative": "Đã xong thiết kế", f"progress_{first.pk}": "40", f"progress_{second.pk}": ""})
    report = project.reports.get()
    assert report.period_end == TODAY() and report.milestone_progress == {str(first.pk): 40}


def test_a_review_note_longer_than_4000_characters_is_refused_and_the_report_stays_submitted(project, solver,
                                                                                            officer):
    report = services.submit_report(project, solver, TODAY(), "Tiến độ tháng 1", {})
    url = f"/projects/{project.pk}/do/review/"
    page = client_for(officer).post(url, {"report": report.pk, "decision": "return", "note": "ý" * 4001}, follow=True)
    report.refresh_from_db()
    assert "4000" in page.content.decode() and report.status == ReportStatus.SUBMITTED and report.review_note == ""
    client_for(officer).post(url, {"report": report.pk, "decision": "return", "note": "Bổ sung số liệu"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.review_note == "Bổ sung số liệu"


def test_an_acceptance_grade_that_is_not_one_is_refused_with_a_message_and_nothing_is_rated(project, solver, dost):
    from sangtao.projects.models import AcceptanceRating

    member = make_expert("nt0")
    services.add_acceptance_member(project, dost, member)
    services.self_assess(project, solver, "Xong")
    first, second = project.milestones.all()
    url = f"/projects/{project.pk}/do/rate/"
    grades = {f"quality_{first.pk}": "pass", f"quantity_{first.pk}": "pass",
              f"quality_{second.pk}": "excellent", f"quantity_{second.pk}": "pass", "quality_report": "pass"}
    for bad in ({f"quantity_{second.pk}": "x" * 5000}, {"quality_report": "perfect"}):
        page = client_for(member.user).post(url, {**grades, **bad}, follow=True)
        assert "Chọn mức Xuất sắc, Đạt hoặc Không đạt." in page.content.decode()
        assert not AcceptanceRating.objects.exists()
    client_for(member.user).post(url, grades)
    assert set(AcceptanceRating.objects.values_list("milestone", "quality", "quantity")) == {
        (first.pk, "pass", "pass"), (second.pk, "excellent", "pass"), (None, "pass", "")}


def test_a_task_comment_or_self_assessment_longer_than_4000_characters_is_refused_with_a_message(
        project, solver, officer, ward):
    from sangtao.projects.models import SelfAssessment, TaskComment

    task = services.add_task(project, officer, ward, "Bố trí điểm hỗ trợ", TODAY())
    for who, action, data in ((officer, "task_comment", {"task": task.pk, "body": "ý" * 4001}),
                              (solver, "self_assess", {"summary": "ý" * 4001})):
        page = client_for(who).post(f"/projects/{project.pk}/do/{action}/", data, follow=True)
        assert page.status_code == 200 and "4000" in page.content.decode(), action
    assert not TaskComment.objects.exists() and not SelfAssessment.objects.exists()


@pytest.mark.parametrize("day", ["31/02/2026", "hôm qua", "9" * 40])
def test_a_milestone_completed_on_a_day_that_is_not_one_is_refused_and_stays_open(project, dost, day):
    milestone = project.milestones.first()
    page = client_for(dost).post(f"/projects/{project.pk}/do/milestone_done/", {"milestone": milestone.pk, "on": day},
                                 follow=True)
    milestone.refresh_from_db()
    assert "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy." in page.content.decode() and milestone.completed_on is None


def test_a_milestone_cannot_be_completed_on_a_day_to_come(project, dost):
    milestone = project.milestones.first()
    tomorrow = (TODAY() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    page = client_for(dost).post(f"/projects/{project.pk}/do/milestone_done/", {"milestone": milestone.pk,
                                                                                "on": tomorrow}, follow=True)
    milestone.refresh_from_db()
    assert "Ngày hoàn thành mốc không thể sau hôm nay." in page.content.decode() and milestone.completed_on is None
    client_for(dost).post(f"/projects/{project.pk}/do/milestone_done/", {"milestone": milestone.pk, "on": ""})
    milestone.refresh_from_db()
    assert milestone.completed_on == TODAY()


def test_what_the_acceptance_still_lacks_names_the_final_report_in_the_readers_language(project):
    from django.utils import translation

    from sangtao.projects.acceptance import acceptance_result

    with translation.override("vi"):
        assert "Báo cáo tổng kết" in acceptance_result(project).missing
    with translation.override("en"):
        assert "Final report" in acceptance_result(project).missing


def test_a_refused_action_opens_the_page_at_its_message_and_a_done_one_at_its_section(project, solver):
    client = client_for(solver)
    refused = client.post(f"/projects/{project.pk}/do/report/", {"narrative": "Tiến độ", "period_end": "31/02/2026"})
    assert refused["Location"] == project.get_absolute_url()  # the top, where the message is
    assert "Ngày không hợp lệ" in client.get(refused["Location"]).content.decode()
    done = client.post(f"/projects/{project.pk}/do/report/", {"narrative": "Tiến độ tháng này"})
    assert done["Location"] == project.get_absolute_url() + "#report"
    assert "Đã gửi báo cáo tiến độ." in client.get(done["Location"]).content.decode()


def test_a_task_comment_keeps_its_line_breaks_and_says_it_was_sent(project, officer, ward):
    task = services.add_task(project, officer, ward, "Bố trí điểm hỗ trợ", TODAY())
    page = client_for(officer).post(f"/projects/{project.pk}/do/task_comment/",
                                    {"task": task.pk, "body": "Dòng một\r\nDòng hai"}, follow=True)
    assert "Đã gửi trao đổi." in page.content.decode() and "Dòng một<br>Dòng hai" in page.content.decode()


def test_the_milestones_stack_one_block_each_on_a_phone_with_each_value_named(project, dost):
    page = client_for(dost).get(project.get_absolute_url()).content.decode()
    table = page.split('id="milestone_done"')[1].split("</table>")[0]
    assert '<table class="stacked">' in table  # site.css: one block per row under 40rem, numbers not split
    assert table.count('data-label="Hạn"') == project.milestones.count()


def test_a_disbursement_stays_within_its_tranche_and_all_of_them_within_the_contract(project, dost):
    first, second = project.milestones.order_by("due_on")
    with pytest.raises(InvalidInput, match="vượt đợt kinh phí"):
        services.record_disbursement(first, dost, 300_000_001, timezone.localdate())
    services.record_disbursement(first, dost, 300_000_000, timezone.localdate())
    with pytest.raises(InvalidInput, match="vượt giá trị hợp đồng"):
        services.record_disbursement(second, dost, 800_000_000, timezone.localdate())
    assert services.record_disbursement(second, dost, 700_000_000, timezone.localdate()).disbursed_vnd == 700_000_000
    services.record_disbursement(first, dost, 250_000_000, timezone.localdate())  # corrected: replaces its amount


def test_an_open_task_past_its_day_says_it_is_overdue_and_a_done_or_coming_one_does_not(project, officer, ward):
    from sangtao.projects.models import Task

    late = services.add_task(project, officer, ward, "Bố trí điểm hỗ trợ", TODAY())
    Task.objects.filter(pk=late.pk).update(due_on=TODAY() - datetime.timedelta(days=3))
    services.add_task(project, officer, ward, "Tập huấn cán bộ", TODAY())
    page = client_for(officer).get(project.get_absolute_url()).content.decode()
    tasks = {block.split("</h3>")[0]: block for block in page.split('<div class="qa"><h3 id="task-')[1:]}
    [late_block] = [block for title, block in tasks.items() if "Bố trí điểm hỗ trợ" in title]
    [coming_block] = [block for title, block in tasks.items() if "Tập huấn cán bộ" in title]
    assert "(quá hạn)" in late_block.split("</p>")[0] and "(quá hạn)" not in coming_block.split("</p>")[0]
    services.complete_task(Task.objects.get(pk=late.pk), officer)
    page = client_for(officer).get(project.get_absolute_url()).content.decode()
    done = page.split("Bố trí điểm hỗ trợ</h3>")[1].split("</p>")[0]
    assert "(quá hạn)" not in done


def test_a_project_without_warnings_says_so_in_a_sentence_not_a_bullet(project, dost):
    page = client_for(dost).get(project.get_absolute_url()).content.decode()
    assert '<p class="meta">Chưa có cảnh báo quá hạn nào.</p>' in page and "<li>Không có.</li>" not in page


def test_the_acceptance_minutes_number_their_sections_without_a_gap_when_there_is_no_self_assessment(project):
    import io

    from pypdf import PdfReader

    from sangtao.projects.minutes import acceptance_minutes_pdf

    assert not hasattr(project, "self_assessment")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(acceptance_minutes_pdf(project))).pages)
    assert "I. Thành viên hội đồng" in text and "II. Đánh giá sản phẩm" in text and "III. Kết luận" in text
    assert "IV." not in text


def test_a_project_late_on_many_items_names_three_in_the_portfolio_and_links_to_the_rest(project, dost, monkeypatch):
    reasons = [f"Mốc {n} quá hạn" for n in range(1, 6)]
    monkeypatch.setattr(services, "health", lambda _project, _today: ("late", reasons))
    page = client_for(dost).get("/projects/").content.decode()
    assert "Mốc 1 quá hạn; Mốc 2 quá hạn; Mốc 3 quá hạn" in page and "Mốc 4 quá hạn" not in page
    assert f'<a href="{project.get_absolute_url()}">và 2 việc khác</a>' in page


def test_a_long_milestone_title_is_shortened_on_the_timeline_to_its_room_and_keeps_its_date(project):
    import re

    from sangtao.projects.timeline import CHAR, LEFT, WIDTH, timeline_svg

    Milestone.objects.filter(project=project).update(title="Triển khai thí điểm tại mười phường " * 6)
    svg = str(timeline_svg(project, TODAY()))
    for x, anchor, label in re.findall(r'<text x="([\d.]+)" y="\d+" font-size="12" text-anchor="(\w+)">([^<]+)</text>',
                                       svg):
        room = float(x) - LEFT if anchor == "end" else WIDTH - LEFT - float(x)
        assert len(label) * CHAR <= room + 1 and label.endswith(")") and "…" in label, (label, room)
    assert "Triển khai thí điểm tại mười phường Triển khai" in svg  # whole in the dot's tooltip
