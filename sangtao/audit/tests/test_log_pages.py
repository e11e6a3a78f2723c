"""The audit log is read by position (keyset), not by page number: a page asks each table for its rows
past the last one shown, so a page costs the same however long the log and however far back, the
links visit every row once in the log's order (time, table, id) even when rows of several tables
share an instant, and the CSV streams the same order batch by batch."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import client_for
from sangtao.audit import views
from sangtao.audit.trail import logged_workflows
from sangtao.challenges.models import Status, Transition
from sangtao.core.models import AuditEvent

pytestmark = pytest.mark.django_db

BASE = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
# Instants shared by several rows of both tables, a microsecond apart among others: ties everywhere.
INSTANTS = [BASE, BASE + datetime.timedelta(microseconds=1), BASE + datetime.timedelta(seconds=1, microseconds=500000),
            BASE + datetime.timedelta(hours=5)]


@pytest.fixture
def tied_log(dost, officer, make_challenge):
    """Audit events and challenge moves of two people, three events and two moves at each instant,
    written in an order unrelated to their times."""
    challenge = make_challenge(Status.DRAFT)
    for n, at in enumerate(reversed(INSTANTS)):
        AuditEvent.objects.bulk_create(AuditEvent(actor=(dost, officer)[k % 2], action="viewed",
                                                  object_type="t", object_id=f"{n}-{k}", at=at) for k in range(3))
        Transition.objects.bulk_create(Transition(challenge=challenge, actor=(officer, dost)[k], move="submit",
                                                  from_status=Status.DRAFT, to_status=Status.UNIT_REVIEW, at=at)
                                       for k in range(2))
    return challenge


def log_order(actor=None) -> list[tuple[str, int]]:
    """Every row of the log as (table, id) in its order: newest first, then table, then id, descending."""
    events = AuditEvent.objects.all() if actor is None else AuditEvent.objects.filter(actor=actor)
    moves = Transition.objects.all() if actor is None else Transition.objects.filter(actor=actor)
    rows = [(at, "core.auditevent", pk) for at, pk in events.values_list("at", "pk")]
    rows += [(at, "challenges.transition", pk) for at, pk in moves.values_list("at", "pk")]
    return [(source, pk) for _at, source, pk in sorted(rows, reverse=True)]


def shown(response) -> list[tuple[str, int]]:
    return [(entry.source, entry.id) for entry in response.context["page"].entries]


def walk(client, response, link: str) -> list:
    """The pages reached by following the link named (older or newer) from response, response first."""
    pages = [response]
    while pages[-1].context[link]:
        pages.append(client.get("/audit/" + pages[-1].context[link]))
        assert len(pages) < 100, "the links go round in circles"
    return pages


def test_every_table_of_the_log_has_an_index_on_time_then_id():
    """A page reads each table from an index of (at, id); a workflow table with a Meta of its own
    that dropped the abstract one's index would be read whole for every page."""
    tables = [AuditEvent._meta.db_table] + [flow.transitions._meta.db_table for flow in logged_workflows()]
    with connection.cursor() as cursor:
        for table in tables:
            indexes = connection.introspection.get_constraints(cursor, table).values()
            assert any(index["index"] and index["columns"] == ["at", "id"] for index in indexes), table


def test_one_action_or_one_object_of_the_audit_events_is_read_from_an_index_in_the_logs_order():
    """The broken-chain alert links to its action, a rare one, and a person's logins are one object's
    rows: without these indexes either would be found by reading through every login."""
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, AuditEvent._meta.db_table).values()
    columns = [index["columns"] for index in indexes if index["index"]]
    assert ["action", "at", "id"] in columns and ["object_type", "object_id", "at", "id"] in columns


