from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ProposalsConfig(AppConfig):
    name = "sangtao.proposals"
    verbose_name = pgettext_lazy("app", "Hồ sơ đề xuất")
    label = "proposals"

    def ready(self):
        import sangtao.proposals.workitems  # noqa: F401  (what awaits people, for their home page)
