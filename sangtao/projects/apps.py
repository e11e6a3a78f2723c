from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "sangtao.projects"
    label = "projects"

    def ready(self):
        # Register the overdue-escalation job with the worker.
        import sangtao.projects.services  # noqa: F401
        import sangtao.projects.workitems  # noqa: F401  (what awaits people, for their home page)
