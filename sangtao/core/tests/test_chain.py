"""The hash chain of append-only tables: a row changed or removed behind the application's back is
found by verify_audit on both databases, and refused by the database itself on PostgreSQL."""

import io
import threading
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, models, transaction

from sangtao.challenges.models import Status, Transition
from sangtao.core import chain
from sangtao.core.audit import CHECKPOINT, append_only_models, broken_links, heads
from sangtao.core.models import AuditEvent

on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the trigger is PostgreSQL's")


@contextmanager
def triggers_off():
    """What an intruder with a superuser's rights can do on PostgreSQL; SQLite has no trigger."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            cursor.execute("SET session_replication_role = origin")


def verify_audit_output() -> str:
    with pytest.raises(CommandError) as failed:
        call_command("verify_audit", stderr=(errors := io.StringIO()))
    assert "1 audit chain(s) broken" in str(failed.value)
    return errors.getvalue()


def test_each_row_is_chained_to_the_previous_one_of_its_table(make_challenge):
    make_challenge(Status.PUBLISHED)
    rows = list(Transition.objects.order_by("pk"))
    assert rows[0].prev_hash == "" and all(len(row.hash) == 64 for row in rows)
    assert [row.prev_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]
    assert broken_links() == []
    call_command("verify_audit", stdout=io.StringIO())


def test_a_transition_rewritten_by_sql_is_reported_with_expected_and_found(make_challenge):
    make_challenge(Status.PUBLISHED)
    target = Transition.objects.order_by("pk")[1]
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE challenges_transition SET reason = %s WHERE id = %s", ["sửa lịch sử", target.pk])
    report = verify_audit_output()
    assert f"challenges_transition #{target.pk}: hash expected " in report
    assert f"found {target.hash}" in report


def test_a_transition_removed_by_sql_breaks_the_link_of_the_next(make_challenge):
    make_challenge(Status.PUBLISHED)
    removed, following = Transition.objects.order_by("pk")[1:3]
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM challenges_transition WHERE id = %s", [removed.pk])
    report = verify_audit_output()
    assert (f"challenges_transition #{following.pk}: prev_hash expected {removed.prev_hash}, "
            f"found {removed.hash}") in report


def checkpoint() -> None:
    AuditEvent.objects.create(action=CHECKPOINT, object_type="core.auditevent", object_id="", data={"heads": heads()})


def test_the_last_rows_cut_off_after_a_check_are_missed(make_challenge):
    make_challenge(Status.PUBLISHED)
    checkpoint()
    last = Transition.objects.order_by("pk").last()
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM challenges_transition WHERE id = %s", [last.pk])
    assert f"challenges_transition #{last.pk}: head expected {last.hash}, found (missing)" in verify_audit_output()


def test_a_chain_rewritten_and_hashed_again_after_a_check_no_longer_holds_its_last_row(make_challenge):
    make_challenge(Status.PUBLISHED)
    checkpoint()
    rows = list(Transition.objects.order_by("pk"))
    checked = rows[-1].hash
    rows[1].reason = "sửa lịch sử"
    chain.seal(rows, "")
    with triggers_off(), connection.cursor() as cursor:
        for row in rows:
            cursor.execute("UPDATE challenges_transition SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
                           [row.reason, row.prev_hash, row.hash, row.pk])
    report = verify_audit_output()
    assert f"challenges_transition #{rows[-1].pk}: head expected {checked}, found {rows[-1].hash}" in report


def test_the_application_refuses_to_change_or_delete_rows(make_challenge):
    make_challenge(Status.APPROVED)
    with pytest.raises(ValueError):
        Transition.objects.filter(move="submit").update(reason="x")
    with pytest.raises(ValueError):
        Transition.objects.all().delete()
    with pytest.raises(ValueError):
        Transition.objects.bulk_create([Transition(challenge_id=1, move="x")], ignore_conflicts=True)


def test_bulk_created_rows_are_chained_each_to_the_previous_row_of_its_object(db):
    AuditEvent.objects.create(action="first", object_type="t", object_id="1")
    AuditEvent.objects.bulk_create(AuditEvent(action=f"bulk {n}", object_type="t", object_id=str(n % 2))
                                   for n in range(4))
    first, *bulk = AuditEvent.objects.order_by("pk")
    assert [row.prev_hash for row in bulk] == ["", first.hash, bulk[0].hash, bulk[1].hash]
    assert broken_links() == []


def test_each_subject_has_its_own_chain_and_a_break_names_it(make_challenge):
    one, other = make_challenge(Status.DOST_REVIEW), make_challenge(Status.DOST_REVIEW)
    rows = list(Transition.objects.order_by("pk"))
    for challenge in (one, other):
        own = [row for row in rows if row.challenge_id == challenge.pk]
        assert [row.prev_hash for row in own] == ["", *[row.hash for row in own[:-1]]]
    assert broken_links() == []
    target = Transition.objects.filter(challenge=one).order_by("pk").first()
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE challenges_transition SET reason = %s WHERE id = %s", ["sửa", target.pk])
    assert f"challenges_transition #{target.pk}: hash expected " in verify_audit_output()
    assert f"(chain [{one.pk}])" in str(broken_links()[0])


def test_a_subject_cut_short_after_a_check_is_missed_though_other_subjects_went_on(make_challenge):
    one = make_challenge(Status.DOST_REVIEW)
    checkpoint()
    make_challenge(Status.DOST_REVIEW)  # later rows of another subject: the table's last row is not one's
    last = Transition.objects.filter(challenge=one).order_by("pk").last()
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM challenges_transition WHERE id = %s", [last.pk])
    assert f"challenges_transition #{last.pk}: head expected {last.hash}, found (missing)" in verify_audit_output()


def _write_as_one_table_chain(actions: list[tuple[str, str]]) -> list[AuditEvent]:
    """Rows as they were written when a table had one chain, inserted past the application's guard."""
    rows = [AuditEvent(action=action, object_type="t", object_id=object_id) for action, object_id in actions]
    chain.seal(rows, "")
    return models.QuerySet(AuditEvent).bulk_create(rows)


