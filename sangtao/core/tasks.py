"""The one interface for background work, on Django's task API.

Every job is written against ``django.tasks`` through its backport; this is the only module
that loads it, by the names in core/taskbackend.py, so moving to Django 6 changes one line there.

``@task`` declares a job; ``fn.enqueue(**kwargs)`` queues it so that it takes effect
only when the surrounding transaction commits (a rolled-back change sends nothing).
What the backport does not give is added here, once: retries with backoff
(``@task(retries=3)``), a hook that tells the person who started a job that it failed
(``@task(on_failure=...)``), periodic jobs (``@periodic``) that run once per tick
however many workers run (see ``core/scheduler.py``), and ``job_queued``, sent once a backend
holds a job (so ``core/progress.py`` knows which runs really reached the queue).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.db import transaction
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy

from sangtao.core import taskbackend

# The task API and the database backend, loaded by name: the names are written in core/taskbackend.py only.
base = import_module(f"{taskbackend.API}.base")
_ApiTask: Any = base.Task  # the API's Task, typed Any: its module is loaded by name
signals = import_module(f"{taskbackend.API}.signals")
exceptions = import_module(f"{taskbackend.API}.exceptions")
task_backends = import_module(taskbackend.API).task_backends
DatabaseBackend = import_string(taskbackend.BACKENDS["database"])

logger = logging.getLogger(__name__)


def _task_result_row() -> Any:
    return import_string(taskbackend.RESULT_MODEL)


def __getattr__(name: str) -> Any:
    """``TaskResultRow``: the database backend's model of a queued job and its result (the worker's recovery
    and tests read it), loaded when first asked for: this module may be imported before the models are."""
    if name == "TaskResultRow":
        return _task_result_row()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


ATTEMPT = "_attempt"  # the kwarg that counts attempts across retries; the job never sees it

# Sent as job_queued.send(Job, job=..., task_id=..., kwargs=...) once a backend holds a job: inside the
# queueing transaction for the database queue, after the commit for RQ.
job_queued = Signal()

# What a job's on_failure is told: the last line of its error, in the error's own words, or a failure of
# the platform's own (not queued, lost by the queue, its worker died) as a lazy translation, which a run
# keeps untranslated to show in its reader's language (core.progress) and any other record takes in the
# current language.
FailureMessage = str | Promise


@dataclass(frozen=True, slots=True, kw_only=True)
class Job(_ApiTask):
    """A task that may be retried with exponential backoff and reports its final failure."""

    retries: int = 0
    backoff: float = 30.0  # seconds before the first retry; doubled for each further one
    on_failure: Callable[..., Any] | None = None  # called as on_failure(message: FailureMessage, **kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run in the caller's process, as a plain function (periodic jobs are called so in tests)."""
        return self.func(*args, **kwargs)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.pop(ATTEMPT, None)
        return self.func(*args, **kwargs)

    @property
    def task_name(self) -> str:
        return self.module_path

    def enqueue(self, *args: Any, **kwargs: Any) -> Any:
        """Queue the job with the surrounding transaction.

        The database backend writes its row in that transaction, so a rollback removes it;
        other backends (RQ, immediate) are handed the job when the transaction commits.
        """
        if isinstance(self.get_backend(), DatabaseBackend):
            return _ApiTask.enqueue(self, *args, **kwargs)
        transaction.on_commit(lambda: self.hand_over(args, kwargs))
        return None

    def hand_over(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Give the job to a backend outside the database, the change that queued it being committed.

        If the backend cannot take it (Redis down), raising would change nothing that is committed: it
        would only turn the request into a 500, skip the transaction's other on-commit callbacks and
        leave whoever waits for the job waiting for ever. So the failure is logged and reported to the
        job's ``on_failure`` at once (a run is marked failed, its starter reads why and runs it again).
        It is not retried: a retry goes to the same backend that just refused it.
        """
        try:
            _ApiTask.enqueue(self, *args, **kwargs)
        except _backend_unavailable():
            logger.exception("job %s could not be queued", self.module_path)
            report_not_queued(self, kwargs)


def _backend_unavailable() -> tuple[type[BaseException], ...]:
    """What a backend outside the database raises when it cannot be reached. Only these are reported
    as "not queued": any other error (arguments that cannot be sent, a bug) raises as it would on the
    database backend. redis is imported when an error happens, not with this module."""
    from redis.exceptions import ConnectionError as RedisUnreachable
    from redis.exceptions import TimeoutError as RedisTimeout

    return (RedisUnreachable, RedisTimeout, OSError)


def task(function: Callable[..., Any] | None = None, *, retries: int = 0, backoff: float = 30.0,
         on_failure: Callable[..., Any] | None = None) -> Any:
    """Declare a background job: ``@task`` or ``@task(retries=3, backoff=10, on_failure=...)``."""

    def declare(fn: Callable[..., Any]) -> Job:
        return Job(func=fn, retries=retries, backoff=backoff, on_failure=on_failure)

    return declare(function) if function is not None else declare


def job_failed(job: Job, kwargs: dict[str, Any], message: FailureMessage) -> None:
    """An attempt failed (an error, or its worker died): retry it later, or tell whoever waits for it."""
    attempt = kwargs.get(ATTEMPT, 1)
    arguments = {name: value for name, value in kwargs.items() if name != ATTEMPT}
    if attempt <= job.retries:
        retry, delay = job, job.backoff * 2 ** (attempt - 1)
        if delay > 0 and job.get_backend().supports_defer:
            retry = job.using(run_after=timezone.now() + timedelta(seconds=delay))
        retry.enqueue(**arguments, **{ATTEMPT: attempt + 1})
        return
    logger.error("job %s failed for good: %s", job.module_path, message)
    if job.on_failure is not None:
        job.on_failure(message, **arguments)


def failure_message(traceback: str) -> str:
    """The last line of a traceback: the exception and its message, for the person who waits."""
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


# The backend refused a job or could not be reached (Redis down) when the job was handed to it.
NOT_QUEUED = gettext_lazy("Không đưa được công việc vào hàng đợi: dịch vụ chạy công việc nền đang không hoạt động. "
                          "Vui lòng thử lại.")


# The backend no longer holds a job it had taken, before any worker ran it (Redis restarted without its
# data): the job will never run.
LOST_BY_QUEUE = gettext_lazy("Hàng đợi công việc nền đã mất công việc này trước khi chạy (dịch vụ hàng đợi khởi động "
                             "lại và mất dữ liệu). Vui lòng chạy lại.")


def backend_lost(task_id: str) -> bool:
    """Whether the backend answers that it holds no such task. A backend that cannot be reached raises:
    it may still hold it. A backend that keeps no results (immediate) loses nothing."""
    backend = task_backends["default"]
    if not backend.supports_get_result:
        return False
    try:
        backend.get_result(task_id)
    except exceptions.TaskResultDoesNotExist:
        return True
    except _backend_unavailable():
        raise
    except Exception:  # it holds the task but cannot describe it (its job renamed since): not lost
        logger.exception("the queue could not describe task %s", task_id)
    return False


def report_not_queued(job: Job, kwargs: dict[str, Any], reason: Promise = NOT_QUEUED) -> None:
    """Tell whoever waits for the job that it never reached the queue (or that the queue lost it: reason);
    never raises (nothing is left to undo)."""
    if job.on_failure is None:
        return
    arguments = {name: value for name, value in kwargs.items() if name != ATTEMPT}
    try:
        with transaction.atomic():  # a savepoint in the sweep's transaction: a failure here leaves it usable
            job.on_failure(reason, **arguments)
    except Exception:  # the database may be away too: the sweep of unqueued runs ends it later
        logger.exception("reporting that %s could not be queued failed", job.module_path)


@receiver(signals.task_enqueued)
def _tell_queued(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if isinstance(task_result.task, Job):
        job_queued.send(Job, job=task_result.task, task_id=task_result.id, kwargs=task_result.kwargs)


@receiver(signals.task_finished)
def _retry_or_report(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if task_result.status != base.TaskResultStatus.FAILED or not isinstance(task_result.task, Job):
        return
    traceback = task_result.errors[-1].traceback if task_result.errors else ""
    try:
        job_failed(task_result.task, task_result.kwargs, failure_message(traceback or ""))
    except Exception:  # the worker must go on with the next job
        logger.exception("handling the failure of %s failed", task_result.task.module_path)


class WorkerDied(Exception):
    """The process running a job stopped (killed, power cut) before the job finished."""

    message = gettext_lazy("Tiến trình chạy công việc đã dừng đột ngột; công việc chưa hoàn tất.")

    def __str__(self) -> str:
        return str(self.message)


def fail_abandoned(row: Any) -> None:
    """Mark a database job whose worker died as failed, then retry or report it like any failure."""
    row.set_failed(WorkerDied())
    if isinstance(row.task, Job):
        job_failed(row.task, row.args_kwargs["kwargs"], WorkerDied.message)


PERIODIC: dict[str, tuple[Job, timedelta]] = {}


def periodic(function: Callable[..., Any] | None = None, *, every: float = 60.0) -> Any:
    """Declare a job the workers run once per tick of ``every`` seconds (``@periodic`` or ``@periodic(every=...)``)."""

    def declare(fn: Callable[..., Any]) -> Job:
        job = Job(func=fn)
        PERIODIC[job.module_path] = (job, timedelta(seconds=every))
        return job

    return declare(function) if function is not None else declare


def backend_stores_rows() -> bool:
    """Is the queue the database (so workers claim rows) rather than Redis?"""
    return isinstance(task_backends["default"], DatabaseBackend)


def purge_finished_jobs(before: Any) -> None:
    """Delete the database queue's finished jobs older than before (RQ expires its results itself)."""
    if backend_stores_rows():
        _task_result_row().objects.finished().filter(finished_at__lt=before).delete()


def run_pending(limit: int = 1000) -> int:
    """Run the database queue's due jobs in this process and thread; return how many ran (tests, scripts)."""
    rows, worker_class = _task_result_row(), import_string(taskbackend.DATABASE_WORKER)
    worker = worker_class(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                          max_tasks=None, worker_id="in-process", excluded_queue_names=[])
    ran = 0
    while ran < limit:
        with transaction.atomic():
            row = rows.objects.ready().get_locked()
            if row is None:
                return ran
            row.claim(worker.worker_id)
        worker.run_task(row)
        ran += 1
    return ran
