from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "sangtao.initiatives"
    label = "initiatives"
    verbose_name = "Sáng kiến"

    def ready(self):
        # The work the initiatives give people ("Việc của tôi"), and their pages in the menu.
        import sangtao.initiatives.personal_data  # noqa: F401  (where it holds people's data: privacy.copies)
        import sangtao.initiatives.work  # noqa: F401
        from sangtao.initiatives.menu import register

        register()
