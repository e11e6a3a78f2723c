from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "sangtao.surveys"
    label = "surveys"

    def ready(self):
        # Register the import and recompute tasks with the worker.
        import sangtao.surveys.imports  # noqa: F401
        import sangtao.surveys.services  # noqa: F401
        import sangtao.surveys.workitems  # noqa: F401  (what awaits people, for their home page)
