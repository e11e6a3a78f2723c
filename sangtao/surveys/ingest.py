"""The one path by which responses enter: web form, file import and the batch API.

Each batch is written with bulk inserts and the sufficient statistics of every touched
(unit, period, item) cell are updated in the same transaction, so dashboards never scan
raw responses and a rolled-back batch leaves no trace in either.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Case, Count, F, Sum, Value, When
from django.utils import timezone

from sangtao.surveys.models import (
    Aggregate,
    Answer,
    InstrumentVersion,
    Item,
    Measure,
    RespondentAggregate,
    Response,
    Survey,
)

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


@dataclass
class Ingested:
    added: int = 0
    duplicates: int = 0


@dataclass
class Deltas:
    """What a batch adds: per item cell (unit, period, item) and per respondent cell (unit, period, element)."""

    items: dict[tuple, list[float]] = field(default_factory=dict)
    respondents: dict[tuple, list[float]] = field(default_factory=dict)

    def merge(self, more: "Deltas") -> None:
        for mine, theirs in ((self.items, more.items), (self.respondents, more.respondents)):
            for key, sums in theirs.items():
                mine[key] = [a + b for a, b in zip(mine[key], sums, strict=True)] if key in mine else list(sums)


def cell_deltas(rows: Iterable[tuple[int, int, int, int | None, float]], satisfied_min: int,
                ) -> dict[tuple, list[float]]:
    """(unit, period, item, value, weight) rows -> the sums each item cell gains."""
    deltas: dict[tuple, list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0])
    for unit_id, period_id, item_id, value, weight in rows:
        if value is None:
            continue
        cell = deltas[(unit_id, period_id, item_id)]
        ok = value >= satisfied_min
        cell[0] += 1
        cell[1] += value
        cell[2] += value * value
        cell[3] += ok
        cell[4] += weight
        cell[5] += weight * ok
        cell[6] += weight * weight
        cell[7] += weight * weight * ok
    return dict(deltas)


def respondent_deltas(responses: Iterable[Incoming], elements: dict[int, int | None], satisfied_min: int,
                      ) -> dict[tuple, list[float]]:
    """Responses -> the sums each (unit, period, element) gains.

    `elements` maps each satisfaction item to its element; answers to other items are not counted.
    Respondents are first counted by profile (cell, weight, m, k, s): there are few distinct
    profiles, so the sums are formed once per profile rather than once per respondent.
    """
    targets = {item: (element, ALL_ELEMENTS) if element else (ALL_ELEMENTS,) for item, element in elements.items()}
    profiles: Counter[tuple] = Counter()
    for response in responses:
        groups: dict[int, list[int]] = {}  # element -> m, k, s
        for item_id, value in response.values.items():
            for element in targets.get(item_id, ()):
                group = groups.get(element)
                if group is None:
                    groups[element] = [1, value >= satisfied_min, value]
                else:
                    group[0] += 1
                    group[1] += value >= satisfied_min
                    group[2] += value
        for element, (m, k, s) in groups.items():
            profiles[(response.unit_id, response.period_id, element, response.weight, m, k, s)] += 1
    deltas: dict[tuple, list[float]] = {}
    for (unit_id, period_id, element, w, m, k, s), count in profiles.items():
        cell = deltas.setdefault((unit_id, period_id, element), [0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
        w2 = w * w
        for position, gain in enumerate((1, w, w * m, w * k, w * s, w2 * m * m, w2 * k * m, w2 * k * k, w2 * s * m,
                                         w2 * s * s)):
            cell[position] += count * gain
    return deltas


def apply_deltas(survey: Survey, deltas: Deltas) -> None:
    _apply(survey, Aggregate, "item_id", STATS, deltas.items)
    _apply(survey, RespondentAggregate, "element", RESPONDENT_STATS, deltas.respondents)


def _apply(survey: Survey, model, key: str, stats: tuple[str, ...], deltas: dict[tuple, list[float]]) -> None:
    """Add a batch's sums to its cells by upsert, a thousand cells a statement. Cells go in key
    order, so concurrent batches lock shared cells in the same order and cannot deadlock."""
    statement = _adding(model._meta.db_table, key, stats)
    cells = sorted(deltas.items())
    with connection.cursor() as cursor:
        for start in range(0, len(cells), 1000):
            chunk = cells[start:start + 1000]
            values = ", ".join(["(" + ", ".join(["%s"] * (4 + len(stats))) + ")"] * len(chunk))
            cursor.execute(statement.format(select=f"VALUES {values}"),
                           [value for cell, sums in chunk for value in (survey.pk, *cell, *sums)])


def satisfaction_elements(survey: Survey) -> dict[int, int | None]:
    return dict(survey.version.items.filter(measure=Measure.SATISFACTION).values_list("pk", "element"))


def freeze_version(survey: Survey) -> None:
    InstrumentVersion.objects.filter(pk=survey.version_id, frozen_at__isnull=True).update(frozen_at=timezone.now())


RESPONSE_COLUMNS = ("id", "survey_id", "unit_id", "period_id", "external_id", "source", "weight", "follow_up_email",
                    "consented_at", "submitted_at")
ANSWER_COLUMNS = ("response_id", "item_id", "value", "text")


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


def ingest(survey: Survey, incoming: Iterable[Incoming], source: str, pending: Deltas | None = None) -> Ingested:
    """Store a batch of responses and their statistics; ids already stored are skipped, not doubled.

    Runs in the caller's transaction (or its own): all of the batch, or none of it. A caller
    writing many batches in one transaction may pass `pending` to collect the cells' sums and
    apply them once at the end (apply_deltas), instead of after every batch.
    """
    batch = list(incoming)
    result = Ingested()
    with transaction.atomic():
        wanted = {row.external_id for row in batch if row.external_id}
        seen = set(Response.objects.filter(survey=survey, external_id__in=wanted).values_list("external_id",
                                                                                           flat=True))
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
        now = connection.ops.adapt_datetimefield_value(timezone.now()) if connection.vendor != "postgresql" \
            else timezone.now()
        ids = _new_ids(len(fresh))
        _write_rows(Response, RESPONSE_COLUMNS, [
            (pk, survey.pk, row.unit_id, row.period_id, row.external_id, source, row.weight, row.follow_up_email,
             now if row.consented else None, now) for pk, row in zip(ids, fresh, strict=True)])
        answers: list[tuple[int, int, int | None, str]] = []
        cells = []
        for pk, row in zip(ids, fresh, strict=True):
            for item_id, value in row.values.items():
                answers.append((pk, item_id, value, ""))
                cells.append((row.unit_id, row.period_id, item_id, value, row.weight))
            for item_id, text in row.texts.items():
                answers.append((pk, item_id, None, text))
        _write_rows(Answer, ANSWER_COLUMNS, answers)
        minimum = survey.rule.satisfied_min
        deltas = Deltas(cell_deltas(cells, minimum), respondent_deltas(fresh, satisfaction_elements(survey), minimum))
        if pending is None:
            apply_deltas(survey, deltas)
        else:
            pending.merge(deltas)
        freeze_version(survey)
        Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + len(fresh))
        result.added = len(fresh)
    return result


def recompute(survey: Survey) -> int:
    """Rebuild every aggregate of the survey from the raw answers, grouped by the database.

    Counts and sums are exactly those that ingest keeps; weighted sums agree to rounding.
    """
    satisfied = Case(When(value__gte=survey.rule.satisfied_min, then=Value(1)), default=Value(0))
    weight = F("response__weight")
    rows = (Answer.objects.filter(response__survey=survey, value__isnull=False)
            .values("response__unit_id", "response__period_id", "item_id").order_by()
            .annotate(n=Count("id"), total=Sum("value"), total_sq=Sum(F("value") * F("value")),
                      satisfied=Sum(satisfied), w_sum=Sum(weight), w_satisfied=Sum(satisfied * weight),
                      w2_sum=Sum(weight * weight), w2_satisfied=Sum(satisfied * weight * weight)))
    with transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(response_count=Response.objects.filter(survey=survey).count())
        Aggregate.objects.filter(survey=survey).delete()
        created = Aggregate.objects.bulk_create((
            Aggregate(survey=survey, unit_id=row["response__unit_id"], period_id=row["response__period_id"],
                      item_id=row["item_id"], **{name: row[name] for name in STATS})
            # One row per cell (thousands, not millions): a plain fetch lets the database plan in parallel.
            for row in list(rows)
        ), batch_size=2000)
        rebuild_respondent_sums(survey.pk, survey.rule.satisfied_min)
    return len(created)


def rebuild_respondent_sums(survey_id: int, satisfied_min: int) -> None:
    """From the stored answers; also the backfill of the migration that added these sums."""
    RespondentAggregate.objects.filter(survey_id=survey_id).delete()
    # SELECT, then insert the few thousand cells: unlike INSERT ... SELECT, PostgreSQL may plan it in parallel.
    with connection.cursor() as cursor:
        cursor.execute(_respondent_sums_select(survey_id, stored_answers()),
                       [satisfied_min, survey_id, Measure.SATISFACTION.value])
        cells = cursor.fetchall()
    RespondentAggregate.objects.bulk_create(
        (RespondentAggregate(survey_id=survey_id, unit_id=unit_id, period_id=period_id, element=element,
                             **dict(zip(RESPONDENT_STATS, stats, strict=True)))
         for _survey, unit_id, period_id, element, *stats in cells), batch_size=2000)


def stored_answers() -> str:
    """The survey's stored answers (one parameter: the survey id), as the sums below read them:
    response_id, unit_id, period_id, w (weight), item_id, value, element, measure."""
    answer, response, item = (model._meta.db_table for model in (Answer, Response, Item))
    return (f"(SELECT a.response_id, r.unit_id, r.period_id, r.weight AS w, a.item_id, a.value, i.element, "  # noqa: S608 -- names are ours
            f"i.measure FROM {answer} a JOIN {response} r ON r.id = a.response_id JOIN {item} i ON i.id = a.item_id "
            "WHERE r.survey_id = %s AND a.value IS NOT NULL)")


def _adding(table: str, key: str, stats: tuple[str, ...]) -> str:
    """INSERT ... ON CONFLICT: new cells are created, existing cells gain the sums."""
    additions = ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name in stats)
    return (f"INSERT INTO {table} (survey_id, unit_id, period_id, {key}, {', '.join(stats)}) {{select}} "
            f"ON CONFLICT (survey_id, unit_id, period_id, {key}) DO UPDATE SET {additions}")


def add_item_sums(survey_id: int, satisfied_min: int, answers: str, params: list) -> None:
    """Add the item sums of `answers` (a relation shaped as stored_answers()) to their cells."""
    ok = "CASE WHEN value >= %s THEN 1 ELSE 0 END"
    select = (f"SELECT {int(survey_id)}, unit_id, period_id, item_id, COUNT(*), SUM(value), SUM(value * value), "  # noqa: S608 -- names are ours
              f"SUM({ok}), SUM(w), SUM(w * {ok}), SUM(w * w), SUM(w * w * {ok}) FROM {answers} src "
              "WHERE value IS NOT NULL GROUP BY unit_id, period_id, item_id")
    with connection.cursor() as cursor:
        cursor.execute(_adding(Aggregate._meta.db_table, "item_id", STATS).format(select=select),
                       [satisfied_min] * 3 + list(params))


def _respondent_sums_select(survey_id: int, answers: str) -> str:
    """SELECT of the respondent sums per (unit, period, element) from `answers`, in one scan: m, k, s
    per respondent and element, then per respondent over all elements (0) from those, then per cell.
    Parameters: the satisfied level, the relation's own, the satisfaction measure."""
    return (
        "WITH per_element AS (SELECT response_id, unit_id, period_id, w, element, COUNT(*) AS m, "  # noqa: S608 -- names are ours
        f"SUM(CASE WHEN value >= %s THEN 1 ELSE 0 END) AS k, SUM(value) AS s FROM {answers} src "
        "WHERE value IS NOT NULL AND measure = %s GROUP BY response_id, unit_id, period_id, w, element), "
        "per_respondent AS (SELECT unit_id, period_id, w, element, m, k, s FROM per_element "
        f"WHERE element IS NOT NULL UNION ALL SELECT unit_id, period_id, w, {ALL_ELEMENTS}, SUM(m), SUM(k), SUM(s) "
        "FROM per_element GROUP BY response_id, unit_id, period_id, w) "
        f"SELECT {int(survey_id)}, unit_id, period_id, element, COUNT(*), SUM(w), SUM(w * m), SUM(w * k), SUM(w * s), "
        "SUM(w * w * m * m), SUM(w * w * k * m), SUM(w * w * k * k), SUM(w * w * s * m), SUM(w * w * s * s) "
        "FROM per_respondent GROUP BY unit_id, period_id, element")


def add_respondent_sums(survey_id: int, satisfied_min: int, answers: str, params: list) -> None:
    """Add the respondent sums of `answers` (a relation shaped as stored_answers()) to their cells."""
    select = _respondent_sums_select(survey_id, answers)
    with connection.cursor() as cursor:
        cursor.execute(_adding(RespondentAggregate._meta.db_table, "element", RESPONDENT_STATS).format(select=select),
                       [satisfied_min, *params, Measure.SATISFACTION.value])
