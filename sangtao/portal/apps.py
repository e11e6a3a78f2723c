from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sangtao.portal"
    label = "portal"
