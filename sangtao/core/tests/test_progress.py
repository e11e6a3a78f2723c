"""Long jobs report their progress one way: a run records done/total and its errors; one status page
(and its JSON) shows a determinate bar with formatted counts, then the errors, the file and a retry."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import assert_move_matrix, client_for, move_table_test
from sangtao.core import progress, taskbackend
from sangtao.core.models import JobRun
from sangtao.surveys import exports, services
from sangtao.surveys.imports import start_import
from sangtao.surveys.models import ImportJob, Measure
from sangtao.surveys.tests.test_exports import download, fill

pytestmark = pytest.mark.django_db


def test_counts_are_grouped_the_way_each_language_writes_them():
    from django.utils import translation

    bar = progress.Progress(state_label="", running=True, succeeded=False, done=1234567, total=2000000)
    with translation.override("vi"):
        assert bar.counts == "1.234.567 / 2.000.000"
    with translation.override("en"):
        assert bar.counts == "1,234,567 / 2,000,000"
    assert bar.percent == 61
    assert progress.Progress(state_label="", running=True, succeeded=False, done=5, total=None).percent == 0
    assert progress.Progress(state_label="", running=False, succeeded=True, done=5, total=9).percent == 100
    # A failed job's bar stops where the job did (a job Redis never took: empty, not full).
    assert progress.Progress(state_label="", running=False, succeeded=False, done=3, total=10).percent == 30
    assert progress.Progress(state_label="", running=False, succeeded=False, done=0, total=None).percent == 0


def test_a_background_export_shows_its_progress_then_offers_the_same_file_as_the_stream(survey, dost, officer,
                                                                                        process_tasks):
    fill(survey, 7)
    survey.refresh_from_db()
    page = client_for(dost).post(f"/surveys/{survey.pk}/responses/export/")
    run = JobRun.objects.get()
    assert page.status_code == 302 and page.url == run.get_absolute_url()
    waiting = client_for(dost).get(run.get_absolute_url()).content.decode()
    assert 'data-progress-url="' in waiting and "<noscript><meta http-equiv=\"refresh\"" in waiting
    assert 'value="0"' in waiting and "0 / 7" in waiting and "progress.js" in waiting
    assert json.loads(client_for(dost).get(f"/jobs/{run.pk}/progress.json").content) == {
        "state": "Đang chờ", "running": True, "succeeded": False, "done": 0, "total": 7, "percent": 0,
        "counts": "0 / 7", "message": "", "error_count": 0}
    for other in (officer, None):  # only the person who started it sees the run
        for url in (run.get_absolute_url(), f"/jobs/{run.pk}/progress.json", f"/jobs/{run.pk}/result/"):
            assert client_for(other).get(url).status_code in (404, 302)
    process_tasks()
    run.refresh_from_db()
    assert (run.state, run.done, run.total, run.shown_message) == ("done", 7, 7, "Đã xuất 7 phiếu.")
    finished = client_for(dost).get(run.get_absolute_url()).content.decode()
    assert "data-progress-url" not in finished and "refresh" not in finished and 'value="100"' in finished
    result = client_for(dost).get(f"/jobs/{run.pk}/result/")
    rows = list(csv.reader(io.StringIO(b"".join(result.streaming_content).decode("utf-8-sig"))))
    assert rows == download(survey, dost)
    assert client_for(officer).get(f"/jobs/{run.pk}/result/").status_code == 404


def test_a_failed_export_says_why_and_runs_again_on_request(survey, dost, process_tasks, monkeypatch):
    fill(survey, 3)

    def broken(survey):
        raise OSError("the disk is full")

    monkeypatch.setattr(exports, "response_rows", broken)
    run = services.export_responses(survey, dost)
    process_tasks()
    run.refresh_from_db()
    assert run.state == "failed" and "the disk is full" in run.message
    page = client_for(dost).get(run.get_absolute_url()).content.decode()
    assert "alert error" in page and "the disk is full" in page and f"/jobs/{run.pk}/retry/" in page
    monkeypatch.undo()
    again = client_for(dost).post(f"/jobs/{run.pk}/retry/")
    second = JobRun.objects.exclude(pk=run.pk).get()
    assert again.url == second.get_absolute_url() and second.arguments == run.arguments
    process_tasks()
    second.refresh_from_db()
    assert second.state == "done" and second.done == 3
    assert client_for(dost).post(f"/jobs/{second.pk}/retry/").status_code == 302  # refused: it did not fail
    assert JobRun.objects.count() == 2


def test_a_job_started_on_the_vietnamese_site_reads_in_the_language_of_the_page_that_shows_it(survey, dost,
                                                                                              process_tasks):
    """Its title, the stage under its bar and how it ended: on its page, in its JSON and on its starter's home."""
    from django.utils import translation
    from django.utils.translation import gettext_lazy as _

    fill(survey, 3)
    person = client_for(dost)
    person.post(f"/surveys/{survey.pk}/responses/export/")
    run = JobRun.objects.get()
    with translation.override("vi"):  # as a worker tells it
        progress.Tracker(str(run.pk)).advance(1, message=_("Ghi tệp"), force=True)
    english, vietnamese = f"Responses export: {survey.name}", f"Xuất phiếu: {survey.name}"
    page = person.get(f"/en/jobs/{run.pk}/").content.decode()
    assert f"<h1>{english}</h1>" in page and "Writing the file" in page and "Ghi tệp" not in page
    assert run.back_url.startswith("/surveys/") and f'<a href="/en{run.back_url}">Back</a>' in page  # in /en/ too
    assert json.loads(person.get(f"/en/jobs/{run.pk}/progress.json").content)["message"] == "Writing the file"
    assert f"“{english}” is running" in person.get("/en/my-work/").content.decode()
    process_tasks()
    page = person.get(f"/en/jobs/{run.pk}/").content.decode()
    assert f"<h1>{english}</h1>" in page and "Responses exported: 3." in page and vietnamese not in page
    assert json.loads(person.get(f"/en/jobs/{run.pk}/progress.json").content)["message"] == "Responses exported: 3."
    assert f"“{english}” has finished" in person.get("/en/my-work/").content.decode()
    page = person.get(f"/jobs/{run.pk}/").content.decode()
    assert f"<h1>{vietnamese}</h1>" in page and "Đã xuất 3 phiếu." in page and english not in page
    assert json.loads(person.get(f"/jobs/{run.pk}/progress.json").content)["message"] == "Đã xuất 3 phiếu."
    assert f"«{vietnamese}» đã hoàn tất" in person.get("/my-work/").content.decode()


