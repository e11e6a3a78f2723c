from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "sangtao.knowledge"
    label = "knowledge"
    verbose_name = "Tri thức"
