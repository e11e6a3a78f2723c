from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class NotificationsConfig(AppConfig):
    name = "sangtao.notifications"
    verbose_name = pgettext_lazy("app", "Thông báo")
    label = "notifications"

    def ready(self):
        # Register this app's background tasks and periodic jobs with the worker.
        import sangtao.notifications.services  # noqa: F401
        import sangtao.notifications.workitems  # noqa: F401  (what awaits people, for their home page)
