from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class OrgsConfig(AppConfig):
    name = "sangtao.orgs"
    verbose_name = pgettext_lazy("app", "Tổ chức, đơn vị")
    label = "orgs"
