"""Every workflow move, tried by every role, from every state."""

import datetime

import pytest
from django.utils import timezone

from conftest import ALL_STATES, assert_move_matrix, client_for, move_table_test
from sangtao.challenges import services
from sangtao.challenges.models import Challenge, Status, Transition
from sangtao.challenges.workflow import MOVES
from sangtao.core import workflow
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.notifications.models import Notification

# Who may make each move (on a challenge owned by the Department of Health).
ALLOWED_ROLES = move_table_test("challenge", {
    "submit": {"officer", "leader"},
    "unit_approve": {"leader"},
    "unit_return": {"leader"},
    "approve": {"dost"},
    "request_changes": {"dost"},
    "reject": {"dost"},
    "publish": {"dost"},
    "close": {"dost"},
    "withdraw": {"officer", "leader"},
    "cancel": {"dost"},
    "select_lead": {"dost"},  # only through the selection decision: see sangtao/review/tests
    "start_evaluation": {"dost"},  # only through a passed acceptance: see sangtao/projects/tests
    "complete": {"dost"},
})
# States no button leads to; the matrix starts from them too.
LATER_STATES = [Status.IMPLEMENTING, Status.EVALUATING, Status.COMPLETED]


def test_the_table_names_who_may_make_every_move():
    assert set(ALLOWED_ROLES) == set(MOVES)


@pytest.mark.django_db
@pytest.mark.parametrize("state", ALL_STATES + LATER_STATES)
def test_every_role_tries_every_move_from_every_state(state, roles, make_challenge):
    challenge = make_challenge(state if state in ALL_STATES else Status.CLOSED)
    if state in LATER_STATES:  # set directly: reaching them needs a decision and an acceptance
        Challenge.objects.filter(pk=challenge.pk).update(status=state)
        challenge.refresh_from_db()
    applied = assert_move_matrix(challenge, roles, ALLOWED_ROLES,
                                 lambda c, move, user: services.apply_move(c, user, move, "lý do"))
    # Each move the table allows from here was made by each role allowed to make it.
    assert applied == sum(len(ALLOWED_ROLES[name]) for name, move in MOVES.items()
                          if state in move.sources and not workflow.unmet_preconditions(None, challenge, move))


@pytest.mark.django_db
def test_the_matrix_refuses_dost_only_moves_to_every_other_role(roles, make_challenge):
    challenge = make_challenge(Status.DOST_REVIEW)
    for role, user in roles.items():
        if role in ("dost", "anonymous"):
            continue
        with pytest.raises(NotAllowed):
            services.approve(challenge, user)
    assert Challenge.objects.get(pk=challenge.pk).status == Status.DOST_REVIEW


@pytest.mark.django_db
def test_full_path_writes_one_transition_per_move(make_challenge):
    challenge = make_challenge(Status.PUBLISHED)
    moves = list(Transition.objects.filter(challenge=challenge).values_list("move", flat=True))
    assert moves == ["create", "submit", "unit_approve", "approve", "publish"]
    assert challenge.published_at is not None


@pytest.mark.django_db
def test_reason_is_required_for_reject_and_nothing_changes_without_it(make_challenge, dost):
    challenge = make_challenge(Status.DOST_REVIEW)
    with pytest.raises(InvalidInput):
        services.reject(challenge, dost, reason="   ")
    assert Challenge.objects.get(pk=challenge.pk).status == Status.DOST_REVIEW


@pytest.mark.django_db
def test_request_changes_returns_to_draft_editable_with_reason_shown(make_challenge, dost, officer):
    challenge = make_challenge(Status.DOST_REVIEW)
    services.request_changes(challenge, dost, reason="Bổ sung số liệu năm 2025")
    challenge.refresh_from_db()
    assert challenge.status == Status.DRAFT
    assert officer.has_perm("challenges.edit_challenge", challenge)
    page = client_for(officer).get(challenge.get_absolute_url())
    assert "Bổ sung số liệu năm 2025" in page.content.decode()


@pytest.mark.django_db
def test_a_move_made_twice_is_refused_the_second_time_with_the_current_state(make_challenge, dost):
    challenge = make_challenge(Status.DOST_REVIEW)
    services.approve(challenge, dost, expected_status=Status.DOST_REVIEW)
    with pytest.raises(StaleState) as error:
        services.approve(challenge, dost, expected_status=Status.DOST_REVIEW)
    assert error.value.context["current_status"] == Status.APPROVED
    assert Transition.objects.filter(challenge=challenge, move="approve").count() == 1


