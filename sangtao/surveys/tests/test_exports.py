"""A survey's responses as a streamed CSV in the import format, and its free-text answers page."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import SURVEY_WORLD, client_for, module_world, survey_world
from sangtao.surveys import exports, services
from sangtao.surveys.imports import start_import
from sangtao.surveys.indices import index_cells
from sangtao.surveys.ingest import Incoming, ingest, scale_items
from sangtao.surveys.models import Answer, Measure, Response, Source

pytestmark = pytest.mark.django_db
# Every test here starts from the same survey, built once for the module.
globals().update(module_world(survey_world, SURVEY_WORLD))


def fill(survey, count: int, start: int = 0) -> None:
    """Web responses (no id, some with a follow-up e-mail) and imported ones (ids, weights), with text."""
    items = scale_items(survey.version_id)
    text = survey.version.items.get(measure=Measure.TEXT)
    units, periods = list(survey.units.all()), list(survey.periods.all())
    for n in range(start, start + count):
        values = {item.pk: 1 + (n * 7 + slot) % 5 for slot, item in enumerate(items) if (n + slot) % 4}
        web = n % 2 == 0
        ingest(survey, [Incoming(units[n % 3].pk, periods[n % 4].pk, values,
                                 texts={text.pk: f"Ý kiến số {n}"} if n % 3 == 0 else {},
                                 external_id=None if web else f"G-{n}", weight=1.0 if web else 0.5 + n % 3,
                                 follow_up_email="nguoi.dan@example.vn" if n == 0 else "")],
               Source.WEB if web else Source.PAPER)


def download(survey, user) -> list[list[str]]:
    response = client_for(user).get(f"/surveys/{survey.pk}/responses.csv")
    assert response.status_code == 200 and response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_export_imports_into_another_survey_with_the_same_indices_and_answers(survey, dost, process_tasks):
    fill(survey, 40)
    rows = download(survey, dost)
    assert rows[0][:4] == ["response_id", "unit_code", "period", "weight"] and len(rows) == 41
    assert "nguoi.dan@example.vn" not in str(rows)  # follow-up e-mails never leave the survey
    copy = services.create_survey(dost, name="Bản sao", version=survey.version, service=survey.service,
                                  units=list(survey.units.all()),
                                  periods=[(p.label, p.starts_on, p.ends_on) for p in survey.periods.all()])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    start_import(copy, dost, SimpleUploadedFile("phieu.csv", buffer.getvalue().encode()), "import")
    process_tasks()
    assert Response.objects.filter(survey=copy).count() == 40
    assert sorted(Response.objects.filter(survey=copy).values_list("scores", "weight")) == sorted(
        Response.objects.filter(survey=survey).values_list("scores", "weight"))
    assert sorted(Answer.objects.filter(response__survey=copy).values_list("text", flat=True)) == sorted(
        Answer.objects.filter(response__survey=survey).values_list("text", flat=True))

    def by_label(target):
        units = {u.pk: u.code for u in target.units.all()}
        periods = {p.pk: p.label for p in target.periods.all()}
        return {(units[u], periods[p], e): (cell.n, cell.satisfied, cell.share, cell.mean)
                for (u, p, e), cell in index_cells(target).items()}

    assert by_label(copy) == by_label(survey)


def test_the_export_reads_a_chunk_at_a_time(survey, dost, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 10)
    fill(survey, 25)
    with CaptureQueriesContext(connection) as few:
        assert len(download(survey, dost)) == 26
    fill(survey, 25, start=25)
    with CaptureQueriesContext(connection) as more:
        assert len(download(survey, dost)) == 51
    # Two queries (responses, their texts) per chunk of ten: 25 rows make three chunks, 50 make five.
    assert len(more) - len(few) == 4


@pytest.mark.parametrize(("role", "allowed"), [
    ("dost", True), ("officer", True), ("leader", True), ("other_unit_officer", False), ("expert", False),
    ("solver", False), ("outsider", False), ("anonymous", False)])
def test_only_the_surveys_managers_get_its_responses_and_comments(survey, roles, role, allowed):
    fill(survey, 3)
    client = client_for(roles[role])
    for url in (f"/surveys/{survey.pk}/responses.csv", f"/surveys/{survey.pk}/comments/"):
        status = client.get(url).status_code
        assert status == (200 if allowed else 302 if role == "anonymous" else 404), (role, url)


def test_comments_are_listed_newest_first_and_filtered_by_unit_and_period(survey, dost):
    client = client_for(dost)
    assert "Chưa có ý kiến nào." in client.get(f"/surveys/{survey.pk}/comments/").content.decode()
    fill(survey, 24)  # comments from responses 0, 3, ..., 21: unit n % 3, period n % 4
    page = client.get(f"/surveys/{survey.pk}/comments/").content.decode()
    assert page.index("Ý kiến số 21") < page.index("Ý kiến số 3") and "8 ý kiến" in page
    assert "mailto:nguoi.dan@example.vn" in page  # left by the respondent to be contacted
    unit = list(survey.units.all())[0]
    period = list(survey.periods.all())[0]
    filtered = client.get(f"/surveys/{survey.pk}/comments/", {"unit": unit.pk, "period": period.pk}).content.decode()
    assert "Ý kiến số 0" in filtered and "Ý kiến số 12" in filtered and "Ý kiến số 3" not in filtered
    assert "2 ý kiến" in filtered
    silent = list(survey.units.all())[1]  # its responses (n % 3 == 1) left no comment
    empty = client.get(f"/surveys/{survey.pk}/comments/", {"unit": silent.pk}).content.decode()
    assert "Không có ý kiến nào cho lựa chọn này." in empty


def test_formula_like_answers_and_ids_are_quoted_in_the_export_and_import_back_unchanged(survey, dost, process_tasks):
    text = survey.version.items.get(measure=Measure.TEXT)
    unit, period = survey.units.first(), survey.periods.first()
    hostile = ["=1+1", "-nguy hiểm", "'@đã có dấu nháy", "+84 90"]
    ingest(survey, [Incoming(unit.pk, period.pk, {}, texts={text.pk: value}, external_id=f"-{n}", weight=1.0)
                    for n, value in enumerate(hostile)], Source.PAPER)
    rows = download(survey, dost)
    assert [row[0] for row in rows[1:]] == ["'-0", "'-1", "'-2", "'-3"]
    assert {row[-1] for row in rows[1:]} == {"'" + value for value in hostile}
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    content = buffer.getvalue().encode()
    again = start_import(survey, dost, SimpleUploadedFile("phieu.csv", content), "import")
    copy = services.create_survey(dost, name="Bản sao", version=survey.version, service=survey.service,
                                  units=list(survey.units.all()),
                                  periods=[(p.label, p.starts_on, p.ends_on) for p in survey.periods.all()])
    other = start_import(copy, dost, SimpleUploadedFile("phieu.csv", content), "import")
    process_tasks()
    again.refresh_from_db()
    other.refresh_from_db()
    assert (again.state, again.added, again.duplicates) == ("done", 0, 4)
    assert other.state == "done"
    assert sorted(Response.objects.filter(survey=copy).values_list("external_id", flat=True)) == ["-0", "-1", "-2", "-3"]
    assert sorted(Answer.objects.filter(response__survey=copy).values_list("text", flat=True)) == sorted(hostile)


def test_each_view_of_a_respondents_follow_up_email_is_in_the_personal_data_read_log(survey, dost):
    from sangtao.privacy.models import PersonalDataRead, ReadKind

    fill(survey, 6)  # response 0 left an e-mail and a comment; 3 left a comment only
    client_for(dost).get(f"/surveys/{survey.pk}/comments/")
    read = PersonalDataRead.objects.get()
    assert (read.reader, read.kind, read.subject_label, read.object_type) == (
        dost, ReadKind.SURVEY_EMAIL, "nguoi.dan@example.vn", "surveys.response")
    client_for(dost).get(f"/surveys/{survey.pk}/comments/", {"unit": list(survey.units.all())[1].pk})
    assert PersonalDataRead.objects.count() == 1  # a page without an e-mail logs nothing
    log = client_for(dost).get("/en/privacy/reads/").content.decode()
    assert "nguoi.dan@example.vn" in log and "Reading survey respondents&#x27; comments" in log
