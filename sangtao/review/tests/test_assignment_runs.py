"""An automatic assignment run's state moves only through its table, by the background job."""

import pytest

from conftest import assert_move_matrix
from sangtao.core.models import AuditEvent
from sangtao.review import services
from sangtao.review.models import AssignmentRun, Council

pytestmark = pytest.mark.django_db

NOBODY = {"start": set(), "finish": set(), "find_infeasible": set(), "fail": set()}


def test_no_person_moves_a_run_in_any_state(selection, roles, dost):
    council = selection["council"]
    for state in AssignmentRun.State.values:
        run = AssignmentRun.objects.create(council=council, created_by=dost, state=state)
        assert assert_move_matrix(run, roles, NOBODY) == 0


def test_a_run_that_crashes_is_failed_through_its_table_with_the_reason(selection, dost, process_tasks, monkeypatch):
    def crash(council):
        raise OSError("the solver is gone")

    council = selection["council"]
    Council.objects.filter(pk=council.pk).update(assignments_released_at=None, status="forming")
    council.assignments.all().delete()
    council.refresh_from_db()
    monkeypatch.setattr(services, "_pool", crash)
    run = services.start_assignment_run(dost, council, k=3, min_load=0, max_load=2)
    process_tasks()
    run.refresh_from_db()
    assert run.state == "failed" and run.messages == ["OSError: the solver is gone"] and run.finished_at
    moves = AuditEvent.objects.filter(object_type="review.assignmentrun", object_id=str(run.pk))
    assert sorted(moves.values_list("action", flat=True)) == ["assignment_run.fail", "assignment_run.start"]
