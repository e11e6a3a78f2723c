"""After-action reviews become searchable lessons that feed the case; "adopt this" becomes a deployment
or an annual task, shown on the case page."""

import datetime

import pytest

from conftest import PROJECT_WORLD, assert_move_matrix, client_for, module_world, move_table_test, project_world
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.core.workitems import work_for
from sangtao.knowledge import services
from sangtao.knowledge.models import Adoption, AdoptionStatus, Lesson, LessonStatus
from sangtao.knowledge.tests.conftest import SECTION_TEXT
from sangtao.notifications.models import Notification

# Most tests start from an accepted project: its world is built once for the module (a project under
# way took 0.4 s to build on PostgreSQL, for each of the five tests that asked for it).
globals().update(module_world(project_world, PROJECT_WORLD))

REVIEW = {"expected": "Thời gian chờ giảm còn 60 phút trong sáu tháng.",
          "actual": "Sau chín tháng còn 72 phút; người cao tuổi cần hỗ trợ đặt lịch.",
          "went_well": "Bệnh viện cập nhật lịch bác sĩ hằng ngày nên khung giờ chính xác.",
          "to_change": "Đặt điểm hỗ trợ tại sảnh ngay từ đầu và thử với người dùng thật."}


def _kinds(user):
    return {item.kind: item.count for item in work_for(user)}


def test_the_unit_answers_the_review_its_acceptance_asked_and_the_lesson_feeds_the_case(accepted, officer,
                                                                                        ward_officer):
    from sangtao.knowledge.models import ProblemKind

    challenge = accepted.challenge
    kind = ProblemKind.objects.create(code="thu-tuc-rom-ra", name="Thủ tục rườm rà")
    assert _kinds(officer).get("knowledge.reviews") == 1 and "knowledge.reviews" not in _kinds(ward_officer)
    response = client_for(officer).post(f"/knowledge/reviews/challenge/{challenge.pk}/",
                                        {**REVIEW, "problem_kind": kind.pk})
    assert response.status_code == 302
    assert "knowledge.reviews" not in _kinds(officer)
    with pytest.raises(InvalidInput):  # asked once
        services.do_answer_review(actor=officer, subject_kind="challenge", subject_id=challenge.pk, data=REVIEW)
    [lesson] = services.lessons_for("challenge", [challenge.pk])[challenge.pk]
    assert lesson.field == challenge.field and lesson.facet == challenge.facet  # tagged from the work
    # Searchable by anyone of another unit, with or without diacritics.
    for q in ("người cao tuổi", "nguoi cao tuoi"):
        page = client_for(ward_officer).get("/knowledge/lessons/", {"q": q}).content.decode()
        assert lesson.title in page
    assert lesson.title not in client_for(ward_officer).get("/knowledge/lessons/", {"q": "ngập"}).content.decode()
    # And by its tags: field, facet, service, kind of problem, what ended.
    other_facet = next(f for f in ("enhancement", "mission") if f != challenge.facet)
    for tags, found in (({"field": challenge.field.pk, "facet": challenge.facet, "problem_kind": kind.pk,
                          "subject_kind": "challenge"}, True), ({"facet": other_facet}, False),
                        ({"problem_kind": ProblemKind.objects.exclude(pk=kind.pk).first().pk}, False),
                        ({"subject_kind": "initiative"}, False)):
        page = client_for(ward_officer).get("/knowledge/lessons/", tags).content.decode()
        assert (f'href="{lesson.get_absolute_url()}"' in page) is found, tags
    case = services.do_draft_case(actor=officer, source_kind="challenge", source_id=challenge.pk)
    assert REVIEW["to_change"] in case.lessons and REVIEW["went_well"] in case.lessons
    assert services.lessons_for("case", [case.pk])[case.pk] == [lesson]
    from django.contrib.auth.models import AnonymousUser

    assert services.lessons_for("challenge", [challenge.pk], user=AnonymousUser()) == {}  # lessons are internal
    assert services.lessons_for("challenge", [challenge.pk], user=ward_officer) == {challenge.pk: [lesson]}


def _asked(kind, subject):
    """The stored ask of a review: the asked lesson, its audit row, the notices to the unit's staff."""
    from sangtao.core.models import AuditEvent
    from sangtao.knowledge.models import Lesson

    lesson = Lesson.objects.get(subject_kind=kind, **{kind: subject})
    audit = AuditEvent.objects.filter(action="lesson.asked", object_id=str(lesson.pk))
    notices = Notification.objects.filter(subject=f"lesson:{lesson.pk}", action_needed=True,
                                          url=f"/knowledge/reviews/{kind}/{subject.pk}/")
    return lesson, audit, notices


