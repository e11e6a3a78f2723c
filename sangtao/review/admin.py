"""The rules of step 3 are data: DoST edits them here."""

from django.contrib import admin

from sangtao.core.admin import AuditedAdmin
from sangtao.review.models import CouncilRules, Criterion, Rubric


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 1
    fields = ["code", "name", "name_en", "max_points", "parent", "position"]


@admin.register(Rubric)
class RubricAdmin(AuditedAdmin):
    list_display = ["name", "pass_mean_total", "zero_share_numerator", "zero_share_denominator", "is_default"]
    inlines = [CriterionInline]


@admin.register(CouncilRules)
class CouncilRulesAdmin(AuditedAdmin):
    list_display = ["name", "min_members", "max_members", "reviewers", "max_from_applicant", "complaint_window_days",
                    "is_default"]
