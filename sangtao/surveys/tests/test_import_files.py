"""An import's file passes the upload checks before it is read: size, content, and for a spreadsheet
its unpacked size and rows; a file that cannot be read ends the job rejected with a message."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from sangtao.core.errors import InvalidInput
from sangtao.core.uploads import XLSX_MAX_ROWS
from sangtao.surveys.imports import start_import
from sangtao.surveys.models import Measure, Response

pytestmark = pytest.mark.django_db


def workbook_bytes(survey, rows=3) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    codes = [i.code for i in survey.version.items.filter(measure=Measure.SATISFACTION)]
    sheet.append(["response_id", "unit_code", "period", *codes])
    for n in range(rows):
        sheet.append([f"X-{n}", survey.units.first().code, "2026-Q2", *([5] * 5)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet(content: bytes, sheet_xml: bytes) -> bytes:
    """The same workbook with its first sheet's XML replaced."""
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for member in source.infolist():
            data = sheet_xml if member.filename == "xl/worksheets/sheet1.xml" else source.read(member)
            archive.writestr(member.filename, data)
    return target.getvalue()


def run(survey, dost, name, content, process_tasks):
    job = start_import(survey, dost, SimpleUploadedFile(name, content), "paper")
    process_tasks()
    job.refresh_from_db()
    return job


def test_a_zip_bomb_of_eight_million_rows_is_refused_before_it_is_read(survey, dost, process_tasks):
    rows = 8_000_000
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + b"<row/>" * rows + b"</sheetData></worksheet>")
    bomb = with_sheet(workbook_bytes(survey), sheet)
    assert len(bomb) < 1_000_000 < rows
    job = run(survey, dost, "bom.xlsx", bomb, process_tasks)
    assert job.state == "rejected" and f"{XLSX_MAX_ROWS}" in job.run.shown_message and job.run.finished_at
    assert not Response.objects.exists()


def test_a_spreadsheet_that_unpacks_beyond_the_limit_is_refused_with_both_sizes(survey, dost, process_tasks, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 20_000
    job = run(survey, dost, "phieu.xlsx", workbook_bytes(survey, rows=50), process_tasks)
    assert job.state == "rejected" and "giải nén" in job.run.shown_message and "19,5" in job.run.shown_message
    settings.IMPORT_MAX_UNPACKED_BYTES = 10_000_000
    assert run(survey, dost, "phieu.xlsx", workbook_bytes(survey, rows=50), process_tasks).state == "done"


@pytest.mark.parametrize(("content", "reason"), [
    (b"PK\x03\x04 not a zip at all", "không phải bảng tính Excel"),
    (b"response_id,unit_code\n", "không phải bảng tính Excel"),
    (None, "bị hỏng"),  # a real workbook whose sheet is not XML
])
def test_a_corrupt_spreadsheet_ends_the_job_rejected_with_a_message(survey, dost, process_tasks, content, reason):
    content = content or with_sheet(workbook_bytes(survey), b"<worksheet><sheetData><row><c")
    job = run(survey, dost, "phieu.xlsx", content, process_tasks)
    assert (job.state, job.run.finished_at is not None) == ("rejected", True)
    assert reason in job.run.shown_message and "phieu.xlsx" in job.run.shown_message
    with translation.override("en"):  # refused by a worker in Vietnamese, read on the English site
        assert "phieu.xlsx" in job.run.shown_message and reason not in job.run.shown_message


def test_an_import_larger_than_the_limit_is_refused_at_upload(survey, dost, settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(InvalidInput) as refused:
        start_import(survey, dost, SimpleUploadedFile("phieu.csv", b"response_id," * 20), "paper")
    assert "phieu.csv" in str(refused.value.message) and not survey.imports.exists()
    with pytest.raises(InvalidInput):
        start_import(survey, dost, SimpleUploadedFile("phieu.csv", b""), "paper")


def test_a_nul_character_in_a_cell_is_a_row_error(survey, dost, process_tasks):
    unit = survey.units.first().code
    content = f"response_id,unit_code,period\nP-1,{unit},2026-Q1\nP-\x002,{unit},2026-Q1\n".encode()
    job = run(survey, dost, "phieu.csv", content, process_tasks)
    assert (job.state, job.errors) == ("rejected", 1)
    assert b"response_id" in job.error_report.read()
