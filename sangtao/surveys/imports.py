"""Importing paper and partner-system responses from CSV or Excel.

Columns: response_id, unit_code, period, optional weight, then one column per item code
(1-5, or empty; free text for text items). Every row is validated first, streaming, with
progress, and staged in a temporary table (copy_import.StagedFile); any error rejects the whole
file and the errors are offered as a CSV; a clean file is then published in one transaction (all
or nothing) that holds the survey's lock only to add its sums, so web answers and API batches go
through while it runs. Response ids already stored are skipped, so importing the same file twice,
or a survey's own export, adds nothing.

Its progress, message and failure are told the one way every job tells them: a core JobRun
(`ImportJob.run`) written through `Tracker`, in batches; the ImportJob keeps the import's own facts
(its state in the import's move table, what it added and skipped, its error file).
"""

import csv
import dataclasses
import io
import itertools
import re
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangtao.core import csv as safe_csv
from sangtao.core import workflow
from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.core.progress import ERRORS_SHOWN, Progress, Tracker, job_text, restarts, run_failed, start_job
from sangtao.core.progress import progress_of as run_progress
from sangtao.core.tasks import FailureMessage, task
from sangtao.core.text import clean
from sangtao.core.uploads import check_size, check_workbook
from sangtao.surveys.ingest import Incoming
from sangtao.surveys.models import ImportJob, Survey

BATCH = 5000
FIXED = ("response_id", "unit_code", "period", "weight")
ID_LENGTH = 80  # Response.external_id
# A decimal number, with a comma or a point; short enough that no database overflows on it.
WEIGHT = re.compile(r"[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?")
WEIGHT_LENGTH = 30
SCALE = ("1", "2", "3", "4", "5")  # an answer on a scale item, as written in the file


class RowError(Exception):
    def __init__(self, column: str, message: str):
        self.column, self.message = column, message


def read_rows(path: Path, name: str) -> Iterator[list[str]]:
    """Rows of a CSV (UTF-8, with or without BOM) or an Excel sheet, one at a time, with the quote
    that exports put before formula-like text taken off (an export imports again unchanged)."""
    for row in _cells(path, name):
        yield [safe_csv.unquote(cell) for cell in row]


def _cells(path: Path, name: str) -> Iterator[list[str]]:
    if name.lower().endswith(".xlsx"):
        yield from _sheet_rows(path, name)
        return
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            yield from csv.reader(handle)
        except UnicodeDecodeError:
            raise InvalidInput(gettext_lazy("Tệp CSV phải được mã hoá UTF-8.")) from None
        except csv.Error as error:
            raise InvalidInput(job_text(gettext_lazy("Tệp CSV hỏng: %(error)s."), error=str(error))) from None


