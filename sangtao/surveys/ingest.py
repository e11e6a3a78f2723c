"""The one path by which responses enter: web form, file import and the batch API.

Each batch is written with bulk inserts and the sufficient statistics of every touched
(unit, period, item) and (unit, period, element) cell are updated in the same transaction, so
dashboards never scan raw responses and a rolled-back batch leaves no trace in either. The
statistics are summed by the database by one set of queries (sums_of), whether for a new batch,
an imported file or a full refresh, so the three cannot disagree.

Every response has a response id (external_id): the file's or the caller's, or one made here for a
web answer; the export writes it, so a file exported and imported again adds nothing.

A file is staged and checked in temporary tables first (copy_import.StagedFile), then published
(publish): its rows are inserted while other writers go on, and only its last step, adding its sums
to their cells, holds locks another writer may wait for. A web answer or an API batch arriving
meanwhile goes through and is counted once, in its own transaction. Writers share the survey's row;
a refresh takes it exclusively. No writer updates the survey's row: the count is kept in a row of
its own (ResponseCount), because every version of the survey's row made while an import's
transaction is open is walked by the foreign-key check of each of the import's rows.
"""

import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from sangtao.surveys.models import (
    Aggregate,
    Answer,
    InstrumentVersion,
    Item,
    Measure,
    RespondentAggregate,
    Response,
    ResponseCount,
    Survey,
)

BLANK = "-"  # an unanswered scale item in Response.scores
RUNS_PER_SCAN = 500  # runs of new ids read by one scan in _sums_of_runs
ROWS_PER_INSERT = 50  # rows a statement inserts on SQLite
ITEMS_PER_SCAN = 32  # items summed by one scan in sums_of: well inside PostgreSQL's limit on columns
STATS = ("n", "total", "total_sq", "satisfied", "w_sum", "w_satisfied", "w2_sum", "w2_satisfied")
RESPONDENT_STATS = ("respondents", "w_sum", "wm", "wk", "ws", "w2_mm", "w2_km", "w2_kk", "w2_sm", "w2_ss")
ALL_ELEMENTS = 0  # the respondent sums over the five elements together


@dataclass
class Incoming:
    unit_id: int
    period_id: int
    values: dict[int, int]  # item id -> 1..5
    texts: dict[int, str] = field(default_factory=dict)
    external_id: str | None = None
    weight: float = 1.0
    follow_up_email: str = ""
    consented: bool = True


class ScaleItem(NamedTuple):
    pk: int
    element: int | None
    measure: str


@dataclass
class Ingested:
    added: int = 0
    duplicates: int = 0


@dataclass
class Deltas:
    """What a set of responses adds: per item cell (unit, period, item) and per respondent cell
    (unit, period, element)."""

    items: dict[tuple, list[float]] = field(default_factory=dict)
    respondents: dict[tuple, list[float]] = field(default_factory=dict)


@dataclass
class Written:
    """Ids of the responses a batch wrote, as runs of consecutive ids, which a scan reads by range."""

    runs: list[list[int]] = field(default_factory=list)

    def add(self, ids: Iterable[int]) -> None:
        for pk in ids:
            if self.runs and self.runs[-1][1] + 1 == pk:
                self.runs[-1][1] = pk
            else:
                self.runs.append([pk, pk])


def apply_deltas(survey_id: int, deltas: Deltas) -> None:
    _apply(survey_id, Aggregate, "item_id", STATS, deltas.items)
    _apply(survey_id, RespondentAggregate, "element", RESPONDENT_STATS, deltas.respondents)


