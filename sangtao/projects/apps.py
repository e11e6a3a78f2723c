from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ProjectsConfig(AppConfig):
    name = "sangtao.projects"
    verbose_name = pgettext_lazy("app", "Dự án")
    label = "projects"

    def ready(self):
        # Register the overdue-escalation job with the worker.
        import sangtao.projects.services  # noqa: F401
        import sangtao.projects.workitems  # noqa: F401  (what awaits people, for their home page)
