"""What awaits people in the surveys: their imports that failed (to fix and retry) or finished."""

import datetime

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.core.workitems import WorkItem, provider
from sangtao.surveys.models import ImportJob

GROUP = _("Đo lường")
RECENT_DAYS = 7


@provider("surveys.imports")
def import_work(user) -> list[WorkItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    failed = Q(state__in=[ImportJob.State.REJECTED, ImportJob.State.FAILED])
    done = Q(state=ImportJob.State.DONE)
    running = Q(state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING])
    jobs = ImportJob.objects.filter(Q(created_by=user) & (Q(created_at__gte=since) | running))
    counts = jobs.aggregate(failed=Count("pk", filter=failed), last_failed=Max("pk", filter=failed),
                            done=Count("pk", filter=done), last_done=Max("pk", filter=done),
                            running=Count("pk", filter=running), last_running=Max("pk", filter=running))
    # One more (indexed) query for the survey of each latest job: links lead to the job itself.
    ids = [pk for pk in (counts["last_failed"], counts["last_done"], counts["last_running"]) if pk]
    surveys = dict(ImportJob.objects.filter(pk__in=ids).values_list("pk", "survey_id")) if ids else {}

    def link(pk, n):
        if n == 1 and pk in surveys:
            return reverse("surveys:import", args=[surveys[pk], pk])
        return reverse("surveys:list")

    return [
        WorkItem("surveys.import_failed", _("Tệp nhập phiếu khảo sát bị lỗi, cần sửa và nhập lại"), counts["failed"],
                 link(counts["last_failed"], counts["failed"]), overdue=True, group=GROUP),
        WorkItem("surveys.import_running", _("Tệp nhập phiếu khảo sát đang xử lý"), counts["running"],
                 link(counts["last_running"], counts["running"]), action_needed=False, group=GROUP),
        WorkItem("surveys.import_done", _("Tệp nhập phiếu khảo sát đã hoàn tất (7 ngày qua)"), counts["done"],
                 link(counts["last_done"], counts["done"]), action_needed=False, group=GROUP),
    ]
