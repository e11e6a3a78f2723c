"""Expert advice sessions (brief §8, "Inno-Coffee"): a unit asks DoST for expert advice on one of its
problems; DoST schedules a session or declines; the advice given is recorded; the unit may cancel."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import assert_move_matrix, client_for, move_table_test
from sangtao.annual import services
from sangtao.annual.models import AdvisorySession, PlanStatus, SessionStatus
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.notifications.models import Notification

ALLOWED = move_table_test("advisory_session", {"schedule": {"dost"}, "record": {"dost"}, "decline": {"dost"},
                                               "cancel": {"officer", "leader"}, "call_off": {"dost"}})


@pytest.fixture
def asked(ward, plan_roles, make_plan):
    task = make_plan(PlanStatus.IN_PROGRESS).tasks.get()
    return services.request_advice(plan_roles["officer"], ward, "Số hóa hồ sơ hộ tịch cũ",
                                   "Phường có 40.000 hồ sơ giấy; cần cách ưu tiên số hóa.", task)


def _later(days=3):
    return timezone.now() + datetime.timedelta(days=days)


def _taken_place(session) -> AdvisorySession:
    """The session's time has come and gone (the tests do not wait for the clock)."""
    AdvisorySession.objects.filter(pk=session.pk).update(scheduled_for=timezone.now() - datetime.timedelta(hours=2))
    return AdvisorySession.objects.get(pk=session.pk)


SESSION_STATES = ["requested", "scheduled", "past_its_time", "held", "declined", "cancelled"]


def in_state(state: str, asked, plan_roles) -> AdvisorySession:
    """The session asked for, brought to this state (a scheduled session whose time has passed is one)."""
    dost = plan_roles["dost"]
    if state in ("scheduled", "past_its_time", "held"):
        asked = services.schedule_session(asked, dost, _later(), "Phòng họp Sở KH&CN", "")
    if state in ("past_its_time", "held"):
        asked = _taken_place(asked)
    if state == "held":
        asked = services.record_session(asked, dost, "Ưu tiên hồ sơ được tra cứu nhiều.")
    if state == "declined":
        asked = services.decline_session(asked, dost, "Ngoài phạm vi")
    if state == "cancelled":
        asked = services.cancel_session(asked, plan_roles["officer"], "Đã tự giải quyết")
    return asked


@pytest.mark.parametrize("state", SESSION_STATES)
def test_every_role_may_make_exactly_the_session_moves_the_table_gives_it(state, asked, plan_roles):
    assert_move_matrix(in_state(state, asked, plan_roles), plan_roles, ALLOWED)


def test_advice_is_recorded_only_once_the_session_took_place_and_not_cancelled_after(asked, plan_roles):
    dost = plan_roles["dost"]
    scheduled = services.schedule_session(asked, dost, _later(), "Phòng họp", "")
    with pytest.raises(InvalidInput, match="chưa diễn ra"):
        services.record_session(scheduled, dost, "Nội dung")
    past = _taken_place(scheduled)
    with pytest.raises(InvalidInput, match="Đã qua thời gian tư vấn"):
        services.cancel_session(past, plan_roles["officer"], "Không cần nữa")
    assert services.record_session(past, dost, "Nội dung").status == SessionStatus.HELD


def test_dost_records_that_a_session_past_its_time_did_not_take_place_and_the_unit_is_told(asked, plan_roles):
    dost = plan_roles["dost"]
    past = _taken_place(services.schedule_session(asked, dost, _later(), "Phòng họp", ""))
    services.call_off_session(past, dost, "Chuyên gia ốm, đơn vị sẽ đề nghị lại")
    session = AdvisorySession.objects.get()
    assert session.status == SessionStatus.CANCELLED
    assert Notification.objects.filter(recipient=plan_roles["officer"], body__contains="Chuyên gia ốm").exists()
    page = client_for(plan_roles["officer"]).get(session.get_absolute_url()).content.decode()
    assert reverse("annual:advice_new") in page  # ask again