def test_the_end_of_a_projects_acceptance_stores_the_ask_of_its_review(accepted, officer, leader, ward_officer, dost):
    lesson, audit, notices = _asked("challenge", accepted.challenge)
    assert (lesson.status, lesson.unit, lesson.title) == ("asked", accepted.challenge.owner_unit,
                                                          accepted.challenge.title)
    assert audit.count() == 1 and audit.get().actor is None  # asked by the platform, when acceptance ended
    assert set(notices.values_list("recipient", flat=True)) == {officer.pk, leader.pk}  # the unit's staff only
    assert notices.filter(read_at__isnull=True).count() == 2
    page = client_for(dost).get("/knowledge/lessons/").content.decode()  # DoST follows the asks
    assert 'id="asked"' in page and accepted.challenge.title in page
    assert 'id="asked"' not in client_for(officer).get("/knowledge/lessons/").content.decode()
    assert client_for(officer).post(f"/knowledge/reviews/challenge/{accepted.challenge.pk}/", REVIEW).status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == "answered" and lesson.to_change == REVIEW["to_change"] and lesson.answered_by == officer
    assert notices.filter(read_at__isnull=True).count() == 0  # the answer settles the ask
    assert 'id="asked"' not in client_for(dost).get("/knowledge/lessons/").content.decode()


def test_an_initiatives_decision_asks_its_unit_for_a_review(officer, leader, health, ward_officer):
    from conftest import make_user
    from sangtao.initiatives import services as initiative_services
    from sangtao.initiatives.tests.conftest import initiative_data, seat_council, vote_all
    from sangtao.orgs.models import Role

    initiative = initiative_services.submit(initiative_services.create_draft(officer, initiative_data(health, officer)),
                                            officer)
    people = [make_user(f"hd{i}", Role.OFFICER, health) for i in range(5)]
    council = seat_council(initiative_services.form_council(initiative, leader), leader, people)
    vote_all(council, people, 2)
    assert "knowledge.reviews" not in _kinds(officer)  # no decision yet: nothing asked
    initiative_services.decide(council, leader, "Chưa đủ số phiếu tán thành.")  # not recognised: a decision too
    lesson, audit, notices = _asked("initiative", initiative)
    assert lesson.status == "asked" and lesson.unit == health and audit.count() == 1
    assert officer.pk in set(notices.values_list("recipient", flat=True))
    assert _kinds(officer).get("knowledge.reviews") == 1 and "knowledge.reviews" not in _kinds(ward_officer)
    assert client_for(ward_officer).post(f"/knowledge/reviews/initiative/{initiative.pk}/", REVIEW).status_code == 404
    response = client_for(officer).post(f"/knowledge/reviews/initiative/{initiative.pk}/", REVIEW)
    assert response.status_code == 302 and "knowledge.reviews" not in _kinds(officer)
    [answered] = services.lessons_for("initiative", [initiative.pk])[initiative.pk]
    assert answered.pk == lesson.pk and answered.went_well == REVIEW["went_well"]


def test_work_that_ended_before_asks_were_stored_is_asked_by_the_migration(accepted, finished_task):
    import importlib

    from django.apps import apps

    from sangtao.knowledge.models import Lesson

    Lesson.objects.all().delete()
    importlib.import_module("sangtao.knowledge.migrations.0005_ask_owed_reviews").ask_owed(apps, None)
    assert set(Lesson.objects.values_list("subject_kind", "status", "unit")) == {
        ("challenge", "asked", accepted.challenge.owner_unit_id), ("annual_task", "asked", finished_task.plan.unit_id)}


def test_a_finished_annual_task_asks_its_own_unit_for_a_review(finished_task, ward_officer, officer):
    assert _kinds(ward_officer).get("knowledge.reviews") == 1 and "knowledge.reviews" not in _kinds(officer)
    assert client_for(officer).post(f"/knowledge/reviews/annual_task/{finished_task.pk}/", REVIEW).status_code == 404
    response = client_for(ward_officer).post(f"/knowledge/reviews/annual_task/{finished_task.pk}/", REVIEW)
    assert response.status_code == 302 and "knowledge.reviews" not in _kinds(ward_officer)
    [lesson] = services.lessons_for("annual_task", [finished_task.pk])[finished_task.pk]
    assert (lesson.unit, lesson.service, lesson.facet) == (finished_task.plan.unit, "Đăng ký khai sinh", "enhancement")


