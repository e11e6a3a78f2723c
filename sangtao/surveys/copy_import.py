"""A file's rows staged in temporary tables of the import's connection, checked, then published.

Two ways in. On PostgreSQL a CSV file is COPYed into a staging table, then cleaned and checked by
set-based SQL, so a million rows take seconds rather than minutes; the rules are those of
imports.RowReader, row for row: the same first error of each row with the same message, the same
cleaning (NFC, surrounding whitespace). A test runs both ways over the same files. A file PostgreSQL
cannot COPY as it is (rows of uneven length, bytes that are not UTF-8), an Excel file, and every
file on SQLite are read row by row by RowReader, and their rows are staged as they are checked.

Either way the rows wait in a temporary table of cleaned values (line, response_id, unit_id,
period_id, weight, i<item id>): no lock is taken and nothing is visible to anyone else until
ingest.publish stores the new ones (the first of repeated response ids, not those already stored).
"""

from collections.abc import Iterator
from pathlib import Path

import psycopg
from django.db import connection, transaction
from django.utils.translation import gettext as _

from sangtao.core.csv import TRIGGERS
from sangtao.surveys.imports import ID_LENGTH, SCALE, WEIGHT, WEIGHT_LENGTH, RowReader
from sangtao.surveys.ingest import BLANK, ROWS_PER_INSERT, Incoming, freeze_version, publish, scale_items
from sangtao.surveys.models import ImportJob, Response

CHUNK = 8 << 20  # bytes per COPY; progress is reported between them
WHITESPACE = "".join(chr(code) for code in range(0x110000) if chr(code).isspace())  # what str.strip() removes
WEIGHT_PATTERN = f"^{WEIGHT.pattern}$"  # PostgreSQL reads the same expression; anchored, as fullmatch is
# Cells that csv.unquote takes the first quote off: quotes, then a formula trigger.
QUOTED = "^'+[" + "".join(t for t in TRIGGERS if t != "-") + "-]"


def _unquoted(column: str) -> str:
    """SQL for csv.unquote of a column."""
    return f"CASE WHEN {column} ~ %(quoted)s THEN substr({column}, 2) ELSE {column} END"


def applies(job: ImportJob) -> bool:
    return connection.vendor == "postgresql" and job.original_name.lower().endswith(".csv")


def _records(path: Path) -> Iterator[bytes]:
    """The file in blocks of whole CSV records: each block is cut after a line end that is not
    inside a quoted field (an even number of quote characters before it)."""
    leftover = b""
    with open(path, "rb") as handle:
        while data := handle.read(CHUNK):
            block = leftover + data
            cut = block.rfind(b"\n")
            while cut >= 0 and block.count(b'"', 0, cut) % 2:
                cut = block.rfind(b"\n", 0, cut)
            if cut < 0:
                leftover = block
                continue
            yield block[:cut + 1]
            leftover = block[cut + 1:]
    if leftover:
        yield leftover


