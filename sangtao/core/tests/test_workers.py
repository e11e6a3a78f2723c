"""Real worker processes (`manage.py runtasks`) on both engines: the database queue and RQ on Redis.

They share the test's database (SQLite: a file copy of the in-memory test database; PostgreSQL:
the test database) and, for RQ, a Redis database of their own (8-15) that is flushed before and after.
The RQ tests skip when no Redis answers, unless REQUIRE_REDIS is set (CI sets it).
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from sangtao.core import taskbackend
from sangtao.core.models import PeriodicTick, WorkerBeat
from sangtao.core.tasks import TaskResultRow
from sangtao.core.tests import worker_jobs

pytestmark = pytest.mark.waits  # real worker processes: ordered with the browser tests (conftest.py)

LAUNCH = """
import datetime, sys
import django
django.setup()
from django.core.management import call_command
from sangtao.core.tasks import PERIODIC
from sangtao.core.tests import worker_jobs
PERIODIC.clear()  # only the test's job ticks, twice a second
PERIODIC[worker_jobs.count_tick.module_path] = (worker_jobs.count_tick, datetime.timedelta(seconds=0.5))
call_command("runtasks", *sys.argv[1:])
"""


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A database URL the worker processes reach, holding what this test writes."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host, port = settings_dict["USER"], settings_dict["HOST"], settings_dict["PORT"]
        password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
        yield f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    # In WAL mode before any process opens it: processes that open it together would each switch it to WAL
    # (settings' init_command), and SQLite refuses a concurrent switch at once, past the busy timeout.
    copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    in_memory, name = connection.connection, settings_dict["NAME"]
    connection.connection, settings_dict["NAME"] = None, str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        connection.connection, settings_dict["NAME"] = in_memory, name


def redis_test_url() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"redis://127.0.0.1:6379/{15 - int(worker.removeprefix('gw')) % 8}"


def emptied_test_redis() -> str:
    """This worker's Redis database, emptied; the test is skipped when no Redis answers, unless
    REQUIRE_REDIS is set (CI sets it)."""
    import redis

    url = redis_test_url()
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.ConnectionError:
        if os.environ.get("REQUIRE_REDIS"):
            raise
        pytest.skip("no Redis at 127.0.0.1:6379 (CI sets REQUIRE_REDIS and starts one)")
    return url


@pytest.fixture(params=["database", "rq"])
def engine(request, settings, shared_database, tmp_path, monkeypatch):
    """Environment for worker processes on one engine; this process enqueues on the same one."""
    monkeypatch.setenv("JOBS_TEST_DIR", str(tmp_path))
    env = {**os.environ, "DATABASE_URL": shared_database, "TASKS_BACKEND": request.param,
           "DJANGO_SETTINGS_MODULE": "sangtao.settings", "JOBS_TEST_DIR": str(tmp_path)}
    if request.param == "database":
        yield env
        return
    url = emptied_test_redis()
    settings.TASKS = {"default": {"BACKEND": taskbackend.BACKENDS["rq"], "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": url}}
    yield {**env, "REDIS_URL": url}
    emptied_test_redis()


class Workers:
    def __init__(self, env: dict, count: int, *options: str):
        self.logs = [Path(env["JOBS_TEST_DIR"]) / f"worker-{n}.log" for n in range(count)]
        self.processes = []
        for log in self.logs:
            with log.open("w") as stderr:
                self.processes.append(subprocess.Popen(  # noqa: S603 -- this interpreter, this file's script
                    [sys.executable, "-c", LAUNCH, "--poll=0.05", *options], env=env,
                    cwd=django_settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=stderr))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def start_workers():
    started: list[Workers] = []

    def start(env: dict, count: int, *options: str) -> Workers:
        started.append(Workers(env, count, *options))
        return started[-1]

    yield start
    for workers in started:
        workers.stop()


def wait_for(condition, workers: Workers, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        for process, log in zip(workers.processes, workers.logs, strict=True):
            if process.poll() is not None and process.returncode not in (0, -signal.SIGKILL):
                pytest.fail(f"a worker stopped: {log.read_text()[-2000:]}")
        time.sleep(0.05)
    pytest.fail("the workers did not get there in time")


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def still_queued(engine: dict) -> int:
    if engine["TASKS_BACKEND"] == "database":
        return TaskResultRow.objects.filter(task_path=worker_jobs.count_tick.module_path, status="READY").count()
    import django_rq
    from rq.job import Job, JobStatus
    from rq.registry import StartedJobRegistry

    queue = django_rq.get_queue("default")
    # rq moves a job it takes to an intermediate list first; a stopping worker may leave it there for the next.
    # A job passes through the queue, that list and the started registry, and may be in two at the moment
    # it is read (or still listed once it finished), so the tick jobs not yet run are counted once each, by id.
    taken = {job_id.decode() for job_id in queue.connection.lrange(queue.intermediate_queue_key, 0, -1)}
    ids = set(queue.get_job_ids()) | taken | set(StartedJobRegistry(queue=queue).get_job_ids())
    jobs = Job.fetch_many(sorted(ids), connection=queue.connection)
    return sum(1 for job in jobs if job is not None and job.get_status() != JobStatus.FINISHED)


def test_three_workers_run_a_periodic_job_once_per_tick(engine, start_workers, tmp_path):
    workers = start_workers(engine, 3)
    wait_for(lambda: WorkerBeat.objects.count() == 3 and len(lines(tmp_path / "ticks")) >= 4, workers)
    workers.stop()
    ticks = PeriodicTick.objects.filter(job=worker_jobs.count_tick.module_path).count()
    assert len(lines(tmp_path / "ticks")) + still_queued(engine) == ticks


def test_a_job_whose_worker_is_killed_mid_run_is_failed_and_run_again(engine, start_workers, tmp_path):
    workers = start_workers(engine, 2, "--stale-after=1")
    wait_for(lambda: WorkerBeat.objects.count() == 2, workers)
    worker_jobs.stall_the_first_time.enqueue()
    pid = int(wait_for(lambda: (tmp_path / "started").exists() and (tmp_path / "started").read_text(), workers))
    os.kill(pid, signal.SIGKILL)
    finisher = int(wait_for(lambda: (tmp_path / "finished").exists() and (tmp_path / "finished").read_text(),
                            workers))
    assert finisher != pid
    if engine["TASKS_BACKEND"] == "database":
        stalled = worker_jobs.stall_the_first_time.module_path
        first, retry = TaskResultRow.objects.filter(task_path=stalled).order_by("enqueued_at")
        assert first.status == "FAILED" and "WorkerDied" in first.traceback
        assert wait_for(lambda: TaskResultRow.objects.get(pk=retry.pk).status == "SUCCESSFUL", workers)

