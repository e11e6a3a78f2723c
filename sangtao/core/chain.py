"""The hash chains of append-only tables: each row carries the SHA-256 of its own fields and of the
previous row's hash, so a row changed, removed or slipped in afterwards breaks the chain.

A table holds one chain per subject: the rows of one proposal's transitions, of one challenge's, the
audit events of one object... A model names the fields that make its subject in `chain_by`. Appending
locks that subject's chain only (core.locks: on PostgreSQL an advisory lock keyed by table and subject,
held to the end of the transaction), so writers of unrelated subjects never wait for each other.

Rows written before chains were kept per subject form one chain per table. They are kept as written:
their hashes are evidence, and rewriting them would launder whatever was done to them before. The
first row of a subject chains to the last row of the same subject, old or new, and the walk accepts,
from the table's first row on, rows linked to the previous row of the table until the first row
linked only to the previous row of its subject: that row is the switch point, and from there on
every row must be linked to its subject's previous row.

A row's canonical form is the sorted-key JSON of its concrete fields (foreign keys by id, the
previous hash included), leaving out the database id, which is given at insert and orders the
chain, and fields that are NULL, so a nullable column added later leaves older rows valid.
"""

import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import migrations, models

from sangtao.core.locks import hold

HASH_FIELDS = ("hash",)
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


def subject_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The attnames of the fields whose values make a row's subject: one chain per subject."""
    return tuple(model.chain_by)  # type: ignore[attr-defined]


def subject_key(model: type[models.Model], values: Iterable[Any]) -> str:
    """The subject of a row as text: the JSON list of its subject fields' values (so 1 and "1" differ)."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"), default=str)


def subject_of(row: models.Model) -> str:
    return subject_key(type(row), (getattr(row, name) for name in subject_fields(type(row))))


def last_hash(model: type[models.Model], using: str, subject: str) -> str:
    """The hash of the subject's last row: the one its next row links to."""
    where = dict(zip(subject_fields(model), json.loads(subject), strict=True))
    return (model._base_manager.using(using).filter(**where).order_by("-pk").values_list("hash", flat=True).first()
            or "")


def seal(rows: Iterable[models.Model], previous: str) -> str:
    """Chain rows after the hash previous, in the order given; return the last hash."""
    for row in rows:
        row.prev_hash = previous  # type: ignore[attr-defined]
        row.hash = previous = row_hash(row)  # type: ignore[attr-defined]
    return previous


def append(model: type[models.Model], rows: list[models.Model], using: str) -> None:
    """Lock the rows' subjects and chain each row to the last one of its subject (the rows are to be
    inserted in the order given, inside the caller's transaction)."""
    by_subject: dict[str, list[models.Model]] = {}
    for row in rows:
        by_subject.setdefault(subject_of(row), []).append(row)
    hold(model, by_subject, using)
    for subject, chained in by_subject.items():
        seal(chained, last_hash(model, using, subject))


@dataclass(frozen=True)
class BrokenLink:
    table: str
    label: str  # the model's app_label.model_name, as audit rows name object types
    row_id: Any
    what: str  # "prev_hash": the link to the previous row; "hash": the row's own content; "head": see below
    expected: str
    found: str
    subject: str = ""  # the chain's subject, as subject_key gives it

    def __str__(self) -> str:
        where = f" (chain {self.subject})" if self.subject else ""
        return f"{self.table} #{self.row_id}: {self.what} expected {self.expected or '(empty)'}, found {self.found}{where}"


Heads = dict[str, list]  # subject -> [id, hash] of its last row at a check


def first_broken_link(model: type[models.Model], using: str = "default", heads: Heads | None = None) -> BrokenLink | None:
    """Walk each subject's chain of the table (all of them in one pass, in id order) and return the
    first broken link. heads are the subjects' last rows at earlier checks: a chain cut short after
    such a row, or rewritten and hashed again up to its end, no longer holds it unchanged."""
    table_previous, switched = "", False  # the table-wide chain of the rows written before the switch
    previous: dict[str, str] = {}
    expected_heads = {int(row_id): (subject, hashed) for subject, (row_id, hashed) in (heads or {}).items()}
    fields = subject_fields(model)
    names = model._meta.db_table, model._meta.label_lower
    rows: Iterator[models.Model] = model._base_manager.using(using).order_by("pk").iterator(chunk_size=VERIFY_BATCH)
    for row in rows:
        subject = subject_key(model, (getattr(row, name) for name in fields))
        link, expected = row.prev_hash, previous.get(subject, "")  # type: ignore[attr-defined]
        if link != expected and (switched or link != table_previous):
            return BrokenLink(*names, row.pk, "prev_hash", expected, link, subject)
        if link != table_previous:
            switched = True
        if row.hash != (own := row_hash(row)):  # type: ignore[attr-defined]
            return BrokenLink(*names, row.pk, "hash", own, row.hash, subject)  # type: ignore[attr-defined]
        if (head := expected_heads.pop(row.pk, None)) is not None and row.hash != head[1]:  # type: ignore[attr-defined]
            return BrokenLink(*names, row.pk, "head", head[1], row.hash, head[0])  # type: ignore[attr-defined]
        previous[subject] = table_previous = row.hash  # type: ignore[attr-defined]
    if expected_heads:
        row_id = min(expected_heads)
        subject, hashed = expected_heads[row_id]
        return BrokenLink(*names, row_id, "head", hashed, "(missing)", subject)
    return None


def new_heads(model: type[models.Model], since: int = 0, using: str = "default") -> Heads:
    """The last row (id, hash) of each subject that has rows after the id since."""
    found: Heads = {}
    fields = subject_fields(model)
    rows = (model._base_manager.using(using).filter(pk__gt=since).order_by("pk")
            .values_list("pk", "hash", *fields).iterator(chunk_size=VERIFY_BATCH))
    for pk, hashed, *values in rows:
        found[subject_key(model, values)] = [pk, hashed]
    return found


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
