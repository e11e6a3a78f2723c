"""The challenges' deadline rules are data: DoST edits them here."""

from django.contrib import admin

from sangtao.challenges.models import ChallengeRules
from sangtao.core.admin import AuditedAdmin


@admin.register(ChallengeRules)
class ChallengeRulesAdmin(AuditedAdmin):
    list_display = ["name", "review_working_days", "publish_working_days", "remind_working_days", "is_default"]
