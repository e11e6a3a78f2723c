from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ReviewConfig(AppConfig):
    name = "sangtao.review"
    verbose_name = pgettext_lazy("app", "Tuyển chọn")
    label = "review"

    def ready(self):
        # Register this app's background tasks and periodic jobs with the worker.
        import sangtao.review.personal_data  # noqa: F401  (where it holds people's data: privacy.copies)
        import sangtao.review.services  # noqa: F401
        import sangtao.review.workitems  # noqa: F401  (what awaits people, for their home page)