def test_a_failed_job_run_again_from_the_english_site_keeps_its_title_in_no_language(survey, dost, process_tasks,
                                                                                    monkeypatch):
    def broken(survey):
        raise OSError("the disk is full")

    monkeypatch.setattr(exports, "response_rows", broken)
    run = services.export_responses(survey, dost)
    process_tasks()
    monkeypatch.undo()
    person = client_for(dost)
    assert "OSError: the disk is full" in person.get(f"/en/jobs/{run.pk}/").content.decode()  # its own words
    person.post(f"/en/jobs/{run.pk}/retry/")
    second = JobRun.objects.exclude(pk=run.pk).get()
    assert (second.title, second.title_args) == ("Xuất phiếu: %(name)s", {"name": survey.name})
    assert f"<h1>Xuất phiếu: {survey.name}</h1>" in person.get(f"/jobs/{second.pk}/").content.decode()
    assert f"<h1>Responses export: {survey.name}</h1>" in person.get(f"/en/jobs/{second.pk}/").content.decode()


def test_what_fills_a_placeholder_is_shown_as_written_never_read_as_a_placeholder(survey, dost, process_tasks):
    survey.name = "Khảo sát 100% «%(name)s» %s"
    survey.save()
    run = services.export_responses(survey, dost)
    process_tasks()
    person = client_for(dost)
    english = person.get(f"/en/jobs/{run.pk}/").content.decode()
    assert "<h1>Responses export: Khảo sát 100% «%(name)s» %s</h1>" in english
    assert "<h1>Xuất phiếu: Khảo sát 100% «%(name)s» %s</h1>" in person.get(f"/jobs/{run.pk}/").content.decode()
    assert "“Responses export: Khảo sát 100% «%(name)s» %s” has finished" in person.get("/en/my-work/").content.decode()


