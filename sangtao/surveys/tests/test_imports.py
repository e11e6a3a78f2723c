"""Imports of paper and partner-system responses: validated, all or nothing, idempotent, resumable."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook

from conftest import SURVEY_WORLD, client_for, module_world, survey_world
from sangtao.core.errors import NotAllowed
from sangtao.surveys import copy_import, imports
from sangtao.surveys import ingest as ingest_module
from sangtao.surveys.imports import start_import
from sangtao.surveys.models import Aggregate, Answer, ImportJob, Measure, RespondentAggregate, Response

pytestmark = pytest.mark.django_db
# Every test here starts from the same survey, built once for the module.
globals().update(module_world(survey_world, SURVEY_WORLD))


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
    assert (job.state, job.added, job.run.total, job.run.done) == ("done", 120, 120, 120)
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


def test_unknown_columns_are_refused_before_reading_rows_in_the_readers_language(survey, dost, process_tasks):
    job = run(survey, dost, csv_file(survey, [], header=["response_id", "unit_code", "period", "XYZ"]), process_tasks)
    assert job.state == "rejected" and job.run.shown_message == "Cột không thuộc bộ câu hỏi: xyz."
    assert "Cột không thuộc bộ câu hỏi: xyz." in client_for(dost).get(job.run.get_absolute_url()).content.decode()
    assert "Columns not in the instrument: xyz." in client_for(dost).get(f"/en{job.run.get_absolute_url()}").content.decode()


def test_repeated_columns_are_refused(survey, dost, process_tasks):
    header = ["response_id", "unit_code", "period", "E1S", "e1s"]
    job = run(survey, dost, csv_file(survey, [], header=header), process_tasks)
    assert job.state == "rejected" and "E1S" in job.run.shown_message.upper()


def test_a_file_that_is_not_utf8_is_refused_with_a_reason(survey, dost, process_tasks):
    text = f"response_id,unit_code,period,E1S\nP-1,{survey.units.first().code},2026-Q1,5\nP-2,Phường Bến Thành,2026-Q1,5\n"
    job = run(survey, dost, SimpleUploadedFile("phieu.csv", text.encode("cp1258", errors="replace")), process_tasks)
    assert job.state == "rejected" and "UTF-8" in job.run.shown_message
    assert not Response.objects.exists()


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
    monkeypatch.setattr(copy_import, "applies", lambda job: False)  # the Python path, on either database
    real_apply = ingest_module.apply_deltas

    def dies(*args, **kwargs):
        assert Response.objects.filter(survey=survey).count() == 100  # written, not yet committed
        raise SystemError("worker killed")

    monkeypatch.setattr(ingest_module, "apply_deltas", dies)
    job = run(survey, dost, csv_file(survey, good_rows(survey, 100)), process_tasks)
    assert job.state == "failed"
    assert not Response.objects.exists() and not Aggregate.objects.exists()
    monkeypatch.setattr(ingest_module, "apply_deltas", real_apply)
    job = run(survey, dost, csv_file(survey, good_rows(survey, 100)), process_tasks)
    assert (job.state, job.added) == ("done", 100)


def test_while_writing_the_page_says_the_file_is_valid_and_being_written(survey, dost, process_tasks,
                                                                         monkeypatch):
    seen = []
    real_write = imports._write

    def write(job, *args):
        run = ImportJob.objects.select_related("run").get(pk=job.pk).run
        seen.append((run.shown_message, run.done, run.total))
        seen.append(client_for(dost).get(f"/surveys/{survey.pk}/imports/{job.pk}/").content.decode())
        return real_write(job, *args)

    monkeypatch.setattr(copy_import, "applies", lambda job: False)
    monkeypatch.setattr(imports, "_write", write)
    job = run(survey, dost, csv_file(survey, good_rows(survey, 12)), process_tasks)
    assert job.state == "done" and "đang ghi 12 dòng" in seen[0][0] and seen[0][1:] == (12, 12)
    assert "đang ghi 12 dòng" in seen[1] and "alert error" not in seen[1]


def test_an_import_writes_its_progress_in_batches_not_per_row(survey, dost, process_tasks, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(copy_import, "applies", lambda job: False)  # the row-by-row path, on either database
    counted = []
    for start, rows in ((0, 20), (1000, 400)):
        job = start_import(survey, dost, csv_file(survey, good_rows(survey, rows, start)), "paper")
        with CaptureQueriesContext(connection) as queries:
            process_tasks()
        job.refresh_from_db()
        assert (job.state, job.added, job.run.done, job.run.total) == ("done", rows, rows, rows)
        counted.append(len([q for q in queries.captured_queries if "core_jobrun" in q["sql"]]))
    assert counted[0] == counted[1]


def test_an_import_queued_before_runs_existed_reports_through_the_run_the_migration_gave_it(survey, dost):
    job = start_import(survey, dost, csv_file(survey, good_rows(survey, 3)), "paper")
    imports.run_import(job_id=job.pk)  # as such a queued job calls it: without run_id
    job.refresh_from_db()
    assert (job.state, job.added, job.run.state, job.run.done) == ("done", 3, "done", 3)


def test_only_managers_import(survey, outsider):
    with pytest.raises(NotAllowed):
        start_import(survey, outsider, csv_file(survey, []), "paper")
    assert not ImportJob.objects.exists()


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")


@postgresql_only
def test_a_postgresql_import_killed_after_writing_rows_keeps_nothing(survey, dost, process_tasks, monkeypatch):
    def dies(*args, **kwargs):
        assert Response.objects.filter(survey=survey).count() == 100  # written, not yet committed
        raise SystemError("worker killed")

    monkeypatch.setattr(ingest_module, "apply_deltas", dies)
    job = run(survey, dost, csv_file(survey, good_rows(survey, 100)), process_tasks)
    assert job.state == "failed"
    assert not Response.objects.exists() and not Answer.objects.exists() and not Aggregate.objects.exists()


def tricky_rows(survey):
    """Rows that exercise every rule: whitespace and decomposed Vietnamese around values, weights with
    commas, a response id repeated in the file, blank and text answers."""
    health, ward = (u.code for u in survey.units.order_by("pk")[:2])
    return [
        [" A-1 ", f" {health}\u00a0", "2026-Q1", "1,5", "5", "4", "", "3", "2", " Cho\u0302\u0300 lâu "],
        ["A-2", ward, "2026-Q2", "", "1", "5", "5", "5", "5", ""],
        ["A-1", ward, "2026-Q2", "2", "1", "1", "1", "1", "1", "lặp lại: bỏ qua"],
        ["A-3", ward, " 2026-Q2", ".5e1", "4", "4", "4", "4", "", ""],
    ]


def bad_rows(survey):
    health = survey.units.first().code
    return [
        ["", health, "2026-Q1", "", "5", "5", "5", "5", "5", ""],
        ["B" * 81, health, "2026-Q1", "", "5", "5", "5", "5", "5", ""],
        ["B-3", "00000", "2026-Q9", "", "9", "5", "5", "5", "5", ""],
        ["B-4", health, "2026-Q9", "x", "5", "5", "5", "5", "5", ""],
        ["B-5", health, "2026-Q1", "1e400", "5", "5", "5", "5", "5", ""],
        ["B-6", health, "2026-Q1", "nan", "5", "5", "5", "5", "5", ""],
        ["B-7", health, "2026-Q1", "-1", "5", "5", "5", "5", "5", ""],
        ["B-8", health, "2026-Q1", "0,0", "5", "5", "5", "5", "5", ""],
        ["B-9", health, "2026-Q1", "1", "5", "5", "5", "6", "0", ""],
        ["B-10", health, "2026-Q1", "1", "5", "5", "５", "5", "5", ""],
        ["B-11", health, "2026-Q1", "1", "5", "5", "5", "5", "4.0", "ổn"],
    ]


def both_paths(survey, dost, rows, process_tasks, monkeypatch):
    """Import the same file by the Python path, then (after removing what it wrote) by COPY."""
    codes = [i.code for i in survey.version.items.filter(measure=Measure.SATISFACTION)]
    header = ["response_id", "unit_code", "period", "weight", *codes, "Y_KIEN"]
    results = []
    for use_copy in (False, True):
        monkeypatch.setattr(copy_import, "applies", lambda job, use=use_copy: use)
        job = run(survey, dost, csv_file(survey, rows, header=header), process_tasks)
        report = job.error_report.read().decode("utf-8-sig") if job.error_report else ""
        stored = (sorted(Response.objects.values_list("external_id", "unit__code", "period__label", "weight", "scores")),
                  sorted(Answer.objects.values_list("response__external_id", "item__code", "text")),
                  sorted(Aggregate.objects.values_list("unit_id", "period_id", "item_id", "n", "total", "total_sq",
                                                       "satisfied", "w_sum", "w_satisfied", "w2_sum", "w2_satisfied")),
                  sorted(RespondentAggregate.objects.values_list("unit_id", "period_id", "element", "respondents",
                                                                 "w_sum", "wm", "wk", "ws", "w2_mm", "w2_kk")))
        results.append(((job.state, job.run.total, job.added, job.duplicates, job.errors, report), stored))
        Response.objects.all().delete()
        Aggregate.objects.all().delete()
        RespondentAggregate.objects.all().delete()
    return results


@postgresql_only
def test_the_copy_path_stores_exactly_what_the_python_path_stores(survey, dost, process_tasks, monkeypatch):
    by_python, by_copy = both_paths(survey, dost, tricky_rows(survey), process_tasks, monkeypatch)
    assert by_python[0][:5] == ("done", 4, 3, 1, 0)
    responses, answers, _items, _people = by_python[1]
    assert [r[0] for r in responses] == ["A-1", "A-2", "A-3"] and responses[0][3] == 1.5 and responses[2][3] == 5.0
    assert answers == [("A-1", "Y_KIEN", "Chồ lâu")]  # cleaned: NFC, whitespace off
    assert by_copy == by_python


@postgresql_only
def test_the_copy_path_reports_exactly_the_errors_the_python_path_reports(survey, dost, process_tasks, monkeypatch):
    by_python, by_copy = both_paths(survey, dost, bad_rows(survey), process_tasks, monkeypatch)
    assert by_python[0][0] == "rejected" and by_python[0][4] == 11
    report = list(csv.reader(io.StringIO(by_python[0][5])))
    assert [row[1] for row in report[1:]] == ["response_id", "response_id", "unit_code", "period", "weight",
                                              "weight", "weight", "weight", "E4S", "E3S", "E5S"]
    assert by_copy == by_python


@postgresql_only
def test_a_file_copy_refuses_falls_back_to_row_by_row_checks(survey, dost, process_tasks):
    rows = good_rows(survey, 5)
    rows[2] = rows[2][:3]  # a short row: COPY refuses the whole file
    job = run(survey, dost, csv_file(survey, rows), process_tasks)
    # The Python path reads a short row's missing cells as blank answers, as it always has.
    assert (job.state, job.added) == ("done", 5)
    assert sum(len(scores.replace("-", "")) for scores in Response.objects.values_list("scores", flat=True)) == 4 * 5


def test_an_import_that_crashes_shows_the_person_who_started_it_failed_and_why(survey, dost, process_tasks,
                                                                               monkeypatch):
    def crash(job, path):
        raise OSError("the disk is gone")

    monkeypatch.setattr(imports, "_header", crash)
    job = run(survey, dost, csv_file(survey, good_rows(survey, 3)), process_tasks)
    assert (job.state, job.run.state, job.run.message) == ("failed", "failed", "OSError: the disk is gone")
    page = client_for(dost).get(f"/surveys/{survey.pk}/imports/{job.pk}/").content.decode()
    assert "alert error" in page and "OSError: the disk is gone" in page


def test_bad_rows_are_described_in_the_language_of_the_page_the_file_was_sent_from(survey, dost, process_tasks):
    from django.utils import translation

    rows = good_rows(survey, 3)
    rows[1][1] = "99999"
    with translation.override("en"):  # sent from the English site
        english = start_import(survey, dost, csv_file(survey, rows), "paper")
    vietnamese = start_import(survey, dost, csv_file(survey, rows), "paper")
    process_tasks()  # a worker runs in the site's language, Vietnamese
    for job, words in ((english, "unit not in this survey"), (vietnamese, "đơn vị không thuộc khảo sát")):
        job.refresh_from_db()
        report = list(csv.reader(io.StringIO(job.error_report.read().decode("utf-8-sig"))))
        assert report[1:] == [["3", "unit_code", words]]
        page = client_for(dost).get(job.run.get_absolute_url()).content.decode()
        assert words in page and '<th scope="col">Cột</th>' in page  # a survey's row errors name their column


def test_an_empty_file_or_none_sent_to_the_import_page_is_said_as_such_in_the_readers_language(survey, dost):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import client_for

    client = client_for(dost)
    for prefix, empty, missing in (("", "Tập tin được gửi là rỗng.", "Chọn một tệp CSV hoặc Excel."),
                                   ("/en", "The submitted file is empty.", "Choose a CSV or Excel file.")):
        url = f"{prefix}/surveys/{survey.pk}/imports/"
        sent = client.post(url, {"source": "paper", "file": SimpleUploadedFile("phieu.csv", b"")}, follow=True)
        assert empty in sent.content.decode(), prefix
        assert missing in client.post(url, {"source": "paper"}, follow=True).content.decode(), prefix
    assert not ImportJob.objects.exists()


def test_a_file_with_only_its_header_is_refused_not_imported_as_nothing(survey, dost, process_tasks):
    job = run(survey, dost, csv_file(survey, []), process_tasks)
    assert job.state == "rejected" and job.added == 0
    assert str(job.run.shown_message) == "Tệp không có phiếu nào: chỉ có dòng tiêu đề."
