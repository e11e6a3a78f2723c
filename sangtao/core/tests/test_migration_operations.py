"""The indexes of the tables every state change writes to are built without stopping those writes."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddIndex, RemoveIndex

from sangtao.core.migration_operations import AddIndexWhileWriting, RemoveIndexWhileWriting
from sangtao.core.models import AppendOnlyModel


def _index_changes_of_append_only_tables():
    """(migration, operation) for every index added or dropped on an append-only table (the audit log,
    the transitions of each workflow, sheet events...)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = {config.label for config in apps.get_app_configs() if config.name.startswith("sangtao.")}
    for (app_label, _name), migration in sorted(loader.disk_migrations.items()):
        if app_label not in ours:
            continue
        for operation in migration.operations:
            if isinstance(operation, AddIndex | RemoveIndex):
                model = apps.get_model(app_label, operation.model_name)
                if issubclass(model, AppendOnlyModel):
                    yield migration, operation


def test_every_index_of_an_append_only_table_is_changed_while_writes_go_on():
    changes = list(_index_changes_of_append_only_tables())
    assert len(changes) >= 14  # the (at, id) indexes of the audit log's pages, at least
    plain = [f"{migration.app_label}.{migration.name}: {type(operation).__name__} {operation.model_name}"
             for migration, operation in changes
             if not isinstance(operation, AddIndexWhileWriting | RemoveIndexWhileWriting) or migration.atomic]
    assert plain == [], ("use core.migration_operations.AddIndexWhileWriting / RemoveIndexWhileWriting in a "
                         "migration with atomic = False: a plain CREATE INDEX blocks every move while it builds")


@pytest.mark.django_db(transaction=True)  # sqlmigrate opens a schema editor: on SQLite, never inside a transaction
def test_postgresql_builds_and_drops_them_concurrently_and_sqlite_plainly():
    sql = io.StringIO()
    call_command("sqlmigrate", "core", "0011_auditevent_object_at_id_index", stdout=sql)
    sql = sql.getvalue()
    if connection.vendor == "postgresql":
        assert 'DROP INDEX CONCURRENTLY IF EXISTS "core_audite_object__bbabc4_idx"' in sql
        assert 'CREATE INDEX CONCURRENTLY "core_audite_object__1e8f1a_idx"' in sql
        assert "BEGIN" not in sql
    else:
        assert 'DROP INDEX "core_audite_object__bbabc4_idx"' in sql
        assert 'CREATE INDEX "core_audite_object__1e8f1a_idx"' in sql


@pytest.mark.django_db(transaction=True)  # CONCURRENTLY runs outside a transaction
def test_on_postgresql_a_migration_stopped_half_way_runs_again_keeping_a_built_index_and_rebuilding_an_invalid_one():
    if connection.vendor != "postgresql":
        pytest.skip("CONCURRENTLY and invalid indexes are PostgreSQL's")
    from django.db import models
    from django.db.migrations.state import ProjectState

    before = ProjectState.from_apps(apps)
    operation = AddIndexWhileWriting("auditevent", models.Index(fields=["action"], name="core_probe_idx"))
    after = before.clone()
    operation.state_forwards("core", after)

    def build() -> None:
        with connection.schema_editor(atomic=False) as editor:
            operation.database_forwards("core", editor, before, after)

    def validity():
        with connection.cursor() as cursor:
            cursor.execute("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                           "WHERE c.relname = 'core_probe_idx'")
            return [row[0] for row in cursor.fetchall()]

    try:
        build()
        build()  # already built by a run that stopped after it: kept, no "already exists"
        assert validity() == [True]
        with connection.cursor() as cursor:  # as a failed CREATE INDEX CONCURRENTLY leaves it
            cursor.execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'core_probe_idx'::regclass")
        build()
        assert validity() == [True]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS core_probe_idx")
