"""The rules of initiatives and the emulation ladder are data: DoST edits them here."""

from django.contrib import admin

from sangtao.core.admin import AuditedAdmin
from sangtao.initiatives.models import EmulationTitle, InitiativeRules


@admin.register(InitiativeRules)
class InitiativeRulesAdmin(AuditedAdmin):
    list_display = ["name", "answer_within_months", "recognition_numerator", "recognition_denominator",
                    "council_min_members", "scope_valid_years", "is_default"]


@admin.register(EmulationTitle)
class EmulationTitleAdmin(AuditedAdmin):
    list_display = ["name", "level", "needs_scope", "lower_title", "consecutive_lower", "position"]