def _apply(survey_id: int, model, key: str, stats: tuple[str, ...], deltas: dict[tuple, list[float]]) -> None:
    """Add a batch's sums to its cells by upsert: one statement on PostgreSQL, fed an array per
    column (a third of the time of multi-row VALUES), one small statement per cell on SQLite, where
    a statement costs little. Cells go in key order, so concurrent batches lock shared cells in the
    same order and cannot deadlock."""
    if not deltas:
        return
    columns = ("survey_id", "unit_id", "period_id", key, *stats)
    statement = _adding(model._meta.db_table, key, stats)
    rows = [(survey_id, *cell, *sums) for cell, sums in sorted(deltas.items())]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(statement.format(select=_unnest(model, columns)),
                           [list(column) for column in zip(*rows, strict=True)])
        else:
            cursor.executemany(statement.format(select="VALUES (" + ", ".join(["%s"] * len(columns)) + ")"), rows)


def _unnest(model, columns: tuple[str, ...]) -> str:
    """SELECT rows from one array parameter per column (PostgreSQL)."""
    arrays = ", ".join(f"%s::{model._meta.get_field(column).db_type(connection)}[]" for column in columns)
    return f"SELECT * FROM unnest({arrays})"  # noqa: S608 -- our types


def _adding(table: str, key: str, stats: tuple[str, ...]) -> str:
    """INSERT ... ON CONFLICT: new cells are created, existing cells gain the sums."""
    additions = ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name in stats)
    return (f"INSERT INTO {table} (survey_id, unit_id, period_id, {key}, {', '.join(stats)}) {{select}} "
            f"ON CONFLICT (survey_id, unit_id, period_id, {key}) DO UPDATE SET {additions}")


def scale_items(version_id: int) -> list[ScaleItem]:
    """The version's scale items in the order of Response.scores. A version is frozen before its
    first response is written, so the order never changes under stored responses."""
    return [ScaleItem(*row) for row in Item.objects.filter(version_id=version_id).exclude(measure=Measure.TEXT)
            .order_by("position", "id").values_list("pk", "element", "measure")]


def encode_scores(values: dict[int, int], slots: dict[int, int]) -> str:
    """Scale answers (item id -> 1..5) as Response.scores; `slots` maps each scale item to its place.
    Callers validate what people send; this guards the format, which one bad value would shift."""
    scores = [BLANK] * len(slots)
    for item_id, value in values.items():
        if item_id not in slots or value not in range(1, 6):
            raise ValueError(f"not an answer to a scale item of this version: {item_id}={value}")
        scores[slots[item_id]] = str(value)
    return "".join(scores)


def decode_scores(scores: str, items: list[ScaleItem]) -> dict[int, int]:
    """Response.scores back to scale answers (item id -> 1..5); `items` from scale_items()."""
    return {item.pk: int(value) for item, value in zip(items, scores, strict=False) if value != BLANK}


def lock_survey(survey_id: int) -> None:
    """A refresh takes the survey's row exclusively (FOR UPDATE): it waits for every writer of the
    survey's sums that holds the row (share_survey) and they wait for it, so a refresh can neither
    miss nor count twice a batch committed while it runs."""
    list(Survey.objects.select_for_update().filter(pk=survey_id).values_list("pk", flat=True))


def share_survey(survey_id: int) -> None:
    """Writers of a survey's sums share its row (FOR KEY SHARE, as a foreign-key check does): they
    never wait for each other here (the cells' row locks, taken in key order, order them), only for
    a refresh. SQLite has one writer anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {Survey._meta.db_table} WHERE id = %s FOR KEY SHARE", [survey_id])  # noqa: S608


def web_response_id() -> str:
    """A response id for an answer that comes without one (the web form): random, so that no file
    can hold it before the answer is stored, and kept, so that the export and the import agree."""
    return f"web-{secrets.token_hex(10)}"


def freeze_version(survey: Survey) -> None:
    InstrumentVersion.objects.filter(pk=survey.version_id, frozen_at__isnull=True).update(frozen_at=timezone.now())


RESPONSE_COLUMNS = ("id", "survey_id", "unit_id", "period_id", "external_id", "source", "weight", "scores",
                    "follow_up_email", "consented_at", "submitted_at")
ANSWER_COLUMNS = ("response_id", "item_id", "text")


def _new_ids(count: int) -> list[int]:
    """Primary keys for a batch of responses, taken before the rows are written in bulk."""
    table = Response._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
        # SQLite: take the write lock first, so no other writer can take the same ids.
        cursor.execute(f"UPDATE {Survey._meta.db_table} SET id = id WHERE id = 0")  # noqa: S608 -- our table
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 -- our table
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def _write_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk rows by COPY (PostgreSQL) or executemany (SQLite): far below the ORM's cost per row."""
    if not rows:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608


