from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "sangtao.proposals"
    label = "proposals"

    def ready(self):
        import sangtao.proposals.workitems  # noqa: F401  (what awaits people, for their home page)
