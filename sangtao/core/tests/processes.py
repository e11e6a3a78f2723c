"""Processes a test starts together on its database, as two web processes serving at once would."""

import os
import subprocess
import sys

from django.conf import settings


def at_once(script: str, database_url: str, *argv: str, count: int = 2, **env: str) -> list[str]:
    """Run `script` (python -c, with argv) in `count` processes on the database at `database_url`: each
    prints "ready" once set up and waits for a line on its input, and all are sent it together. Returns
    what each printed after that; every process must end well."""
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "sangtao.settings", **env}
    environment.pop("REDIS_URL", None)  # the database's counts, not a Redis cache's
    processes = [subprocess.Popen([sys.executable, "-c", script, *argv], env=environment,  # noqa: S603 -- our script
                                  cwd=settings.BASE_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                 for _ in range(count)]
    try:
        for process in processes:
            assert process.stdout.readline().strip() == "ready"
        for process in processes:  # all are set up: they start together
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [process.communicate(timeout=300)[0] for process in processes]
        assert [process.returncode for process in processes] == [0] * count
        return outputs
    finally:
        for process in processes:
            process.kill()
