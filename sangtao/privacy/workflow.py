"""The moves of a personal-data export (made by the platform only) and of a restriction of processing
(DoST lifts it); each move is an audit row."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sangtao.core.workflow import Move, nobody, workflow
from sangtao.orgs.rules import is_dost_coordinator
from sangtao.privacy.models import DataExport, ProcessingRestriction, RestrictionStatus
from sangtao.privacy.models import ExportStatus as S

EXPORT = workflow("data_export", DataExport, [
    # Running again: a worker that died; failed: the person retried its job (core.progress.retry).
    Move("start", (S.QUEUED, S.RUNNING, S.FAILED), S.RUNNING, nobody, _("Bắt đầu tạo bản xuất"),
         service_only=True),
    Move("finish", (S.RUNNING,), S.READY, nobody, _("Bản xuất sẵn sàng"), service_only=True),
    Move("fail", (S.QUEUED, S.RUNNING), S.FAILED, nobody, _("Dừng vì lỗi"), service_only=True),
], _("Bản xuất dữ liệu"))


def _restriction_notice(restriction, move, reason):
    return move.label, reason, reverse("privacy:mine")


# A restriction is asked for by the person (created active, privacy.services.request_restriction);
# DoST lifts it, with a reason, and the person is told.
RESTRICTION = workflow("processing_restriction", ProcessingRestriction, [
    Move("lift", (RestrictionStatus.ACTIVE,), RestrictionStatus.LIFTED, is_dost_coordinator, _("Gỡ hạn chế xử lý"),
         reason_required=True, notify=lambda restriction: [restriction.user], action_needed=False),
], _("Yêu cầu hạn chế xử lý"), notice=_restriction_notice)
