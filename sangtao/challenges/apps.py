from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ChallengesConfig(AppConfig):
    name = "sangtao.challenges"
    verbose_name = pgettext_lazy("app", "Bài toán")
    label = "challenges"

    def ready(self):
        # Register this app's background tasks and periodic jobs with the worker.
        import sangtao.challenges.deadlines  # noqa: F401
        import sangtao.challenges.personal_data  # noqa: F401  (where it holds people's data: privacy.copies)
        import sangtao.challenges.services  # noqa: F401
        import sangtao.challenges.workitems  # noqa: F401  (what awaits people, for their home page)
