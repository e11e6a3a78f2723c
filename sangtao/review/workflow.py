"""The council, scoresheet and assignment-run workflows: tables of moves applied by sangtao.core.workflow."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sangtao.core.workflow import Guard, Move, nobody, workflow
from sangtao.orgs.rules import is_dost_coordinator
from sangtao.review.models import AssignmentRun, Council, CouncilStatus, Scoresheet, SheetEvent, SheetStatus
from sangtao.review.rules import is_sheet_reviewer, is_sheet_secretary

# --- councils -----------------------------------------------------------------------------

def _council_page(council) -> str:
    return reverse("review:council", args=[council.pk])


def _composition_problems(council) -> list[str]:
    from sangtao.review.services import composition_problems  # the rules of composition build on this table

    return composition_problems(council)


def _assigned_experts(council):
    return get_user_model().objects.filter(expert__assignments__council=council).distinct()


def _council_notice(council, move, reason):
    # A council's name is its whole title ("Hội đồng tuyển chọn …"): not put inside another "Hội đồng «…»".
    return (format_lazy(_("{name}: mời khai báo xung đột lợi ích và chấm điểm"), name=council.name), "",
            reverse("review:my_reviews"))


COMPOSED_BY_THE_RULES = Guard(lambda c: not _composition_problems(c), lambda c: " ".join(_composition_problems(c)),
                              _council_page, "members")
HAS_ASSIGNMENTS = Guard(lambda c: c.assignments.exists(), _("Chưa có phân công nào để công bố."), _council_page)
ALL_DECIDED = Guard(lambda c: not c.challenges.filter(decision__isnull=True).exists(),
                    _("Còn bài toán của hội đồng chưa có quyết định lựa chọn."))

COUNCIL = workflow("council", Council, [
    Move("release", (CouncilStatus.FORMING,), CouncilStatus.REVIEWING, is_dost_coordinator,
         _("Công bố phân công tới các thành viên"), guards=(COMPOSED_BY_THE_RULES, HAS_ASSIGNMENTS),
         notify=_assigned_experts, action_needed=True),  # each member declares and scores (cleared at the last sheet)
    # Made by the decision on the council's last challenge (review.services.record_decision).
    Move("decide", (CouncilStatus.REVIEWING,), CouncilStatus.DECIDED, is_dost_coordinator,
         _("Kết thúc: đã có quyết định"), guards=(ALL_DECIDED,), service_only=True),
], pgettext_lazy("workflow", "Hội đồng"), notice=_council_notice)


# --- scoresheets --------------------------------------------------------------------------

def sheet_problems(sheet) -> list[tuple[str, str]]:
    """What stops a scoresheet from being submitted: missing scores, missing comments."""
    scores = {s.criterion_id: s for s in sheet.scores.all()} if sheet.pk else {}  # a sheet not yet saved: none
    problems = []
    for criterion in sheet.assignment.council.rubric.leaves():
        score = scores.get(criterion.pk)
        if score is None:
            problems.append((f"points_{criterion.pk}", str(_("Chưa chấm tiêu chí %(code)s.") % {"code": criterion.code})))
        elif score.points < criterion.max_points / 2 and not score.comment:
            problems.append((f"comment_{criterion.pk}", str(
                _("Tiêu chí %(code)s: điểm dưới một nửa điểm tối đa cần có nhận xét.") % {"code": criterion.code})))
    return problems


def _score_page(sheet) -> str:
    return reverse("review:score", args=[sheet.assignment_id])


def _sheet_reviewer(sheet):
    return [sheet.assignment.expert.user]


def _sheet_notice(sheet, move, reason):
    return (format_lazy(_("Phiếu chấm của bạn được mở lại ({name})"), name=sheet.assignment.council.name), reason,
            _score_page(sheet))


def _sheet_problem_parts(sheet) -> list[tuple[str, str]]:
    """Each missing score or comment, linked to its own input on the scoresheet."""
    return [(text, f"{_score_page(sheet)}#{field}") for field, text in sheet_problems(sheet)]


SHEET_COMPLETE = Guard(lambda s: not sheet_problems(s), lambda s: " ".join(text for _f, text in sheet_problems(s)),
                       _score_page, parts=_sheet_problem_parts)

SCORESHEET = workflow("scoresheet", Scoresheet, [
    Move("submit", (SheetStatus.DRAFT,), SheetStatus.SUBMITTED, is_sheet_reviewer, _("Nộp phiếu chấm"),
         guards=(SHEET_COMPLETE,)),
    Move("reopen", (SheetStatus.SUBMITTED,), SheetStatus.DRAFT, is_sheet_secretary, _("Mở lại phiếu chấm"),
         reason_required=True, notify=_sheet_reviewer),
], _("Phiếu chấm"), transitions=SheetEvent, subject="scoresheet", notice=_sheet_notice)

# --- automatic assignment runs: only the background job moves them (services.run_assignment) ----

R = AssignmentRun.State
ASSIGNMENT_RUN = workflow("assignment_run", AssignmentRun, [
    # A run whose worker died is started again from where it was left: running; a failed or infeasible
    # one is run again when its starter retries its job (core.progress.retry), after fixing the council.
    Move("start", (R.QUEUED, R.RUNNING, R.FAILED, R.INFEASIBLE), R.RUNNING, nobody, _("Bắt đầu phân công"),
         service_only=True),
    Move("finish", (R.RUNNING,), R.DONE, nobody, _("Hoàn tất"), service_only=True),
    Move("find_infeasible", (R.RUNNING,), R.INFEASIBLE, nobody, _("Không khả thi"), service_only=True),
    Move("fail", (R.QUEUED, R.RUNNING), R.FAILED, nobody, _("Dừng vì lỗi hệ thống"), service_only=True),
], _("Lượt phân công"), state_field="state")
