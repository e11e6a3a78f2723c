"""Test databases cloned from one migrated template instead of migrating in every xdist worker.

Running every migration takes each worker 10-20 s of CPU. The first worker to get here migrates
once into a template (SQLite: a file; PostgreSQL: a database `test_sangtao_tpl_<key>`), under a
file lock; every worker then copies it (SQLite: the backup API into its in-memory database;
PostgreSQL: CREATE DATABASE ... TEMPLATE, a file copy). The template's name carries a hash of
everything a migration run depends on (migration files, the modules data migrations import, the
apps' post_migrate handlers, package versions, engine), so a change makes a new one; an unchanged
template is reused by the next run too. Set TEST_DB_TEMPLATE=0 to migrate in each worker as before.
"""

import fcntl
import hashlib
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parents[3]
CACHE = Path(tempfile.gettempdir()) / "sangtao-test-templates"
# Code that runs while migrating, beside the migration files themselves.
MIGRATION_CODE = ["sangtao/core/chain.py", "sangtao/core/text.py", "sangtao/review/defaults.py", "sangtao/surveys/ingest.py"]


def template_key(vendor: str) -> str:
    digest = hashlib.sha256(vendor.encode())
    files = sorted(ROOT.glob("sangtao/*/migrations/*.py")) + sorted(ROOT.glob("sangtao/*/apps.py"))
    for path in files + [ROOT / name for name in MIGRATION_CODE]:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    for package in ("django", "django-tasks", "django-tasks-db"):
        digest.update(f"{package}=={metadata.version(package)}".encode())
    digest.update(repr(settings.INSTALLED_APPS).encode())
    return digest.hexdigest()[:12]


@contextmanager
def _locked(name: str):
    CACHE.mkdir(exist_ok=True)
    with open(CACHE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def usable(aliases, serialized_aliases, keepdb: bool, use_migrations: bool) -> bool:
    return (os.environ.get("TEST_DB_TEMPLATE", "1") != "0" and set(aliases) <= {"default"}
            and not serialized_aliases and not keepdb and use_migrations
            and connections["default"].vendor in ("sqlite", "postgresql"))


def setup(verbosity: int):
    """Give this process its test database; returns the old_config that teardown_databases takes."""
    connection = connections["default"]
    if connection.vendor == "sqlite":
        return _setup_sqlite(connection, verbosity)
    return _setup_postgresql(connection, verbosity)


def _switch_to(connection, name: str) -> None:
    """What create_test_db does once the database exists: point the settings at it."""
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _sqlite_template(connection) -> Path | None:
    """The template file of an in-memory test database (None: a file database, migrated as usual)."""
    if not connection.creation.is_in_memory_db(connection.creation._get_test_db_name()):
        return None
    return CACHE / f"sqlite-{template_key('sqlite')}.sqlite3"


def _build_sqlite(template: Path, verbosity: int):
    """Migrate this process's in-memory test database and save it as the template; returns its old_config."""
    from django.test.utils import setup_databases

    old_config = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
    partial = template.with_suffix(f".{os.getpid()}.partial")
    copy = sqlite3.connect(partial)
    connection = connections["default"]
    connection.ensure_connection()
    connection.connection.backup(copy)
    copy.close()
    partial.rename(template)
    _keep_pristine(connection)
    return old_config


def _setup_sqlite(connection, verbosity: int):
    from django.test.utils import setup_databases

    template = _sqlite_template(connection)
    if template is None:
        return setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
    with _locked(template.name):
        if not template.exists():
            return _build_sqlite(template, verbosity)
    old_name = connection.settings_dict["NAME"]
    _switch_to(connection, connection.creation._get_test_db_name())
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
    source.backup(connection.connection)
    source.close()
    _keep_pristine(connection)
    return [(connection, old_name, True)]


# Each in-memory test database of this process as the template gave it, by alias: to put it back
# after a transactional test.
_PRISTINE: dict[str, sqlite3.Connection] = {}


def _keep_pristine(connection) -> None:
    pristine = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(pristine)
    _PRISTINE[connection.alias] = pristine


def resets_by_copy(connection) -> bool:
    """Whether this database came from a template in memory that reset_to_template can copy back."""
    return connection.vendor == "sqlite" and connection.alias in _PRISTINE


def reset_to_template(connection) -> bool:
    """Put this process's in-memory SQLite test database back as the template gave it, if it came from
    one, and say whether it did. A transactional test's flush (every table emptied, the content types
    and permissions made again) and then the restore of the rows the migrations seeded took 200 ms after
    each of the 90 transactional tests (on a slow machine); copying the template's pages back takes
    4 ms, and leaves every row, the cache's table and the ids as the template has them."""
    from django.contrib.contenttypes.models import ContentType

    if not resets_by_copy(connection):
        return False
    connection.ensure_connection()
    _PRISTINE[connection.alias].backup(connection.connection)
    ContentType.objects.clear_cache()  # the ids are the template's again
    return True


# The templates' names do not depend on the database's: CI names its database after its process, and
# each run migrated a template of its own (about 24 s of a PostgreSQL run) and left it on the server.
TEMPLATE_PREFIX = "test_sangtao_tpl_"


def _postgresql_template(connection) -> tuple[list[str], str]:
    """(the patterns of this project's templates on the server, the name of the current one). Older ones
    were named after the database (test_<database>_tpl_<key>): only this database's are ours to drop."""
    def literal(text: str) -> str:  # for LIKE
        return text.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")

    patterns = [literal(TEMPLATE_PREFIX) + "%", literal(f"test_{connection.settings_dict['NAME']}_tpl_") + "%"]
    return patterns, f"{TEMPLATE_PREFIX}{template_key('postgresql')}"


def _build_postgresql_if_missing(connection, verbosity: int) -> None:
    """Migrate the template database unless it exists, and drop older ones. Call under its lock."""
    creation = connection.creation
    patterns, template = _postgresql_template(connection)
    quote = connection.ops.quote_name
    with creation._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s OR datname LIKE %s", patterns)
        existing = {row[0] for row in cursor.fetchall()}
    if template in existing:
        return
    old_name = connection.settings_dict["NAME"]
    test_settings = connection.settings_dict["TEST"]
    worker_test_name = test_settings.get("NAME")
    test_settings["NAME"] = template
    try:
        creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
    finally:
        test_settings["NAME"] = worker_test_name
        _switch_to(connection, old_name)
    for stale in existing:  # templates of older migrations, unless another run still clones one
        try:
            with creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(stale)}")
        except Exception:  # noqa: BLE001,S110 -- in use: the next run drops it
            pass


