from django.contrib import admin

from sangtao.core.admin import FewQueriesDeleteAdmin
from sangtao.proposals.models import EligibilityCriterion


@admin.register(EligibilityCriterion)
class EligibilityCriterionAdmin(FewQueriesDeleteAdmin):
    list_display = ["text", "active", "position"]
    list_editable = ["active", "position"]