def test_a_task_typed_at_100_percent_in_a_draft_report_asks_nothing_until_the_leader_approves_the_report(
        ward, ward_officer, dost):
    from conftest import make_user
    from sangtao.annual import services as annual
    from sangtao.annual.defaults import seed_defaults
    from sangtao.annual.models import ExternalIndicator, ReportPeriod
    from sangtao.orgs.models import Role

    seed_defaults(ReportPeriod, ExternalIndicator)
    leader = make_user("leader2", Role.LEADER, ward)
    plan = annual.create_plan(ward_officer, ward, 2026, "Kế hoạch đổi mới sáng tạo năm 2026")
    task = annual.save_task(plan, ward_officer, {
        "title": "Trả kết quả khai sinh trong ngày", "problem": "Người dân chờ 5 ngày.", "public_service": "Khai sinh",
        "facet": "enhancement", "budget_vnd": 0, "budget_source": "none", "person_in_charge": "Anh Bình",
        "kpis": [{"name": "Thời gian trả kết quả", "unit_of_measure": "ngày", "baseline_value": "5",
                  "target_value": "1"}]})
    for move, actor in (("submit", ward_officer), ("approve", leader), ("consolidate", dost), ("start", ward_officer)):
        plan = annual.move_plan(plan, actor, move)
    report = annual.start_report(plan, ward_officer, ReportPeriod.objects.get(code="6-thang"))
    annual.save_report(report, ward_officer, "", "", {task.pk: (100, "Xong")}, [])
    report = annual.move_report(report, ward_officer, "submit")
    assert not Lesson.objects.filter(annual_task=task).exists()
    review = f"/knowledge/reviews/annual_task/{task.pk}/"
    assert client_for(ward_officer).get(review).status_code == 404  # nor may it be answered, as a finished task
    report = annual.move_report(report, leader, "return", "Số liệu chưa đúng: mới xong 80%.")
    annual.save_report(report, ward_officer, "", "", {task.pk: (80, "Còn khâu ký số")}, [])
    annual.move_report(annual.move_report(report, ward_officer, "submit"), leader, "approve")
    assert not Lesson.objects.filter(annual_task=task).exists()  # 80% approved


def test_the_unit_edits_its_lesson_and_no_other_unit_can(accepted, officer, ward_officer):
    from sangtao.core.models import AuditEvent

    challenge = accepted.challenge
    lesson = services.do_answer_review(actor=officer, subject_kind="challenge", subject_id=challenge.pk, data=REVIEW)
    edit = f"/knowledge/lessons/{lesson.pk}/edit/"
    page = client_for(officer).get(lesson.get_absolute_url()).content.decode()
    assert f'href="{edit}"' in page
    assert client_for(officer).get(edit).content.decode().count(REVIEW["actual"]) == 1  # the form holds the answers
    assert edit not in client_for(ward_officer).get(lesson.get_absolute_url()).content.decode()
    assert client_for(ward_officer).post(edit, {**REVIEW, "to_change": "Khác"}).status_code == 404
    refused = client_for(officer).post(edit, {**REVIEW, "to_change": ""})
    assert refused.status_code == 200 and "error-summary" in refused.content.decode()
    changed = "Mở điểm hỗ trợ tại sảnh từ ngày đầu; thử với mười người cao tuổi trước khi triển khai."
    assert client_for(officer).post(edit, {**REVIEW, "to_change": changed}).status_code == 302
    lesson.refresh_from_db()
    assert lesson.to_change == changed and lesson.actual == REVIEW["actual"]
    assert AuditEvent.objects.filter(action="lesson.edited", object_id=str(lesson.pk)).count() == 1


