"""The test database itself: a transactional test's flush empties it, and what the migrations seeded is put back."""
import pytest
from django.core.cache import cache
from django.core.management import call_command

from conftest import restore_after_flush
from sangtao.initiatives.models import InitiativeRules
from sangtao.knowledge.models import SectionRule
from sangtao.privacy.models import Purpose
from sangtao.review.models import CouncilRules


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_rows_the_migrations_seeded_are_put_back_and_the_cache_is_empty(request):
    seeded = [(model, model.objects.count()) for model in (InitiativeRules, SectionRule, Purpose, CouncilRules)]
    assert all(count for _, count in seeded)

    cache.set("allauth-rate-limit", 5)
    call_command("flush", interactive=False, verbosity=0)  # sequences reset too: the worst case
    assert not any(model.objects.exists() for model, _ in seeded)

    restore_after_flush(request.config)
    assert [(model, model.objects.count()) for model, _ in seeded] == seeded
    assert InitiativeRules.current().answer_within_months == 3
    assert cache.get("allauth-rate-limit") is None
    highest = max(CouncilRules.objects.values_list("pk", flat=True))
    assert CouncilRules.objects.create(name="Quy tắc mới").pk > highest  # no id taken twice


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_flush_between_tests_deletes_every_row_and_the_append_only_guard_stays_on(request, dost):
    from django.db import DatabaseError, connection, transaction
    from django.test.utils import CaptureQueriesContext

    from sangtao.core.audit import record
    from sangtao.core.models import AuditEvent

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's flush (SQLite's deletes already)")
    from sangtao.privacy.services import give_consent

    record(dost, "viewed", dost)
    give_consent(dost, "account")  # an append-only row whose keys are checked when the rows they name go
    with CaptureQueriesContext(connection) as flush:  # as a transactional test's teardown calls it
        call_command("flush", interactive=False, verbosity=0, reset_sequences=False, inhibit_post_migrate=True)
    sent = " ".join(query["sql"] for query in flush.captured_queries)
    assert "TRUNCATE" not in sent and "DELETE FROM" in sent
    assert not AuditEvent.objects.exists() and not type(dost).objects.exists()

    restore_after_flush(request.config)
    record(None, "viewed", CouncilRules.objects.first())
    for statement in ("DELETE FROM core_auditevent", "UPDATE core_auditevent SET action = 'x'"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.filter(action="viewed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_transactional_test_ends_with_its_template_copied_back_and_no_flush(dost):
    from django.db import connection
    from django.test import TransactionTestCase
    from django.test.utils import CaptureQueriesContext

    from sangtao.core.audit import record
    from sangtao.core.models import AuditEvent
    from sangtao.core.tests import template_db

    if not template_db.resets_by_copy(connection):
        pytest.skip("an SQLite test database made from a template (PostgreSQL's flush deletes: above)")
    seeded = [(model, model.objects.count()) for model in (InitiativeRules, SectionRule, Purpose, CouncilRules)]
    highest = max(CouncilRules.objects.values_list("pk", flat=True))
    record(dost, "viewed", dost)
    CouncilRules.objects.create(name="Quy tắc của bài kiểm tra")
    cache.set("allauth-rate-limit", 5)

    with CaptureQueriesContext(connection) as teardown:  # what pytest-django calls when the test ends
        TransactionTestCase()._fixture_teardown()
    assert teardown.captured_queries == []  # no flush, no rows deserialised again
    assert not AuditEvent.objects.exists() and not type(dost).objects.exists()
    assert [(model, model.objects.count()) for model, _ in seeded] == seeded
    assert max(CouncilRules.objects.values_list("pk", flat=True)) == highest
    assert cache.get("allauth-rate-limit") is None
