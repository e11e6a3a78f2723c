from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AccountsConfig(AppConfig):
    name = "sangtao.accounts"
    verbose_name = pgettext_lazy("app", "Tài khoản")
    label = "accounts"

    def ready(self):
        import sangtao.accounts.signals  # noqa: F401  -- logins and failed logins are audited
