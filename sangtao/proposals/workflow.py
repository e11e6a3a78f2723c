"""The proposal workflow: one table of allowed moves, applied only by proposals.services."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from rules import Predicate

from sangtao.proposals.models import ProposalStatus as S
from sangtao.proposals.rules import is_applicant_member, is_dost_coordinator


@dataclass(frozen=True)
class Move:
    name: str
    sources: tuple[str, ...]
    target: str
    allowed: Predicate
    label: object


MOVES: dict[str, Move] = {
    move.name: move
    for move in [
        # A new submission while the call is open makes a new version; earlier ones stay.
        Move("submit", (S.DRAFT, S.SUBMITTED, S.WITHDRAWN), S.SUBMITTED, is_applicant_member, _("Nộp hồ sơ")),
        Move("withdraw", (S.SUBMITTED,), S.WITHDRAWN, is_applicant_member, _("Rút hồ sơ")),
        Move("mark_eligible", (S.SUBMITTED,), S.ELIGIBLE, is_dost_coordinator, _("Hợp lệ")),
        Move("mark_ineligible", (S.SUBMITTED,), S.INELIGIBLE, is_dost_coordinator, _("Không hợp lệ")),
        Move("select", (S.ELIGIBLE,), S.SELECTED, is_dost_coordinator, _("Chọn làm đơn vị chủ trì")),
        Move("not_select", (S.ELIGIBLE, S.SUBMITTED), S.NOT_SELECTED, is_dost_coordinator, _("Không được chọn")),
    ]
}
