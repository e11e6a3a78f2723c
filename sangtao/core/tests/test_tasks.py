import pytest

from sangtao.core.models import Task
from sangtao.core.tasks import REGISTRY, report_progress, run_pending, task

CALLS = []


@task
def record_call(value: int) -> None:
    CALLS.append(value)


@task
def always_fails() -> None:
    raise RuntimeError("boom")


@pytest.mark.django_db
def test_enqueued_task_waits_in_the_database_until_the_worker_runs_it():
    CALLS.clear()
    record_call.enqueue(value=7)
    assert Task.objects.filter(status=Task.Status.QUEUED).count() == 1
    assert CALLS == []
    assert run_pending() == 1
    assert CALLS == [7]
    assert Task.objects.get().status == Task.Status.DONE


@pytest.mark.django_db
def test_failing_task_is_retried_later_with_the_error_kept():
    always_fails.enqueue()
    run_pending()
    row = Task.objects.get()
    assert row.status == Task.Status.QUEUED and row.attempts == 1 and "boom" in row.error
    assert run_pending() == 0  # not due again yet


@pytest.mark.django_db
def test_unknown_task_fails_without_stopping_the_worker():
    Task.objects.create(name="no.such.task")
    record_call.enqueue(value=1)
    assert run_pending() == 2
    assert Task.objects.get(name="no.such.task").status == Task.Status.FAILED


@pytest.mark.django_db(transaction=True)
def test_immediate_backend_runs_after_commit(settings):
    settings.TASKS_BACKEND = "immediate"
    CALLS.clear()
    from django.db import transaction

    with transaction.atomic():
        record_call.enqueue(value=3)
        assert CALLS == []
    assert CALLS == [3]


@pytest.mark.django_db
def test_progress_is_reported_on_the_task_row():
    row = record_call.enqueue(value=1)
    report_progress(row, 5, 10)
    row.refresh_from_db()
    assert (row.progress_done, row.progress_total) == (5, 10)


def test_registry_names_tasks_by_module_and_function():
    assert record_call.task_name in REGISTRY


def test_worker_knows_every_apps_tasks_and_periodic_jobs_without_importing_views():
    from sangtao.core.tasks import PERIODIC

    names = {fn.__name__ for fn in PERIODIC}
    assert {"close_expired_calls", "send_closing_reminders", "refresh_planner_statistics"} <= names
    assert "sangtao.notifications.services.send_notification_email" in REGISTRY


@pytest.mark.django_db
def test_runtasks_once_runs_periodic_jobs_and_queued_tasks():
    from django.core.management import call_command

    CALLS.clear()
    record_call.enqueue(value=9)
    call_command("runtasks", "--once")
    assert CALLS == [9]
