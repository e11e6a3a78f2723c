from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "sangtao.orgs"
    label = "orgs"
