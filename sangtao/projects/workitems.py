"""What awaits people in the projects: tasks of their units, progress reports due or to review,
escalated overdue items and acceptances (a fixed number of queries whatever the items)."""

import datetime

from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.core.workitems import WorkItem, provider
from sangtao.orgs.models import Role
from sangtao.orgs.roles import is_dost, staff_unit_ids, units_with_role
from sangtao.projects.models import (
    Escalation,
    ProgressReport,
    Project,
    ProjectStatus,
    ReportStatus,
    Task,
    TaskStatus,
)

GROUP = _("Triển khai")


@provider("projects.work")
def project_work(user) -> list[WorkItem]:
    dost = is_dost(user)
    staff = staff_unit_ids(user)
    leading = units_with_role(user, Role.LEADER)
    solver = units_with_role(user, Role.SOLVER)
    if not (dost or staff or solver):
        return []
    today = timezone.localdate()
    url = reverse("projects:portfolio")
    active = Q(project__status=ProjectStatus.ACTIVE)
    tasks = Task.objects.filter(active, status=TaskStatus.OPEN, unit_id__in=staff | solver).aggregate(
        n=Count("pk"), due=Min("due_on"), late=Count("pk", filter=Q(due_on__lt=today)))
    # Reports: when each project the user's organisation leads must report next (as next_report_due).
    led = (Project.objects.filter(status=ProjectStatus.ACTIVE, lead_organisation_id__in=solver)
           .annotate(last=Max("reports__period_end", filter=~Q(reports__status=ReportStatus.RETURNED)))
           .values_list("starts_on", "last", "report_every_days"))
    soon = today + datetime.timedelta(days=7)
    report_due = sorted((last or start) + datetime.timedelta(days=every) for start, last, every in led)
    report_due = [due for due in report_due if due <= soon]
    to_review = ProgressReport.objects.filter(active, status=ReportStatus.SUBMITTED,
                                              project__challenge__owner_unit_id__in=staff).count()
    levels = ([Escalation.Level.DOST] if dost else []) + ([Escalation.Level.LEADER] if leading else [])
    own = Q() if dost else Q(project__challenge__owner_unit_id__in=leading)
    escalated = (Escalation.objects.filter(active, own, level__in=levels).values("project").distinct().count()
                 if levels else 0)
    acceptance = Project.objects.filter(status=ProjectStatus.ACTIVE, self_assessment__isnull=False).count() if dost else 0
    return [
        WorkItem("projects.tasks", _("Nhiệm vụ dự án đơn vị bạn phụ trách"), tasks["n"], url, due=tasks["due"],
                 overdue=bool(tasks["late"]), group=GROUP),
        WorkItem("projects.report", _("Báo cáo tiến độ định kỳ đến hạn"), len(report_due), url,
                 due=report_due[0] if report_due else None, overdue=bool(report_due and report_due[0] < today),
                 group=GROUP),
        WorkItem("projects.review_report", _("Báo cáo tiến độ chờ đơn vị xem xét"), to_review, url, group=GROUP),
        WorkItem("projects.escalated", _("Dự án có việc quá hạn đã báo lên"), escalated, f"{url}?health=late",
                 overdue=True, group=GROUP),
        WorkItem("projects.accept", _("Dự án đã tự đánh giá, chờ nghiệm thu"), acceptance, url, group=GROUP),
    ]
