"""The import job's table: no person moves a job; the background import does."""

import pytest

from conftest import assert_move_matrix
from sangtao.core import workflow
from sangtao.core.models import AuditEvent
from sangtao.surveys.models import ImportJob

pytestmark = pytest.mark.django_db

ALLOWED = {"start": set(), "finish": set(), "reject": set(), "fail": set()}


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
