"""The challenge workflow: one table of allowed moves.

Each move names the states it may start from, the state it leads to, who may
make it and whether a reason is required. Services apply moves; nothing else
sets a challenge's status.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from rules import Predicate

from sangtao.challenges.models import Status
from sangtao.challenges.rules import is_dost_coordinator, is_owner_leader, is_owner_staff


@dataclass(frozen=True)
class Move:
    name: str
    sources: tuple[str, ...]
    target: str
    allowed: Predicate
    label: object
    reason_required: bool = False
    danger: bool = False
    # Made only by another context's service (e.g. the selection decision), never from a button.
    service_only: bool = False


_BEFORE_PUBLICATION = (Status.DRAFT, Status.UNIT_REVIEW, Status.DOST_REVIEW, Status.APPROVED)

MOVES: dict[str, Move] = {
    move.name: move
    for move in [
        Move("submit", (Status.DRAFT,), Status.UNIT_REVIEW, is_owner_staff,
             _("Trình lãnh đạo đơn vị")),
        Move("unit_approve", (Status.UNIT_REVIEW,), Status.DOST_REVIEW, is_owner_leader,
             _("Đồng ý, gửi Sở KH&CN thẩm định")),
        Move("unit_return", (Status.UNIT_REVIEW,), Status.DRAFT, is_owner_leader,
             _("Trả lại để chỉnh sửa"), reason_required=True),
        Move("approve", (Status.DOST_REVIEW,), Status.APPROVED, is_dost_coordinator,
             _("Phê duyệt")),
        Move("request_changes", (Status.DOST_REVIEW,), Status.DRAFT, is_dost_coordinator,
             _("Yêu cầu chỉnh sửa"), reason_required=True),
        Move("reject", (Status.DOST_REVIEW,), Status.REJECTED, is_dost_coordinator,
             _("Từ chối"), reason_required=True, danger=True),
        Move("publish", (Status.APPROVED,), Status.PUBLISHED, is_dost_coordinator,
             _("Công bố")),
        Move("close", (Status.PUBLISHED,), Status.CLOSED, is_dost_coordinator,
             _("Đóng nhận hồ sơ")),
        Move("withdraw", _BEFORE_PUBLICATION, Status.WITHDRAWN, is_owner_staff,
             _("Rút bài toán"), danger=True),
        Move("cancel", (*_BEFORE_PUBLICATION, Status.PUBLISHED, Status.CLOSED, Status.IMPLEMENTING, Status.EVALUATING),
             Status.CANCELLED,
             is_dost_coordinator, _("Hủy bài toán"), reason_required=True, danger=True),
        Move("select_lead", (Status.PUBLISHED, Status.CLOSED), Status.IMPLEMENTING, is_dost_coordinator,
             _("Quyết định đơn vị chủ trì"), service_only=True),
        Move("start_evaluation", (Status.IMPLEMENTING,), Status.EVALUATING, is_dost_coordinator,
             _("Nghiệm thu đạt, chuyển sang đánh giá kết quả"), service_only=True),
        Move("complete", (Status.EVALUATING,), Status.COMPLETED, is_dost_coordinator,
             _("Kết thúc: đã đánh giá kết quả"), reason_required=True),
    ]
}


def available_moves(user, challenge) -> list[Move]:
    """Moves this user may make on the challenge in its current state."""
    return [
        move for move in MOVES.values()
        if not move.service_only and challenge.status in move.sources and move.allowed.test(user, challenge)
    ]
