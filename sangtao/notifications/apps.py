from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sangtao.notifications"
    label = "notifications"