def ingest(survey: Survey, incoming: Iterable[Incoming], source: str) -> Ingested:
    """Store a batch of responses and add their sums; ids already stored are skipped, not doubled.

    Runs in the caller's transaction (or its own): all of the batch, or none of it. Only the last
    step may wait for other writers: the rows go in first, and a response id that another batch or an
    import stored (or is storing) is skipped by the unique constraint (ON CONFLICT); the new rows'
    sums are summed; then they are added to their cells, and the count (add_sums).
    """
    batch = list(incoming)
    result = Ingested()
    wanted = {row.external_id for row in batch if row.external_id}
    seen = set(Response.objects.filter(survey=survey, external_id__in=wanted).values_list("external_id", flat=True))
    fresh = []
    for row in batch:
        if row.external_id and row.external_id in seen:
            result.duplicates += 1
            continue
        if row.external_id:
            seen.add(row.external_id)
        fresh.append(row)
    if not fresh:
        return result
    with transaction.atomic():
        freeze_version(survey)  # before the scale order is read: it cannot change from here on
        items = scale_items(survey.version_id)
        slots = {item.pk: slot for slot, item in enumerate(items)}
        now = connection.ops.adapt_datetimefield_value(timezone.now()) if connection.vendor != "postgresql" \
            else timezone.now()
        ids = _new_ids(len(fresh))
        stored = _insert_new([
            (pk, survey.pk, row.unit_id, row.period_id, row.external_id or web_response_id(), source, row.weight,
             encode_scores(row.values, slots), row.follow_up_email, now if row.consented else None, now)
            for pk, row in zip(ids, fresh, strict=True)])
        _write_rows(Answer, ANSWER_COLUMNS, [(pk, item_id, text) for pk, row in zip(ids, fresh, strict=True)
                                             if pk in stored for item_id, text in row.texts.items()])
        written = Written()
        written.add(sorted(stored))
        satisfied_min = survey.rule.satisfied_min
        add_sums(survey.pk, lambda rule: _sums_of_runs(survey.pk, written, items, rule),
                 _sums_of_runs(survey.pk, written, items, satisfied_min), satisfied_min, len(stored))
        result.added, result.duplicates = len(stored), result.duplicates + len(fresh) - len(stored)
    return result


def _insert_new(rows: list[tuple]) -> set[int]:
    """Responses (RESPONSE_COLUMNS) inserted, but those whose response id is stored already; the ids
    of those inserted. A row whose id a concurrent writer is storing waits for it to end."""
    table = Response._meta.db_table
    insert = f"INSERT INTO {table} ({', '.join(RESPONSE_COLUMNS)}) {{select}} ON CONFLICT DO NOTHING RETURNING id"
    inserted: set[int] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(insert.format(select=_unnest(Response, RESPONSE_COLUMNS)),
                           [list(column) for column in zip(*rows, strict=True)])
            inserted.update(pk for (pk,) in cursor.fetchall())
            return inserted
        marks = "(" + ", ".join(["%s"] * len(RESPONSE_COLUMNS)) + ")"
        for start in range(0, len(rows), ROWS_PER_INSERT):
            chunk = rows[start:start + ROWS_PER_INSERT]
            cursor.execute(insert.format(select="VALUES " + ", ".join([marks] * len(chunk))),
                           [cell for row in chunk for cell in row])
            inserted.update(pk for (pk,) in cursor.fetchall())
    return inserted


