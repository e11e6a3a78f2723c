from django.contrib import admin

from sangtao.core.admin import AuditedAdmin
from sangtao.proposals.models import EligibilityCriterion


@admin.register(EligibilityCriterion)
class EligibilityCriterionAdmin(AuditedAdmin):
    list_display = ["text", "active", "position"]
    list_editable = ["active", "position"]
