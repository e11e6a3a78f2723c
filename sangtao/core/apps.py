from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import pgettext_lazy


def _create_cache_table(using: str, **_kwargs) -> None:
    """`migrate` creates the database cache's table too (settings.CACHES); nothing if it exists."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "sangtao.core"
    verbose_name = pgettext_lazy("app", "Hệ thống")
    label = "core"

    def ready(self):
        # Register this app's background tasks and periodic jobs with the worker.
        import sangtao.core.checks  # noqa: F401
        import sangtao.core.jobs  # noqa: F401
        import sangtao.core.progress  # noqa: F401  -- the job_run move table
        from sangtao.core import constraints

        constraints.install()  # constraint violations become field messages (core/constraints.py)
        from django.contrib import admin

        from sangtao.core.admin import bound_every_admin

        bound_every_admin(admin.site)  # admin.site's modules are loaded: django.contrib.admin is ready first

        post_migrate.connect(_create_cache_table, sender=self)
