"""Expert advice sessions through the API: a unit's staff ask and follow their sessions, DoST schedules,
records, declines or calls them off, each move as the session's table allows (every response is checked
against the OpenAPI schema by the api_client fixture)."""

import datetime

import pytest
from django.utils import timezone

from conftest import assert_move_matrix, moves_through_api
from sangtao.annual.models import AdvisorySession, PlanStatus, SessionStatus
from sangtao.annual.tests.test_advice import ALLOWED, SESSION_STATES, asked, in_state  # noqa: F401 -- a fixture

# What every move may take: a time a week ahead, a place, advisers, the advice and a reason.
EVERY_FIELD = {"scheduled_for": (timezone.now() + datetime.timedelta(days=7)).isoformat(), "place": "Phòng họp",
               "advisers": "TS. Lê Minh", "advice": "Ưu tiên hồ sơ tra cứu nhiều.", "reason": "lý do thử nghiệm"}


@pytest.mark.parametrize("state", SESSION_STATES)
def test_through_the_api_every_role_may_make_exactly_the_session_moves_the_table_gives_it(state, asked, plan_roles):  # noqa: F811
    assert_move_matrix(in_state(state, asked, plan_roles), plan_roles, ALLOWED, apply=moves_through_api(
        lambda session, move: f"/annual/advice/{session.pk}/moves/{move}", plan_roles, body=EVERY_FIELD))


def test_a_ward_asks_through_the_api_dost_schedules_on_the_citys_clock_and_records_the_advice(
        ward, health, plan_roles, make_plan, api_client):
    officer, dost = api_client(plan_roles["officer"]), api_client(plan_roles["dost"])
    task = make_plan(PlanStatus.IN_PROGRESS).tasks.get()
    response = officer.post("/annual/advice", {"unit_id": ward.pk, "task_id": task.pk, "topic": "Số hóa hộ tịch",
                                               "question": "Nên số hóa hồ sơ nào trước?"})
    assert response.status_code == 201, response.content
    session = response.json()
    assert (session["status"], session["task_id"], session["moves"]) == ("requested", task.pk, ["cancel"])
    assert [step["move"] for step in session["history"]] == ["create"]

    # The time without an offset is read on the city's clock (UTC+7), as the pages read it.
    when = (timezone.localdate() + datetime.timedelta(days=5)).isoformat() + "T09:00:00"
    url = f"/annual/advice/{session['id']}/moves"
    assert officer.post(f"{url}/schedule", {"scheduled_for": when, "place": "Phòng họp"}).status_code == 403
    assert dost.post(f"{url}/schedule", {"place": "Phòng họp"}).json()["field"] == "scheduled_for"
    scheduled = dost.post(f"{url}/schedule", {"scheduled_for": when, "place": "Phòng họp Sở KH&CN",
                                              "advisers": "TS. Nguyễn Văn Minh"})
    assert scheduled.status_code == 200, scheduled.content
    stored = AdvisorySession.objects.get()
    assert timezone.localtime(stored.scheduled_for).strftime("%H:%M") == "09:00"
    # Written as every read writes it (UTC), not as it was sent.
    assert scheduled.json()["scheduled_for"] == officer.get(f"/annual/advice/{session['id']}").json()["scheduled_for"]
    assert scheduled.json()["place"] == "Phòng họp Sở KH&CN" and "record" in scheduled.json()["moves"]
    early = dost.post(f"{url}/record", {"advice": "Ưu tiên hồ sơ tra cứu nhiều."})
    assert early.status_code == 422 and AdvisorySession.objects.get().status == SessionStatus.SCHEDULED
    # Without the advice too, the answer is that the session has not taken place, not the missing text.
    assert "chưa diễn ra" in dost.post(f"{url}/record", {}).json()["message"]

    AdvisorySession.objects.filter(pk=stored.pk).update(scheduled_for=timezone.now() - datetime.timedelta(hours=1))
    recorded = dost.post(f"{url}/record", {"advice": "Ưu tiên hồ sơ tra cứu nhiều."})
    assert recorded.status_code == 200 and recorded.json()["advice"] == "Ưu tiên hồ sơ tra cứu nhiều."
    assert [step["move"] for step in officer.get(f"/annual/advice/{session['id']}").json()["history"]] == [
        "create", "schedule", "record"]