def test_a_translation_already_made_is_refused_where_values_are_to_be_filled_in_when_the_run_is_shown():
    from django.utils.translation import gettext, gettext_lazy

    with pytest.raises(TypeError):  # made in whatever language was active: its msgid is lost
        progress.job_text(gettext("Xuất phiếu: %(name)s"), name="x")
    assert progress.job_text(gettext_lazy("Xuất phiếu: %(name)s"), name="x") == ("Xuất phiếu: %(name)s", {"name": "x"})
    assert progress.job_text("OSError: the disk is full") == ("OSError: the disk is full", {})


def test_a_run_kept_before_its_words_were_kept_apart_shows_them_as_they_were_written(dost):
    """Its title and message are in the language it was started in, with no arguments: a `%` in them stays."""
    run = JobRun.objects.create(kind="x", title="Xuất phiếu: 100% «%(name)s»", message="Đã xuất 7 phiếu (5%).",
                                state="done", created_by=dost)
    person = client_for(dost)
    for prefix in ("", "/en"):
        page = person.get(f"{prefix}/jobs/{run.pk}/").content.decode()
        assert "<h1>Xuất phiếu: 100% «%(name)s»</h1>" in page and "Đã xuất 7 phiếu (5%)." in page
        assert json.loads(person.get(f"{prefix}/jobs/{run.pk}/progress.json").content)["message"] == \
            "Đã xuất 7 phiếu (5%)."
        assert "Xuất phiếu: 100% «%(name)s»" in person.get(f"{prefix}/my-work/").content.decode()


def test_the_tracker_keeps_the_first_errors_counts_them_all_and_writes_at_most_every_interval(dost):
    run = JobRun.objects.create(kind="x", title="Báo cáo", created_by=dost)
    tracker = progress.Tracker(str(run.pk), every=3600)
    tracker.begin(total=500)
    for row in range(1, 151):
        tracker.error(row, "unit_code", "Không có đơn vị này.")
    tracker.advance(10, force=True)
    tracker.advance(20)  # within the interval: not written
    run.refresh_from_db()
    assert (run.state, run.done, run.total, run.error_count, len(run.errors)) == ("running", 10, 500, 150, 100)
    tracker.advance(500)
    tracker.finish("Xong, có lỗi.")
    run.refresh_from_db()
    assert (run.state, run.done, run.error_count) == ("done", 500, 150)
    shown = progress.progress_of(run)
    assert len(shown.errors) == progress.ERRORS_SHOWN and shown.more_errors == 130

JOB_RUN_ALLOWED = move_table_test("job_run", {"start": set(), "finish": set(), "fail": set()})


def test_only_the_platform_moves_a_run(dost, roles):
    run = JobRun.objects.create(kind="x", title="Báo cáo", created_by=dost)
    assert assert_move_matrix(run, roles, JOB_RUN_ALLOWED) == 0


def _csv(survey, rows):
    codes = [item.code for item in survey.version.items.filter(measure=Measure.SATISFACTION)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["response_id", "unit_code", "period", *codes], *rows])
    return SimpleUploadedFile("phieu.csv", buffer.getvalue().encode(), content_type="text/csv")


def test_a_rejected_import_lists_its_first_errors_and_where_to_send_the_fixed_file(survey, dost, process_tasks):
    unit = survey.units.first().code
    job = start_import(survey, dost, _csv(survey, [["A", unit, "2026-Q1", "4", "4", "4", "4", "4"],
                                                   ["B", "KHONG-CO", "2026-Q1", "4", "4", "4", "4", "9"]]), "paper")
    process_tasks()
    job.refresh_from_db()
    assert job.state == "rejected"
    page = client_for(dost).get(f"/surveys/{survey.pk}/imports/{job.pk}/").content.decode()
    assert "<table>" in page and "KHONG-CO" in page or "unit_code" in page
    assert f'href="{survey.get_absolute_url()}#import"' in page and "errors.csv" in page and "/retry/" not in page
    state = json.loads(client_for(dost).get(f"/surveys/{survey.pk}/imports/{job.pk}/progress.json").content)
    assert (state["running"], state["percent"], state["error_count"]) == (False, 100, job.errors)


