import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from sangtao.core import taskbackend
from sangtao.core.models import PeriodicTick, WorkerBeat
from sangtao.core.scheduler import Scheduler, recover_jobs_of_dead_workers
from sangtao.core.tasks import ATTEMPT, PERIODIC, TaskResultRow, periodic, run_pending, task

CALLS: list = []
FAILURES: list = []


@task
def record_call(value: int) -> None:
    CALLS.append(value)


def remember_failure(message: str, **kwargs) -> None:
    FAILURES.append((message, kwargs))


@task(retries=2, backoff=10, on_failure=remember_failure)
def flaky(value: int) -> None:
    raise RuntimeError(f"boom {value}")


@task(on_failure=remember_failure)
def fails_once_for_good(value: int) -> None:
    raise ValueError("the file is not a spreadsheet")


@periodic(every=3600)
def hourly() -> None:
    CALLS.append("tick")


@pytest.fixture(autouse=True)
def _clear():
    CALLS.clear()
    FAILURES.clear()


def rows(job):
    return TaskResultRow.objects.filter(task_path=job.module_path)


def make_due(job):
    rows(job).update(run_after=timezone.now() - datetime.timedelta(seconds=1))


@pytest.mark.django_db
def test_enqueued_job_waits_in_the_database_until_a_worker_runs_it():
    record_call.enqueue(value=7)
    assert rows(record_call).get().status == "READY"
    assert CALLS == []
    assert run_pending() == 1
    assert CALLS == [7]
    assert rows(record_call).get().status == "SUCCESSFUL"


@pytest.mark.django_db
def test_a_rolled_back_change_queues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        record_call.enqueue(value=1)
        raise RuntimeError("the change is refused")
    assert not rows(record_call).exists()


@pytest.mark.django_db(transaction=True)
def test_backends_without_rows_get_the_job_only_when_the_transaction_commits(settings):
    settings.TASKS = {"default": {"BACKEND": taskbackend.BACKENDS["immediate"]}}
    with transaction.atomic():
        record_call.enqueue(value=3)
        assert CALLS == []
    assert CALLS == [3]
    with pytest.raises(RuntimeError), transaction.atomic():
        record_call.enqueue(value=4)
        raise RuntimeError("rolled back")
    assert CALLS == [3]


@pytest.mark.django_db
def test_a_failing_job_is_retried_later_with_growing_delays_then_reported():
    flaky.enqueue(value=5)
    delays = []
    for _attempt in range(3):
        before = timezone.now()
        run_pending()
        waiting = rows(flaky).filter(status="READY").first()
        if waiting is not None:
            delays.append(round((waiting.run_after - before).total_seconds()))
            assert run_pending() == 0  # not due yet
            make_due(flaky)
    assert delays == [10, 20]
    assert [row.args_kwargs["kwargs"].get(ATTEMPT, 1) for row in rows(flaky).order_by("enqueued_at")] == [1, 2, 3]
    assert rows(flaky).filter(status="FAILED").count() == 3
    assert FAILURES == [("RuntimeError: boom 5", {"value": 5})]


@pytest.mark.django_db
def test_a_failure_is_reported_with_its_message_to_whoever_waits_for_the_job():
    fails_once_for_good.enqueue(value=1)
    run_pending()
    assert FAILURES == [("ValueError: the file is not a spreadsheet", {"value": 1})]


@pytest.mark.django_db
def test_unknown_job_fails_without_stopping_the_worker():
    TaskResultRow.objects.create(task_path="no.such.task", args_kwargs={"args": [], "kwargs": {}},
                                backend_name="default")
    record_call.enqueue(value=1)
    assert run_pending() == 2
    assert TaskResultRow.objects.get(task_path="no.such.task").status == "FAILED"
    assert CALLS == [1]


def test_the_worker_knows_every_apps_periodic_jobs():
    names = {name.rsplit(".", 1)[1] for name in PERIODIC}
    assert {"close_expired_calls", "send_closing_reminders", "escalate_overdue", "refresh_planner_statistics",
            "purge_job_history"} <= names


@pytest.mark.django_db
def test_workers_queue_a_periodic_job_once_per_tick_however_many_they_are():
    workers = [Scheduler(f"worker-{n}") for n in range(3)]
    for worker in workers * 2:
        worker.step()
    assert rows(hourly).count() == 1
    assert PeriodicTick.objects.filter(job=hourly.module_path).count() == 1
    assert set(WorkerBeat.objects.values_list("worker_id", flat=True)) == {"worker-0", "worker-1", "worker-2"}


@pytest.mark.django_db
def test_runtasks_once_queues_the_due_ticks_and_runs_queued_jobs():
    record_call.enqueue(value=9)
    call_command("runtasks", "--once")
    assert sorted(CALLS, key=str) == [9, "tick"]


