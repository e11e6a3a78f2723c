from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class InitiativesConfig(AppConfig):
    name = "sangtao.initiatives"
    verbose_name = pgettext_lazy("app", "Sáng kiến")
    label = "initiatives"

    def ready(self):
        # The work the initiatives give people ("Việc của tôi"), and their pages in the menu.
        import sangtao.initiatives.personal_data  # noqa: F401  (where it holds people's data: privacy.copies)
        import sangtao.initiatives.work  # noqa: F401
        from sangtao.initiatives.menu import register

        register()
