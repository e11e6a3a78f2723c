from django.apps import AppConfig


class AnnualConfig(AppConfig):
    name = "sangtao.annual"
    label = "annual"

    def ready(self):
        # The report reminders and escalations (periodic jobs), the city report job and the work items.
        import sangtao.annual.services  # noqa: F401
        import sangtao.annual.workitems  # noqa: F401