def test_an_import_tells_its_progress_and_rejection_through_its_run_on_its_starters_home(survey, dost, officer,
                                                                                        process_tasks):
    from sangtao.core.workitems import work_for

    unit = survey.units.first().code
    job = start_import(survey, dost, _csv(survey, [["A", unit, "2026-Q1", "4", "4", "4", "4", "4"],
                                                   ["B", "KHONG-CO", "2026-Q1", "4", "4", "4", "4", "9"]]), "paper")
    assert (job.run.state, job.run.created_by, job.run.arguments) == ("queued", dost, {"job_id": job.pk, "language": "vi"})
    process_tasks()
    job.refresh_from_db()
    run = job.run
    assert (job.state, run.state, run.done, run.total, run.error_count) == ("rejected", "failed", 2, 2, 1)
    assert [(e["row"], e["column"]) for e in run.errors] == [(3, "unit_code")] and "1 dòng lỗi" in run.shown_message
    [item] = [i for i in work_for(dost) if i.kind.startswith("core.job")]
    assert (item.kind, item.url, item.action_needed) == ("core.job_failed", run.get_absolute_url(), True)
    assert "phieu.csv" in str(item.title) and not [i for i in work_for(dost) if i.kind.startswith("surveys.")]
    page = client_for(dost).get(run.get_absolute_url()).content.decode()
    assert "KHONG-CO" not in page and "unit_code" in page and f"/surveys/{survey.pk}/imports/{job.pk}/" in page
    assert client_for(officer).get(run.get_absolute_url()).status_code == 404  # the run is its starter's
    refused = client_for(dost).post(f"/jobs/{run.pk}/retry/", follow=True).content.decode()
    assert "sửa tệp rồi nhập lại" in refused and ImportJob.objects.count() == JobRun.objects.count() == 1


def test_an_import_that_failed_for_the_system_is_run_again_from_its_file(survey, dost, process_tasks, monkeypatch):
    from sangtao.surveys import imports

    unit = survey.units.first().code

    def crash(job, path):
        raise OSError("the disk is gone")

    monkeypatch.setattr(imports, "_header", crash)
    job = start_import(survey, dost, _csv(survey, [["A", unit, "2026-Q1", "4", "4", "4", "4", "4"]]), "paper")
    process_tasks()
    job.refresh_from_db()
    assert job.state == "failed"
    page = client_for(dost).get(f"/surveys/{survey.pk}/imports/{job.pk}/").content.decode()
    assert f"/surveys/{survey.pk}/imports/{job.pk}/retry/" in page
    assert (job.run.state, job.run.message) == ("failed", "OSError: the disk is gone")
    monkeypatch.undo()
    client_for(dost).post(f"/surveys/{survey.pk}/imports/{job.pk}/retry/")
    again = ImportJob.objects.exclude(pk=job.pk).get()
    process_tasks()
    again.refresh_from_db()
    assert (again.state, again.added, again.file.name) == ("done", 1, job.file.name)
    assert (again.run.state, again.run.done, again.run.total, again.run_id != job.run_id) == ("done", 1, 1, True)


