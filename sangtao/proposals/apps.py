from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "sangtao.proposals"
    label = "proposals"