def add_sums(survey_id: int, summed: Callable[[int], list[Deltas]], sums: list[Deltas], satisfied_min: int,
             added: int) -> None:
    """The last step of every writer, sharing the survey's row with other writers (a refresh waits):
    `sums`, summed beforehand with the rule's satisfied level `satisfied_min`, added to their cells
    (summed again by `summed` if the rule changed meanwhile: rare); then the new responses counted,
    last, as that update holds the count's row against other writers' counts until the commit."""
    share_survey(survey_id)
    rule = Survey.objects.filter(pk=survey_id).values_list("rule__satisfied_min", flat=True).get()
    for deltas in sums if rule == satisfied_min else summed(rule):
        apply_deltas(survey_id, deltas)
    count_responses(survey_id, added, "+")


def count_responses(survey_id: int, responses: int, how: str) -> None:
    """The survey's count of responses: `responses` added to it (how "+") or put in its place ("=")."""
    table = ResponseCount._meta.db_table
    value = f"{table}.responses + EXCLUDED.responses" if how == "+" else "EXCLUDED.responses"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (survey_id, responses) VALUES (%s, %s) "  # noqa: S608 -- our table
                       f"ON CONFLICT (survey_id) DO UPDATE SET responses = {value}", [survey_id, responses])


def _sums_of_runs(survey_id: int, written: Written, items: list[ScaleItem], satisfied_min: int) -> list[Deltas]:
    """The sums of the responses written, summed by the database as a refresh sums them."""
    table = Response._meta.db_table
    summed = []
    for start in range(0, len(written.runs), RUNS_PER_SCAN):
        runs = written.runs[start:start + RUNS_PER_SCAN]
        where = " OR ".join(["id BETWEEN %s AND %s"] * len(runs))
        responses = f"(SELECT unit_id, period_id, weight AS w, scores FROM {table} WHERE survey_id = %s AND ({where}))"  # noqa: S608 -- our table
        summed.append(sums_of(responses, [survey_id, *(pk for run in runs for pk in run)], items, satisfied_min))
    return summed


