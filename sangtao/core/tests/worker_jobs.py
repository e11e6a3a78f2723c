"""Jobs run by the real worker processes that test_workers.py starts: they leave files in JOBS_TEST_DIR."""

import os
import time
from pathlib import Path

from sangtao.core.tasks import task


def _out(name: str) -> Path:
    return Path(os.environ["JOBS_TEST_DIR"]) / name


@task
def count_tick() -> None:
    with open(_out("ticks"), "a") as ticks:
        ticks.write(f"{os.getpid()}\n")


@task(retries=1, backoff=0.5)  # the retry waits for RQ's scheduler or the database queue's due time
def stall_the_first_time() -> None:
    """The first attempt hangs until its worker is killed; the retry finishes."""
    started = _out("started")
    if not started.exists():
        pending = started.with_suffix(".tmp")
        pending.write_text(str(os.getpid()))
        pending.replace(started)  # the test reads a whole pid
        time.sleep(120)
    _out("finished").write_text(str(os.getpid()))
