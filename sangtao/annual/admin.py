"""The rules of annual plans that DoST edits: the report calendar and the external indicators."""

from django.contrib import admin

from sangtao.annual.models import ExternalIndicator, ReportPeriod
from sangtao.core.admin import AuditedAdmin


@admin.register(ReportPeriod)
class ReportPeriodAdmin(AuditedAdmin):
    list_display = ("name", "code", "covers_to_month", "due_day", "due_month", "due_next_year", "remind_days_before",
                    "is_final", "active")
    list_editable = ("active",)


@admin.register(ExternalIndicator)
class ExternalIndicatorAdmin(AuditedAdmin):
    list_display = ("index", "code", "name", "active")
    list_filter = ("index", "active")
    search_fields = ("code", "name")