@pytest.mark.django_db
def test_a_job_left_running_by_a_worker_that_stopped_beating_is_failed_then_retried():
    flaky.enqueue(value=2)
    row = rows(flaky).get()
    row.claim("dead-worker")
    WorkerBeat.objects.create(worker_id="dead-worker", seen_at=timezone.now() - datetime.timedelta(minutes=5))
    WorkerBeat.objects.create(worker_id="live-worker")
    assert recover_jobs_of_dead_workers(timezone.now() - datetime.timedelta(minutes=1)) == 1
    row.refresh_from_db()
    assert row.status == "FAILED" and "WorkerDied" in row.traceback
    assert rows(flaky).filter(status="READY").get().args_kwargs["kwargs"] == {"value": 2, ATTEMPT: 2}


@pytest.mark.django_db
def test_a_running_job_of_a_live_worker_is_left_alone():
    record_call.enqueue(value=2)
    rows(record_call).get().claim("live-worker")
    WorkerBeat.objects.create(worker_id="live-worker")
    assert recover_jobs_of_dead_workers(timezone.now() - datetime.timedelta(minutes=1)) == 0
    assert rows(record_call).get().status == "RUNNING"


@pytest.mark.django_db
def test_a_dead_workers_job_without_retries_is_reported_failed_with_a_message():
    fails_once_for_good.enqueue(value=3)
    rows(fails_once_for_good).get().claim("dead-worker")
    WorkerBeat.objects.create(worker_id="dead-worker", seen_at=timezone.now() - datetime.timedelta(minutes=5))
    recover_jobs_of_dead_workers(timezone.now() - datetime.timedelta(minutes=1))
    [(message, kwargs)] = FAILURES
    assert kwargs == {"value": 3} and "dừng đột ngột" in message


@pytest.mark.django_db
def test_a_job_the_backend_cannot_take_after_the_commit_is_reported_failed_and_nothing_raises(
        settings, django_capture_on_commit_callbacks):
    from sangtao.core.tests.test_progress import RQ_WITHOUT_REDIS

    for name, value in RQ_WITHOUT_REDIS.items():
        setattr(settings, name, value)
    with django_capture_on_commit_callbacks(execute=True) as handed_over:
        fails_once_for_good.enqueue(value=4)
        record_call.enqueue(value=5)  # no one to tell: logged only
    assert len(handed_over) == 2
    [(message, kwargs)] = FAILURES
    assert kwargs == {"value": 4} and "hàng đợi" in message
    assert CALLS == []


@pytest.mark.django_db
def test_a_job_redis_takes_records_its_task_and_the_sweeps_leave_its_run_alone_until_redis_loses_it(
        settings, dost, django_capture_on_commit_callbacks):
    """The RQ success path the sweep depends on: the backport's "enqueued" signal reaches core, so a run
    handed to a real Redis carries its task's id and is not failed as never queued once its grace ends;
    once Redis has lost its data, the run is failed as lost."""
    from sangtao.core.progress import QUEUE_GRACE, fail_lost_runs, fail_unqueued_runs, start_job
    from sangtao.core.tests.test_workers import emptied_test_redis

    url = emptied_test_redis()
    settings.TASKS = {"default": {"BACKEND": taskbackend.BACKENDS["rq"], "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": url}}
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run = start_job(record_call, dost, "Ghi lại", value=6)
        run.refresh_from_db()
        assert run.task_id and run.state == "queued"
        later = timezone.now() + QUEUE_GRACE + datetime.timedelta(seconds=1)
        assert fail_unqueued_runs(later) == 0 and fail_lost_runs(later) == 0  # Redis holds its task
        run.refresh_from_db()
        assert run.state == "queued"

        emptied_test_redis()  # Redis restarted without its data
        assert fail_lost_runs(later) == 1
        run.refresh_from_db()
        assert run.state == "failed" and "đã mất công việc này" in run.message
    finally:
        emptied_test_redis()


@pytest.mark.django_db
def test_a_redis_that_does_not_answer_fails_no_run_as_lost(settings, dost):
    from redis.exceptions import ConnectionError as RedisDown

    from sangtao.core.progress import QUEUE_GRACE, fail_lost_runs, start_job
    from sangtao.core.tests.test_progress import RQ_WITHOUT_REDIS

    run = start_job(record_call, dost, "Ghi lại", value=7)  # queued in the database, then the queue is Redis
    for name, value in RQ_WITHOUT_REDIS.items():
        setattr(settings, name, value)
    with pytest.raises(RedisDown):
        fail_lost_runs(timezone.now() + QUEUE_GRACE + datetime.timedelta(seconds=1))
    run.refresh_from_db()
    assert run.state == "queued"