def test_rows_of_the_one_table_chain_verify_as_written_and_new_rows_chain_per_subject_after_them(db):
    old = _write_as_one_table_chain([("old", "1"), ("old", "2"), ("old", "1")])
    new = [AuditEvent.objects.create(action="new", object_type="t", object_id=object_id) for object_id in "123"]
    assert [row.prev_hash for row in new] == [old[2].hash, old[1].hash, ""]
    assert broken_links() == []
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'rewritten' WHERE id = %s", [old[1].pk])
    assert f"core_auditevent #{old[1].pk}: hash expected " in verify_audit_output()


def test_a_row_chained_to_the_table_after_the_switch_to_subject_chains_breaks_the_chain(db):
    AuditEvent.objects.create(action="new", object_type="t", object_id="1")
    second = AuditEvent.objects.create(action="new", object_type="t", object_id="2")  # the switch: "" is not row 1
    slipped = AuditEvent(action="slipped in", object_type="t", object_id="3")
    chain.seal([slipped], second.hash)  # linked to the table's previous row, as before the switch
    models.QuerySet(AuditEvent).bulk_create([slipped])
    assert f"core_auditevent #{slipped.pk}: prev_hash expected (empty), found {second.hash}" in verify_audit_output()


@on_postgresql
@pytest.mark.parametrize("statement", [
    "UPDATE challenges_transition SET reason = 'x'",
    "DELETE FROM challenges_transition",
])
def test_the_database_refuses_raw_sql_changes(make_challenge, statement):
    make_challenge(Status.DOST_REVIEW)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert broken_links() == []


@on_postgresql
def test_the_database_refuses_queryset_changes_that_skip_the_model(make_challenge):
    make_challenge(Status.DOST_REVIEW)
    before = Transition.objects.count()
    plain = models.QuerySet(Transition)  # a queryset without the append-only guard
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        plain.update(reason="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        plain.filter(move="submit")._raw_delete(connection.alias)
    assert Transition.objects.count() == before and broken_links() == []


@on_postgresql
def test_every_append_only_table_has_the_trigger(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT event_object_table FROM information_schema.triggers WHERE trigger_name = 'append_only'")
        guarded = {table for (table,) in cursor.fetchall()}
    missing = {model._meta.db_table for model in append_only_models()} - guarded
    assert not missing, f"add chain.refuse_changes({sorted(missing)}) to a migration"


def test_every_append_only_table_finds_a_subjects_last_row_through_an_index(db):
    """Each append reads the last row of its subject: without an index that is a scan of the whole table."""
    unindexed = []
    for model in append_only_models():
        columns = [model._meta.get_field(name).column for name in chain.subject_fields(model)]
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
        if columns and not any(c["columns"][:len(columns)] == columns and (c["index"] or c["unique"])
                               for c in constraints.values()):
            unindexed.append(f"{model._meta.label} {columns}")
    assert unindexed == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_every_chain_valid():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already")
    writers, each = 6, 15
    start = threading.Barrier(writers)

    def append(writer: int) -> None:
        try:
            start.wait()
            for n in range(each):
                with transaction.atomic():
                    AuditEvent.objects.create(action="race", object_type="t", object_id=f"{writer}-{n}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert AuditEvent.objects.filter(action="race").count() == writers * each
    assert broken_links() == []


def test_a_check_records_only_the_subjects_that_grew_and_earlier_checks_still_hold(db):
    first = AuditEvent.objects.create(action="a", object_type="t", object_id="1")
    checkpoint()
    AuditEvent.objects.create(action="b", object_type="t", object_id="2")
    assert heads()["core.auditevent"].keys() == {'["t","2"]', '["core.auditevent",""]'}  # not t#1: it did not grow
    checkpoint()
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [first.pk])
    assert f"core_auditevent #{first.pk}: head expected {first.hash}, found (missing)" in verify_audit_output()
