from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PrivacyConfig(AppConfig):
    name = "sangtao.privacy"
    verbose_name = pgettext_lazy("app", "Dữ liệu cá nhân")
    label = "privacy"

    def ready(self):
        import sangtao.privacy.jobs  # noqa: F401  -- the export job and the periodic purge
        from sangtao.orgs.rules import is_dost_coordinator
        from sangtao.portal.menu import add

        add("admin", "privacy:read_log", _("Nhật ký truy cập dữ liệu cá nhân"), is_dost_coordinator,
            prefixes=("/privacy/reads/",), order=45)
        add("admin", "privacy:restrictions", _("Hạn chế xử lý dữ liệu"), is_dost_coordinator,
            prefixes=("/privacy/restrictions/",), order=46)
