"""Index changes that let writes go on while they run, for the tables every state change writes to.

A plain CREATE INDEX holds a lock that blocks every INSERT into its table until the index is built: on
the audit log or a workflow's transition table, with the millions of rows a city writes in a few years,
every move and every login would wait for the whole build during a deploy. On PostgreSQL these build
(and drop) the index CONCURRENTLY instead; elsewhere (SQLite, one writer anyway) they are plain
AddIndex and RemoveIndex. A migration using them declares `atomic = False`: PostgreSQL refuses
CONCURRENTLY inside a transaction. Such a migration can be run again after it stopped half way (an
index already built is kept, one a failed build left invalid is built again).
"""

from django.db.migrations.operations import AddIndex, RemoveIndex
from django.db.migrations.operations.base import Operation


def in_its_own_transaction(operation: Operation) -> Operation:
    """Another operation of such a migration, run in a transaction of its own (one that rebuilds a table
    on SQLite must not stop half way)."""
    operation.atomic = True  # type: ignore[misc]  # Migration.apply reads it per operation; the stubs call it a ClassVar
    return operation


def _add(schema_editor, model, index) -> None:
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.add_index(model, index)
        return
    if not schema_editor.collect_sql:  # sqlmigrate prints what a first run does
        valid = _validity(schema_editor, index.name)
        if valid:  # built by an earlier run of this migration that stopped after it
            return
        if valid is False:  # left INVALID by a build that failed: CONCURRENTLY cannot build over it
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(index.name)}")
    schema_editor.add_index(model, index, concurrently=True)


def _validity(schema_editor, name: str) -> bool | None:
    """Whether PostgreSQL holds this index as valid, or None when it holds none of that name."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                       "WHERE c.relname = %s AND pg_table_is_visible(c.oid)", [name])
        found = cursor.fetchone()
    return None if found is None else bool(found[0])


def _remove(schema_editor, model, index) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(model, index, concurrently=True)
    else:
        schema_editor.remove_index(model, index)


class AddIndexWhileWriting(AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            _add(schema_editor, model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            _remove(schema_editor, model, self.index)


class RemoveIndexWhileWriting(RemoveIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            _remove(schema_editor, model, index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            _add(schema_editor, model, index)
