"""The import job's table: no person moves a job; the background import does."""

import pytest

from conftest import assert_move_matrix, move_table_test
from sangtao.core import workflow
from sangtao.core.models import AuditEvent
from sangtao.surveys.models import ImportJob

pytestmark = pytest.mark.django_db

ALLOWED = move_table_test("import_job", {"start": set(), "finish": set(), "reject": set(), "fail": set()})


def test_every_role_is_refused_every_import_move_from_every_state(roles, survey, dost):
    job = ImportJob.objects.create(survey=survey, original_name="phieu.csv", created_by=dost)
    for state in ImportJob.State.values:
        ImportJob.objects.filter(pk=job.pk).update(state=state)
        job.refresh_from_db()
        assert assert_move_matrix(job, roles, ALLOWED) == 0


def test_the_import_moves_its_job_and_writes_each_transition(survey, dost):
    job = ImportJob.objects.create(survey=survey, original_name="phieu.csv", created_by=dost)
    job = workflow.apply_move(job, "start", actor=workflow.SYSTEM)
    job = workflow.apply_move(job, "finish", actor=workflow.SYSTEM, changes={"added": 3})
    assert (job.state, ImportJob.objects.get(pk=job.pk).added) == (ImportJob.State.DONE, 3)
    assert list(AuditEvent.objects.filter(object_type="surveys.importjob", object_id=str(job.pk))
                .order_by("at", "id").values_list("action", flat=True)) == ["import_job.start", "import_job.finish"]


def test_the_migration_carries_each_imports_progress_message_and_end_into_a_run_of_its_starter(survey, dost):
    import datetime
    import importlib
    from types import SimpleNamespace

    from django.utils import timezone

    from sangtao.core.models import JobRun

    migration = importlib.import_module("sangtao.surveys.migrations.0010_import_progress_in_job_runs")
    ended = timezone.now() - datetime.timedelta(days=2)
    old = {"pk": 7, "survey_id": survey.pk, "original_name": "phieu.csv", "created_by_id": dost.pk, "rows_done": 30,
           "rows_total": 30, "errors": 2, "message": "Tệp có 2 dòng lỗi", "created_at": ended, "finished_at": ended}
    for state, run_state in (("rejected", "failed"), ("done", "done"), ("running", "running")):
        run = migration.run_for(SimpleNamespace(state=state, **old), JobRun)
        run.save()
        run = JobRun.objects.get(pk=run.pk)
        assert (run.state, run.done, run.total, run.error_count, run.message, run.finished_at) == (
            run_state, 30, 30, 2, "Tệp có 2 dòng lỗi", ended)
        assert (run.kind, run.arguments, run.created_by, run.back_url) == (
            "sangtao.surveys.imports.run_import", {"job_id": 7}, dost, f"/surveys/{survey.pk}/imports/7/")
    assert migration.run_for(SimpleNamespace(**{**old, "state": "queued", "rows_total": 0}), JobRun).total is None
