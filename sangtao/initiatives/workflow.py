"""The initiative and council workflows: tables of moves applied by sangtao.core.workflow."""

from decimal import Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sangtao.core.workflow import Guard, Move, workflow
from sangtao.initiatives.models import (
    Council,
    CouncilStatus,
    CouncilTransition,
    Initiative,
    InitiativeTransition,
)
from sangtao.initiatives.models import InitiativeStatus as S
from sangtao.initiatives.rules import answers_for_unit, is_author, leaders_who_answer, manages_council
from sangtao.orgs.roles import unit_staff
from sangtao.orgs.rules import is_dost_coordinator


def author_users(initiative):
    from django.contrib.auth import get_user_model

    ids = {a.user_id for a in initiative.authors.all() if a.user_id} | {initiative.created_by_id}
    return get_user_model().objects.filter(pk__in=ids)


def unit_leaders(initiative):
    from sangtao.orgs.models import Role

    return unit_staff([initiative.unit_id], [Role.LEADER])


def answering_leaders(initiative):
    """Who answers the application (rules.answers_for_unit): the unit's leaders who are not its authors, or
    DoST's coordinators where every leader is one."""
    return leaders_who_answer(initiative) or list(_dost())


def _notice(initiative, move, reason):
    return (format_lazy(_("Sáng kiến «{title}»: {move}"), title=initiative.title, move=move.label), reason,
            initiative.get_absolute_url())


def shares_total(initiative) -> Decimal:
    return sum((a.share for a in initiative.authors.all()), Decimal(0))


def _edit_url(initiative) -> str:
    from django.urls import reverse

    return reverse("initiatives:edit", args=[initiative.pk])


HAS_AUTHORS = Guard(lambda i: initiative_has_authors(i), _("Cần ít nhất một tác giả."), _edit_url, "authors")
SHARES_100 = Guard(lambda i: not initiative_has_authors(i) or shares_total(i) == 100,
                   lambda i: _("Tổng tỷ lệ đóng góp của các tác giả là %(total)s%%, phải bằng 100%%.")
                   % {"total": shares_total(i)}, _edit_url, "authors")
APPLIED = Guard(lambda i: i.first_applied_on is not None,
                _("Sáng kiến phải đã được áp dụng hoặc áp dụng thử: cần ngày áp dụng lần đầu."), _edit_url,
                "first_applied_on")
DESCRIBED = Guard(lambda i: bool(i.description and i.novelty),
                  _("Cần mô tả giải pháp và điểm mới so với cách làm trước đây."), _edit_url, "novelty")


def initiative_has_authors(initiative) -> bool:
    return bool(initiative.authors.all())


INITIATIVE = workflow("initiative", Initiative, [
    # The service gives the register number, the answer date and sends the receipt to every author.
    Move("submit", (S.DRAFT,), S.RECEIVED, is_author, _("Nộp đơn yêu cầu công nhận"),
         guards=(HAS_AUTHORS, SHARES_100, DESCRIBED, APPLIED)),
    Move("withdraw", (S.DRAFT, S.RECEIVED), S.WITHDRAWN, is_author, _("Rút đơn"), danger=True,
         notify=answering_leaders),
    Move("return", (S.RECEIVED,), S.DRAFT, answers_for_unit, _("Trả lại để bổ sung"), reason_required=True,
         notify=author_users),
    # Excluded from the start (against public order, already protected IP, not new): a written refusal.
    Move("refuse", (S.RECEIVED,), S.REFUSED, answers_for_unit, _("Từ chối (không đủ điều kiện xét)"),
         reason_required=True, danger=True, notify=author_users),
    Move("to_council", (S.RECEIVED,), S.UNDER_REVIEW, answers_for_unit, _("Chuyển hội đồng sáng kiến"),
         service_only=True, notify=author_users),
    Move("recognise", (S.UNDER_REVIEW,), S.RECOGNISED, answers_for_unit, _("Công nhận sáng kiến"),
         service_only=True, notify=author_users),
    Move("not_recognise", (S.UNDER_REVIEW,), S.REFUSED, answers_for_unit, _("Không công nhận sáng kiến"),
         service_only=True, reason_required=True, notify=author_users),
    Move("propose_city", (S.RECOGNISED,), S.CITY_PROPOSED, answers_for_unit,
         _("Đề nghị công nhận phạm vi ảnh hưởng cấp thành phố"), notify=lambda i: _dost()),
    Move("decline_city", (S.CITY_PROPOSED,), S.RECOGNISED, is_dost_coordinator, _("Không đưa ra hội đồng thành phố"),
         reason_required=True, notify=lambda i: [*author_users(i), *unit_leaders(i)]),
    Move("city_review", (S.CITY_PROPOSED,), S.CITY_REVIEW, is_dost_coordinator, _("Chuyển hội đồng thành phố"),
         service_only=True),
    Move("city_recognise", (S.CITY_REVIEW,), S.CITY_RECOGNISED, is_dost_coordinator,
         _("Công nhận phạm vi ảnh hưởng cấp thành phố"), service_only=True,
         notify=lambda i: [*author_users(i), *unit_leaders(i)]),
    Move("city_refuse", (S.CITY_REVIEW,), S.RECOGNISED, is_dost_coordinator,
         _("Không công nhận phạm vi cấp thành phố"), service_only=True, reason_required=True,
         notify=lambda i: [*author_users(i), *unit_leaders(i)]),
], pgettext_lazy("workflow", "Sáng kiến"), transitions=InitiativeTransition, subject="initiative", notice=_notice)