def publish(survey: Survey, fresh: str, text_items: list[int], source: str) -> int:
    """Store a staged file's new responses and add their sums, all or nothing; returns how many
    were added. `fresh` is a temporary table (id, line, response_id, unit_id, period_id, w, scores,
    i<item id> for each text item) of rows checked and not stored when it was built.

    Nothing that a web answer or an API batch waits for is held while the rows go in: the sums are
    summed before the transaction, foreign keys are checked as rows are inserted (their key share
    locks do not stop other writers), and the cells' row locks are taken only at the end, to add
    the sums (add_sums), whose count update comes last, just before the commit. A response id that
    someone else stored meanwhile is theirs: the row is skipped (ON CONFLICT) and the sums are summed
    again without it. On SQLite the transaction still holds the one write lock, but it only copies
    rows already checked and summed."""
    table = Response._meta.db_table
    items = scale_items(survey.version_id)
    relation = f"(SELECT unit_id, period_id, w, scores FROM {fresh})"  # noqa: S608 -- our table
    satisfied_min = survey.rule.satisfied_min
    sums = [sums_of(relation, [], items, satisfied_min)]  # the long read, outside any transaction
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # not at commit, while the cells are locked
        else:  # ids under the write lock, above every stored one
            cursor.execute(f"UPDATE {fresh} SET id = line + (SELECT COALESCE(MAX(id), 0) FROM {table})")  # noqa: S608
        cursor.execute(f"SELECT COUNT(*) FROM {fresh}")  # noqa: S608 -- our table
        staged = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(RESPONSE_COLUMNS)}) SELECT id, %s, unit_id, period_id, response_id, %s, w, "  # noqa: S608
            f"scores, '', %s, %s FROM {fresh} WHERE true ON CONFLICT DO NOTHING",
            [survey.pk, source, *[connection.ops.adapt_datetimefield_value(timezone.now())] * 2])
        added = cursor.rowcount
        if added < staged:  # ids another writer stored after the file was staged: its rows, not ours
            cursor.execute(f"DELETE FROM {fresh} WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE r.id = {fresh}.id)")  # noqa: S608
        for item_id in text_items:
            cursor.execute(f"INSERT INTO {Answer._meta.db_table} ({', '.join(ANSWER_COLUMNS)}) "  # noqa: S608
                           f"SELECT id, %s, i{int(item_id)} FROM {fresh} WHERE i{int(item_id)} <> ''", [item_id])

        def summed(rule: int) -> list[Deltas]:
            return [sums_of(relation, [], items, rule)]

        add_sums(survey.pk, summed, sums if added == staged else summed(satisfied_min), satisfied_min, added)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as before (the caller's transaction may go on)
    return added


def recompute(survey: Survey) -> int:
    """Rebuild every aggregate of the survey from the stored responses, summed by the database.

    Counts and sums are exactly those that ingest keeps; weighted sums agree to rounding.
    Returns the number of item cells.
    """
    with transaction.atomic():
        lock_survey(survey.pk)
        count_responses(survey.pk, Response.objects.filter(survey=survey).count(), "=")
        return rebuild_sums(survey.pk, survey.version_id, survey.rule.satisfied_min)


def rebuild_sums(survey_id: int, version_id: int, satisfied_min: int) -> int:
    """Both kinds of sums from the stored responses; also run by the migration that moved answers into them."""
    Aggregate.objects.filter(survey_id=survey_id).delete()
    RespondentAggregate.objects.filter(survey_id=survey_id).delete()
    table = Response._meta.db_table
    deltas = sums_of(f"(SELECT unit_id, period_id, weight AS w, scores FROM {table} WHERE survey_id = %s)",  # noqa: S608 -- our table
                     [survey_id], scale_items(version_id), satisfied_min)
    apply_deltas(survey_id, deltas)
    return len(deltas.items)


def sums_of(responses: str, params: list, items: list[ScaleItem], satisfied_min: int) -> Deltas:
    """The sums of a relation of responses (unit_id, period_id, w, scores), by a few scans of it
    that group by unit and period only; the cells come back as a batch's deltas."""
    return Deltas(_item_sums(responses, params, items, satisfied_min),
                  _respondent_sums(responses, params, items, satisfied_min))


def _answers(responses: str, slots: list[int]) -> str:
    """SELECT unit_id, period_id, w and the answers in `slots` (v<slot>: an integer, or NULL).

    Each subquery must stay whole: merged into the query above it, its expressions would be worked
    out again at every use (neither database shares them). SQLite keeps a subquery with a LIMIT
    whole; PostgreSQL one that lists a volatile function (a LIMIT would stop its parallel scan), and
    clock_timestamp() is volatile yet safe in parallel workers. PostgreSQL reads the answers as bytes:
    get_byte goes straight to its byte, where substr counts UTF-8 characters from the start (a
    refresh of ten million responses: a third less time)."""
    if connection.vendor == "postgresql":
        raw = f"SELECT unit_id, period_id, w, convert_to(scores, 'UTF8') AS scores, clock_timestamp() AS whole FROM {responses} src"  # noqa: S608, E501
        values = ", ".join(f"NULLIF(get_byte(scores, {slot}), {ord(BLANK)}) - {ord('0')} AS v{slot}" for slot in slots)
        return f"SELECT unit_id, period_id, w, {values}, clock_timestamp() AS whole FROM ({raw}) raw"  # noqa: S608
    values = ", ".join(f"CAST(NULLIF(substr(scores, {slot + 1}, 1), '{BLANK}') AS integer) AS v{slot}" for slot in slots)
    return f"SELECT unit_id, period_id, w, {values} FROM {responses} src LIMIT -1 OFFSET 0"  # noqa: S608


def _grouped(responses: str, params: list, slots: list[int], sums: list[str], per_respondent: tuple = ()) -> list:
    """SELECT unit_id, period_id, *sums per unit and period, over the answers in `slots` (named
    v<slot>) and, if given, per-respondent expressions of them (in a subquery kept whole, as in
    _answers). A plain SELECT of a few thousand rows: unlike INSERT ... SELECT, PostgreSQL may plan
    it in parallel."""
    answers = _answers(responses, slots)
    if per_respondent:
        column, limit = (", clock_timestamp() AS whole", "") if connection.vendor == "postgresql" \
            else ("", " LIMIT -1 OFFSET 0")
        answers = f"SELECT unit_id, period_id, w, {', '.join(per_respondent)}{column} FROM ({answers}) answers{limit}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT unit_id, period_id, {', '.join(sums)} FROM ({answers}) rows "  # noqa: S608 -- names are ours
                       "GROUP BY unit_id, period_id", params)
        return cursor.fetchall()


