from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sangtao.notifications"
    label = "notifications"

    def ready(self):
        # Register this app's background tasks and periodic jobs with the worker.
        import sangtao.notifications.services  # noqa: F401
        import sangtao.notifications.workitems  # noqa: F401  (what awaits people, for their home page)