def test_an_accepted_adoption_becomes_a_deployment_shown_on_the_case_page(accepted, officer, leader, dost,
                                                                           ward_officer, ward):
    case = services.do_draft_case(actor=officer, source_kind="challenge", source_id=accepted.challenge.pk)
    case = services.do_update_case(case, actor=officer, data={k: v for k, v in SECTION_TEXT.items() if not getattr(
        case, k)})
    services.do_submit_case(case, actor=officer)
    case = services.do_publish_case(case, actor=dost, public=True)
    with pytest.raises(NotAllowed):  # the case's own unit does not adopt it
        services.do_request_adoption(case, actor=officer, unit=case.unit, form="deployment", service="x",
                                     go_live_on=datetime.date(2027, 1, 1))
    adoption = services.do_request_adoption(case, actor=ward_officer, unit=ward, form="deployment",
                                            service="Khám bệnh tại trạm y tế phường",
                                            go_live_on=datetime.date(2027, 1, 15))
    assert Notification.objects.filter(recipient__in=[leader, dost], url=adoption.get_absolute_url()).count() == 2
    assert _kinds(leader).get("knowledge.answer_adoption") == 1 and _kinds(dost).get("knowledge.answer_adoption") == 1
    page = client_for(ward_officer).get(case.get_absolute_url()).content.decode()
    assert "Chờ trả lời" in page and "Đã được 0 đơn vị áp dụng lại" in page
    with pytest.raises(NotAllowed):  # the asking unit cannot accept its own request
        services.do_accept_adoption(adoption, actor=ward_officer)
    adoption = services.do_accept_adoption(adoption, actor=leader, answer="Sẵn sàng hỗ trợ.")
    assert adoption.status == AdoptionStatus.ACCEPTED
    deployment = adoption.project_deployment
    assert (deployment.unit, deployment.go_live_on, deployment.project) == (ward, datetime.date(2027, 1, 15), accepted)
    page = client_for(None).get(case.get_absolute_url()).content.decode()
    assert "Đã được 1 đơn vị áp dụng lại" in page and ward.name in page and "Khám bệnh tại trạm y tế phường" in page


def test_an_accepted_adoption_as_a_task_enters_the_adopting_units_annual_plan(published, leader, ward_officer, ward):
    from sangtao.annual.models import AnnualTask

    assert services.adoption_forms(published) == ["annual_task"]  # nothing to deploy: no project, no initiative
    adoption = services.do_request_adoption(published, actor=ward_officer, unit=ward, form="annual_task",
                                            service="Đặt lịch tiếp công dân")
    adoption = services.do_accept_adoption(adoption, actor=leader)
    assert _kinds(ward_officer).get("knowledge.plan_adoption") == 1
    adoption = services.do_plan_adoption(adoption, actor=ward_officer, year=2027)
    task = AnnualTask.objects.get(pk=adoption.created_task.pk)
    assert task.plan.unit == ward and task.plan.year == 2027 and task.case == published
    assert "knowledge.plan_adoption" not in _kinds(ward_officer)
    page = client_for(None).get(published.get_absolute_url()).content.decode()
    assert "Đã được 1 đơn vị áp dụng lại" in page and ward.name in page


def test_withdrawing_a_request_to_adopt_asks_first_and_withdraws_once_confirmed(published, ward, ward_officer):
    adoption = services.do_request_adoption(published, actor=ward_officer, unit=ward, form="annual_task",
                                            service="Đặt lịch tiếp công dân")
    client = client_for(ward_officer)
    asked = client.post(f"/knowledge/adoptions/{adoption.pk}/do/withdraw/").content.decode()
    assert "Rút đề nghị áp dụng?" in asked and "không hoàn tác được" in asked
    assert Adoption.objects.get(pk=adoption.pk).status == AdoptionStatus.REQUESTED
    client.post(f"/knowledge/adoptions/{adoption.pk}/do/withdraw/", {"confirmed": "1"})
    assert Adoption.objects.get(pk=adoption.pk).status == AdoptionStatus.WITHDRAWN


LESSON_ALLOWED = move_table_test("lesson", {"answer": {"officer", "leader"}})  # the Department of Health's staff
# The ward (other_unit_officer's unit) asks for the Department of Health's case: its leader or DoST answers.
ADOPTION_ALLOWED = move_table_test("adoption", {"accept": {"leader", "dost"}, "decline": {"leader", "dost"},
                                                "withdraw": {"other_unit_officer"}})


@pytest.mark.parametrize("state", LessonStatus.values)
def test_every_role_tries_every_lesson_move_from_every_state(state, complete_case, health, roles):
    lesson = Lesson.objects.create(subject_kind="case", case=complete_case, unit=health, title="Bài học",
                                   status=state)
    assert assert_move_matrix(lesson, roles, LESSON_ALLOWED) == (2 if state == LessonStatus.ASKED else 0)


def test_every_role_tries_every_adoption_move_from_every_state(published, ward, ward_officer, roles):
    adoption = services.do_request_adoption(published, actor=ward_officer, unit=ward, form="annual_task",
                                            service="Khám bệnh ngoại trú")
    for state in AdoptionStatus.values:
        Adoption.objects.filter(pk=adoption.pk).update(status=state)  # the matrix starts from each state
        applied = assert_move_matrix(Adoption.objects.get(pk=adoption.pk), roles, ADOPTION_ALLOWED)
        assert applied == (5 if state == AdoptionStatus.REQUESTED else 0)