def _setup_postgresql(connection, verbosity: int):
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    test_name = creation._get_test_db_name()
    _base, template = _postgresql_template(connection)
    quote = connection.ops.quote_name
    with _locked(template):
        _build_postgresql_if_missing(connection, verbosity)
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_name)}")
            cursor.execute(f"CREATE DATABASE {quote(test_name)} WITH TEMPLATE {quote(template)}")
    _switch_to(connection, test_name)
    connection.ensure_connection()
    return [(connection, old_name, True)]


def flush_by_deleting() -> None:
    """On PostgreSQL, a transactional test's flush deletes the rows instead of truncating the tables.

    TRUNCATE gives each of the 150 tables and their indexes new files: 0.9 s a flush, after each of
    the 70 transactional tests. Deleting the few rows a test leaves takes 20 ms. The trigger of the
    append-only tables refuses DELETE, so it is switched off inside the flush's transaction and on
    again before it commits (ALTER TABLE is transactional: no other session sees it off). The foreign
    keys are checked once every table is empty. A flush that resets the sequences is
    left to TRUNCATE."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                           " WHERE t.tgname = 'append_only'")
            guarded = sorted({row[0] for row in cursor.fetchall()} & set(tables))
        quote = self.quote_name
        return ([f"ALTER TABLE {quote(table)} DISABLE TRIGGER append_only" for table in guarded]
                + ["SET CONSTRAINTS ALL DEFERRED"] + [f"DELETE FROM {quote(table)}" for table in tables]  # noqa: S608 -- table names
                + ["SET CONSTRAINTS ALL IMMEDIATE"]  # the keys checked now: ALTER TABLE refuses pending checks
                + [f"ALTER TABLE {quote(table)} ENABLE TRIGGER append_only" for table in guarded])

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


def end_other_sessions(connection) -> list[str]:
    """End the other sessions still connected to this PostgreSQL test database, so that it can be
    dropped (a worker process killed by a test, or a thread's connection, can outlive its test), and
    say which they were."""
    if connection.vendor != "postgresql":
        return []
    connection.close()  # this process's own session: not one left behind
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT application_name, state, left(query, 80), pg_terminate_backend(pid) FROM pg_stat_activity"
                       " WHERE datname = %s AND pid <> pg_backend_pid()", [connection.settings_dict["NAME"]])
        return [" | ".join(map(str, row[:3])) for row in cursor.fetchall()]


def build_if_missing() -> None:
    """Make the template if there is none yet, and nothing else. conftest.py runs this in a process
    of its own when an xdist run starts, so migrating overlaps the workers' collection of the tests
    (each takes seconds) instead of following it while the other workers wait on the lock."""
    from django.test.utils import setup_test_environment, teardown_databases

    setup_test_environment()
    connection = connections["default"]
    if connection.vendor == "postgresql":
        with _locked(_postgresql_template(connection)[1]):
            _build_postgresql_if_missing(connection, verbosity=0)
        return
    template = _sqlite_template(connection) if connection.vendor == "sqlite" else None
    if template is None:
        return
    with _locked(template.name):
        if not template.exists():
            teardown_databases(_build_sqlite(template, verbosity=0), verbosity=0)


if __name__ == "__main__":
    import django

    django.setup()
    build_if_missing()