def _sheet_rows(path: Path, name: str) -> Iterator[list[str]]:
    """The active sheet's rows, streamed (check_workbook has bounded its size and rows); whatever
    the parser cannot read in this untrusted file rejects it with a message."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            for row in workbook.active.iter_rows(values_only=True):
                yield ["" if cell is None else str(cell) for cell in row]
        finally:
            workbook.close()
    except Exception as error:  # any failure of the parser means the file is damaged
        raise InvalidInput(job_text(gettext_lazy("Tệp %(name)s bị hỏng: không đọc được bảng tính (%(error)s)."),
                                    name=name, error=type(error).__name__), field="file") from None


class RowReader:
    """Turns validated rows into Incoming responses for one survey."""

    def __init__(self, survey: Survey, header: list[str]):
        self.header = [clean(h).lower() for h in header]
        missing = [c for c in ("response_id", "unit_code", "period") if c not in self.header]
        if missing:
            raise InvalidInput(job_text(gettext_lazy("Thiếu cột: %(cols)s."), cols=", ".join(missing)))
        items = {item.code.lower(): item for item in survey.version.items.all()}
        unknown = [h for h in self.header if h not in FIXED and h not in items]
        if unknown:
            raise InvalidInput(job_text(gettext_lazy("Cột không thuộc bộ câu hỏi: %(cols)s."), cols=", ".join(unknown)))
        repeated = sorted({h for h in self.header if self.header.count(h) > 1})
        if repeated:
            raise InvalidInput(job_text(gettext_lazy("Cột bị lặp: %(cols)s."), cols=", ".join(repeated)))
        self.columns = [(index, items[h]) for index, h in enumerate(self.header) if h in items]
        self.units = {u.code: u.pk for u in survey.units.all()}
        self.periods = {p.label: p.pk for p in survey.periods.all()}

    def read(self, row: list[str]) -> Incoming:
        for column, cell in zip(self.header, row, strict=False):
            if "\x00" in cell:  # no database stores it in text
                raise RowError(column, _("chứa ký tự NUL"))
        cells = dict(zip(self.header, row, strict=False))
        response_id = clean(cells.get("response_id", ""))
        if not response_id:
            raise RowError("response_id", _("thiếu mã phiếu"))
        if len(response_id) > ID_LENGTH:
            raise RowError("response_id", _("mã phiếu dài quá %(n)s ký tự") % {"n": ID_LENGTH})
        unit = self.units.get(clean(cells.get("unit_code", "")))
        if unit is None:
            raise RowError("unit_code", _("đơn vị không thuộc khảo sát"))
        period = self.periods.get(clean(cells.get("period", "")))
        if period is None:
            raise RowError("period", _("kỳ khảo sát không tồn tại"))
        weight = 1.0
        raw_weight = clean(cells.get("weight", "")).replace(",", ".")
        if raw_weight:
            if len(raw_weight) > WEIGHT_LENGTH or not WEIGHT.fullmatch(raw_weight):
                raise RowError("weight", _("trọng số không phải là số"))
            weight = float(raw_weight)
            if weight <= 0:
                raise RowError("weight", _("trọng số phải dương"))
        values, texts = {}, {}
        for index, item in self.columns:
            raw = clean(row[index]) if index < len(row) else ""
            if not raw:
                continue
            if not item.is_scale:
                texts[item.pk] = raw
                continue
            if raw not in SCALE:
                raise RowError(item.code, _("giá trị phải từ 1 đến 5"))
            values[item.pk] = int(raw)
        return Incoming(unit_id=unit, period_id=period, values=values, texts=texts, external_id=response_id,
                        weight=weight)


def start_import(survey: Survey, actor, upload, source: str) -> ImportJob:
    if not actor.has_perm("surveys.manage", survey):
        raise NotAllowed()
    name = clean(upload.name)
    if not name.lower().endswith((".csv", ".xlsx")):
        raise InvalidInput(_("Chỉ nhận tệp CSV hoặc Excel (.xlsx)."), field="file")
    check_size(upload, settings.IMPORT_MAX_BYTES)
    with transaction.atomic():
        job = ImportJob(survey=survey, original_name=name[:255], source=source, created_by=actor)
        job.file.save(name, upload, save=False)
        job.save()
        _queue(job, actor)
        record(actor, "survey_import_started", survey, job=job.pk, file=job.original_name, source=source)
    return job


def _queue(job: ImportJob, actor) -> None:
    """The job's run (its progress, message and end, on the starter's home) and the import, queued."""
    job.run = start_job(run_import, actor, job_text(gettext_lazy("Nhập phiếu «%(file)s» vào «%(survey)s»"),
                                                    file=job.original_name, survey=job.survey.name),
                        back_url=reverse("surveys:import", args=[job.survey_id, job.pk]), job_id=job.pk,
                        language=translation.get_language())
    ImportJob.objects.filter(pk=job.pk).update(run=job.run)


def _move(job: ImportJob, move: str, **fields) -> None:
    workflow.apply_move(job, move, actor=workflow.SYSTEM, changes=fields)


def _header(job: ImportJob, path: Path) -> RowReader:
    if job.original_name.lower().endswith(".xlsx"):
        check_workbook(path, job.original_name)
    header = next(read_rows(path, job.original_name), None)
    if header is None:
        raise InvalidInput(gettext_lazy("Tệp trống."))
    return RowReader(job.survey, header)


def _validate(job: ImportJob, path: Path, reader: RowReader, staged,
              tracker: Tracker) -> tuple[list[tuple[int, str, str]], int]:
    """Every row checked, row by row; while none has failed, the rows are staged for writing."""
    rows = read_rows(path, job.original_name)
    next(rows)
    staged.create()
    errors, batch, count = [], [], 0
    for number, row in enumerate(rows, start=2):
        count += 1
        try:
            incoming = reader.read(row)
        except RowError as error:
            errors.append((number, error.column, str(error.message)))
        else:
            batch.append((number - 1, incoming))
        if count % BATCH == 0:
            staged.add([] if errors else batch)
            batch = []
            tracker.advance(count)
    staged.add([] if errors else batch)
    return errors, count


def _estimated_rows(path: Path) -> int:
    """Line ends after the header: the progress bar's length until the rows are counted."""
    lines = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
    return max(lines - 1, 0)


def _error_report(errors: list[tuple[int, str, str]]) -> ContentFile:
    buffer = io.StringIO()
    writer = safe_csv.Writer(buffer)
    writer.writerow(["row", "column", "error"])
    writer.writerows(errors)
    return ContentFile(("\ufeff" + buffer.getvalue()).encode("utf-8"))


def _write(job: ImportJob, staged) -> tuple[int, int]:
    return staged.write()


def _import_failed(message: FailureMessage, job_id: int, run_id: str | None = None, **_arguments) -> None:
    """The job ended in an error or its worker died: the person who started it reads why, on the
    import's page and on their home (its run failed); nothing was kept (publishing is all or nothing)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    run_id = run_id or (str(job.run_id) if job is not None and job.run_id else None)
    if run_id:
        run_failed(message, run_id)
    if job is None:
        return
    with suppress(StaleState):  # it had already ended
        _move(job, "fail")


def retry_import(job: ImportJob, actor) -> ImportJob:
    """Import a job's file again after a system failure, as a new job with a new run."""
    if not actor.has_perm("surveys.manage", job.survey):
        raise NotAllowed()
    if job.state == ImportJob.State.REJECTED:
        raise StaleState(_("Tệp có dòng lỗi: sửa tệp rồi nhập lại ở trang khảo sát."), current_status=job.state)
    if job.state != ImportJob.State.FAILED:
        raise StaleState(_("Chỉ nhập lại được lượt nhập dừng vì lỗi hệ thống."), current_status=job.state)
    with transaction.atomic():
        again = ImportJob.objects.create(survey=job.survey, file=job.file.name, original_name=job.original_name,
                                         source=job.source, created_by=actor)
        _queue(again, actor)
        record(actor, "survey_import_started", job.survey, job=again.pk, file=again.original_name,
               source=again.source, retry_of=job.pk)
    return again


