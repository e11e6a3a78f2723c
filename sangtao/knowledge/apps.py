"""Knowledge that travels between agencies: cases, lessons learned, and reuse before reinvention."""
from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class KnowledgeConfig(AppConfig):
    name = "sangtao.knowledge"
    verbose_name = pgettext_lazy("app", "Tri thức")
    label = "knowledge"

    def ready(self) -> None:
        from sangtao.knowledge import asking, suggest_sync

        suggest_sync.connect()
        asking.connect()
        # The work the knowledge context gives people ("Việc của tôi"), and its pages in the menu.
        import sangtao.knowledge.rules  # noqa: F401
        import sangtao.knowledge.work  # noqa: F401
        from sangtao.knowledge.menu import register

        register()
