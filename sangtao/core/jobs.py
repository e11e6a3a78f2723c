"""Periodic maintenance of the database itself, and of the queue's runs."""

import datetime

from django.db import connection
from django.utils import timezone

from sangtao.core.models import PeriodicTick, WorkerBeat
from sangtao.core.progress import QUEUE_GRACE, fail_lost_runs
from sangtao.core.tasks import periodic, purge_finished_jobs

KEEP_FINISHED_JOBS = datetime.timedelta(days=30)
KEEP_TICKS = datetime.timedelta(days=1)


@periodic
def refresh_planner_statistics() -> None:
    """Keep SQLite's query planner statistics fresh (PostgreSQL's autovacuum does this)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")


@periodic(every=3600)
def purge_job_history() -> None:
    """Forget finished jobs after a month, and ticks and silent workers after a day."""
    now = timezone.now()
    purge_finished_jobs(now - KEEP_FINISHED_JOBS)
    PeriodicTick.objects.filter(tick__lt=now - KEEP_TICKS).delete()
    WorkerBeat.objects.filter(seen_at__lt=now - KEEP_TICKS).delete()


@periodic(every=300)
def fail_runs_the_queue_lost() -> None:
    """Runs whose job the queue no longer holds (Redis restarted without its data) end as failed, for their
    starter to see and run again; checked every five minutes, each asking the backend about its task."""
    fail_lost_runs(timezone.now() - QUEUE_GRACE)