def test_an_import_failed_for_the_system_runs_again_from_its_starters_job_page_as_a_new_import(
        survey, dost, process_tasks, monkeypatch):
    from sangtao.core.workitems import work_for
    from sangtao.surveys import imports

    def crash(job, path):
        raise OSError("the disk is gone")

    monkeypatch.setattr(imports, "_header", crash)
    job = start_import(survey, dost, _csv(survey, [["A", survey.units.first().code, "2026-Q1", "4", "4", "4", "4",
                                                    "4"]]), "paper")
    process_tasks()
    [item] = [i for i in work_for(dost) if i.kind.startswith("core.job")]
    assert (item.kind, item.url) == ("core.job_failed", job.run.get_absolute_url())
    monkeypatch.undo()
    again_page = client_for(dost).post(f"/jobs/{job.run_id}/retry/")
    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert again_page.url == again.run.get_absolute_url() and again.file.name == job.file.name
    process_tasks()
    again.refresh_from_db()
    assert (again.state, again.added, again.run.state) == ("done", 1, "done")
    assert ImportJob.objects.get(pk=job.pk).state == "failed"  # the failed import stays as it ended


def test_a_finished_export_is_a_line_on_its_starters_home_linking_to_the_job(survey, dost, officer, process_tasks):
    from sangtao.core.workitems import work_for

    fill(survey, 2)
    run = services.export_responses(survey, dost)
    [running] = [item for item in work_for(dost) if item.kind.startswith("core.job")]
    assert (running.kind, running.url, running.action_needed) == ("core.job_queued", run.get_absolute_url(), False)
    process_tasks()
    [done] = [item for item in work_for(dost) if item.kind.startswith("core.job")]
    assert done.kind == "core.job_done" and done.url == run.get_absolute_url() and survey.name in str(done.title)
    assert run.get_absolute_url() in client_for(dost).get("/my-work/").content.decode()
    assert not [item for item in work_for(officer) if item.kind.startswith("core.job")]  # only its starter's


def test_jobs_ended_over_a_week_ago_leave_the_home_and_at_most_ten_are_listed(dost):
    import datetime

    from django.utils import timezone

    from sangtao.core.workitems import work_for

    old = timezone.now() - datetime.timedelta(days=progress.RECENT_DAYS + 1)
    JobRun.objects.create(kind="x", title="old", created_by=dost, state="done", created_at=old)
    JobRun.objects.create(kind="x", title="old but running", created_by=dost, state="running", created_at=old)
    titles = [str(item.title) for item in work_for(dost) if item.kind.startswith("core.job")]
    assert titles == ["«old but running» đang chạy"]
    for n in range(12):
        JobRun.objects.create(kind="x", title=f"new {n}", created_by=dost, state="failed")
    titles = [str(item.title) for item in work_for(dost) if item.kind.startswith("core.job")]
    assert len(titles) == progress.JOBS_SHOWN and not any("old" in t for t in titles)


RQ_WITHOUT_REDIS = {"TASKS": {"default": {"BACKEND": taskbackend.BACKENDS["rq"], "QUEUES": ["default"]}},
                    "RQ_QUEUES": {"default": {"URL": "redis://127.0.0.1:6390/0"}}}  # nothing listens there


@pytest.mark.django_db(transaction=True)  # the job is handed to Redis when the request's transaction commits
def test_an_export_the_job_service_cannot_take_fails_at_once_and_its_starter_reads_why(survey, dost, settings,
                                                                                      caplog):
    from sangtao.core.workitems import work_for

    fill(survey, 2)
    for name, value in RQ_WITHOUT_REDIS.items():
        setattr(settings, name, value)
    page = client_for(dost).post(f"/en/surveys/{survey.pk}/responses/export/")  # started on the English site
    run = JobRun.objects.get()
    assert page.status_code == 302 and page.url == f"/en/jobs/{run.pk}/"
    assert (run.state, run.task_id) == ("failed", "") and run.finished_at is not None
    shown = client_for(dost).get(f"/jobs/{run.pk}/").content.decode()  # read on the Vietnamese one
    assert "alert error" in shown and f"/jobs/{run.pk}/retry/" in shown
    assert "Không đưa được công việc vào hàng đợi: dịch vụ chạy công việc nền đang không hoạt động. Vui lòng thử " \
           "lại." in shown and "could not be queued" not in shown
    shown = client_for(dost).get(f"/en/jobs/{run.pk}/").content.decode()
    assert "The job could not be queued: the background job service is unavailable. Please try again." in shown
    [item] = [i for i in work_for(dost) if i.kind.startswith("core.job")]
    assert (item.kind, item.url, item.action_needed) == ("core.job_failed", run.get_absolute_url(), True)
    assert "could not be queued" in caplog.text and "6390" in caplog.text  # the operator reads why


