"""The rules of the knowledge context that DoST edits: word limits per section, kinds of problem."""

from django.contrib import admin

from sangtao.core.admin import AuditedAdmin
from sangtao.knowledge.models import ProblemKind, SectionRule


@admin.register(SectionRule)
class SectionRuleAdmin(AuditedAdmin):
    list_display = ("key", "word_limit", "position")
    list_editable = ("word_limit",)


@admin.register(ProblemKind)
class ProblemKindAdmin(AuditedAdmin):
    list_display = ("name", "code", "active")
    list_editable = ("active",)
