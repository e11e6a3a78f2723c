"""An automatic assignment run's state moves only through its table, by the background job."""

import pytest
from django.utils.html import escape

from conftest import SELECTION_WORLD, assert_move_matrix, client_for, module_world, move_table_test, selection_world
from sangtao.core.models import AuditEvent, JobRun
from sangtao.core.workitems import work_for
from sangtao.review import services
from sangtao.review.models import AssignmentRun, Council

pytestmark = pytest.mark.django_db

globals().update(module_world(selection_world, SELECTION_WORLD))  # built once: a council with its proposals

NOBODY = move_table_test("assignment_run", {"start": set(), "finish": set(), "find_infeasible": set(), "fail": set()})


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
    assert run.state == "failed" and run.job.message == "OSError: the solver is gone" and run.finished_at
    moves = AuditEvent.objects.filter(object_type="review.assignmentrun", object_id=str(run.pk))
    assert sorted(moves.values_list("action", flat=True)) == ["assignment_run.fail", "assignment_run.start"]


@pytest.fixture
def forming(selection):
    council = selection["council"]
    Council.objects.filter(pk=council.pk).update(assignments_released_at=None, status="forming")
    council.assignments.all().delete()
    council.refresh_from_db()
    return council


def test_a_run_reports_its_stages_through_the_core_progress_helper(forming, dost, process_tasks, monkeypatch):
    from sangtao.review import assignment

    seen = []
    solve = assignment.solve

    def watching(problem, top_k, progress):
        seen.append(JobRun.objects.values_list("state", "done", "total", "message").get())
        return solve(problem, top_k, progress)

    monkeypatch.setattr(assignment, "solve", watching)
    run = services.start_assignment_run(dost, forming, k=1, min_load=0, max_load=2)
    page = client_for(dost).get(f"/councils/{forming.pk}/runs/{run.pk}/").content.decode()
    assert f'data-progress-url="/jobs/{run.job.pk}/progress.json"' in page and "0 / 100" in page
    process_tasks()
    assert seen == [("running", 30, 100, "Phát hiện xung đột lợi ích")]
    run.refresh_from_db()
    assert (run.state, run.job.state, run.job.done) == ("done", "done", 100)
    assert "Đã tạo" in client_for(dost).get(f"/jobs/{run.job.pk}/").content.decode()
    english = client_for(dost).get(f"/en/jobs/{run.job.pk}/").content.decode()  # started in Vietnamese
    assert f"<h1>Optimal assignment: {escape(forming.name)}</h1>" in english and "expert–proposal pairs." in english


def test_a_failed_run_is_on_its_starters_home_and_runs_again_on_retry(forming, dost, process_tasks, monkeypatch):
    def crash(council):
        raise OSError("the solver is gone")

    monkeypatch.setattr(services, "_pool", crash)
    run = services.start_assignment_run(dost, forming, k=1, min_load=0, max_load=2)
    process_tasks()
    run.refresh_from_db()
    [item] = [i for i in work_for(dost) if i.kind.startswith("core.job")]
    assert (item.kind, item.url, item.action_needed) == ("core.job_failed", run.job.get_absolute_url(), True)
    assert forming.name in str(item.title)
    home = client_for(dost).get("/my-work/").content.decode()
    assert run.job.get_absolute_url() in home
    page = client_for(dost).get(run.job.get_absolute_url()).content.decode()
    assert "OSError: the solver is gone" in page and f"/jobs/{run.job.pk}/retry/" in page
    monkeypatch.undo()
    client_for(dost).post(f"/jobs/{run.job.pk}/retry/")
    process_tasks()
    run.refresh_from_db()
    assert run.state == "done" and run.job.state == "done" and forming.assignments.exists()
    assert [i.kind for i in work_for(dost) if i.kind.startswith("core.job")] == ["core.job_failed", "core.job_done"]


def test_an_infeasible_run_is_a_failed_job_that_says_what_to_change(forming, dost, process_tasks):
    run = services.start_assignment_run(dost, forming, k=7, min_load=0, max_load=1)
    process_tasks()
    run.refresh_from_db()
    assert run.state == "infeasible" and run.job.state == "failed" and "Cần thêm 7 lượt chấm" in run.job.shown_message
    assert run.job.back_url == forming.get_absolute_url()  # where the council is put right
    # The solver's reasons are kept as msgids with their values: the whole message reads in the reader's language.
    assert "No assignment is possible. To change: Review slots missing: 7" in client_for(dost).get(
        f"/en/jobs/{run.job.pk}/").content.decode()