def _dost():
    from sangtao.orgs.roles import dost_coordinators

    return dost_coordinators()


def composition_problems(council) -> list[str]:
    """What keeps the council's composition from the rules: its size (data); a chair, a vice-chair, a
    secretary and experts; a representative of the trade union where an author is a member (Decree 13)."""
    seats = list(council.seats.all())
    rules = council.rules
    problems = []
    if len(seats) < rules.council_min_members:
        problems.append(str(_("Hội đồng cần ít nhất %(n)s thành viên.") % {"n": rules.council_min_members}))
    if len(seats) > rules.council_max_members:
        problems.append(str(_("Hội đồng có nhiều nhất %(n)s thành viên.") % {"n": rules.council_max_members}))
    roles = [seat.role for seat in seats]
    if roles.count("chair") != 1:
        problems.append(str(_("Hội đồng cần đúng một Chủ tịch.")))
    if roles.count("vice_chair") != 1:
        problems.append(str(_("Hội đồng cần đúng một Phó Chủ tịch.")))
    if roles.count("secretary") != 1:
        problems.append(str(_("Hội đồng cần đúng một Thư ký.")))
    if "expert" not in roles:
        problems.append(str(_("Hội đồng cần ít nhất một Ủy viên chuyên môn.")))
    if "union" not in roles and council.initiative.authors.filter(union_member=True).exists():
        problems.append(str(_("Có tác giả là đoàn viên công đoàn: hội đồng cần một Đại diện công đoàn.")))
    return problems


def missing_votes(council) -> int:
    voted = {vote.seat_id for vote in council.votes.all()}
    return sum(1 for seat in council.seats.all() if seat.pk not in voted)


COMPOSED = Guard(lambda c: not composition_problems(c), lambda c: " ".join(composition_problems(c)),
                 lambda c: c.get_absolute_url() + "#seats", "seats")
ALL_VOTED = Guard(lambda c: missing_votes(c) == 0,
                  lambda c: _("Còn %(n)s thành viên chưa biểu quyết.") % {"n": missing_votes(c)},
                  lambda c: c.get_absolute_url() + "#votes", "votes")


def _council_notice(council, move, reason):
    return (format_lazy(_("{name}: {move}"), name=council.name, move=move.label), reason,
            council.get_absolute_url())


def _members(council):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(initiative_seats__council=council)


COUNCIL = workflow("initiative_council", Council, [
    Move("open_voting", (CouncilStatus.FORMING,), CouncilStatus.VOTING, manages_council, _("Mở biểu quyết"),
         guards=(COMPOSED,), notify=_members),
    # The service counts the votes against the rule and writes the decision with the move.
    Move("decide", (CouncilStatus.VOTING,), CouncilStatus.DECIDED, manages_council, _("Kết luận theo biểu quyết"),
         guards=(ALL_VOTED,), service_only=True),
], pgettext_lazy("workflow", "Hội đồng sáng kiến"), transitions=CouncilTransition, subject="council", notice=_council_notice)