class StagedFile:
    """A file's rows in temporary tables of this connection: loaded (COPY) or added (row by row),
    checked, then written by ingest.publish."""

    def __init__(self, job: ImportJob, reader: RowReader):
        self.job, self.reader, self.survey = job, reader, job.survey
        self.staging, self.cleaned, self.fresh = (f"import_{name}_{job.pk}" for name in ("staging", "cleaned", "fresh"))
        self.count = 0

    def load(self, path: Path, progress) -> bool:
        """COPY the file in; False (and nothing kept) when PostgreSQL refuses its form."""
        columns = [f"c{n}" for n in range(len(self.reader.header))]
        listed = ", ".join(columns)
        self.drop()
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {self.staging} (line bigint GENERATED ALWAYS AS IDENTITY, "
                           + ", ".join(f"{c} text" for c in columns) + ")")
            try:
                for number, block in enumerate(_records(path)):
                    header = ", HEADER true" if number == 0 else ""
                    with transaction.atomic(), cursor.cursor.copy(
                            f"COPY {self.staging} ({listed}) FROM STDIN WITH (FORMAT csv, ENCODING 'UTF8', "
                            f"FORCE_NOT_NULL ({listed}){header})") as copy:
                        copy.write(block)
                    self.count += block.count(b"\n") - (number == 0)
                    progress(self.count)
            except psycopg.errors.DataError:
                self.drop()
                return False
            cursor.execute(f"SELECT count(*) FROM {self.staging}")  # noqa: S608 -- our table
            self.count = cursor.fetchone()[0]
        self._clean()
        return True

    def _column(self, name: str) -> str | None:
        return _unquoted(f"c{self.reader.header.index(name)}") if name in self.reader.header else None

    def _clean(self) -> None:
        """One pass of cleaning, as clean() does: NFC, then surrounding whitespace off (scale answers
        are compared as they are trimmed: NFC never turns anything into an ASCII digit). Units and
        periods are looked up by code and label (NULL: not the survey's)."""
        def text(column: str | None) -> str:
            return f"btrim(normalize({column}, NFC), %(ws)s)" if column else "''"

        weight = self._column("weight")
        selected = [f"{text(self._column('response_id'))} AS response_id", "u.id AS unit_id", "p.id AS period_id",
                    f"replace({text(weight)}, ',', '.') AS weight" if weight else "'' AS weight"]
        for index, item in self.reader.columns:
            value = f"btrim({_unquoted(f'c{index}')}, %(ws)s)" if item.is_scale else text(_unquoted(f"c{index}"))
            selected.append(f"{value} AS i{item.pk}")
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE {self.cleaned} AS SELECT line, {', '.join(selected)} FROM {self.staging} "  # noqa: S608 -- names are ours
                f"LEFT JOIN unnest(%(unit_codes)s::text[], %(unit_ids)s::bigint[]) AS u(code, id) "
                f"ON u.code = {text(self._column('unit_code'))} "
                f"LEFT JOIN unnest(%(labels)s::text[], %(period_ids)s::bigint[]) AS p(label, id) "
                f"ON p.label = {text(self._column('period'))}",
                {"ws": WHITESPACE, "quoted": QUOTED, "unit_codes": list(self.reader.units), "unit_ids": list(self.reader.units.values()),
                 "labels": list(self.reader.periods), "period_ids": list(self.reader.periods.values())})
            cursor.execute(f"DROP TABLE {self.staging}")

    def create(self) -> None:
        """The cleaned table, empty, for rows added one batch at a time (add)."""
        self.drop()
        columns = ", ".join(f"i{item.pk} text" for _index, item in self.reader.columns)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {self.cleaned} (line bigint, response_id text, unit_id bigint, "
                           f"period_id bigint, weight text{', ' if columns else ''}{columns})")

    def add(self, rows: list[tuple[int, Incoming]]) -> None:
        """Rows RowReader checked, with their line numbers. Not in a transaction: on SQLite one would
        take the database's write lock, which a temporary table does not need."""
        if not rows:
            return
        table = self.cleaned
        values = [(line, row.external_id, row.unit_id, row.period_id, repr(row.weight),
                   *(str(row.values.get(item.pk, "")) if item.is_scale else row.texts.get(item.pk, "")
                     for _index, item in self.reader.columns)) for line, row in rows]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                marks = ", ".join(["%s"] * len(values[0]))
                for start in range(0, len(values), ROWS_PER_INSERT):  # a statement per row would be a transaction each
                    chunk = values[start:start + ROWS_PER_INSERT]
                    cursor.execute(f"INSERT INTO {table} VALUES " + ", ".join([f"({marks})"] * len(chunk)),  # noqa: S608
                                   [cell for value in chunk for cell in value])
        self.count += len(rows)

    def errors(self) -> list[tuple[int, str, str]]:
        """(row, column, error) of every row that fails, its first failure only, as RowReader finds it."""
        checks = [  # (column, message, SQL true when the row fails), in RowReader's order
            ("response_id", _("thiếu mã phiếu"), "response_id = ''"),
            ("response_id", _("mã phiếu dài quá %(n)s ký tự") % {"n": ID_LENGTH}, f"length(response_id) > {ID_LENGTH}"),
            ("unit_code", _("đơn vị không thuộc khảo sát"), "unit_id IS NULL"),
            ("period", _("kỳ khảo sát không tồn tại"), "period_id IS NULL"),
            ("weight", _("trọng số không phải là số"),
             f"weight <> '' AND (length(weight) > {WEIGHT_LENGTH} OR weight !~ %(pattern)s)"),
            ("weight", _("trọng số phải dương"), "weight <> '' AND weight::float8 <= 0"),
        ]
        checks += [(item.code, _("giá trị phải từ 1 đến 5"), f"i{item.pk} <> '' AND NOT (i{item.pk} = ANY(%(scale)s))")
                   for _index, item in self.reader.columns if item.is_scale]
        failure = "CASE " + " ".join(f"WHEN {sql} THEN {n}" for n, (_c, _m, sql) in enumerate(checks)) + " END"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT line, failure FROM (SELECT line, {failure} AS failure FROM {self.cleaned}) f "  # noqa: S608 -- names are ours
                           "WHERE failure IS NOT NULL ORDER BY line", {"pattern": WEIGHT_PATTERN, "scale": list(SCALE)})
            return [(line + 1, checks[n][0], str(checks[n][1])) for line, n in cursor.fetchall()]  # row 1: header

    def write(self) -> tuple[int, int]:
        """The new rows (the first of repeated response ids, not those already stored) into the fresh
        table with their scores, outside any transaction; then published. Returns (added, duplicates)."""
        if not self.count:
            return 0, 0
        freeze_version(self.survey)  # before the scale order is read; committed at once, so no answer waits on it
        items = scale_items(self.survey.version_id)
        in_file = {item.pk for _index, item in self.reader.columns}
        scores = " || ".join(f"COALESCE(NULLIF(c.i{item.pk}, ''), '{BLANK}')" if item.pk in in_file
                             else f"'{BLANK}'" for item in items) or "''"
        texts = [item.pk for _index, item in self.reader.columns if not item.is_scale]
        new_id = f"nextval(pg_get_serial_sequence('{Response._meta.db_table}', 'id'))" \
            if connection.vendor == "postgresql" else "CAST(NULL AS integer)"  # SQLite: set under the write lock
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET work_mem = '256MB'")  # hash the file's rows in memory, not on disk
            cursor.execute(
                f"CREATE TEMP TABLE {self.fresh} AS SELECT {new_id} AS id, c.line, c.response_id, c.unit_id, "  # noqa: S608 -- names are ours
                "c.period_id, CASE WHEN c.weight = '' THEN 1.0 ELSE CAST(c.weight AS double precision) END AS w, "
                f"{scores} AS scores{''.join(f', c.i{pk}' for pk in texts)} FROM {self.cleaned} c "
                f"WHERE c.line IN (SELECT min(line) FROM {self.cleaned} GROUP BY response_id) "
                f"AND NOT EXISTS (SELECT 1 FROM {Response._meta.db_table} r WHERE r.survey_id = %s "
                "AND r.external_id = c.response_id)", [self.survey.pk])
            if connection.vendor == "postgresql":
                cursor.execute("RESET work_mem")
        added = publish(self.survey, self.fresh, texts, self.job.source)
        return added, self.count - added

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for table in (self.staging, self.cleaned, self.fresh):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
