"""The one interface for background work.

``@task`` registers a function; ``fn.enqueue(**kwargs)`` queues it in the same
transaction as the state change that caused it, so a rolled-back change sends
nothing. ``run_pending()`` (the ``runtasks`` worker command) executes queued
tasks; with TASKS_BACKEND=immediate they run as soon as the transaction commits.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from sangtao.core.models import Task

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
REGISTRY: dict[str, Callable[..., Any]] = {}


class QueuedTask(Protocol):
    task_name: str

    def __call__(self, **kwargs: Any) -> Any: ...
    def enqueue(self, **kwargs: Any) -> Task | None: ...


def task(fn: Callable[..., Any]) -> QueuedTask:
    name = f"{fn.__module__}.{fn.__name__}"
    REGISTRY[name] = fn

    def enqueue(**kwargs: Any) -> Task | None:
        if settings.TASKS_BACKEND == "immediate":
            transaction.on_commit(lambda: fn(**kwargs))
            return None
        return Task.objects.create(name=name, kwargs=kwargs)

    fn.enqueue = enqueue  # type: ignore[attr-defined]
    fn.task_name = name  # type: ignore[attr-defined]
    return fn  # type: ignore[return-value]


def report_progress(task_row: Task | None, done: int, total: int) -> None:
    """Long jobs call this so their progress can be shown."""
    if task_row is not None:
        Task.objects.filter(pk=task_row.pk).update(progress_done=done, progress_total=total)


def _claim_next() -> Task | None:
    with transaction.atomic():
        queryset = Task.objects.filter(
            status=Task.Status.QUEUED, run_after__lte=timezone.now()
        ).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True)
        task_row = queryset.first()
        if task_row is None:
            return None
        task_row.status = Task.Status.RUNNING
        task_row.attempts += 1
        task_row.save(update_fields=["status", "attempts"])
        return task_row


def _execute(task_row: Task) -> None:
    fn = REGISTRY.get(task_row.name)
    try:
        if fn is None:
            raise LookupError(f"no task registered as {task_row.name}")
        fn(**task_row.kwargs)
    except Exception as exc:  # a failing task must not stop the worker
        logger.exception("task %s failed", task_row.name)
        retry = task_row.attempts < MAX_ATTEMPTS and fn is not None
        task_row.status = Task.Status.QUEUED if retry else Task.Status.FAILED
        task_row.run_after = timezone.now() + timedelta(seconds=30 * 2**task_row.attempts)
        task_row.error = repr(exc)[:2000]
        task_row.save(update_fields=["status", "run_after", "error"])
        return
    task_row.status = Task.Status.DONE
    task_row.finished_at = timezone.now()
    task_row.save(update_fields=["status", "finished_at"])


def run_pending(limit: int = 1000) -> int:
    """Run up to limit queued tasks that are due; return how many ran."""
    ran = 0
    while ran < limit and (task_row := _claim_next()) is not None:
        _execute(task_row)
        ran += 1
    return ran


PERIODIC: list[Callable[[], Any]] = []


def periodic(fn: Callable[[], Any]) -> Callable[[], Any]:
    """Register a job the worker runs on every scheduling tick (about once a minute)."""
    PERIODIC.append(fn)
    return fn


def run_periodic() -> None:
    for fn in PERIODIC:
        try:
            fn()
        except Exception:  # one failing job must not block the others
            logger.exception("periodic job %s failed", fn.__name__)
