"""What every worker process runs beside its backend's worker loop, in one thread.

- Its heartbeat, so that the jobs of a worker that died (SIGKILL, power cut) are found.
- The periodic jobs' ticks: each tick is claimed by inserting a unique (job, tick) row in the
  same transaction that queues the job, so however many workers run, one queues it. (On RQ the
  job reaches Redis when that transaction commits: a worker killed in between loses the tick,
  and the next tick does its work, as every periodic job handles all that is due.)
- On the database backend, the recovery of jobs left "running" by a dead worker: they are
  marked failed with a message, then retried if the job declares retries (RQ does this
  itself for a killed work-horse, see ``RQWorker``).
- On every backend, the runs whose job never reached the queue (the process died between the
  commit and the hand-over to Redis): failed after a grace period, for their starter to see
  (``core.progress.fail_unqueued_runs``).
"""

import datetime
import logging
import threading

from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone
from rq.worker import Worker

from sangtao.core.models import PeriodicTick, WorkerBeat
from sangtao.core.progress import QUEUE_GRACE, fail_unqueued_runs
from sangtao.core.tasks import PERIODIC, WorkerDied, backend_stores_rows, fail_abandoned, job_failed

logger = logging.getLogger(__name__)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def current_tick(every: datetime.timedelta, now: datetime.datetime) -> datetime.datetime:
    return EPOCH + every * ((now - EPOCH) // every)


class Scheduler:
    def __init__(self, worker_id: str, poll: float = 1.0, stale_after: float = 120.0):
        self.worker_id = worker_id
        self.poll = poll
        self.stale_after = datetime.timedelta(seconds=stale_after)
        self.seen: dict[str, datetime.datetime] = {}

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(self.poll):
            close_old_connections()  # this thread's own connection: renewed like a request's, and after errors
            self.step()
        connection.close()

    def step(self) -> None:
        try:
            now = timezone.now()
            WorkerBeat.objects.update_or_create(worker_id=self.worker_id, defaults={"seen_at": now})
            self.queue_due_ticks(now)
            if backend_stores_rows():
                recover_jobs_of_dead_workers(now - self.stale_after)
            fail_unqueued_runs(now - QUEUE_GRACE)
        except Exception:  # the database may be away for a moment: try again at the next step
            logger.exception("scheduler step failed")

    def queue_due_ticks(self, now: datetime.datetime) -> None:
        for name, (job, every) in PERIODIC.items():
            tick = current_tick(every, now)
            if self.seen.get(name) == tick:
                continue
            self.seen[name] = tick
            try:
                with transaction.atomic():
                    PeriodicTick.objects.create(job=name, tick=tick)
                    job.enqueue()
            except IntegrityError:
                continue  # another worker queued this tick


def recover_jobs_of_dead_workers(silent_since: datetime.datetime) -> int:
    """Fail (and so retry, if declared) the running jobs whose worker stopped beating; return how many."""
    from sangtao.core.tasks import TaskResultRow

    dead = set(WorkerBeat.objects.filter(seen_at__lt=silent_since).values_list("worker_id", flat=True))
    recovered = 0
    for row_id, worker_ids in TaskResultRow.objects.running().values_list("id", "worker_ids"):
        if not worker_ids or worker_ids[-1] not in dead:
            continue
        with transaction.atomic():
            row = TaskResultRow.objects.running().filter(id=row_id).select_for_update(skip_locked=True).first()
            if row is None:
                continue
            fail_abandoned(row)
        recovered += 1
    return recovered


class RQWorker(Worker):
    """RQ's worker, which also retries or reports a job whose work-horse was killed."""

    def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        try:
            job_failed(job.func, job.kwargs, WorkerDied.message)
        except Exception:
            logger.exception("handling the killed job %s failed", job.id)
