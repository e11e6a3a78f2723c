"""The moves of a personal-data export (made by the platform only; each is an audit row)."""

from django.utils.translation import gettext_lazy as _

from sangtao.core.workflow import Move, nobody, workflow
from sangtao.privacy.models import DataExport
from sangtao.privacy.models import ExportStatus as S

EXPORT = workflow("data_export", DataExport, [
    Move("start", (S.QUEUED, S.RUNNING), S.RUNNING, nobody, _("Bắt đầu tạo bản xuất"), service_only=True),
    Move("finish", (S.RUNNING,), S.READY, nobody, _("Bản xuất sẵn sàng"), service_only=True),
    Move("fail", (S.QUEUED, S.RUNNING), S.FAILED, nobody, _("Dừng vì lỗi"), service_only=True),
], _("Bản xuất dữ liệu"))
