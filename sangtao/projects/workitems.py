"""What awaits people in the projects: tasks of their units, progress reports due or to review,
escalated overdue items and acceptances (a fixed number of queries whatever the items)."""

import datetime

from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.core.workitems import WorkItem, one_or_list, provider, span
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
        n=Count("pk"), due=Min("due_on"), late=Count("pk", filter=Q(due_on__lt=today)),
        **span("one", "project_id", Q()))
    # Reports: when each project the user's organisation leads must report next (as next_report_due).
    led = (Project.objects.filter(status=ProjectStatus.ACTIVE, lead_organisation_id__in=solver)
           .annotate(last=Max("reports__period_end", filter=~Q(reports__status=ReportStatus.RETURNED)))
           .values_list("starts_on", "last", "report_every_days", "pk"))
    soon = today + datetime.timedelta(days=7)
    reports = sorted(((last or start) + datetime.timedelta(days=every), pk) for start, last, every, pk in led)
    reports = [(due, pk) for due, pk in reports if due <= soon]
    report_due = [due for due, _pk in reports]
    report_projects = {pk for _due, pk in reports}
    reports_found = dict.fromkeys(("one_first", "one_last"), min(report_projects) if len(report_projects) == 1 else None)
    to_review = ProgressReport.objects.filter(active, status=ReportStatus.SUBMITTED,
                                              project__challenge__owner_unit_id__in=staff).aggregate(
        n=Count("pk"), **span("one", "project_id", Q()))
    levels = ([Escalation.Level.DOST] if dost else []) + ([Escalation.Level.LEADER] if leading else [])
    own = Q() if dost else Q(project__challenge__owner_unit_id__in=leading)
    none = {"n": 0}
    escalated = (Escalation.objects.filter(active, own, level__in=levels).aggregate(
        n=Count("project", distinct=True), **span("one", "project_id", Q())) if levels else none)
    acceptance = (Project.objects.filter(status=ProjectStatus.ACTIVE, self_assessment__isnull=False).aggregate(
        n=Count("pk"), **span("one", "pk", Q())) if dost else none)

    def link(found, anchor: str = "", fallback: str = url) -> str:
        """One project: its page (at the part to act on); several: the portfolio."""
        return one_or_list(found, "one", lambda pk: reverse("projects:detail", args=[pk]) + anchor, fallback)

    return [
        WorkItem("projects.tasks", _("Nhiệm vụ dự án đơn vị bạn phụ trách"), tasks["n"], link(tasks, "#task"),
                 due=tasks["due"], overdue=bool(tasks["late"]), group=GROUP),
        WorkItem("projects.report", _("Báo cáo tiến độ định kỳ đến hạn"), len(report_due),
                 link(reports_found, "#report"),
                 due=report_due[0] if report_due else None, overdue=bool(report_due and report_due[0] < today),
                 group=GROUP),
        WorkItem("projects.review_report", _("Báo cáo tiến độ chờ đơn vị xem xét"), to_review["n"],
                 link(to_review, "#report"), group=GROUP),
        WorkItem("projects.escalated", _("Dự án có việc quá hạn đã báo lên"), escalated["n"],
                 link(escalated, "", f"{url}?health=late"), overdue=True, group=GROUP),
        WorkItem("projects.accept", _("Dự án đã tự đánh giá, chờ nghiệm thu"), acceptance["n"],
                 link(acceptance, "#acceptance"), group=GROUP),
    ]
