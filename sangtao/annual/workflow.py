"""The annual plan and report workflows: tables of moves applied by sangtao.core.workflow.

Plan: draft -> submitted (officer) -> approved (unit leader; or returned with a reason) ->
consolidated (DoST; or returned with a note) -> in progress -> done, or dropped with a reason.
An amendment takes a plan under way back to draft as its next version; each submission keeps a
snapshot so the history shows what changed.

Report: draft -> submitted (officer) -> approved by the leader (DoST sees it from here; or
returned) -> accepted by DoST (or returned with a note).
"""

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.annual.models import (
    AdvisorySession,
    AnnualPlan,
    PlanReport,
    PlanStatus,
    PlanTransition,
    ReportStatus,
    ReportTransition,
    SessionStatus,
    SessionTransition,
)
from sangtao.annual.rules import is_plan_leader, is_plan_officer, is_plan_staff
from sangtao.core.workflow import Guard, Move, workflow
from sangtao.orgs.models import Role
from sangtao.orgs.roles import dost_coordinators, unit_staff
from sangtao.orgs.rules import is_dost_coordinator


def _edit_url(plan) -> str:
    return plan.get_absolute_url() + "#tasks"


def _every_task_has_a_kpi(plan) -> bool:
    return not plan.tasks.filter(kpis__isnull=True).exists()


HAS_TASKS = Guard(lambda plan: plan.tasks.exists(), _("Kế hoạch chưa có nhiệm vụ nào."), _edit_url)
KPIS = Guard(_every_task_has_a_kpi, _("Mỗi nhiệm vụ cần ít nhất một chỉ số (KPI) có giá trị nền và mục tiêu."),
             _edit_url)


def _final_report_sent(plan) -> bool:
    return plan.reports.filter(period__is_final=True, status__in=(ReportStatus.APPROVED,
                                                                  ReportStatus.ACCEPTED)).exists()


FINAL_REPORT = Guard(_final_report_sent, _("Chưa có báo cáo năm được lãnh đạo đơn vị duyệt."),
                     lambda plan: plan.get_absolute_url() + "#reports")


def _leaders(plan):
    return unit_staff([plan.unit_id], [Role.LEADER])


def _officers(plan):
    return unit_staff([plan.unit_id], [Role.OFFICER])


def _staff(plan):
    return unit_staff([plan.unit_id])


def _plan_notice(plan, move, reason):
    return (format_lazy(_("Kế hoạch ĐMST {year} của {unit}: {move}"), year=plan.year, unit=plan.unit.name,
                        move=move.label), reason, plan.get_absolute_url())


PLAN = workflow("annual_plan", AnnualPlan, [
    Move("submit", (PlanStatus.DRAFT,), PlanStatus.SUBMITTED, is_plan_officer, _("Trình lãnh đạo đơn vị"),
         guards=(HAS_TASKS, KPIS), notify=_leaders),
    Move("approve", (PlanStatus.SUBMITTED,), PlanStatus.APPROVED, is_plan_leader, _("Duyệt, gửi Sở KH&CN"),
         notify=lambda plan: [*_officers(plan), *dost_coordinators()]),
    Move("return", (PlanStatus.SUBMITTED,), PlanStatus.DRAFT, is_plan_leader, _("Trả lại chuyên viên"),
         reason_required=True, danger=True, notify=_officers),
    Move("consolidate", (PlanStatus.APPROVED,), PlanStatus.CONSOLIDATED, is_dost_coordinator,
         _("Tổng hợp vào kế hoạch thành phố"), notify=_staff),
    Move("dost_return", (PlanStatus.APPROVED,), PlanStatus.DRAFT, is_dost_coordinator, _("Trả lại đơn vị kèm ghi chú"),
         reason_required=True, danger=True, notify=_staff),
    Move("start", (PlanStatus.CONSOLIDATED,), PlanStatus.IN_PROGRESS, is_plan_staff, _("Bắt đầu thực hiện")),
    Move("amend", (PlanStatus.CONSOLIDATED, PlanStatus.IN_PROGRESS), PlanStatus.DRAFT, is_plan_staff,
         _("Điều chỉnh kế hoạch (phiên bản mới)"), reason_required=True, notify=lambda plan: list(dost_coordinators())),
    Move("complete", (PlanStatus.IN_PROGRESS,), PlanStatus.DONE, is_plan_leader, _("Hoàn thành kế hoạch"),
         guards=(FINAL_REPORT,), notify=lambda plan: list(dost_coordinators())),
    Move("drop", (PlanStatus.CONSOLIDATED, PlanStatus.IN_PROGRESS), PlanStatus.DROPPED, is_plan_leader,
         _("Dừng thực hiện kế hoạch"), reason_required=True, danger=True, notify=lambda plan: list(dost_coordinators())),
], _("Kế hoạch"), transitions=PlanTransition, subject="plan", notice=_plan_notice)


