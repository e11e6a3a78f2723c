"""The import job's workflow: only the background import moves it (sangtao.surveys.imports)."""

from django.utils.translation import gettext_lazy as _

from sangtao.core.workflow import Move, nobody, workflow
from sangtao.surveys.models import ImportJob

S = ImportJob.State

IMPORT_JOB = workflow("import_job", ImportJob, [
    # A job whose worker died is started again from where it was left: running.
    Move("start", (S.QUEUED, S.RUNNING), S.RUNNING, nobody, _("Bắt đầu nhập"), service_only=True),
    Move("finish", (S.RUNNING,), S.DONE, nobody, _("Hoàn tất"), service_only=True),
    Move("reject", (S.QUEUED, S.RUNNING), S.REJECTED, nobody, _("Từ chối tệp"), service_only=True),
    Move("fail", (S.QUEUED, S.RUNNING), S.FAILED, nobody, _("Dừng vì lỗi hệ thống"), service_only=True),
], _("Lượt nhập"), state_field="state")