@pytest.mark.django_db
def test_stale_confirmation_page_post_shows_current_state_and_applies_nothing(make_challenge, dost):
    challenge = make_challenge(Status.DOST_REVIEW)
    client = client_for(dost)
    services.reject(challenge, dost, reason="trùng lặp")  # someone else acted first
    response = client.post(f"/challenges/{challenge.pk}/move/approve/", {"expected_status": "dost_review", "reason": ""})
    assert response.status_code == 200
    assert "Bị từ chối" in response.content.decode()
    assert Challenge.objects.get(pk=challenge.pk).status == Status.REJECTED


@pytest.mark.django_db
def test_publish_needs_a_call_window_in_the_future(make_challenge, dost):
    challenge = make_challenge(Status.APPROVED, call_opens_at=None, call_closes_at=None)
    with pytest.raises(InvalidInput):
        services.publish(challenge, dost)


@pytest.mark.django_db
def test_a_call_whose_closing_day_has_passed_cannot_be_approved_and_the_page_says_what_to_do(make_challenge, dost):
    challenge = make_challenge(Status.DOST_REVIEW)
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(InvalidInput, match="Hạn nhận hồ sơ đã qua; hãy yêu cầu đơn vị cập nhật."):
        services.apply_move(Challenge.objects.get(pk=challenge.pk), dost, "approve")
    page = client_for(dost).get(challenge.get_absolute_url()).content.decode()
    assert "Hạn nhận hồ sơ đã qua; hãy yêu cầu đơn vị cập nhật." in page  # before anything is confirmed
    assert Challenge.objects.get(pk=challenge.pk).status == Status.DOST_REVIEW


@pytest.mark.django_db
def test_submit_needs_a_success_indicator(make_challenge, officer):
    challenge = make_challenge(Status.DRAFT, indicators=[])
    with pytest.raises(InvalidInput):
        services.submit(challenge, officer)


@pytest.mark.django_db
def test_moves_notify_the_next_actor(make_challenge, officer, leader, dost):
    challenge = make_challenge(Status.DRAFT)
    services.submit(challenge, officer)
    assert Notification.objects.filter(recipient=leader).exists()
    services.unit_approve(challenge, leader)
    assert Notification.objects.filter(recipient=dost).exists()


@pytest.mark.django_db
def test_expired_calls_close_automatically(make_challenge):
    from datetime import timedelta

    from django.utils import timezone

    challenge = make_challenge(Status.PUBLISHED)
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=timezone.now() - timedelta(minutes=1))
    assert services.close_expired_calls() == 1
    challenge.refresh_from_db()
    assert challenge.status == Status.CLOSED
    assert Transition.objects.filter(challenge=challenge).last().actor is None


@pytest.mark.django_db
def test_move_through_page_requires_confirmation_then_applies(make_challenge, officer):
    challenge = make_challenge(Status.DRAFT)
    client = client_for(officer)
    confirm = client.get(f"/challenges/{challenge.pk}/move/submit/")
    assert confirm.status_code == 200 and "Xác nhận" in confirm.content.decode()
    assert Challenge.objects.get(pk=challenge.pk).status == Status.DRAFT
    done = client.post(f"/challenges/{challenge.pk}/move/submit/", {"expected_status": "draft"})
    assert done.status_code == 302
    assert Challenge.objects.get(pk=challenge.pk).status == Status.UNIT_REVIEW


def test_transitions_cannot_be_changed_or_deleted(db, make_challenge):
    challenge = make_challenge(Status.DRAFT)
    row = Transition.objects.filter(challenge=challenge).first()
    row.reason = "sửa lịch sử"
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()


QUESTION_ALLOWED = move_table_test("question", {"approve": {"dost", "officer", "leader"},
                                               "reject": {"dost", "officer", "leader"},
                                               "answer": {"dost", "officer", "leader"}})


@pytest.mark.django_db
def test_every_role_tries_every_question_move_from_every_state(roles, make_challenge, outsider):
    from sangtao.challenges.models import Question, QuestionStatus

    question = services.ask_question(make_challenge(Status.PUBLISHED), outsider, "Hệ thống có dùng VNeID không?")
    for state in QuestionStatus.values:
        Question.objects.filter(pk=question.pk).update(status=state)  # the matrix starts from each state
        question.refresh_from_db()
        applied = assert_move_matrix(question, roles, QUESTION_ALLOWED, lambda q, move, user: workflow.apply_move(
            q, move, actor=user, changes={"answer": "Có."} if move == "answer" else None))
        assert applied == sum(len(QUESTION_ALLOWED[name]) for name, move in workflow.workflow_of(question).moves.items()
                              if state in move.sources)


