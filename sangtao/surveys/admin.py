"""The index rule is data: DoST edits it here."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sangtao.core.admin import AuditedAdmin
from sangtao.core.errors import NotAllowed
from sangtao.surveys import services
from sangtao.surveys.models import IndexRule


@admin.register(IndexRule)
class IndexRuleAdmin(AuditedAdmin):
    list_display = ["name", "satisfied_min", "min_n", "is_default"]

    def save_model(self, request, obj, form, change):
        try:
            recomputing = services.save_index_rule(request.user, obj, form.changed_data)
        except NotAllowed:
            raise PermissionDenied from None
        if recomputing:
            self.message_user(request, _("Mức hài lòng đã đổi: chỉ số của %(n)s khảo sát đang được tính lại.")
                              % {"n": recomputing})
