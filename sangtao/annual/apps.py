from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AnnualConfig(AppConfig):
    name = "sangtao.annual"
    verbose_name = pgettext_lazy("app", "Kế hoạch ĐMST hằng năm")
    label = "annual"

    def ready(self):
        # The report reminders and escalations (periodic jobs), the city report job and the work items.
        import sangtao.annual.personal_data  # noqa: F401  (where it holds people's data: privacy.copies)
        import sangtao.annual.services  # noqa: F401
        import sangtao.annual.workitems  # noqa: F401
        from sangtao.orgs.rules import is_dost_coordinator, is_unit_staff
        from sangtao.portal.menu import add

        add("programme", "annual:list", _("Kế hoạch ĐMST hằng năm"), is_dost_coordinator | is_unit_staff,
            prefixes=("/annual/",), order=50)
        add("programme", "annual:rollup", _("Tổng hợp kế hoạch ĐMST"), is_dost_coordinator,
            prefixes=("/annual/rollup/", "/annual/city-reports/", "/annual/import/"), order=51)
        add("programme", "annual:advice_list", _("Tư vấn chuyên gia (Inno-Coffee)"),
            is_dost_coordinator | is_unit_staff, prefixes=("/annual/advice/",), order=53)
        add("programme", "annual:evidence_register", _("Minh chứng theo chỉ số"), is_dost_coordinator | is_unit_staff,
            prefixes=("/annual/evidence",), order=52)
