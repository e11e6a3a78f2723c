"""Public answers and API batches never wait for an import of the same survey, and nothing is lost
or counted twice when they interleave with it; a survey's export imported into it adds nothing."""

import csv
import io
import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from conftest import ApiClient, client_for
from sangtao.surveys import copy_import, services
from sangtao.surveys import ingest as ingest_module
from sangtao.surveys.imports import start_import
from sangtao.surveys.ingest import recompute
from sangtao.surveys.models import Aggregate, ImportJob, Measure, RespondentAggregate, Response, Survey
from sangtao.surveys.tests.test_imports import csv_file, good_rows


def web_answer(survey) -> None:
    values = {item.pk: 5 for item in survey.version.items.filter(measure=Measure.SATISFACTION)}
    services.respond(Survey.objects.get(pk=survey.pk), unit_id=survey.units.first().pk, values=values, consent=True)


def api_batch(survey, dost, ids) -> dict:
    from sangtao.accounts.models import ApiToken

    _token, raw = ApiToken.issue(dost, "hệ thống đánh giá")
    item = survey.version.items.filter(measure=Measure.SATISFACTION).first()
    batch = {"responses": [{"response_id": response_id, "unit_code": survey.units.first().code, "period": "2026-Q1",
                            "answers": {item.code: 2}} for response_id in ids]}
    reply = ApiClient(token=raw).post(f"/surveys/{survey.pk}/responses", batch)
    assert reply.status_code == 200, reply.content
    return reply.json()


def sums(survey) -> tuple[list, list]:
    items = sorted(Aggregate.objects.filter(survey=survey).values_list(
        "unit_id", "period_id", "item_id", "n", "total", "total_sq", "satisfied", "w_sum", "w2_sum"))
    people = sorted(RespondentAggregate.objects.filter(survey=survey).values_list(
        "unit_id", "period_id", "element", "respondents", "w_sum", "wm", "wk", "ws", "w2_mm", "w2_kk"))
    return items, people


def assert_counted_once(survey) -> None:
    """The kept sums and count equal a full recompute from the stored responses."""
    kept = sums(survey), Survey.objects.get(pk=survey.pk).response_count
    recompute(Survey.objects.get(pk=survey.pk))
    assert kept == (sums(survey), Response.objects.filter(survey=survey).count())


@pytest.mark.django_db
def test_answers_and_batches_that_arrive_while_a_file_is_staged_are_counted_once_with_it(open_survey, survey, dost,
                                                                                          process_tasks, monkeypatch):
    """Between staging (checked, not yet stored) and publishing: a web answer, and an API batch that
    stores one of the file's ids first. The file adds the rest; each response is counted once."""
    real_publish = copy_import.publish
    meanwhile = []

    def answers_arrive_then_publish(*args, **kwargs):
        web_answer(survey)
        meanwhile.append(api_batch(survey, dost, ["P-3", "API-1"]))
        return real_publish(*args, **kwargs)

    monkeypatch.setattr(copy_import, "publish", answers_arrive_then_publish)
    job = start_import(survey, dost, csv_file(survey, good_rows(survey, 30)), "paper")
    process_tasks()
    job.refresh_from_db()
    assert meanwhile == [{"added": 2, "duplicates": 0}]
    assert (job.state, job.added, job.duplicates) == ("done", 29, 1)
    assert Response.objects.filter(survey=survey).count() == 32
    assert Response.objects.get(survey=survey, external_id="P-3").source == "api"  # stored first: the batch's
    assert_counted_once(survey)


@pytest.mark.django_db
def test_a_survey_export_imported_into_the_same_survey_adds_nothing(open_survey, survey, dost, process_tasks):
    web_answer(survey)
    web_answer(survey)
    start_import(survey, dost, csv_file(survey, good_rows(survey, 5)), "paper")
    process_tasks()
    api_batch(survey, dost, ["API-1"])
    before = sums(survey)
    export = client_for(dost).get(f"/surveys/{survey.pk}/responses.csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 8 and all(row[0] for row in rows[1:])  # every response carries its id
    job = start_import(survey, dost, SimpleUploadedFile("xuat.csv", export_bytes(rows)), "import")
    process_tasks()
    job.refresh_from_db()
    assert (job.state, job.added, job.duplicates) == ("done", 0, 8)
    assert Response.objects.filter(survey=survey).count() == 8 and sums(survey) == before


@pytest.mark.django_db
def test_web_answers_batches_and_imports_count_responses_without_writing_the_surveys_row(open_survey, survey, dost,
                                                                                          process_tasks):
    """Each write of the survey's row makes a version of it that stays while an import's transaction
    is open, and the foreign-key check of every row the import inserts walks them all: with the count
    on that row, answers arriving at 5/s made a 1M-row import take 846 s instead of about 60."""
    with CaptureQueriesContext(connection) as queries:
        web_answer(survey)
        api_batch(survey, dost, ["API-1", "API-2"])
        start_import(survey, dost, csv_file(survey, good_rows(survey, 20)), "paper")
        process_tasks()
    survey_writes = [q["sql"] for q in queries if re.match(r'\s*(UPDATE|INSERT INTO)\s+"?surveys_survey"?\s', q["sql"])
                     and not q["sql"].endswith("WHERE id = 0")]  # SQLite's write lock: an update of no row
    assert survey_writes == []
    assert Survey.objects.get(pk=survey.pk).response_count == 23 == Response.objects.filter(survey=survey).count()
    assert_counted_once(survey)


def export_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite has one writer: the publishing transaction (a copy of checked rows) holds it")
def test_a_web_answer_and_a_batch_go_through_while_an_import_holds_its_rows_uncommitted(open_survey,
                                                                                          survey, dost, monkeypatch):
    """PostgreSQL, real connections: the import has inserted its rows (not committed) and waits
    before adding its sums; a web answer and an API batch to the same survey finish
    meanwhile, without waiting for it (a lock wait of 5 s fails them), and all is counted once."""
    from sangtao.surveys.imports import run_import

    inserted, release = threading.Event(), threading.Event()
    real_add_sums = ingest_module.add_sums

    def pause_before_adding_sums(*args):
        if threading.current_thread().name == "import":
            inserted.set()
            release.wait(30)
        real_add_sums(*args)

    monkeypatch.setattr(ingest_module, "add_sums", pause_before_adding_sums)
    job = start_import(survey, dost, csv_file(survey, good_rows(survey, 200)), "paper")
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING)
    failures, replies = [], []

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as error:  # noqa: BLE001 -- reported by the assertion below
                failures.append(error)
            finally:
                connections.close_all()
        return run

    importer = threading.Thread(target=in_thread(lambda: run_import(run_id=str(job.run_id), job_id=job.pk)), name="import")
    importer.start()
    assert inserted.wait(30)

    def answer_without_waiting():
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
        web_answer(survey)
        replies.append(api_batch(survey, dost, ["API-1", "API-2"]))

    answering = threading.Thread(target=in_thread(answer_without_waiting))
    answering.start()
    answering.join(30)
    done_meanwhile = not answering.is_alive() and not failures
    release.set()
    importer.join(30)
    assert done_meanwhile and failures == [] and replies == [{"added": 2, "duplicates": 0}]
    job.refresh_from_db()
    assert (job.state, job.added) == ("done", 200)
    assert Response.objects.filter(survey=survey).count() == 203
    assert_counted_once(survey)
