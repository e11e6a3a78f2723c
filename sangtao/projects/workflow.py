"""The project, task and progress-report workflows: tables of moves applied by sangtao.core.workflow."""

from django.contrib.auth import get_user_model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sangtao.core import formats
from sangtao.core.workflow import Guard, Move, workflow
from sangtao.orgs.roles import unit_staff
from sangtao.orgs.rules import is_dost_coordinator
from sangtao.projects.acceptance import acceptance_result
from sangtao.projects.models import (
    Grade,
    ProgressReport,
    Project,
    ProjectStatus,
    ReportStatus,
    Task,
    TaskStatus,
)
from sangtao.projects.rules import manages_project_of, works_on_project_of


def lead_members(project):
    return get_user_model().objects.filter(memberships__unit_id=project.lead_organisation_id).distinct()


def _lead_and_owners(project):
    return [*lead_members(project), *unit_staff([project.challenge.owner_unit_id])]


def _project_page(project) -> str:
    return project.get_absolute_url() + "#acceptance"


def _project_notice(project, move, reason):
    """The acceptance moves give their result (the reason) in the title; a move that needs a reason (a
    cancellation, with its own title in the table) gives that reason as the body."""
    return (format_lazy(_("Kết quả nghiệm thu «{title}»: {result}"), title=project.challenge.title, result=reason),
            reason if move.reason_required else "", project.get_absolute_url())


def _overall(project) -> str | None:
    return acceptance_result(project).overall


GRADED = Guard(lambda p: _overall(p) is not None,
               lambda p: _("Còn thiếu đánh giá: %(what)s.") % {"what": ", ".join(acceptance_result(p).missing)},
               _project_page)
PASSED = Guard(lambda p: _overall(p) in (None, Grade.PASS, Grade.EXCELLENT), _("Kết quả nghiệm thu là Không đạt."))
NOT_PASSED = Guard(lambda p: _overall(p) in (None, Grade.FAIL), _("Kết quả nghiệm thu là Đạt."))

PROJECT = workflow("project", Project, [
    # DoST records the acceptance council's result: the grades decide which of the two moves applies.
    Move("accept", (ProjectStatus.ACTIVE,), ProjectStatus.ACCEPTED, is_dost_coordinator, _("Nghiệm thu đạt"),
         guards=(GRADED, PASSED), notify=_lead_and_owners, service_only=True),
    Move("fail", (ProjectStatus.ACTIVE,), ProjectStatus.FAILED, is_dost_coordinator, _("Nghiệm thu không đạt"),
         guards=(GRADED, NOT_PASSED), notify=_lead_and_owners, service_only=True),
    # DoST stops a project that cannot go on (contract ended, lead organisation dissolved), saying why;
    # the lead organisation and the owning unit are told.
    Move("cancel", (ProjectStatus.ACTIVE,), ProjectStatus.CANCELLED, is_dost_coordinator, _("Hủy dự án"),
         reason_required=True, danger=True, notify=_lead_and_owners,
         notice_title=lambda project: format_lazy(_("Dự án «{title}» đã bị hủy"), title=project.challenge.title)),
], pgettext_lazy("workflow", "Dự án"), notice=_project_notice)


TASK = workflow("task", Task, [
    Move("complete", (TaskStatus.OPEN,), TaskStatus.DONE, works_on_project_of, _("Hoàn thành")),
], _("Nhiệm vụ"))


def _report_notice(report, move, reason):
    return (format_lazy(_("Báo cáo tiến độ đến {day}: {result}"), day=formats.short_date(report.period_end),
                        result=report.get_status_display()), reason, report.project.get_absolute_url())


REPORT = workflow("progress_report", ProgressReport, [
    Move("accept", (ReportStatus.SUBMITTED,), ReportStatus.ACCEPTED, manages_project_of, _("Chấp nhận báo cáo"),
         notify=lambda r: lead_members(r.project)),
    Move("return", (ReportStatus.SUBMITTED,), ReportStatus.RETURNED, manages_project_of, _("Trả lại để bổ sung"),
         reason_required=True, notify=lambda r: lead_members(r.project)),
], pgettext_lazy("workflow", "Báo cáo tiến độ"), notice=_report_notice)
