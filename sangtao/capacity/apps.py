from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "sangtao.capacity"
    label = "capacity"

    def ready(self):
        import sangtao.capacity.workflow  # noqa: F401
        import sangtao.capacity.workitems  # noqa: F401
