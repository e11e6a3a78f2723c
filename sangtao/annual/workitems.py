"""What awaits each person in annual plans and reports, for the role homes ("Việc của tôi").

Each provider answers in a fixed number of queries whatever the number of plans.
"""

from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sangtao.annual.models import (
    AdvisorySession,
    AnnualPlan,
    PlanReport,
    PlanStatus,
    ReportPeriod,
    ReportStatus,
    SessionStatus,
)
from sangtao.annual.rollup import PLANNING_UNITS
from sangtao.core.workitems import WorkItem, one_or_list, provider, span
from sangtao.orgs.models import OrgUnit, Role
from sangtao.orgs.roles import is_dost, units_with_role

GROUP = _("Kế hoạch ĐMST hằng năm")


@provider("annual.plans")
def plan_work(user) -> list[WorkItem]:
    items = []
    url = reverse("annual:list")
    officer_units, leader_units = units_with_role(user, Role.OFFICER), units_with_role(user, Role.LEADER)

    def plans(queryset):  # its count, and the plan itself when there is one
        found = queryset.aggregate(n=Count("pk"), **span("one", "pk", Q()))
        return found["n"], one_or_list(found, "one", lambda pk: reverse("annual:detail", args=[pk]), "")

    if officer_units:
        n, one = plans(AnnualPlan.objects.filter(unit_id__in=officer_units, status=PlanStatus.DRAFT))
        items.append(WorkItem("annual.submit", _("Kế hoạch ĐMST đang soạn, cần trình lãnh đạo"), n,
                              one or url + "?status=draft", group=GROUP))
        upcoming = AdvisorySession.objects.filter(unit_id__in=officer_units, status=SessionStatus.SCHEDULED,
                                                  scheduled_for__gte=timezone.now()).aggregate(
            n=Count("pk"), next=Min("scheduled_for"))
        items.append(WorkItem("annual.advice_upcoming", _("Phiên tư vấn chuyên gia sắp tới"), upcoming["n"],
                              reverse("annual:advice_list") + "?status=scheduled", due=upcoming["next"],
                              action_needed=False, group=GROUP))
        # The city's plan asks every department and local unit for a working group (brief §8).
        missing = OrgUnit.objects.current().filter(pk__in=officer_units, kind__in=PLANNING_UNITS,
                                         working_group__isnull=True).aggregate(n=Count("pk"), first=Min("pk"))
        items.append(WorkItem("annual.working_group", _("Đơn vị chưa khai báo tổ công tác đổi mới sáng tạo"), missing["n"],
                              reverse("annual:working_group", args=[missing["first"]]) if missing["n"] else url,
                              group=GROUP))
    if leader_units:
        n, one = plans(AnnualPlan.objects.filter(unit_id__in=leader_units, status=PlanStatus.SUBMITTED))
        items.append(WorkItem("annual.approve", _("Kế hoạch ĐMST chờ lãnh đạo duyệt"), n,
                              one or url + "?status=submitted", group=GROUP))
        reports = PlanReport.objects.filter(plan__unit_id__in=leader_units, status=ReportStatus.SUBMITTED).aggregate(
            n=Count("pk"), **span("one", "pk", Q()), plan=Max("plan_id"))
        items.append(WorkItem("annual.approve_report", _("Báo cáo ĐMST chờ lãnh đạo duyệt"), reports["n"],
                              one_or_list(reports, "one", lambda pk: reverse("annual:report", args=[reports["plan"], pk]),
                                          url), group=GROUP))
    if is_dost(user):
        advice = AdvisorySession.objects.aggregate(
            requested=Count("pk", filter=Q(status=SessionStatus.REQUESTED)),
            unrecorded=Count("pk", filter=Q(status=SessionStatus.SCHEDULED, scheduled_for__lte=timezone.now())))
        items.append(WorkItem("annual.schedule_advice", _("Đề nghị tư vấn chờ xếp lịch"), advice["requested"],
                              reverse("annual:advice_list") + "?status=requested", group=GROUP))
        items.append(WorkItem("annual.record_advice", _("Phiên tư vấn đã qua thời gian hẹn, chưa ghi nội dung"),
                              advice["unrecorded"], reverse("annual:advice_list") + "?status=scheduled", group=GROUP))
        items.append(WorkItem("annual.consolidate", _("Kế hoạch ĐMST chờ Sở KH&CN tổng hợp"),
                              AnnualPlan.objects.filter(status=PlanStatus.APPROVED).count(), url + "?status=approved",
                              group=GROUP))
        items.append(WorkItem("annual.accept_report", _("Báo cáo ĐMST chờ Sở KH&CN tiếp nhận"),
                              PlanReport.objects.filter(status=ReportStatus.APPROVED).count(), reverse("annual:rollup"),
                              group=GROUP))
    return items


@provider("annual.reports_due")
def report_work(user) -> list[WorkItem]:
    """Reports due or late: for the unit's staff their own, for DoST every late unit (for information). Last
    year's plans too: their annual report falls due in this year."""
    from sangtao.annual.services import not_reported, report_calendar

    today = timezone.localdate()
    staff_units = units_with_role(user, Role.OFFICER, Role.LEADER)
    dost = is_dost(user)
    if not staff_units and not dost:
        return []
    items = []
    periods = list(ReportPeriod.objects.filter(active=True))
    for year in (today.year - 1, today.year):
        near = [(period, due) for period, due in report_calendar(year, periods)
                if due < today or (due - today).days <= period.remind_days_before]
        for period, due in near:  # counted by the database: DoST's home does not fetch every unit's plan
            pending = not_reported(year, period)
            late = due < today
            mine = list(pending.filter(unit_id__in=staff_units)) if staff_units else []
            label = _("%(period)s %(year)s") % {"period": period.localized_name(get_language()), "year": year}
            if mine:
                items.append(WorkItem("annual.report_due", label, len(mine), mine[0].get_absolute_url() + "#reports",
                                      due=due, overdue=late, group=GROUP))
            count = pending.count() if dost and late else 0
            if count:
                items.append(WorkItem("annual.report_late", _("Đơn vị chưa nộp %(report)s") % {"report": label},
                                      count, reverse("annual:rollup") + f"?year={year}#late", due=due, overdue=True,
                                      action_needed=False, group=GROUP))
    return items