def test_each_role_lists_and_opens_exactly_the_sessions_it_may_and_asks_only_for_its_own_unit_and_tasks(
        asked, health, ward, plan_roles, api_client):  # noqa: F811
    other = api_client(plan_roles["other_unit_officer"]).post("/annual/advice", {
        "unit_id": health.pk, "topic": "Đặt lịch khám", "question": "Câu hỏi"}).json()
    expected = {"dost": {asked.pk, other["id"]}, "officer": {asked.pk}, "leader": {asked.pk},
                "other_unit_officer": {other["id"]}, "expert": set(), "outsider": set(), "anonymous": set()}
    for role, seen in expected.items():
        client = api_client(plan_roles[role])
        assert {s["id"] for s in client.get("/annual/advice").json()["results"]} == seen, role
        for pk in (asked.pk, other["id"]):
            assert client.get(f"/annual/advice/{pk}").status_code == (200 if pk in seen else 404), (role, pk)
    assert api_client(plan_roles["dost"]).get("/annual/advice?status=requested").json()["count"] == 2
    assert api_client(plan_roles["dost"]).get("/annual/advice?status=held").json()["count"] == 0
    stranger = api_client(plan_roles["other_unit_officer"])
    assert stranger.post("/annual/advice", {"unit_id": ward.pk, "topic": "Chủ đề", "question": "?"}).status_code == 404
    assert stranger.post("/annual/advice", {"unit_id": health.pk, "task_id": asked.task_id, "topic": "Chủ đề",
                                            "question": "?"}).status_code == 404
    assert api_client(plan_roles["dost"]).post("/annual/advice", {
        "unit_id": ward.pk, "topic": "Chủ đề", "question": "?"}).status_code == 404
    assert AdvisorySession.objects.count() == 2


def test_a_move_the_session_no_longer_opens_is_a_conflict_before_its_input_is_read(asked, plan_roles, api_client):  # noqa: F811
    dost = api_client(plan_roles["dost"])
    assert dost.post(f"/annual/advice/{asked.pk}/moves/decline", {"reason": "Ngoài phạm vi"}).status_code == 200
    for move, body in (("record", {}), ("schedule", {"scheduled_for": "2020-01-05T10:00:00"})):
        refused = dost.post(f"/annual/advice/{asked.pk}/moves/{move}", body)
        assert refused.status_code == 409 and refused.json()["current_status"] == "declined", move


def test_a_topic_typed_in_decomposed_letters_counts_them_as_stored(ward, plan_roles, api_client):
    import unicodedata

    topic = unicodedata.normalize("NFD", "ộ" * 300)  # 900 code points, 300 letters: the column's length
    response = api_client(plan_roles["officer"]).post("/annual/advice", {"unit_id": ward.pk, "topic": topic,
                                                                         "question": "Câu hỏi"})
    assert response.status_code == 201, response.content
    assert AdvisorySession.objects.get().topic == "ộ" * 300


def test_the_api_offers_exactly_the_moves_of_the_sessions_table():
    from typing import get_args

    from sangtao.annual.api import ADVICE_MOVES, move_advice
    from sangtao.annual.workflow import SESSION

    offered = get_args(move_advice.__annotations__["move"])
    assert set(offered) == set(ADVICE_MOVES) == set(SESSION.moves)


@pytest.mark.parametrize(("move", "by"), [("decline", "dost"), ("cancel", "officer"), ("call_off", "dost")])
def test_a_move_with_a_reason_keeps_the_reason_sent_and_nothing_else(move, by, asked, plan_roles, api_client):  # noqa: F811
    if move == "call_off":
        asked = in_state("scheduled", asked, plan_roles)
    moved = api_client(plan_roles[by]).post(f"/annual/advice/{asked.pk}/moves/{move}", {
        "reason": f"Lý do {move}", "advice": "không phải lý do", "place": "không phải lý do"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["history"][-1]["reason"] == f"Lý do {move}"
    assert AdvisorySession.objects.get().advice == ""
