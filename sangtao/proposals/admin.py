from django.contrib import admin

from sangtao.proposals.models import EligibilityCriterion


@admin.register(EligibilityCriterion)
class EligibilityCriterionAdmin(admin.ModelAdmin):
    list_display = ["text", "active", "position"]
    list_editable = ["active", "position"]
