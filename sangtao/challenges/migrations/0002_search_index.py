"""Full-text search indexes; see sangtao/challenges/search.py for how they are queried."""

from django.db import migrations

SQLITE_FORWARD = [
    # External-content FTS5 index over the application-folded column, kept in sync by triggers.
    "CREATE VIRTUAL TABLE challenges_challenge_fts USING fts5("
    "search_folded, content='challenges_challenge', content_rowid='id')",
    "CREATE TRIGGER challenges_fts_insert AFTER INSERT ON challenges_challenge BEGIN "
    "INSERT INTO challenges_challenge_fts(rowid, search_folded) VALUES (new.id, new.search_folded); END",
    "CREATE TRIGGER challenges_fts_delete AFTER DELETE ON challenges_challenge BEGIN "
    "INSERT INTO challenges_challenge_fts(challenges_challenge_fts, rowid, search_folded) "
    "VALUES ('delete', old.id, old.search_folded); END",
    "CREATE TRIGGER challenges_fts_update AFTER UPDATE OF search_folded ON challenges_challenge BEGIN "
    "INSERT INTO challenges_challenge_fts(challenges_challenge_fts, rowid, search_folded) "
    "VALUES ('delete', old.id, old.search_folded); "
    "INSERT INTO challenges_challenge_fts(rowid, search_folded) VALUES (new.id, new.search_folded); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS challenges_fts_update",
    "DROP TRIGGER IF EXISTS challenges_fts_delete",
    "DROP TRIGGER IF EXISTS challenges_fts_insert",
    "DROP TABLE IF EXISTS challenges_challenge_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only STABLE; an index expression needs an IMMUTABLE wrapper.
    "CREATE OR REPLACE FUNCTION sangtao_unaccent(text) RETURNS text AS "
    "$$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$ "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT",
    "CREATE INDEX challenges_search_gin ON challenges_challenge "
    "USING GIN (to_tsvector('simple', sangtao_unaccent(search_exact)))",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS challenges_search_gin",
    "DROP FUNCTION IF EXISTS sangtao_unaccent(text)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("challenges", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
