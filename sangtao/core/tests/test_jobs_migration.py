"""Migration core/0004 moves the jobs still waiting in the hand-made queue (core.Task) onto the task
API's database queue, losing none, and goes back without losing any either."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from sangtao.core.tasks import TaskResultRow, run_pending, task

pytestmark = pytest.mark.django_db(transaction=True)
MOVE = ("core", "0004_jobs_on_django_tasks")
CALLS: list = []


@task
def remember(value: int, note: str = "") -> None:
    CALLS.append((value, note))


class Move:
    """Migration 0004, undone and done again by itself.

    Going back to 0003 the usual way would unapply 0005 and 0006 too, and with them the job-run table
    that four other apps point to: PostgreSQL drops a table with CASCADE, so those apps' foreign keys
    would be gone for every later test on this worker. 0005 and 0006 only add tables of their own, so
    0004 moves alone, on the state its own dependencies give (built from the few migrations they need,
    not the whole project's)."""

    def __init__(self):
        self.executor = MigrationExecutor(connection)
        self.migration = self.executor.loader.get_migration(*MOVE)
        self.before = self.executor.loader.project_state(self.migration.dependencies)
        self.undone = False

    def undo(self):
        """Unapply 0004; return the models as they were before it."""
        self.executor.unapply_migration(self.before, self.migration)
        self.undone = True
        return self.before.apps

    def redo(self) -> None:
        self.executor.apply_migration(self.before, self.migration)
        self.undone = False


@pytest.fixture
def move():
    """0004, applied again after the test whatever happens, or later tests on this worker lose tables."""
    CALLS.clear()
    move = Move()
    yield move
    if move.undone:
        move.redo()


def test_waiting_jobs_move_to_the_task_queue_with_their_job_and_arguments_and_none_is_lost_either_way(move):
    already = remember.enqueue(value=6)  # on the task queue before
    old_apps = move.undo()
    Task = old_apps.get_model("core", "Task")
    # Going back moves nothing back: the old queue is empty again, and the job stays on the task queue.
    assert not Task.objects.exists()
    assert [row.args_kwargs for row in TaskResultRow.objects.all()] == [{"args": [], "kwargs": {"value": 6}}]
    now = timezone.now()
    later = now + datetime.timedelta(days=1)
    waiting = [  # (job, arguments, due, state in the old queue)
        (remember.module_path, {"value": 1, "note": "Nguyễn Thị Lan"}, now - datetime.timedelta(minutes=5),
         "queued"),
        (remember.module_path, {"value": 2}, now - datetime.timedelta(minutes=1), "running"),  # its worker stopped
        (remember.module_path, {"value": 3}, later, "queued"),
        ("sangtao.surveys.services.recompute_surveys", {"survey_id": 7}, later, "queued"),
    ]
    for name, kwargs, due, status in waiting:
        Task.objects.create(name=name, kwargs=kwargs, run_after=due, status=status, attempts=1)
    Task.objects.create(name=remember.module_path, kwargs={"value": 4}, status="done")  # finished: not moved
    Task.objects.create(name=remember.module_path, kwargs={"value": 5}, status="failed", error="boom")

    move.redo()

    moved = TaskResultRow.objects.exclude(pk=already.id)
    assert sorted(((row.task_path, row.args_kwargs, row.run_after, row.status) for row in moved), key=repr) == sorted(
        ((name, {"args": [], "kwargs": kwargs}, due, "READY") for name, kwargs, due, _status in waiting), key=repr)
    assert {(row.queue_name, row.backend_name) for row in moved} == {("default", "default")}
    assert run_pending() == 3  # those that were due run as the jobs they were, with their arguments
    assert sorted(CALLS) == [(1, "Nguyễn Thị Lan"), (2, ""), (6, "")]
    assert TaskResultRow.objects.filter(status="READY").count() == 2  # not due yet