def _report_notice(report, move, reason):
    return (format_lazy(_("{period} {year} của {unit}: {move}"), period=report.period.name, year=report.plan.year,
                        unit=report.plan.unit.name, move=move.label), reason, report.get_absolute_url())


REPORT = workflow("annual_report", PlanReport, [
    Move("submit", (ReportStatus.DRAFT,), ReportStatus.SUBMITTED, is_plan_officer, _("Trình lãnh đạo đơn vị"),
         notify=lambda report: _leaders(report.plan)),
    Move("approve", (ReportStatus.SUBMITTED,), ReportStatus.APPROVED, is_plan_leader, _("Duyệt, gửi Sở KH&CN"),
         notify=lambda report: [*_officers(report.plan), *dost_coordinators()]),
    Move("return", (ReportStatus.SUBMITTED,), ReportStatus.DRAFT, is_plan_leader, _("Trả lại chuyên viên"),
         reason_required=True, danger=True, notify=lambda report: _officers(report.plan)),
    Move("accept", (ReportStatus.APPROVED,), ReportStatus.ACCEPTED, is_dost_coordinator, _("Tiếp nhận báo cáo"),
         notify=lambda report: _staff(report.plan)),
    Move("dost_return", (ReportStatus.APPROVED,), ReportStatus.DRAFT, is_dost_coordinator,
         _("Trả lại đơn vị kèm ghi chú"), reason_required=True, danger=True,
         notify=lambda report: _staff(report.plan)),
], _("Báo cáo"), transitions=ReportTransition, subject="report", notice=_report_notice)


# --- expert advice sessions (Inno-Coffee) ---------------------------------------------------------------
#
# requested (unit staff) -> scheduled by DoST with a time, a place and the advisers (again to move it) ->
# held, with the advice recorded once its time has passed; DoST may decline a request, or call off a session
# (also one that did not take place), with a reason; the unit may cancel before the session's time.

def _session_notice(session, move, reason):
    return (format_lazy(_("Tư vấn «{topic}»: {move}"), topic=session.topic, move=move.label), reason,
            session.get_absolute_url())


def _taken_place(session) -> bool:
    return session.scheduled_for is not None and session.scheduled_for <= timezone.now()


# Nothing to put right on another page: the time has to come (or has passed).
TAKEN_PLACE = Guard(_taken_place, _("Buổi tư vấn chưa diễn ra: ghi nội dung sau thời gian đã hẹn."))
NOT_YET_HELD = Guard(lambda session: not _taken_place(session),
                     _("Đã qua thời gian tư vấn: Sở KH&CN ghi lại nội dung buổi tư vấn, hoặc ghi là không diễn ra."))

S = SessionStatus
SESSION = workflow("advisory_session", AdvisorySession, [
    Move("schedule", (S.REQUESTED, S.SCHEDULED), S.SCHEDULED, is_dost_coordinator, _("Xếp lịch / đổi lịch tư vấn"),
         notify=_staff),
    Move("record", (S.SCHEDULED,), S.HELD, is_dost_coordinator, _("Ghi nội dung đã tư vấn"), guards=(TAKEN_PLACE,),
         notify=_staff),
    Move("decline", (S.REQUESTED,), S.DECLINED, is_dost_coordinator, _("Không nhận đề nghị"),
         reason_required=True, danger=True, notify=_staff),
    Move("cancel", (S.REQUESTED, S.SCHEDULED), S.CANCELLED, is_plan_staff, _("Hủy đề nghị"), guards=(NOT_YET_HELD,),
         reason_required=True, danger=True, notify=lambda session: list(dost_coordinators())),
    Move("call_off", (S.SCHEDULED,), S.CANCELLED, is_dost_coordinator, _("Hủy buổi tư vấn / ghi là không diễn ra"),
         reason_required=True, danger=True, notify=_staff),
], _("Phiên tư vấn"), transitions=SessionTransition, subject="session", notice=_session_notice, records_creation=True)