def _item_sums(responses: str, params: list, items: list[ScaleItem], satisfied_min: int) -> dict[tuple, list]:
    cells: dict[tuple, list] = {}
    slots = list(range(len(items)))
    for start in range(0, len(slots), ITEMS_PER_SCAN):
        chunk = slots[start:start + ITEMS_PER_SCAN]
        sums = []
        for slot in chunk:
            v = f"v{slot}"
            ok = f"CASE WHEN {v} >= {int(satisfied_min)} THEN 1 ELSE 0 END"
            seen = f"CASE WHEN {v} IS NULL THEN 0 ELSE w END"
            sums += [f"COUNT({v})", f"SUM({v})", f"SUM({v} * {v})", f"SUM({ok})", f"SUM({seen})", f"SUM(w * {ok})",
                     f"SUM(w * {seen})", f"SUM(w * w * {ok})"]
        for unit_id, period_id, *stats in _grouped(responses, params, chunk, sums):
            for position, slot in enumerate(chunk):
                cell = stats[len(STATS) * position:len(STATS) * (position + 1)]
                if cell[0]:
                    cells[(unit_id, period_id, items[slot].pk)] = cell
    return cells


def _respondent_sums(responses: str, params: list, items: list[ScaleItem], satisfied_min: int,
                     ) -> dict[tuple, list]:
    """Per respondent and element: m answers, k satisfied, s their sum; then the cells' sums of those."""
    groups: dict[int, list[int]] = defaultdict(list)  # element (0: all together) -> slots
    for slot, item in enumerate(items):
        if item.measure == Measure.SATISFACTION:
            groups[ALL_ELEMENTS].append(slot)
            if item.element:
                groups[item.element].append(slot)
    if not groups:
        return {}
    per_respondent, sums = [], []
    for element, slots in groups.items():
        m, k, s = (f"{name}{element}" for name in "mks")
        per_respondent += [" + ".join(f"CASE WHEN v{slot} IS NULL THEN 0 ELSE 1 END" for slot in slots) + f" AS {m}",
                           " + ".join(f"CASE WHEN v{slot} >= {int(satisfied_min)} THEN 1 ELSE 0 END" for slot in slots)
                           + f" AS {k}",
                           " + ".join(f"COALESCE(v{slot}, 0)" for slot in slots) + f" AS {s}"]
        sums += [f"SUM(CASE WHEN {m} > 0 THEN 1 ELSE 0 END)", f"SUM(CASE WHEN {m} > 0 THEN w ELSE 0 END)",
                 f"SUM(w * {m})", f"SUM(w * {k})", f"SUM(w * {s})", f"SUM(w * w * {m} * {m})", f"SUM(w * w * {k} * {m})",
                 f"SUM(w * w * {k} * {k})", f"SUM(w * w * {s} * {m})", f"SUM(w * w * {s} * {s})"]
    rows = _grouped(responses, params, groups[ALL_ELEMENTS], sums, tuple(per_respondent))
    cells: dict[tuple, list] = {}
    for unit_id, period_id, *stats in rows:
        for position, element in enumerate(groups):
            cell = stats[len(RESPONDENT_STATS) * position:len(RESPONDENT_STATS) * (position + 1)]
            if cell[0]:
                cells[(unit_id, period_id, element)] = cell
    return cells