@pytest.mark.django_db
def test_the_page_lists_an_unmet_precondition_with_where_to_fix_it_before_anyone_confirms(make_challenge, officer):
    challenge = make_challenge(Status.DRAFT, indicators=[])
    page = client_for(officer).get(challenge.get_absolute_url()).content.decode()
    assert 'disabled aria-describedby="unmet-submit"' in page
    assert "Cần ít nhất một chỉ số thành công trước khi trình." in page
    assert f'href="/challenges/{challenge.pk}/edit/"' in page
    assert f'href="/challenges/{challenge.pk}/move/submit/"' not in page  # no way to the confirmation yet
    assert Challenge.objects.get(pk=challenge.pk).status == Status.DRAFT


@pytest.mark.django_db
def test_publishing_without_call_dates_shows_the_checklist_on_the_page_and_the_confirmation(make_challenge, dost):
    challenge = make_challenge(Status.APPROVED, call_opens_at=None, call_closes_at=None)
    client = client_for(dost)
    for url in (challenge.get_absolute_url(), f"/challenges/{challenge.pk}/move/publish/"):
        page = client.get(url).content.decode()
        assert "cần thời gian mở và hạn nhận hồ sơ trước khi công bố" in page
        assert f'href="/challenges/{challenge.pk}/move/request_changes/"' in page  # where DoST sends it back
        assert 'disabled aria-describedby="unmet-publish"' in page
    english = client.get(f"/en/challenges/{challenge.pk}/").content.decode()
    assert "An open-selection challenge needs a call window before publication." in english


@pytest.mark.django_db
def test_a_met_precondition_leaves_the_button_enabled(make_challenge, officer):
    challenge = make_challenge(Status.DRAFT)
    page = client_for(officer).get(challenge.get_absolute_url()).content.decode()
    assert f'href="/challenges/{challenge.pk}/move/submit/"' in page and "unmet-submit" not in page


@pytest.mark.django_db
def test_the_api_lists_each_move_with_its_unmet_preconditions(make_challenge, dost, officer, api_client):
    challenge = make_challenge(Status.APPROVED, call_opens_at=None, call_closes_at=None)
    moves = {move["name"]: move for move in api_client(dost).get(f"/challenges/{challenge.pk}").json()["moves"]}
    assert [unmet["message"] for unmet in moves["publish"]["unmet"]] == [
        "Bài toán tuyển chọn cần thời gian mở và hạn nhận hồ sơ trước khi công bố."]
    assert moves["publish"]["unmet"][0]["fix_url"] == f"/challenges/{challenge.pk}/move/request_changes/"
    assert moves["publish"]["label"] == "Công bố" and all(move["unmet"] == [] for name, move in moves.items()
                                                          if name != "publish")
    draft = make_challenge(Status.DRAFT)
    assert [(m["name"], m["unmet"]) for m in api_client(officer).get(f"/challenges/{draft.pk}").json()["moves"]
            if m["name"] == "submit"] == [("submit", [])]
    assert api_client(None).get(f"/challenges/{draft.pk}").status_code == 404


@pytest.mark.django_db
def test_a_challenge_is_closed_only_on_a_measured_result_or_survey_answers(make_challenge, dost):
    from sangtao.core.errors import InvalidInput
    from sangtao.evaluation import services as evaluation

    challenge = make_challenge(Status.CLOSED)
    Challenge.objects.filter(pk=challenge.pk).update(status=Status.EVALUATING)
    challenge.refresh_from_db()
    with pytest.raises(InvalidInput, match="số đo chỉ số hoặc kết quả khảo sát"):
        services.apply_move(challenge, dost, "complete", "Xong")
    evaluation.record_measurement(challenge.indicators.first(), dost, 95, datetime.date(2026, 6, 1), "Sở Y tế")
    assert services.apply_move(challenge, dost, "complete", "Đã đo").status == Status.COMPLETED


def test_a_move_that_needs_a_reason_marks_the_box_as_asked_for_and_says_why_beside_it(make_challenge, dost):
    challenge = make_challenge(Status.DOST_REVIEW)
    client = client_for(dost)
    page = client.get(f"/challenges/{challenge.pk}/move/reject/").content.decode()
    label = page.split('<label for="id_reason">')[1].split("</label>")[0]
    assert "Lý do" in label and 'class="req"' in label
    assert 'aria-describedby="id_reason_helptext"' in page and 'id="id_reason_helptext"' in page
    refused = client.post(f"/challenges/{challenge.pk}/move/reject/", {"expected_status": "dost_review", "reason": ""})
    assert 'id="id_reason_error"' in refused.content.decode() and "Cần nêu lý do." in refused.content.decode()
    assert Challenge.objects.get(pk=challenge.pk).status == Status.DOST_REVIEW
    plain = client.get(f"/challenges/{challenge.pk}/move/approve/").content.decode()
    assert 'class="req"' not in plain.split('<label for="id_reason">')[1].split("</label>")[0]
