from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class CapacityConfig(AppConfig):
    name = "sangtao.capacity"
    verbose_name = pgettext_lazy("app", "Năng lực đổi mới")
    label = "capacity"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        import sangtao.capacity.workflow  # noqa: F401
        import sangtao.capacity.workitems  # noqa: F401
        from sangtao.portal.menu import add, perm

        add("measurement", "capacity:index", _("Năng lực đổi mới"), perm("capacity.see_benchmark"),
            prefixes=("/capacity/",), order=20)
        add("measurement", "capacity:impacts", _("Tác động theo đợt triển khai"), perm("capacity.see_impact"),
            prefixes=("/capacity/impact/",), order=30)
        add("measurement", "capacity:portfolio", _("Danh mục đổi mới"), perm("capacity.see_portfolio"),
            prefixes=("/capacity/portfolio",), order=40)
