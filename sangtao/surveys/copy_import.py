"""The PostgreSQL path for CSV imports: the file is COPYed into a staging table, then checked
and written by set-based SQL, so a million rows take seconds rather than minutes.

The rules are those of imports.RowReader, row for row: the same first error of each row with
the same message, the same cleaning (NFC, surrounding whitespace), the first of repeated
response ids kept and ids already stored skipped. A test runs both paths over the same files.
A file PostgreSQL cannot COPY as it is (rows of uneven length, bytes that are not UTF-8) is
left to the Python path, which reports it row by row.
"""

from collections.abc import Iterator
from pathlib import Path

import psycopg
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sangtao.core.csv import TRIGGERS
from sangtao.surveys.imports import ID_LENGTH, SCALE, WEIGHT, WEIGHT_LENGTH, RowReader
from sangtao.surveys.ingest import BLANK, apply_deltas, freeze_version, lock_survey, scale_items, sums_of
from sangtao.surveys.models import Answer, ImportJob, Response, Survey

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
    """A CSV file in a temporary table of this connection, checked and written in SQL."""

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
        are compared as they are trimmed: NFC never turns anything into an ASCII digit)."""
        def text(column: str | None) -> str:
            return f"btrim(normalize({column}, NFC), %(ws)s)" if column else "''"

        weight = self._column("weight")
        selected = [f"{text(self._column('response_id'))} AS response_id", f"{text(self._column('unit_code'))} AS unit",
                    f"{text(self._column('period'))} AS period",
                    f"replace({text(weight)}, ',', '.') AS weight" if weight else "'' AS weight"]
        for index, item in self.reader.columns:
            value = f"btrim({_unquoted(f'c{index}')}, %(ws)s)" if item.is_scale else text(_unquoted(f"c{index}"))
            selected.append(f"{value} AS i{item.pk}")
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {self.cleaned} AS SELECT line, {', '.join(selected)} "  # noqa: S608 -- names are ours
                           f"FROM {self.staging}", {"ws": WHITESPACE, "quoted": QUOTED})
            cursor.execute(f"DROP TABLE {self.staging}")

    def errors(self) -> list[tuple[int, str, str]]:
        """(row, column, error) of every row that fails, its first failure only, as RowReader finds it."""
        checks = [  # (column, message, SQL true when the row fails), in RowReader's order
            ("response_id", _("thiếu mã phiếu"), "response_id = ''"),
            ("response_id", _("mã phiếu dài quá %(n)s ký tự") % {"n": ID_LENGTH}, f"length(response_id) > {ID_LENGTH}"),
            ("unit_code", _("đơn vị không thuộc khảo sát"), "NOT (unit = ANY(%(units)s))"),
            ("period", _("kỳ khảo sát không tồn tại"), "NOT (period = ANY(%(periods)s))"),
            ("weight", _("trọng số không phải là số"),
             f"weight <> '' AND (length(weight) > {WEIGHT_LENGTH} OR weight !~ %(pattern)s)"),
            ("weight", _("trọng số phải dương"), "weight <> '' AND weight::float8 <= 0"),
        ]
        checks += [(item.code, _("giá trị phải từ 1 đến 5"), f"i{item.pk} <> '' AND NOT (i{item.pk} = ANY(%(scale)s))")
                   for _index, item in self.reader.columns if item.is_scale]
        failure = "CASE " + " ".join(f"WHEN {sql} THEN {n}" for n, (_c, _m, sql) in enumerate(checks)) + " END"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT line, failure FROM (SELECT line, {failure} AS failure FROM {self.cleaned}) f "  # noqa: S608 -- names are ours
                           "WHERE failure IS NOT NULL ORDER BY line",
                           {"units": list(self.reader.units), "periods": list(self.reader.periods),
                            "pattern": WEIGHT_PATTERN, "scale": list(SCALE)})
            return [(line + 1, checks[n][0], str(checks[n][1])) for line, n in cursor.fetchall()]  # row 1: header

    def write(self) -> tuple[int, int]:
        """All of it in one transaction: responses with their scores, text answers, then both kinds
        of sums, summed by the database from the new responses."""
        survey: Survey = self.survey
        response_table = Response._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            lock_survey(survey.pk)
            if self.count:
                freeze_version(survey)  # before the scale order is read: it cannot change from here on
            items = scale_items(survey.version_id)
            in_file = {item.pk for _index, item in self.reader.columns}
            scores = " || ".join(f"COALESCE(NULLIF(c.i{item.pk}, ''), '{BLANK}')" if item.pk in in_file
                                 else f"'{BLANK}'" for item in items) or "''"
            texts = "".join(f", c.i{item.pk}" for _index, item in self.reader.columns if not item.is_scale)
            cursor.execute("SET LOCAL work_mem = '256MB'")  # hash the file's rows in memory, not on disk
            cursor.execute(
                f"CREATE TEMP TABLE {self.fresh} ON COMMIT DROP AS "  # noqa: S608 -- names are ours
                f"SELECT nextval(pg_get_serial_sequence('{response_table}', 'id')) AS id, c.line, c.response_id, "
                f"u.id AS unit_id, p.id AS period_id, CASE WHEN c.weight = '' THEN 1.0 ELSE c.weight::float8 END AS w, "
                f"{scores} AS scores{texts} FROM {self.cleaned} c "
                "JOIN unnest(%(unit_codes)s::text[], %(unit_ids)s::bigint[]) AS u(code, id) ON u.code = c.unit "
                "JOIN unnest(%(labels)s::text[], %(period_ids)s::bigint[]) AS p(label, id) ON p.label = c.period "
                f"WHERE c.line IN (SELECT min(line) FROM {self.cleaned} GROUP BY response_id) "
                f"AND NOT EXISTS (SELECT 1 FROM {response_table} r WHERE r.survey_id = %(survey)s "
                "AND r.external_id = c.response_id)",
                {"unit_codes": list(self.reader.units), "unit_ids": list(self.reader.units.values()),
                 "labels": list(self.reader.periods), "period_ids": list(self.reader.periods.values()),
                 "survey": survey.pk})
            added = cursor.rowcount
            cursor.execute(
                f"INSERT INTO {response_table} (id, survey_id, unit_id, period_id, external_id, source, weight, "  # noqa: S608 -- names are ours
                "scores, follow_up_email, consented_at, submitted_at) SELECT id, %(survey)s, unit_id, period_id, "
                f"response_id, %(source)s, w, scores, '', %(now)s, %(now)s FROM {self.fresh}",
                {"survey": survey.pk, "source": self.job.source, "now": timezone.now()})
            for _index, item in self.reader.columns:
                if not item.is_scale:
                    cursor.execute(f"INSERT INTO {Answer._meta.db_table} (response_id, item_id, text) "  # noqa: S608 -- names are ours
                                   f"SELECT id, {item.pk}, i{item.pk} FROM {self.fresh} WHERE i{item.pk} <> ''")
            apply_deltas(survey.pk, sums_of(f"(SELECT unit_id, period_id, w, scores FROM {self.fresh})",  # noqa: S608
                                            [], items, survey.rule.satisfied_min))
            Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + added)
        return added, self.count - added

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for table in (self.staging, self.cleaned):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
