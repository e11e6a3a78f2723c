"""The hash chain of append-only tables: each row carries the SHA-256 of its own fields and of the
previous row's hash, so a row changed, removed or slipped in afterwards breaks the chain.

A row's canonical form is the sorted-key JSON of its concrete fields (foreign keys by id, the
previous hash included), leaving out the database id, which is given at insert and orders the
chain, and fields that are NULL, so a nullable column added later leaves older rows valid.
"""

import datetime
import decimal
import hashlib
import json
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections, migrations, models

HASH_FIELDS = ("hash",)
LOCK_CLASS = 0x5A7C  # the advisory-lock namespace of the chains: one lock per table inside it
VERIFY_BATCH = 2000


def _plain_json(value: Any) -> Any:
    """A JSON value as the database gives it back: integral floats come back as integers from jsonb."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _plain_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_json(item) for item in value]
    return value


def _canonical_value(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.JSONField):
        return _plain_json(json.loads(json.dumps(value, cls=field.encoder)))
    value = field.to_python(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        places = getattr(field, "decimal_places", None)
        return str(value.quantize(decimal.Decimal(1).scaleb(-places)) if places is not None else value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def hashed_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields
            if field.name not in HASH_FIELDS and not isinstance(field, models.AutoField)]


def canonical(row: models.Model) -> str:
    values = {}
    for field in hashed_fields(type(row)):
        value = getattr(row, field.attname)
        if value is not None:
            values[field.attname] = _canonical_value(field, value)
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(row: models.Model) -> str:
    return hashlib.sha256(canonical(row).encode()).hexdigest()


def lock(model: type[models.Model], using: str) -> None:
    """Serialise appends to one table until the transaction ends. SQLite needs nothing: its
    transactions start with the database's write lock (transaction_mode IMMEDIATE)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        key = zlib.crc32(model._meta.db_table.encode()) - (1 << 31)  # into int4's range
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, key])


def last_hash(model: type[models.Model], using: str) -> str:
    return model._base_manager.using(using).order_by("-pk").values_list("hash", flat=True).first() or ""


def seal(rows: Iterable[models.Model], previous: str) -> str:
    """Chain rows after the hash previous, in the order given; return the last hash."""
    for row in rows:
        row.prev_hash = previous  # type: ignore[attr-defined]
        row.hash = previous = row_hash(row)  # type: ignore[attr-defined]
    return previous


@dataclass(frozen=True)
class BrokenLink:
    table: str
    label: str  # the model's app_label.model_name, as audit rows name object types
    row_id: Any
    what: str  # "prev_hash": the link to the previous row; "hash": the row's own content; "head": see below
    expected: str
    found: str

    def __str__(self) -> str:
        return f"{self.table} #{self.row_id}: {self.what} expected {self.expected or '(empty)'}, found {self.found}"


def first_broken_link(model: type[models.Model], using: str = "default",
                      head: tuple[Any, str] | None = None) -> BrokenLink | None:
    """Walk the table's chain. head is its last row (id, hash) at an earlier check: a chain cut
    short after it, or rewritten and hashed again up to the end, no longer holds that row."""
    previous = ""
    rows: Iterator[models.Model] = model._base_manager.using(using).order_by("pk").iterator(chunk_size=VERIFY_BATCH)
    names = model._meta.db_table, model._meta.label_lower
    for row in rows:
        if row.prev_hash != previous:  # type: ignore[attr-defined]
            return BrokenLink(*names, row.pk, "prev_hash", previous, row.prev_hash)  # type: ignore[attr-defined]
        expected = row_hash(row)
        if row.hash != expected:  # type: ignore[attr-defined]
            return BrokenLink(*names, row.pk, "hash", expected, row.hash)  # type: ignore[attr-defined]
        if head is not None and row.pk == head[0]:
            if row.hash != head[1]:  # type: ignore[attr-defined]
                return BrokenLink(*names, row.pk, "head", head[1], row.hash)  # type: ignore[attr-defined]
            head = None
        previous = row.hash  # type: ignore[attr-defined]
    return None if head is None else BrokenLink(*names, head[0], "head", head[1], "(missing)")


def seal_existing(app_label: str, model_name: str):
    """A migration step that chains the rows a table held before it had a chain."""

    def forwards(apps, schema_editor):
        table = apps.get_model(app_label, model_name)._base_manager.using(schema_editor.connection.alias)
        previous, last_pk = "", 0
        while rows := list(table.filter(pk__gt=last_pk).order_by("pk")[:VERIFY_BATCH]):
            previous, last_pk = seal(rows, previous), rows[-1].pk
            table.bulk_update(rows, ["prev_hash", "hash"])

    return forwards


REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION sangtao_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are append-only: % refused', TG_TABLE_NAME, TG_OP;
END $$"""


def refuse_changes(*tables: str) -> migrations.RunPython:
    """A migration step, PostgreSQL only and reversible: the database refuses UPDATE and DELETE on
    these tables, whoever sends them (TRUNCATE, which empties a table whole, stays the owner's)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(REFUSE_FUNCTION, None)  # no parameters: its % are the function's own
        for table in map(schema_editor.quote_name, tables):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS append_only ON {table}")
            schema_editor.execute(f"CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON {table} "
                                  "FOR EACH ROW EXECUTE FUNCTION sangtao_refuse_change()")

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for table in map(schema_editor.quote_name, tables):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS append_only ON {table}")

    return migrations.RunPython(forwards, backwards)
