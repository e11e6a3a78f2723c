"""The project rules are data: DoST edits them here."""

from django.contrib import admin

from sangtao.core.admin import AuditedAdmin
from sangtao.projects.models import ProjectRules


@admin.register(ProjectRules)
class ProjectRulesAdmin(AuditedAdmin):
    list_display = ["name", "leader_after_days", "dost_after_days", "at_risk_within_days", "quantity_share_numerator",
                    "quantity_share_denominator", "is_default"]