def error_rows(job: ImportJob, limit: int) -> list[dict]:
    """The first rows of the job's error report, for the page; the file has them all."""
    if not job.error_report:
        return []
    with job.error_report.open("rb") as handle:
        lines = io.TextIOWrapper(handle, encoding="utf-8-sig")
        rows = csv.reader(lines)
        next(rows, None)
        return [{"row": row[0], "column": row[1], "message": row[2]}
                for row in itertools.islice(rows, limit) if len(row) >= 3]


def progress_of(job: ImportJob) -> Progress:
    """The job's run as core's progress bar shows it, with the import's own facts: its state, its
    error file, where the fixed file is sent, and a retry after a system failure."""
    S = ImportJob.State
    assert job.run is not None  # every import has its run (start_import; migration 0010 for older ones)
    shown = run_progress(job.run)
    return dataclasses.replace(
        shown, state_label=job.get_state_display(), result_url="",
        errors=shown.errors or error_rows(job, ERRORS_SHOWN), error_count=job.errors or shown.error_count,
        error_file_url=reverse("surveys:import_errors", args=[job.survey_id, job.pk]) if job.error_report else "",
        fix_url=job.survey.get_absolute_url() + "#import" if job.state in (S.REJECTED, S.FAILED) else "",
        retry_url=reverse("surveys:import_retry", args=[job.survey_id, job.pk]) if job.state == S.FAILED else "",
        status_url=reverse("surveys:import_progress", args=[job.survey_id, job.pk]))


@task(on_failure=_import_failed)
def run_import(job_id: int, run_id: str | None = None, language: str | None = None) -> None:
    """`run_id`: the job's run; an import queued before runs existed (no run_id) reports through the
    run migration 0010 gave it. Each bad row is described in `language`, the language of the page the
    file was sent from (the site's own when the job was queued without one)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        _run_import(job_id, run_id)


def _run_import(job_id: int, run_id: str | None) -> None:
    from sangtao.surveys import copy_import  # the staged file; it builds on this module

    job = ImportJob.objects.select_related("survey__version", "survey__rule").get(pk=job_id)
    path = Path(job.file.path)
    tracker = Tracker(run_id or str(job.run_id))
    tracker.begin()
    _move(job, "start")
    staged = None
    try:
        try:
            reader = _header(job, path)
            staged = copy_import.StagedFile(job, reader)
            copied = False
            if copy_import.applies(job):
                tracker.set_total(_estimated_rows(path))
                # A form COPY refuses is read row by row, which reports it row by row.
                copied = staged.load(path, tracker.advance)
            errors, count = (staged.errors(), staged.count) if copied else _validate(job, path, reader, staged,
                                                                                     tracker)
            if not errors and not count:  # a header alone: "0 imported" would read as if it went through
                raise InvalidInput(gettext_lazy("Tệp không có phiếu nào: chỉ có dòng tiêu đề."))
        except InvalidInput as refused:
            with transaction.atomic():
                _move(job, "reject")
                tracker.fail(job_text(refused.message))  # kept in no language: said in its reader's
            return
        tracker.set_total(count)
        if errors:
            for number, column, message in errors:
                tracker.error(number, column, message)
            job.error_report.save(f"errors-{job.pk}.csv", _error_report(errors), save=False)
            with transaction.atomic():
                _move(job, "reject", errors=len(errors), error_report=job.error_report.name)
                tracker.advance(count)
                tracker.fail(job_text(gettext_lazy("Tệp có %(n)s dòng lỗi; không dòng nào được nhập."), n=len(errors)))
            return
        writing = job_text(gettext_lazy("Tệp hợp lệ; đang ghi %(n)s dòng (tất cả hoặc không dòng nào)…"), n=count)
        tracker.advance(count, message=writing, force=True)
        # A failure here keeps nothing (the publishing transaction rolls back); _import_failed tells why.
        added, duplicates = _write(job, staged)
    finally:
        if staged:
            staged.drop()
    with transaction.atomic():
        record(job.created_by, "survey_import_done", job.survey, job=job.pk, added=added, duplicates=duplicates)
        _move(job, "finish", added=added, duplicates=duplicates)
        tracker.finish(job_text(gettext_lazy("Đã nhập %(added)s phiếu; %(dup)s phiếu đã có trước đó được bỏ qua."),
                                added=added, dup=duplicates))


@restarts(run_import)
def _restart(run, actor):
    """Running a failed import's run again is importing its file again, as a new import (retry_import)."""
    return retry_import(ImportJob.objects.select_related("survey").get(run=run), actor).run
