"""DoST reads the audit trail in the product: filters, pages, CSV; nobody else sees it. A daily
check of the chains alerts DoST's coordinators when one was rewritten."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from conftest import client_for, make_user
from sangtao.audit.jobs import BROKEN, VERIFIED, verify_audit_chains
from sangtao.core.audit import record
from sangtao.core.models import AuditEvent
from sangtao.notifications.models import Notification


@pytest.fixture
def events(dost, officer, health):
    record(officer, "unit_updated", health, name="=HYPERLINK(\"http://evil\")")
    record(dost, "membership_added", officer, role="officer")
    old = record(dost, "unit_created", health, name=health.name)
    return old


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.mark.parametrize("who", ["officer", "leader", "expert", "solver", "outsider", None])
def test_only_dost_coordinators_find_the_audit_log(request, events, who):
    client = client_for(request.getfixturevalue(who) if who else None)
    for url in ("/audit/", "/audit/export.csv"):
        response = client.get(url)
        assert response.status_code == (302 if who is None else 404)


def test_dost_filters_by_actor_action_object_and_date(dost, officer, health, events):
    client = Client()
    client.force_login(dost)  # a real login (django.contrib.auth.login): the fourth event
    assert client.get("/audit/").context["total"] == 4
    by_actor = client.get("/audit/", {"actor": "Hồng"}).context["page"].entries  # the officer's full name
    assert [e.action for e in by_actor] == ["unit_updated"]
    by_action = client.get("/audit/", {"action": "membership_added"}).context["page"].entries
    assert [e.object_id for e in by_action] == [str(officer.pk)]
    by_object = client.get("/audit/", {"object_type": "orgs.orgunit", "object_id": health.pk}).context["page"]
    assert {e.action for e in by_object.entries} == {"unit_updated", "unit_created"}
    today = timezone.localdate()
    assert client.get("/audit/", {"date_from": today, "date_to": today}).context["total"] == 4
    assert client.get("/audit/", {"date_to": today - datetime.timedelta(days=1)}).context["total"] == 0
    refused = client.get("/audit/", {"date_from": today, "date_to": today - datetime.timedelta(days=1)})
    assert refused.status_code == 200 and refused.context["total"] == 0
    page = refused.content.decode()
    assert "Ngày bắt đầu không được sau ngày kết thúc." in page
    # Listed at the top and flagged on the box, and the page does not pass the refusal off as an empty log.
    assert 'class="error-summary"' in page and 'href="#id_date_to"' in page and 'id="id_date_to_error"' in page
    assert "Chưa lọc được" in page and "Không có sự kiện nào phù hợp" not in page
    impossible = client.get("/audit/", {"date_from": "31/02/2026"}).content.decode()
    assert 'href="#id_date_from"' in impossible and "Không có sự kiện nào phù hợp" not in impossible


def test_the_action_filter_takes_the_words_the_log_shows_in_either_language_and_offers_them(dost, officer, events):
    client = client_for(dost)
    for path, words in (("/audit/", "thêm VAI TRÒ"), ("/en/audit/", "add ROLE"), ("/en/audit/", "Thêm vai trò"),
                        ("/audit/", "Add role")):
        response = client.get(path, {"action": words})
        assert [e.object_id for e in response.context["page"].entries] == [str(officer.pk)], path
    offered = client.get("/en/audit/").content.decode()
    assert 'list="audit-actions"' in offered and '<option value="Add role">' in offered
    assert 'href="?action=Add%20role"' in offered  # a row's action links its words, which the box then shows
    assert client.get("/audit/", {"action": "Không có hành động này"}).context["total"] == 0


def test_no_two_actions_share_their_words_in_either_language():
    from django.utils import translation

    from sangtao.audit.labels import known_actions
    from sangtao.core.text import fold

    codes_of: dict[str, set[str]] = {}
    for language in ("vi", "en"):
        with translation.override(language):
            for code, words in known_actions():
                codes_of.setdefault(fold(words), set()).add(code)
    assert {words: codes for words, codes in codes_of.items() if len(codes) > 1} == {}


def test_the_actor_filter_finds_the_people_once_and_reads_each_table_by_their_ids(dost, events, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sangtao.audit import forms

    client = client_for(dost)
    with CaptureQueriesContext(connection) as queries:
        by_list = client.get("/audit/", {"actor": "Hồng"})
    log_tables = ("core_auditevent", "transition", "review_sheetevent")
    assert not [q["sql"] for q in queries if "JOIN" in q["sql"] and "accounts_user" in q["sql"]
                and any(table in q["sql"] for table in log_tables)]
    monkeypatch.setattr(forms, "ACTORS_LISTED", 0)  # too many people match: the database joins them itself
    by_join = client.get("/audit/", {"actor": "Hồng"})
    listed = [(e.source, e.id) for e in by_list.context["page"].entries]
    assert listed and listed == [(e.source, e.id) for e in by_join.context["page"].entries]
    assert by_list.context["total"] == by_join.context["total"]


@pytest.mark.parametrize("dates", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"},
                                   {"date_from": "01/01/0001", "date_to": "31/12/9999"}])
def test_a_day_at_the_ends_of_the_calendar_is_refused_with_a_message_on_the_page_and_in_the_csv(dost, events, dates):
    client = client_for(dost)
    page = client.get("/audit/", dates)
    assert page.status_code == 200 and page.context["total"] == 0
    assert "Chọn một ngày từ 01/01/1900 đến 31/12/9998." in page.content.decode()
    export = client.get("/audit/export.csv", dates)
    assert export.status_code == 200 and len(b"".join(export.streaming_content).decode("utf-8-sig").splitlines()) == 1


@pytest.mark.parametrize("object_id", ["99999999999999999999", "²", "-1"])
def test_an_object_id_no_table_could_hold_finds_nothing_rather_than_failing(dost, events, object_id):
    page = client_for(dost).get("/audit/", {"object_type": "challenges.challenge", "object_id": object_id})
    assert page.status_code == 200 and page.context["total"] == 0


def test_the_log_is_paginated_and_says_when_nothing_matches(dost, health):
    AuditEvent.objects.bulk_create(AuditEvent(actor=dost, action="bulk", object_type="t", object_id=str(n))
                                   for n in range(55))
    client = client_for(dost)
    first = client.get("/audit/", {"action": "bulk"})
    assert len(first.context["page"].entries) == 50 and first.context["total"] == 55
    assert 'rel="prev"' not in first.content.decode() and "Mới nhất" not in first.content.decode()
    second = client.get("/audit/" + first.context["older"])
    assert len(second.context["page"].entries) == 5 and not second.context["older"]
    html = second.content.decode()
    assert 'rel="prev"' in html and "Mới nhất" in html and 'rel="next"' not in html
    empty = client.get("/audit/", {"action": "nothing"})
    assert "Không có sự kiện nào phù hợp." in empty.content.decode()
    english = client_for(dost)
    english.cookies["django_language"] = "en"
    assert "No matching events." in english.get("/en/audit/", {"action": "nothing"}).content.decode()


def test_the_csv_holds_the_filtered_rows_with_formulas_neutralised(dost, officer, health, events):
    response = client_for(dost).get("/audit/export.csv", {"actor": "officer"})
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = rows_of(response)
    assert header == ["id", "at", "actor", "action", "object_type", "object_id", "data", "prev_hash", "hash", "table"]
    assert [(row[2], row[3], row[5]) for row in rows] == [("officer", "unit_updated", str(health.pk))]
    assert json.loads(rows[0][6]) == {"name": "=HYPERLINK(\"http://evil\")"}
    record(make_user("-1+2"), "unit_viewed", health)  # a valid username a spreadsheet would compute
    [hostile] = rows_of(client_for(dost).get("/audit/export.csv", {"action": "unit_viewed"}))[1:]
    assert hostile[2] == "'-1+2"


def test_the_daily_check_records_itself_and_runs_once_a_day(dost, events):
    assert verify_audit_chains() == []
    assert AuditEvent.objects.filter(action=VERIFIED).count() == 1
    assert verify_audit_chains() is None, "a second tick the same day checks nothing"
    assert not Notification.objects.exists()


def test_a_broken_chain_alerts_dost_coordinators(dost, officer, events):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("UPDATE core_auditevent SET action = 'unit_viewed' WHERE id = %s", [events.pk])
            cursor.execute("SET session_replication_role = origin")
    else:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET action = 'unit_viewed' WHERE id = %s", [events.pk])
    broken = verify_audit_chains()
    assert [(link.table, link.row_id) for link in broken] == [("core_auditevent", events.pk)]
    alert = AuditEvent.objects.get(action=BROKEN)
    assert (alert.object_type, alert.object_id, alert.data["found"]) == ("core.auditevent", str(events.pk),
                                                                          events.hash)
    note = Notification.objects.get()
    assert note.recipient == dost and f"core_auditevent #{events.pk}" in note.body
    assert note.url == f"/audit/?action={BROKEN}"


def test_workflow_moves_are_in_the_log_and_its_csv_with_who_made_them(dost, make_challenge):
    """A workflow with its own transition table keeps its moves there; the log reads them with the events."""
    challenge = make_challenge("approved")
    client = client_for(dost)
    query = {"object_type": "challenges.challenge", "object_id": challenge.pk}
    page = client.get("/audit/", query)
    moves = [(event.action, event.actor) for event in page.context["page"].entries]
    assert moves[0] == ("challenge.approve", dost)
    assert moves == [(f"challenge.{row.move}", row.actor) for row in challenge.transitions.order_by("-at", "-pk")]
    html = page.content.decode()
    assert "Phê duyệt" in html and "(dost)" in html and "Từ: Sở KH&amp;CN thẩm định; Sang: Đã phê duyệt" in html
    english = client_for(dost).get("/en/audit/", {**query, "action": "challenge.approve"}).content.decode()
    assert "Approve" in english and "challenge.approve" in english and "To: Approved" in english
    header, *rows = rows_of(client.get("/audit/export.csv", {**query, "action": "challenge.approve"}))
    [row] = rows
    approve = challenge.transitions.get(move="approve")
    assert dict(zip(header, row, strict=True)) | {"at": ""} == {
        "id": str(approve.pk), "at": "", "actor": "dost", "action": "challenge.approve",
        "object_type": "challenges.challenge", "object_id": str(challenge.pk),
        "data": json.dumps({"from_status": "dost_review", "to_status": "approved", "reason": approve.reason},
                           ensure_ascii=False),
        "prev_hash": approve.prev_hash, "hash": approve.hash, "table": "challenges.transition"}
    assert client.get("/audit/", {"actor": "dost", "action": "challenge.approve"}).context["total"] == 1
    assert client.get("/audit/", {"object_type": "proposals.proposal", "action": "challenge.approve"}).context[
        "total"] == 0
