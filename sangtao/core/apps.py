from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sangtao.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        # Register this app's background tasks and periodic jobs with the worker.
        import sangtao.core.jobs  # noqa: F401
