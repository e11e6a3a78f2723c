"""Capacity rules as data, edited by DoST here: the suppression threshold and the positive level, the
strata sizes N_h of the barometer's weights, and each unit's size band. Every edit leaves an audit row;
a change that moves numbers has them recomputed."""

from django.contrib import admin

from sangtao.capacity import services
from sangtao.capacity.models import CapacityRule, StratumPopulation, UnitProfile
from sangtao.core.admin import AuditedAdmin


@admin.register(CapacityRule)
class CapacityRuleAdmin(AuditedAdmin):
    list_display = ["name", "min_n", "positive_min", "is_default"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"min_n", "positive_min"} & set(form.changed_data):
            services.rule_changed(obj)


@admin.register(StratumPopulation)
class StratumPopulationAdmin(AuditedAdmin):
    list_display = ["year", "kind", "size_band", "population"]
    list_filter = ["year", "kind"]


@admin.register(UnitProfile)
class UnitProfileAdmin(AuditedAdmin):
    list_display = ["unit", "size_band", "staff"]
    list_filter = ["size_band"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]
    search_fields = ["unit__name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.profile_changed(obj)
