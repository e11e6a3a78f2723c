from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sangtao.accounts"
    label = "accounts"

    def ready(self):
        import sangtao.accounts.signals  # noqa: F401  -- logins and failed logins are audited
