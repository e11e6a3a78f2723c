from django.apps import AppConfig


class AuditConfig(AppConfig):
    """DoST's reading of the audit trail: the log page, its CSV, and the daily check of the chains."""

    name = "sangtao.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self):
        import sangtao.audit.jobs  # noqa: F401  -- registers the periodic check
