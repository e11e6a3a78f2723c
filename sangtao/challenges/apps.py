from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "sangtao.challenges"
    label = "challenges"

    def ready(self):
        # Register this app's background tasks and periodic jobs with the worker.
        import sangtao.challenges.services  # noqa: F401