def test_a_run_whose_job_never_reached_the_queue_is_failed_by_the_workers_after_a_grace_period(survey, dost,
                                                                                              settings):
    import datetime

    from django.utils import timezone, translation

    from sangtao.core.scheduler import Scheduler

    database_queue = settings.TASKS
    handed_over = services.export_responses(survey, dost)  # the database queue holds its task at once
    for name, value in RQ_WITHOUT_REDIS.items():
        setattr(settings, name, value)
    # On RQ the job is handed over when the transaction commits, which a test never does: as if the
    # process had died between the commit and the hand-over.
    lost, recent = services.export_responses(survey, dost), services.export_responses(survey, dost)
    lost_import = start_import(survey, dost, _csv(survey, [["A", survey.units.first().code, "2026-Q1", "4", "4",
                                                            "4", "4", "4"]]), "paper")
    settings.TASKS = database_queue
    long_ago = timezone.now() - datetime.timedelta(hours=1)  # past the grace period
    JobRun.objects.filter(pk__in=[handed_over.pk, lost.pk, lost_import.run_id]).update(created_at=long_ago)
    Scheduler("worker").step()
    with translation.override("en"):  # the workers' language is not the reader's
        states = {run.pk: (run.state, run.shown_message) for run in JobRun.objects.all()}
    assert states[handed_over.pk] == states[recent.pk] == ("queued", "")  # a task waits; still in its grace
    assert states[lost.pk] == ("failed", "The job could not be queued: the background job service is unavailable. "
                                         "Please try again.")
    assert JobRun.objects.get(pk=handed_over.pk).task_id
    lost_import.refresh_from_db()  # the job's own record ends with its run, through its on_failure
    assert (lost_import.state, lost_import.run.state) == ("failed", "failed")


def test_runs_whose_task_the_queue_lost_are_failed_with_their_import_and_the_others_keep_waiting(survey, dost):
    """Redis restarting without its data loses the jobs it held; here the database queue's task rows
    are deleted, the same answer ("no such task") from the backend."""
    import datetime

    from django.utils import timezone

    from sangtao.core.jobs import fail_runs_the_queue_lost
    from sangtao.core.tasks import TaskResultRow

    waiting, lost, before_ids = (services.export_responses(survey, dost) for _ in range(3))
    lost_import = start_import(survey, dost, _csv(survey, [["A", survey.units.first().code, "2026-Q1", "4", "4", "4",
                                                            "4", "4"]]), "paper")
    recent = services.export_responses(survey, dost)
    JobRun.objects.filter(pk=before_ids.pk).update(task_id=progress.UNRECORDED)  # queued before ids were kept
    task_ids = JobRun.objects.filter(pk__in=[lost.pk, lost_import.run_id, recent.pk]).values_list("task_id", flat=True)
    assert TaskResultRow.objects.filter(id__in=list(task_ids)).delete()[0] == 3
    JobRun.objects.exclude(pk=recent.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))

    fail_runs_the_queue_lost.call()
    states = {run.pk: (run.state, run.message) for run in JobRun.objects.all()}
    message = ("Hàng đợi công việc nền đã mất công việc này trước khi chạy (dịch vụ hàng đợi khởi động lại và mất "
               "dữ liệu). Vui lòng chạy lại.")
    assert states[lost.pk] == states[lost_import.run_id] == ("failed", message)
    lost_import.refresh_from_db()  # the import ends with its run, through its job's on_failure
    assert lost_import.state == "failed"
    assert states[waiting.pk] == states[before_ids.pk] == states[recent.pk] == ("queued", "")  # held; unknown; in grace
    shown = client_for(dost).get(lost.get_absolute_url()).content.decode()
    assert message in shown and f"/jobs/{lost.pk}/retry/" in shown
    assert "The background job queue lost this job before it ran" in client_for(dost).get(
        f"/en/jobs/{lost.pk}/").content.decode()


