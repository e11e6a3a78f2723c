"""The challenge and question workflows: tables of moves applied by sangtao.core.workflow."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sangtao.challenges.models import Challenge, Question, QuestionStatus, SelectionMode, Status, Transition
from sangtao.challenges.rules import is_owner_leader, is_owner_staff, is_question_moderator
from sangtao.core.workflow import Guard, Move, workflow
from sangtao.orgs.models import Role
from sangtao.orgs.roles import dost_coordinators, unit_staff
from sangtao.orgs.rules import is_dost_coordinator


def followers_of(challenge, *, including_field_and_unit: bool = False):
    condition = Q(follows__challenge=challenge)
    if including_field_and_unit:
        condition |= Q(follows__field_id=challenge.field_id) | Q(follows__unit_id=challenge.owner_unit_id)
    return get_user_model().objects.filter(condition).distinct()


# --- who is told --------------------------------------------------------------------------

def _owners(challenge):
    return unit_staff([challenge.owner_unit_id])


def _owner_leaders(challenge):
    return unit_staff([challenge.owner_unit_id], [Role.LEADER])


def _dost(_challenge):
    return dost_coordinators()


def _owners_and_followers(challenge):
    return [*_owners(challenge), *followers_of(challenge)]


def _everyone_interested(challenge):
    return [*_owners(challenge), *followers_of(challenge, including_field_and_unit=True)]


def _notice(challenge, move, reason):
    title = format_lazy(_("«{title}»: {state}"), title=challenge.title, state=challenge.get_status_display())
    body = format_lazy(_("Lý do: {reason}"), reason=reason) if reason else ""
    return title, body, challenge.get_absolute_url()


# --- preconditions ------------------------------------------------------------------------

def _edit_page(challenge) -> str:
    return reverse("challenges:edit", args=[challenge.pk])


def _ask_for_changes(challenge) -> str:
    """Before publication only the unit edits, once DoST has sent the draft back."""
    return reverse("challenges:move", args=[challenge.pk, "request_changes"])


def _call_window_set(challenge) -> bool:
    return challenge.selection_mode != SelectionMode.OPEN or bool(challenge.call_opens_at and challenge.call_closes_at)


def _call_ends_in_future(challenge) -> bool:
    return (challenge.selection_mode != SelectionMode.OPEN or challenge.call_closes_at is None
            or challenge.call_closes_at > timezone.now())


HAS_INDICATOR = Guard(lambda c: c.indicators.exists(),
                      _("Cần ít nhất một chỉ số thành công trước khi trình."), _edit_page, "indicators")
HAS_CALL_WINDOW = Guard(_call_window_set,
                        _("Bài toán tuyển chọn cần thời gian mở và hạn nhận hồ sơ trước khi công bố."),
                        _ask_for_changes, "call_closes_at")
CALL_NOT_OVER = Guard(_call_ends_in_future, _("Hạn nhận hồ sơ đã qua; hãy yêu cầu đơn vị cập nhật."),
                      _ask_for_changes, "call_closes_at")
HAS_DECISION = Guard(lambda c: hasattr(c, "decision"), _("Cần ghi nhận quyết định lựa chọn đơn vị chủ trì trước."))
ACCEPTED = Guard(lambda c: getattr(getattr(c, "project", None), "status", "") == "accepted",
                 _("Cần kết luận nghiệm thu đạt trước."))



def _has_evidence(challenge) -> bool:
    """Evaluated by the service's measured change, not by activity: a value measured for one of its
    indicators, or answers to one of its satisfaction surveys (brief, section 1)."""
    from sangtao.evaluation.models import Measurement
    from sangtao.surveys.models import Response

    return (Measurement.objects.filter(indicator__challenge=challenge).exists()
            or Response.objects.filter(survey__challenge=challenge).exists())


MEASURED = Guard(_has_evidence, _("Cần ít nhất một số đo chỉ số hoặc kết quả khảo sát sự hài lòng trước khi kết thúc."),
                 lambda c: c.get_absolute_url() + "#ket-qua-do", "indicators")

_BEFORE_PUBLICATION = (Status.DRAFT, Status.UNIT_REVIEW, Status.DOST_REVIEW, Status.APPROVED)

CHALLENGE = workflow("challenge", Challenge, [
    Move("submit", (Status.DRAFT,), Status.UNIT_REVIEW, is_owner_staff, _("Trình lãnh đạo đơn vị"),
         guards=(HAS_INDICATOR,), notify=_owner_leaders),
    Move("unit_approve", (Status.UNIT_REVIEW,), Status.DOST_REVIEW, is_owner_leader,
         _("Đồng ý, gửi Sở KH&CN thẩm định"), notify=_dost),
    Move("unit_return", (Status.UNIT_REVIEW,), Status.DRAFT, is_owner_leader, _("Trả lại để chỉnh sửa"),
         reason_required=True, notify=_owners),
    # A call whose closing day has passed could never be published: the unit updates it first.
    Move("approve", (Status.DOST_REVIEW,), Status.APPROVED, is_dost_coordinator, _("Phê duyệt"),
         guards=(CALL_NOT_OVER,), notify=_owners),
    Move("request_changes", (Status.DOST_REVIEW,), Status.DRAFT, is_dost_coordinator, _("Yêu cầu chỉnh sửa"),
         reason_required=True, notify=_owners),
    Move("reject", (Status.DOST_REVIEW,), Status.REJECTED, is_dost_coordinator, _("Từ chối"),
         reason_required=True, danger=True, notify=_owners),
    Move("publish", (Status.APPROVED,), Status.PUBLISHED, is_dost_coordinator, _("Công bố"),
         guards=(HAS_CALL_WINDOW, CALL_NOT_OVER), notify=_everyone_interested,
         notice_title=lambda c: format_lazy(_("Bài toán mới được công bố: «{title}»"), title=c.title)),
    Move("close", (Status.PUBLISHED,), Status.CLOSED, is_dost_coordinator, _("Đóng nhận hồ sơ"),
         notify=_owners_and_followers),
    Move("withdraw", _BEFORE_PUBLICATION, Status.WITHDRAWN, is_owner_staff, _("Rút bài toán"), danger=True,
         notify=_dost),
    Move("cancel", (*_BEFORE_PUBLICATION, Status.PUBLISHED, Status.CLOSED, Status.IMPLEMENTING, Status.EVALUATING),
         Status.CANCELLED, is_dost_coordinator, _("Hủy bài toán"), reason_required=True, danger=True,
         notify=_owners_and_followers),
    Move("select_lead", (Status.PUBLISHED, Status.CLOSED), Status.IMPLEMENTING, is_dost_coordinator,
         _("Quyết định đơn vị chủ trì"), guards=(HAS_DECISION,), service_only=True, notify=_owners_and_followers),
    Move("start_evaluation", (Status.IMPLEMENTING,), Status.EVALUATING, is_dost_coordinator,
         _("Nghiệm thu đạt, chuyển sang đánh giá kết quả"), guards=(ACCEPTED,), service_only=True,
         notify=_owners_and_followers),
    Move("complete", (Status.EVALUATING,), Status.COMPLETED, is_dost_coordinator,
         _("Kết thúc: đã đánh giá kết quả"), guards=(MEASURED,), reason_required=True, notify=_owners_and_followers),
], pgettext_lazy("workflow", "Bài toán"), transitions=Transition, subject="challenge", notice=_notice, records_creation=True)

MOVES = CHALLENGE.moves


# --- questions from the public ------------------------------------------------------------

def _asker_and_followers(question):
    return [question.asker, *followers_of(question.challenge)]


def _question_notice(question, move, reason):
    return (format_lazy(_("Câu hỏi về «{title}» đã được trả lời"), title=question.challenge.title),
            question.answer[:500], question.challenge.get_absolute_url() + f"#q{question.pk}")


QUESTION = workflow("question", Question, [
    Move("approve", (QuestionStatus.PENDING,), QuestionStatus.APPROVED, is_question_moderator, _("Duyệt công bố")),
    Move("reject", (QuestionStatus.PENDING,), QuestionStatus.REJECTED, is_question_moderator, _("Không công bố")),
    Move("answer", (QuestionStatus.PENDING, QuestionStatus.APPROVED), QuestionStatus.ANSWERED,
         is_question_moderator, _("Trả lời"), notify=_asker_and_followers),
], _("Câu hỏi"), notice=_question_notice)
