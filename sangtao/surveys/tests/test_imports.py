"""Imports of paper and partner-system responses: validated, all or nothing, idempotent, resumable."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from conftest import client_for
from sangtao.core.errors import NotAllowed
from sangtao.surveys import imports
from sangtao.surveys.imports import start_import
from sangtao.surveys.models import Aggregate, ImportJob, Measure, Response

pytestmark = pytest.mark.django_db


def csv_file(survey, rows, name="phieu.csv", header=None):
    codes = [i.code for i in survey.version.items.filter(measure=Measure.SATISFACTION)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or ["response_id", "unit_code", "period", *codes])
    for row in rows:
        writer.writerow(row)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def good_rows(survey, count, start=0):
    unit = survey.units.first().code
    return [[f"P-{n}", unit, "2026-Q1", *([str(4 + n % 2)] * 5)] for n in range(start, start + count)]


def run(survey, dost, upload, process_tasks):
    job = start_import(survey, dost, upload, "paper")
    process_tasks()
    job.refresh_from_db()
    return job


def test_a_clean_file_is_imported_with_its_statistics(survey, dost, process_tasks):
    job = run(survey, dost, csv_file(survey, good_rows(survey, 120)), process_tasks)
    assert (job.state, job.added, job.rows_total) == ("done", 120, 120)
    assert Response.objects.filter(survey=survey).count() == 120
    assert sum(Aggregate.objects.filter(survey=survey).values_list("n", flat=True)) == 600


def test_reimporting_the_same_file_adds_nothing(survey, dost, process_tasks):
    run(survey, dost, csv_file(survey, good_rows(survey, 50)), process_tasks)
    job = run(survey, dost, csv_file(survey, good_rows(survey, 60)), process_tasks)
    assert (job.added, job.duplicates) == (10, 50)
    assert Response.objects.count() == 60


def test_one_bad_row_rejects_the_whole_file_with_a_row_level_error_report(survey, dost, process_tasks):
    rows = good_rows(survey, 30)
    rows[7][3] = "7"
    rows[12][1] = "99999"
    job = run(survey, dost, csv_file(survey, rows), process_tasks)
    assert (job.state, job.errors) == ("rejected", 2)
    assert not Response.objects.exists() and not Aggregate.objects.exists()
    report = list(csv.reader(io.StringIO(job.error_report.read().decode("utf-8-sig"))))
    assert report[0] == ["row", "column", "error"]
    assert [r[:2] for r in report[1:]] == [["9", "E1S"], ["14", "unit_code"]]
    page = client_for(dost).get(f"/surveys/{survey.pk}/imports/{job.pk}/errors.csv")
    assert page.status_code == 200 and b"unit_code" in b"".join(page.streaming_content)


def test_unknown_columns_are_refused_before_reading_rows(survey, dost, process_tasks):
    job = run(survey, dost, csv_file(survey, [], header=["response_id", "unit_code", "period", "XYZ"]), process_tasks)
    assert job.state == "rejected" and "XYZ" in job.message.upper()


def test_an_excel_file_imports_like_a_csv(survey, dost, process_tasks):
    workbook = Workbook()
    sheet = workbook.active
    codes = [i.code for i in survey.version.items.filter(measure=Measure.SATISFACTION)]
    sheet.append(["response_id", "unit_code", "period", "weight", *codes])
    for n in range(25):
        sheet.append([f"X-{n}", survey.units.first().code, "2026-Q2", 1.5, *([5] * 5)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run(survey, dost, SimpleUploadedFile("phieu.xlsx", buffer.getvalue()), process_tasks)
    assert (job.state, job.added) == ("done", 25)
    assert Aggregate.objects.filter(survey=survey).first().w_sum == pytest.approx(37.5)


def test_an_import_killed_midway_keeps_nothing(survey, dost, process_tasks, monkeypatch):
    real_ingest = imports.ingest
    calls = []

    def dies_on_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise SystemError("worker killed")
        return real_ingest(*args, **kwargs)

    monkeypatch.setattr(imports, "ingest", dies_on_the_second_batch)
    monkeypatch.setattr(imports, "BATCH", 40)
    job = run(survey, dost, csv_file(survey, good_rows(survey, 100)), process_tasks)
    assert job.state == "failed"
    assert not Response.objects.exists() and not Aggregate.objects.exists()
    monkeypatch.setattr(imports, "ingest", real_ingest)
    job = run(survey, dost, csv_file(survey, good_rows(survey, 100)), process_tasks)
    assert (job.state, job.added) == ("done", 100)


def test_only_managers_import(survey, outsider):
    with pytest.raises(NotAllowed):
        start_import(survey, outsider, csv_file(survey, []), "paper")
    assert not ImportJob.objects.exists()
