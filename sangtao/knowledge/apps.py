"""Knowledge that travels between agencies: cases, lessons learned, and reuse before reinvention."""
from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "sangtao.knowledge"
    label = "knowledge"
    verbose_name = "Tri thức"

    def ready(self) -> None:
        from sangtao.knowledge import suggest_sync

        suggest_sync.connect()