def test_paging_older_then_newer_visits_every_row_once_in_order_across_tables(monkeypatch, dost, tied_log):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)  # page breaks fall inside the instants' ties
    client = client_for(dost)
    going_older = walk(client, client.get("/audit/"), "older")
    expected = log_order()
    assert len(expected) > 20 and len(going_older) == -(-len(expected) // 3)
    assert [row for page in going_older for row in shown(page)] == expected
    assert [page.context["page"].newest for page in going_older] == [True] + [False] * (len(going_older) - 1)
    going_newer = walk(client, going_older[-1], "newer")
    assert [shown(page) for page in going_newer] == [shown(page) for page in reversed(going_older)]
    assert going_newer[-1].context["page"].newest and not going_newer[-1].context["newer"]


def test_the_filters_stay_on_every_page(monkeypatch, dost, officer, tied_log):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_for(dost)
    pages = walk(client, client.get("/audit/", {"actor": "officer"}), "older")
    assert [row for page in pages for row in shown(page)] == log_order(actor=officer)
    assert len(pages) > 3 and all("actor=officer" in page.context["older"] for page in pages[:-1])
    back = client.get("/audit/" + pages[-1].context["newer"])
    assert "actor=officer" in back.context["newest"] and shown(back) == shown(pages[-2])


@pytest.mark.parametrize("query", [
    {"before": "abc"},
    {"before": "1-core.auditevent-0"},  # no row has id 0
    {"before": "1-accounts.user-1"},  # a table the log does not read
    {"before": "1-core.auditevent-9223372036854775808"},  # one past the largest id
    {"after": "999999999999999999-core.auditevent-1"},  # past the year 9999
    {"after": "1-core.auditevent-1", "before": "1-core.auditevent-1"},
])
def test_a_tampered_page_link_shows_the_newest_page_and_says_so(dost, tied_log, query):
    response = client_for(dost).get("/audit/", query)
    assert response.status_code == 200 and response.context["page"].newest
    assert shown(response) == log_order()[:views.PAGE_SIZE]
    assert "Liên kết trang không hợp lệ; đây là trang mới nhất." in response.content.decode()


def test_a_bookmarked_numbered_page_shows_the_newest_page_and_says_the_pages_are_no_longer_numbered(dost, officer, tied_log):
    reader = client_for(dost)
    response = reader.get("/audit/", {"page": "3", "actor": "officer"})
    assert response.status_code == 200 and response.context["page"].newest
    assert shown(response) == log_order(actor=officer)[:views.PAGE_SIZE]
    assert "Nhật ký không còn đánh số trang; đây là trang mới nhất, chọn «Cũ hơn» để xem tiếp." in response.content.decode()
    english = reader.get("/en/audit/", {"page": "3"}).content.decode()
    assert "The log no longer numbers its pages; this is the newest page" in english
    assert "không còn đánh số trang" not in reader.get("/audit/", {"page": "1"}).content.decode()  # it is the newest


@pytest.mark.parametrize("query", [{"before": "1-core.auditevent-1"}, {"after": "253402300799999999-core.auditevent-1"}])
def test_a_page_link_past_the_ends_of_the_log_shows_the_newest_page(dost, tied_log, query):
    response = client_for(dost).get("/audit/", query)
    assert response.context["page"].newest and shown(response) == log_order()[:views.PAGE_SIZE]
    assert "không hợp lệ" not in response.content.decode()


def test_a_page_costs_as_many_queries_for_200_rows_as_for_10(monkeypatch, dost, officer, make_challenge):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    challenge = make_challenge(Status.DRAFT)
    client = client_for(dost)

    def add(n):
        AuditEvent.objects.bulk_create(AuditEvent(actor=officer, action="viewed", object_type="t", object_id=str(k))
                                       for k in range(n))
        Transition.objects.bulk_create(Transition(challenge=challenge, actor=dost, move="submit", from_status="draft",
                                                  to_status="unit_review") for _ in range(n))

    def queries() -> list[int]:
        counts = []
        newest = client.get("/audit/")
        for url in ("/audit/", "/audit/" + newest.context["older"]):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    add(5)
    few = queries()
    add(95)
    assert queries() == few


def test_the_count_is_exact_up_to_a_cap_and_says_more_past_it(monkeypatch, dost, tied_log):
    monkeypatch.setattr(views, "COUNT_CAP", 12)
    client = client_for(dost)
    many = client.get("/audit/")  # 20 rows and the login
    assert many.context["more"] and "Hơn 12 sự kiện" in many.content.decode()
    narrow = client.get("/audit/", {"object_type": "challenges.challenge", "object_id": tied_log.pk})
    matching = tied_log.transitions.count() + AuditEvent.objects.filter(object_type="challenges.challenge",
                                                                        object_id=str(tied_log.pk)).count()
    assert not narrow.context["more"] and narrow.context["total"] == matching
    assert f"{matching} sự kiện" in narrow.content.decode()
    english = client_for(dost)
    english.cookies["django_language"] = "en"
    assert "More than 12 events" in english.get("/en/audit/").content.decode()


def test_the_csv_holds_every_row_once_in_the_logs_order_across_batches(monkeypatch, dost, officer, tied_log):
    monkeypatch.setattr(views, "CSV_BATCH", 3)
    AuditEvent.objects.bulk_create(AuditEvent(actor=officer, action="viewed", object_type="t", object_id=str(k),
                                              at=BASE - datetime.timedelta(days=1)) for k in range(4))
    client = client_for(dost)
    for query, actor in (({}, None), ({"actor": "officer"}, officer)):
        response = client.get("/audit/export.csv", query)
        header, *rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        assert [(row[header.index("table")], int(row[0])) for row in rows] == log_order(actor)
