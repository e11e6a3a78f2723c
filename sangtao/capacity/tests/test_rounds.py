"""Capacity rounds: the move table, launching on the survey engine, one answer per invitation,
reminders, suppression in pages and exports, and who sees what."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from conftest import assert_move_matrix, client_for, module_world, move_table_test
from sangtao.capacity import services
from sangtao.capacity.models import Module, Round, RoundInvitation, UnitScore
from sangtao.capacity.tests.conftest import OPEN_ROUND_WORLD, exported, open_round_world
from sangtao.core.errors import StaleState
from sangtao.notifications.models import Notification
from sangtao.surveys.models import Response

globals().update(module_world(open_round_world, OPEN_ROUND_WORLD))  # launched once for the module

ROUND_ALLOWED = move_table_test("capacity_round", {"launch": {"dost"}, "close": {"dost"}, "reopen": {"dost"}})


def test_round_moves_follow_the_table_for_every_role(roles, units, dost):
    today = timezone.localdate()
    draft = services.create_round(dost, year=2030, name="", units=list(units.values()), opens_on=today,
                                  closes_on=today)
    empty = services.create_round(dost, year=2031, name="", units=[], opens_on=today, closes_on=today)
    allowed = ROUND_ALLOWED
    assert assert_move_matrix(draft, roles, allowed) == 1
    assert assert_move_matrix(empty, roles, allowed) == 0  # no units: the guard refuses launching
    Round.objects.filter(pk=draft.pk).update(status=Round.Status.OPEN)
    assert assert_move_matrix(Round.objects.get(pk=draft.pk), roles, allowed) == 1
    Round.objects.filter(pk=draft.pk).update(status=Round.Status.CLOSED)
    assert assert_move_matrix(Round.objects.get(pk=draft.pk), roles, allowed) == 1


def test_launching_makes_one_survey_per_module_and_one_token_per_respondent(open_round, units):
    assert open_round.status == Round.Status.OPEN
    for module in Module.values:
        survey = open_round.survey_of(module)
        assert survey.uses_tokens and set(survey.units.all()) == set(units.values())
        assert survey.rule.min_n == 5
    counts = {m: RoundInvitation.objects.filter(round=open_round, module=m).count() for m in Module.values}
    assert counts == {"barometer": 5 * 5, "climate": 8 * 5, "determinants": 8 * 5}
    # The unit head known to the registry is addressed; the rest are links the unit hands out.
    assert RoundInvitation.objects.filter(round=open_round, module="barometer", invitee__username="head_w1").count() == 1
    assert UnitScore.objects.filter(round=open_round).count() == len(units)


def test_an_invitation_answers_once_anonymously_through_the_page_and_updates_the_score(open_round):
    invitation = RoundInvitation.objects.filter(round=open_round, module="climate", unit__code="W1").first()
    items = list(open_round.climate.version.items.all())
    client = client_for(None)
    url = invitation.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200 and "Tôi được khuyến khích" in page.content.decode()
    posted = {f"q{i.pk}": "5" for i in items} | {"consent": "1"}
    assert client.post(url, posted).status_code == 302
    stored = Response.objects.get(survey=open_round.climate)
    assert stored.scores == "555" and stored.follow_up_email == ""
    assert "token" not in [f.name for f in Response._meta.fields]
    score = UnitScore.objects.get(round=open_round, unit__code="W1")
    assert score.climate_n == 1 and score.climate is None  # one respondent: suppressed
    again = client.post(url, posted)
    assert again.status_code == 200 and Response.objects.filter(survey=open_round.climate).count() == 1
    with pytest.raises(StaleState):
        services.answer(RoundInvitation.objects.get(pk=invitation.pk), {items[0].pk: 4}, consent=True)


def test_barometer_questions_are_yes_or_no_and_stored_as_five_or_one(open_round):
    invitation = RoundInvitation.objects.filter(round=open_round, module="barometer").first()
    items = list(open_round.barometer.version.items.all())
    page = client_for(None).get(invitation.get_absolute_url()).content.decode()
    assert "Có" in page and "Không" in page
    client_for(None).post(invitation.get_absolute_url(), {f"q{items[0].pk}": "5", f"q{items[1].pk}": "1",
                                                          "consent": "1"})
    assert Response.objects.get(survey=open_round.barometer).scores.startswith("51")


def test_reminders_go_to_addressed_invitees_who_have_not_answered(open_round, dost):
    # The head of W1 is invited to the barometer and, as staff, to the two staff modules.
    assert services.remind(dost, open_round) == 3
    assert Notification.objects.filter(recipient__username="head_w1").count() == 3
    assert set(RoundInvitation.objects.filter(invitee__username="head_w1").values_list("reminders", flat=True)) == {1}
    invitation = RoundInvitation.objects.get(invitee__username="head_w1", module="climate")
    client_for(None).post(invitation.get_absolute_url(), {"consent": "1", f"q{open_round.climate.version.items.first().pk}": "4"})
    assert services.remind(dost, open_round) == 2


def test_a_closed_round_takes_no_more_answers(open_round, dost):
    services.close_round(dost, open_round)
    invitation = RoundInvitation.objects.filter(round=open_round, module="climate").first()
    response = client_for(None).post(invitation.get_absolute_url(), {"consent": "1"})
    assert response.status_code == 200 and not Response.objects.exists()


def test_suppressed_cells_stay_hidden_in_the_pages_and_exports(answered_round, dost):
    client = client_for(dost)
    w4 = UnitScore.objects.get(round=answered_round, unit__code="W4")
    assert w4.climate is None and w4.composite is None
    page = client.get("/capacity/benchmark/").content.decode()
    assert "Đơn vị W4" in page
    csv = exported(client, "/capacity/benchmark.csv").decode("utf-8-sig")
    line = next(row for row in csv.splitlines() if row.startswith("Đơn vị W4"))
    assert ",<5," in line and line.count(",,") >= 2  # n shown only as below the minimum, values empty
    workbook = load_workbook(io.BytesIO(exported(client, "/capacity/benchmark.xlsx")))
    values = [row for row in workbook.active.iter_rows(values_only=True) if row[0] == "Đơn vị W4"][0]
    assert values[3] in ("", None) and values[8] == "<5"
    unit_page = client.get(f"/capacity/units/{w4.unit_id}/").content.decode()
    assert "dưới 5 người trả lời" in unit_page


@pytest.mark.parametrize(("role", "expected"), [
    ("dost", {"index": 200, "round": 200, "benchmark": 200, "unit": 200, "other_unit": 200, "portfolio": 200,
              "impacts": 200}),
    ("officer", {"index": 200, "round": 404, "benchmark": 200, "unit": 200, "other_unit": 404, "portfolio": 404,
                 "impacts": 200}),
    ("expert", {"index": 404, "round": 404, "benchmark": 404, "unit": 404, "other_unit": 404, "portfolio": 404,
                "impacts": 404}),
    ("outsider", {"index": 404, "round": 404, "benchmark": 404, "unit": 404, "other_unit": 404, "portfolio": 404,
                  "impacts": 404}),
    ("leader", {"index": 200, "round": 404, "benchmark": 200, "unit": 200, "other_unit": 404, "portfolio": 404,
                "impacts": 200}),
    ("other_unit_officer", {"index": 200, "round": 404, "benchmark": 200, "unit": 404, "other_unit": 404,
                            "portfolio": 404, "impacts": 200}),
    ("solver", {"index": 404, "round": 404, "benchmark": 404, "unit": 404, "other_unit": 404, "portfolio": 404,
                "impacts": 404}),
    ("anonymous", {"index": 302, "round": 302, "benchmark": 302, "unit": 302, "other_unit": 302, "portfolio": 302,
                   "impacts": 302}),  # sent to sign in
])
def test_who_sees_which_capacity_page(role, expected, roles, open_round, health, units):
    open_round.units.add(health)
    client = client_for(roles[role])
    urls = {"index": "/capacity/", "round": f"/capacity/rounds/{open_round.pk}/", "benchmark": "/capacity/benchmark/",
            "unit": f"/capacity/units/{health.pk}/", "other_unit": f"/capacity/units/{units['W1'].pk}/",
            "portfolio": "/capacity/portfolio/", "impacts": "/capacity/impact/"}
    assert {name: client.get(url).status_code for name, url in urls.items()} == expected


def test_anonymous_visitors_are_sent_to_sign_in_and_bad_tokens_are_not_found(open_round):
    client = client_for(None)
    assert client.get("/capacity/benchmark/").status_code == 302
    assert client.get("/capacity/answer/not-a-token/").status_code == 404


def test_only_dost_moves_a_round_from_the_page(open_round, officer, dost):
    assert client_for(officer).post(f"/capacity/rounds/{open_round.pk}/move/close/").status_code == 404
    assert client_for(dost).post(f"/capacity/rounds/{open_round.pk}/move/close/").status_code == 302
    assert Round.objects.get(pk=open_round.pk).status == Round.Status.CLOSED


def test_dost_creates_a_round_from_the_form(dost, units):
    today = timezone.localdate()
    response = client_for(dost).post("/capacity/", {
        "year": 2035, "name": "Đợt thử", "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=10)).isoformat(), "managers_per_unit": 1,
        "staff_per_unit": 5, "units": [units["W1"].pk, units["W2"].pk]})
    assert response.status_code == 302
    assert Round.objects.get(year=2035).units.count() == 2


def test_the_scores_api_is_schema_valid_and_nulls_suppressed_values(answered_round, dost, outsider, api_client):
    body = api_client(dost).get(f"/capacity/{answered_round.year}/scores").json()
    w4 = next(s for s in body["scores"] if s["unit"] == "Đơn vị W4")
    assert w4["climate"] is None and body["min_n"] == 5
    assert api_client(outsider).get(f"/capacity/{answered_round.year}/scores").status_code == 404


def test_work_items_list_the_unanswered_invitation_and_the_draft_round(open_round, dost, units):
    from sangtao.accounts.models import User
    from sangtao.core.workitems import work_for

    head = User.objects.get(username="head_w1")
    assert [item.kind for item in work_for(head)] == ["capacity.answer"] * 3
    services.create_round(dost, year=2040, name="", units=[units["W1"]], opens_on=timezone.localdate(),
                          closes_on=timezone.localdate())
    assert "capacity.launch" in [item.kind for item in work_for(dost)]


@pytest.mark.parametrize(("role", "status"), [
    ("dost", 200), ("officer", 200), ("leader", 200), ("other_unit_officer", 200),  # the benchmark is the city's
    ("expert", 404), ("solver", 404), ("outsider", 404), ("anonymous", 404),
])
def test_every_role_reads_the_round_scores_api_exactly_as_the_benchmark_page(role, status, answered_round, roles,
                                                                            api_client):
    assert api_client(roles[role]).get(f"/capacity/{answered_round.year}/scores").status_code == status
    page = client_for(roles[role]).get("/capacity/benchmark/").status_code
    assert page == (status if role != "anonymous" else 302)


def test_an_edited_instrument_is_a_new_version_the_next_round_uses_and_the_running_round_keeps_its_own(
        open_round, dost, units):
    """The capacity instruments are edited and versioned in the survey engine like the SIPAS one."""
    from sangtao.capacity.instruments import ensure_templates, latest_version
    from sangtao.surveys import services as survey_services

    climate = ensure_templates(dost)["climate"]
    first = open_round.climate.version
    edited = survey_services.new_version(first)
    item = edited.items.order_by("position").first()
    item.text = "Tôi được khuyến khích thử cách làm mới, kể cả khi có thể không thành công."
    item.save(update_fields=["text"])
    assert latest_version(climate) == edited and edited.number == first.number + 1
    assert Round.objects.get(pk=open_round.pk).climate.version == first  # answers already given keep their wording
    today = timezone.localdate()
    later = services.launch_round(dost, services.create_round(
        dost, year=today.year + 1, name="Đợt sau", units=list(units.values()), opens_on=today,
        closes_on=today + datetime.timedelta(days=30), managers_per_unit=5, staff_per_unit=8))
    assert later.climate.version == edited
    assert later.climate.version.items.order_by("position").first().text == item.text


def test_a_reopening_reason_longer_than_4000_characters_is_refused_with_a_message(open_round, dost):
    closed = services.close_round(dost, open_round)
    client = client_for(dost)
    url = f"/capacity/rounds/{closed.pk}/move/reopen/"
    response = client.post(url, {"reason": "ý" * 4001}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert response.status_code == 200 and any("4001" in text for text in shown)  # the form's count of what was sent
    assert Round.objects.get(pk=closed.pk).status == Round.Status.CLOSED
    client.post(url, {"reason": "ý" * 4000})  # the longest the API takes, taken
    assert Round.objects.get(pk=closed.pk).status == Round.Status.OPEN


def test_a_stale_unit_kind_on_the_round_page_is_ignored_and_every_unit_s_shares_shown(answered_round, dost):
    client = client_for(dost)
    url = f"/capacity/rounds/{answered_round.pk}/"
    every = client.get(url).context["shares"]
    assert every and client.get(url, {"kind": "ward"}).context["shares"] != every  # the filter does filter
    stale = client.get(url, {"kind": "quan_huyen_cu"})
    assert stale.status_code == 200 and stale.context["kind"] == "" and stale.context["shares"] == every
