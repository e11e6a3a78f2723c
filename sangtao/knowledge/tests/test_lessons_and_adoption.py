"""After-action reviews become searchable lessons that feed the case; "adopt this" becomes a deployment
or an annual task, shown on the case page."""

import datetime

import pytest

from conftest import client_for
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.core.workitems import work_for
from sangtao.knowledge import services
from sangtao.knowledge.models import AdoptionStatus
from sangtao.knowledge.tests.conftest import SECTION_TEXT
from sangtao.notifications.models import Notification

REVIEW = {"expected": "Thời gian chờ giảm còn 60 phút trong sáu tháng.",
          "actual": "Sau chín tháng còn 72 phút; người cao tuổi cần hỗ trợ đặt lịch.",
          "went_well": "Bệnh viện cập nhật lịch bác sĩ hằng ngày nên khung giờ chính xác.",
          "to_change": "Đặt điểm hỗ trợ tại sảnh ngay từ đầu và thử với người dùng thật."}


def _kinds(user):
    return {item.kind: item.count for item in work_for(user)}


def test_the_unit_answers_the_review_its_acceptance_asked_and_the_lesson_feeds_the_case(accepted, officer,
                                                                                        ward_officer):
    challenge = accepted.challenge
    assert _kinds(officer).get("knowledge.reviews") == 1 and "knowledge.reviews" not in _kinds(ward_officer)
    response = client_for(officer).post(f"/knowledge/reviews/challenge/{challenge.pk}/", REVIEW)
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
    case = services.do_draft_case(actor=officer, source_kind="challenge", source_id=challenge.pk)
    assert REVIEW["to_change"] in case.lessons and REVIEW["went_well"] in case.lessons
    assert services.lessons_for("case", [case.pk])[case.pk] == [lesson]
    from django.contrib.auth.models import AnonymousUser

    assert services.lessons_for("challenge", [challenge.pk], user=AnonymousUser()) == {}  # lessons are internal
    assert services.lessons_for("challenge", [challenge.pk], user=ward_officer) == {challenge.pk: [lesson]}


def test_a_finished_annual_task_asks_its_own_unit_for_a_review(finished_task, ward_officer, officer):
    assert _kinds(ward_officer).get("knowledge.reviews") == 1 and "knowledge.reviews" not in _kinds(officer)
    assert client_for(officer).post(f"/knowledge/reviews/annual_task/{finished_task.pk}/", REVIEW).status_code == 404
    response = client_for(ward_officer).post(f"/knowledge/reviews/annual_task/{finished_task.pk}/", REVIEW)
    assert response.status_code == 302 and "knowledge.reviews" not in _kinds(ward_officer)
    [lesson] = services.lessons_for("annual_task", [finished_task.pk])[finished_task.pk]
    assert (lesson.unit, lesson.service, lesson.facet) == (finished_task.plan.unit, "Đăng ký khai sinh", "enhancement")


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
    assert task.plan.unit == ward and task.plan.year == 2027 and f"#{published.pk}" in task.related_reference
    assert "knowledge.plan_adoption" not in _kinds(ward_officer)
    page = client_for(None).get(published.get_absolute_url()).content.decode()
    assert "Đã được 1 đơn vị áp dụng lại" in page and ward.name in page
