from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class PortalConfig(AppConfig):
    name = "sangtao.portal"
    verbose_name = pgettext_lazy("app", "Cổng thông tin")
    label = "portal"
