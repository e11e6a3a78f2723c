from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AuditConfig(AppConfig):
    """DoST's reading of the audit trail: the log page, its CSV, and the daily check of the chains."""

    name = "sangtao.audit"
    verbose_name = pgettext_lazy("app", "Nhật ký kiểm toán")
    label = "audit"

    def ready(self):
        import sangtao.audit.jobs  # noqa: F401  -- registers the periodic check
