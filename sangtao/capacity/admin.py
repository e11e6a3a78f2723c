"""Capacity rules as data, edited by DoST here: the suppression threshold and the positive level, the
strata sizes N_h of the barometer's weights, and each unit's size band. Every edit leaves an audit row;
a change that moves numbers has them recomputed."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sangtao.capacity import services
from sangtao.capacity.models import CapacityRule, StratumPopulation, UnitProfile
from sangtao.core.admin import AuditedAdmin
from sangtao.core.errors import NotAllowed


@admin.register(CapacityRule)
class CapacityRuleAdmin(AuditedAdmin):
    list_display = ["name", "min_n", "positive_min", "is_default"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"min_n", "positive_min"} & set(form.changed_data):
            try:
                run = services.rule_changed(request.user, obj)
            except NotAllowed:
                raise PermissionDenied from None
            if run is not None:
                self.message_user(request, format_html(
                    _("Điểm năng lực đang được tính lại: <a href=\"{}\">theo dõi tiến độ</a>."),
                    run.get_absolute_url()))


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
