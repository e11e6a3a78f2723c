from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sangtao.core"
    label = "core"
    verbose_name = "Core"
