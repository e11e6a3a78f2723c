import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from sangtao.core import taskbackend
from sangtao.core.scheduler import Scheduler
from sangtao.core.tasks import backend_stores_rows, run_pending


class Command(BaseCommand):
    help = ("Run a background worker: the backend's own (db_worker or rqworker) and, beside it, the "
            "periodic jobs' ticks, a heartbeat and the recovery of jobs whose worker died. Start as many as needed.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Queue due ticks, run what is due, then exit.")
        parser.add_argument("--poll", type=float, default=1.0,
                            help="Seconds between looks for queued jobs and ticks (default 1).")
        parser.add_argument("--stale-after", type=float, default=120.0,
                            help="Seconds without a heartbeat after which a worker's running jobs are recovered.")

    def handle(self, *args, once: bool = False, poll: float = 1.0, stale_after: float = 120.0, **options):
        worker_id = get_random_string(32)
        scheduler = Scheduler(worker_id, poll=poll, stale_after=stale_after)
        scheduler.step()  # the first heartbeat before any job is taken: a worker killed at once is still known
        if once:
            if backend_stores_rows():
                run_pending()
            else:
                call_command("rqworker", "default", "--burst", *self.rq_options())
            return
        stop = threading.Event()
        ticking = threading.Thread(target=scheduler.run, args=(stop,), daemon=True)
        ticking.start()
        try:
            if backend_stores_rows():
                call_command("db_worker", "--queue-name=*", f"--interval={poll}", f"--worker-id={worker_id}",
                             "--no-reload", "--no-startup-delay", verbosity=options["verbosity"])
            else:
                call_command("rqworker", "default", "--with-scheduler", *self.rq_options(),
                             verbosity=options["verbosity"])
        finally:  # a stopped worker ends its scheduler's step first: a claimed tick is always queued
            stop.set()
            ticking.join()

    @staticmethod
    def rq_options() -> list[str]:
        return [f"--job-class={taskbackend.RQ_JOB}", "--worker-class=sangtao.core.scheduler.RQWorker"]