def test_a_session_is_scheduled_with_a_time_not_a_date_alone(asked, plan_roles):
    day = (timezone.localdate() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    refused = client_for(plan_roles["dost"]).post(reverse("annual:advice_move", args=[asked.pk, "schedule"]),
                                                  {"scheduled_for": day, "place": "Phòng họp"})
    assert refused.status_code == 200 and AdvisorySession.objects.get().status == SessionStatus.REQUESTED


def test_a_request_is_scheduled_held_and_recorded_each_side_told_in_turn(asked, plan_roles, ward):
    dost, officer = plan_roles["dost"], plan_roles["officer"]
    assert Notification.objects.filter(recipient=dost, url=asked.get_absolute_url()).exists()
    client = client_for(dost)
    when = (timezone.localtime() + datetime.timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
    response = client.post(reverse("annual:advice_move", args=[asked.pk, "schedule"]), {
        "scheduled_for": when.strftime("%d/%m/%Y %H:%M"), "place": "https://meet.example.vn/inno-coffee",
        "advisers": "TS. Nguyễn Văn Minh (lưu trữ số)"})
    assert response.status_code == 302
    session = AdvisorySession.objects.get()
    assert session.status == SessionStatus.SCHEDULED and timezone.localtime(session.scheduled_for) == when
    told = Notification.objects.get(recipient=officer, url=session.get_absolute_url())
    assert when.strftime("%d/%m/%Y") in told.body and "https://meet.example.vn/inno-coffee" in told.body
    page = client_for(officer).get(session.get_absolute_url()).content.decode()
    assert 'href="https://meet.example.vn/inno-coffee"' in page and "TS. Nguyễn Văn Minh" in page
    moved = when + datetime.timedelta(days=1)
    client.post(reverse("annual:advice_move", args=[asked.pk, "schedule"]), {
        "scheduled_for": moved.strftime("%d/%m/%Y %H:%M"), "place": "Phòng họp Sở KH&CN"})
    assert session.transitions.last().reason.startswith(when.strftime("%H:%M %d/%m/%Y") + " · https://meet")
    session = _taken_place(session)
    client.post(reverse("annual:advice_move", args=[session.pk, "record"]), {"advice": "Ưu tiên hồ sơ tra cứu nhiều."})
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD and session.advice == "Ưu tiên hồ sơ tra cứu nhiều."
    assert [t.move for t in session.transitions.all()] == ["create", "schedule", "schedule", "record"]
    assert "Ưu tiên hồ sơ tra cứu nhiều." in client_for(plan_roles["leader"]).get(session.get_absolute_url()).content.decode()


def test_a_session_in_the_past_or_without_a_place_or_advice_is_refused_and_nothing_changes(asked, plan_roles):
    dost = plan_roles["dost"]
    with pytest.raises(InvalidInput):
        services.schedule_session(asked, dost, timezone.now() - datetime.timedelta(hours=1), "Phòng họp", "")
    with pytest.raises(InvalidInput):
        services.schedule_session(asked, dost, _later(), "   ", "")
    refused = client_for(dost).post(reverse("annual:advice_move", args=[asked.pk, "schedule"]),
                                    {"scheduled_for": "31/02/2026 09:00", "place": "Phòng họp"})
    assert refused.status_code == 200 and 'data-form-error="true"' in refused.content.decode()
    scheduled = services.schedule_session(asked, dost, _later(), "Phòng họp", "")
    with pytest.raises(InvalidInput):
        services.record_session(scheduled, dost, "  ")
    assert AdvisorySession.objects.get().status == SessionStatus.SCHEDULED


def test_only_the_units_staff_ask_and_only_for_their_own_tasks(ward, health, plan_roles, make_plan):
    task = make_plan(PlanStatus.IN_PROGRESS).tasks.get()
    for role in ("dost", "other_unit_officer", "expert", "outsider"):
        with pytest.raises(NotAllowed):
            services.request_advice(plan_roles[role], ward, "Chủ đề", "Câu hỏi")
    with pytest.raises(InvalidInput):
        services.request_advice(plan_roles["other_unit_officer"], health, "Chủ đề", "Câu hỏi", task)
    assert client_for(plan_roles["expert"]).get(reverse("annual:advice_new")).status_code == 404


def test_each_role_lists_and_opens_exactly_the_sessions_it_may(asked, plan_roles, health):
    other = services.request_advice(plan_roles["other_unit_officer"], health, "Đặt lịch khám", "Câu hỏi")
    expected = {"dost": {asked.pk, other.pk}, "officer": {asked.pk}, "leader": {asked.pk},
                "other_unit_officer": {other.pk}, "expert": None, "outsider": None}
    for role, sessions in expected.items():
        client = client_for(plan_roles[role])
        listing = client.get(reverse("annual:advice_list"))
        if sessions is None:
            assert listing.status_code == 404
        else:
            assert {s.pk for s in listing.context["page"].object_list} == sessions
        for session in (asked, other):
            opened = client.get(session.get_absolute_url()).status_code
            assert opened == (200 if sessions and session.pk in sessions else 404), (role, session.topic)


def test_the_unit_asks_through_its_page_and_dost_finds_it_on_its_home(ward, plan_roles):
    from sangtao.core.workitems import work_for

    response = client_for(plan_roles["officer"]).post(reverse("annual:advice_new"), {
        "unit": ward.pk, "topic": "Trợ lý ảo thủ tục", "question": "Nên bắt đầu từ thủ tục nào?"})
    session = AdvisorySession.objects.get()
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    [item] = [item for item in work_for(plan_roles["dost"]) if item.kind == "annual.schedule_advice"]
    assert item.count == 1 and item.url.endswith("?status=requested")
    empty = client_for(plan_roles["officer"]).post(reverse("annual:advice_new"), {"unit": ward.pk, "topic": ""})
    assert empty.status_code == 200 and AdvisorySession.objects.count() == 1


def test_the_plan_lists_its_tasks_sessions_and_the_officer_is_told_of_the_next_one(asked, plan_roles):
    from sangtao.core.workitems import work_for

    plan_page = client_for(plan_roles["leader"]).get(asked.task.plan.get_absolute_url()).content.decode()
    assert asked.get_absolute_url() in plan_page.split('id="advice"')[1]
    when = _later(2)
    services.schedule_session(asked, plan_roles["dost"], when, "Phòng họp", "")
    [item] = [item for item in work_for(plan_roles["officer"]) if item.kind == "annual.advice_upcoming"]
    assert item.count == 1 and item.due == when and not item.action_needed
