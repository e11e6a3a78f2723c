"""The names of Django's task API and of its backends, written here and nowhere else.

Jobs are written against Django's task API (``django.tasks`` from Django 6) through its backport;
settings (INSTALLED_APPS, TASKS), the worker command, core/tasks.py (which loads the API) and the
tests take every name from this module, so moving to Django 6 changes API below and nothing else.
The database and RQ backends stay packages of their own on Django 6. Nothing is imported here:
settings imports this module before Django is set up. The conventions checker reports these names
written anywhere else (task-backport-named); migrations keep the app labels they were made with.
"""

# Django 6: "django.tasks". The backends send the "task enqueued" signal of the API they were built
# for, which core/tasks.py listens to under API: a backend package on another API would leave every
# RQ run without its task id, and the workers' sweep would fail it (test_tasks.py checks the pair).
API = "django_tasks"
DATABASE = "django_tasks_db"  # the database backend (its app's label: django_tasks_database)
RQ = "django_tasks_rq"  # the Redis backend, for RQ's workers

# The backport is an app (its system checks); Django 6's django.tasks is part of Django itself.
APPS = [DATABASE] if API == "django.tasks" else [API, DATABASE]
BACKENDS = {
    "database": f"{DATABASE}.DatabaseBackend",
    "rq": f"{RQ}.RQBackend",
    "immediate": f"{API}.backends.immediate.ImmediateBackend",
}
RQ_JOB = f"{RQ}.Job"  # the job class RQ's workers are started with
DATABASE_WORKER = f"{DATABASE}.management.commands.db_worker.Worker"
RESULT_MODEL = f"{DATABASE}.models.DBTaskResult"  # a job queued in the database, then its result
