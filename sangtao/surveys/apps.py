from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class SurveysConfig(AppConfig):
    name = "sangtao.surveys"
    verbose_name = pgettext_lazy("app", "Khảo sát hài lòng")
    label = "surveys"

    def ready(self):
        # Register the import and recompute tasks with the worker.
        import sangtao.surveys.imports  # noqa: F401
        import sangtao.surveys.personal_data  # noqa: F401  (where it holds people's data: privacy.copies)
        import sangtao.surveys.services  # noqa: F401
        # An import's end is a line on its starter's home through its core JobRun (core.progress.job_work).