def test_a_task_the_queue_cannot_describe_is_not_lost_and_does_not_stop_the_sweep(survey, dost, monkeypatch):
    """A deploy that renamed a job leaves the queue unable to describe its task: that run is not lost,
    and the sweep goes on to the runs after it. A backend that keeps no results loses nothing."""
    import datetime

    from django.utils import timezone

    from sangtao.core.tasks import TaskResultRow, task_backends

    renamed, lost = services.export_responses(survey, dost), services.export_responses(survey, dost)
    JobRun.objects.filter(pk=renamed.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    JobRun.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    renamed_task, lost_task = (JobRun.objects.get(pk=run.pk).task_id for run in (renamed, lost))
    TaskResultRow.objects.filter(id=lost_task).delete()
    backend = task_backends["default"]
    describe = backend.get_result

    def get_result(task_id):
        if task_id == renamed_task:
            raise ImportError("No module named 'sangtao.surveys.old_exports'")
        return describe(task_id)

    monkeypatch.setattr(backend, "get_result", get_result)
    assert progress.fail_lost_runs(timezone.now()) == 1
    assert dict(JobRun.objects.values_list("pk", "state")) == {renamed.pk: "queued", lost.pk: "failed"}

    unknown = services.export_responses(survey, dost)  # its task gone, but asked of a backend without results
    TaskResultRow.objects.filter(id=JobRun.objects.get(pk=unknown.pk).task_id).delete()
    monkeypatch.setattr(type(backend), "supports_get_result", False)
    assert progress.fail_lost_runs(timezone.now() + datetime.timedelta(seconds=1)) == 0
    assert JobRun.objects.get(pk=unknown.pk).state == "queued"


def test_a_text_kept_inside_another_is_said_in_the_readers_language_with_its_values_as_written():
    from django.utils import translation
    from django.utils.translation import gettext_lazy as _

    reasons = [progress.job_text(_("Hồ sơ %(p)s có %(n)s cặp bắt buộc, nhiều hơn %(k)s người chấm."),
                                 p="«100% %(n)s»", n=4, k=3)]
    with translation.override("vi"):  # as a worker writes it
        kept = progress.job_text(_("Không thể phân công. Cần thay đổi: %(why)s"), why=reasons)
    assert json.loads(json.dumps(kept.args)) == kept.args  # a JobRun's JSON field keeps it as it is
    with translation.override("en"):
        assert str(kept) == ("No assignment is possible. To change: Proposal «100% %(n)s» has more pinned pairs (4) "
                             "than reviewers per proposal (3).")
    with translation.override("vi"):
        assert str(kept) == "Không thể phân công. Cần thay đổi: Hồ sơ «100% %(n)s» có 4 cặp bắt buộc, nhiều hơn 3 người chấm."


def test_an_error_is_called_an_error_in_english_where_a_failed_run_is_called_failed(client):
    """One Vietnamese word, "Lỗi", says both; the error pages and the rows-with-errors table mean "Error"."""
    page = client.get("/en/no-such-page/")
    assert page.status_code == 404 and "Error 404" in page.content.decode() and "Failed 404" not in page.content.decode()
    assert "Lỗi 404" in client.get("/no-such-page/").content.decode()


def test_a_failed_job_stays_on_its_starters_home_after_newer_ones_and_is_not_called_overdue(dost):
    from sangtao.core.workitems import work_for

    failed = JobRun.objects.create(kind="k", title="Nhập tệp cũ", created_by=dost, state=JobRun.State.FAILED)
    for n in range(progress.JOBS_SHOWN + 2):
        JobRun.objects.create(kind="k", title=f"Xuất {n}", created_by=dost, state=JobRun.State.DONE)
    jobs = [item for item in work_for(dost) if item.kind.startswith("core.job")]
    assert len(jobs) == progress.JOBS_SHOWN and jobs[0].url == failed.get_absolute_url()
    assert not jobs[0].overdue and jobs[0].action_needed
    assert "Quá hạn" not in client_for(dost).get("/my-work/").content.decode()
