"""The proposal workflow: one table of moves, applied by sangtao.core.workflow for proposals.services."""

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sangtao.core.workflow import Guard, Move, workflow
from sangtao.orgs.models import Role
from sangtao.orgs.roles import unit_staff
from sangtao.orgs.rules import is_dost_coordinator
from sangtao.proposals.models import Proposal, ProposalTransition
from sangtao.proposals.models import ProposalStatus as S
from sangtao.proposals.rules import is_applicant_member


def applicant_members(proposal):
    return unit_staff([proposal.organisation_id], [Role.SOLVER])


def _notice(proposal, move, reason):
    return move.label, reason, proposal.get_absolute_url()


# Where each missing piece is filled in on the proposal form.
_FORM_ANCHOR = {"team": "team", "workplan": "workplan", "budget_lines": "budget-lines",
                "expected_results": "expected-results",
                "team_informed": "id_team_informed"}


def _missing(proposal) -> list[tuple[str, str]]:
    from sangtao.proposals.services import missing_for_submission  # services import this table

    return missing_for_submission(proposal)


def _missing_parts(proposal) -> list[tuple[str, str]]:
    edit = reverse("proposals:edit", args=[proposal.pk])
    return [(message, f"{edit}#{_FORM_ANCHOR.get(field, f'id_{field}')}") for field, message in _missing(proposal)]


# Everything a submission needs (content, team, plan, a budget that adds up, a result per indicator).
# The deadline is not a guard: the service judges it by the request's arrival time, not by now.
COMPLETE = Guard(lambda p: not _missing(p), lambda p: " ".join(message for _f, message in _missing(p)),
                 lambda p: reverse("proposals:edit", args=[p.pk]), parts=_missing_parts)

PROPOSAL = workflow("proposal", Proposal, [
    # A new submission while the call is open makes a new version; earlier ones stay. The service
    # sends the receipt itself, to every member: it carries the version's number and time.
    Move("submit", (S.DRAFT, S.SUBMITTED, S.WITHDRAWN), S.SUBMITTED, is_applicant_member, _("Nộp hồ sơ"),
         guards=(COMPLETE,)),
    # The service tells every member of a withdrawal itself, the one who withdrew included: the
    # notice says when, and that a withdrawn proposal is not considered after the deadline.
    Move("withdraw", (S.SUBMITTED,), S.WITHDRAWN, is_applicant_member, _("Rút hồ sơ")),
    Move("mark_eligible", (S.SUBMITTED,), S.ELIGIBLE, is_dost_coordinator, _("Hợp lệ"), notify=applicant_members,
         notice_title=lambda p: format_lazy(_("Hồ sơ «{title}» hợp lệ và được chuyển hội đồng"), title=p.title)),
    Move("mark_ineligible", (S.SUBMITTED,), S.INELIGIBLE, is_dost_coordinator, _("Không hợp lệ"),
         notify=applicant_members,
         notice_title=lambda p: format_lazy(_("Hồ sơ «{title}» không hợp lệ"), title=p.title)),
    # The decision tells every applicant itself (review.services), with the lead organisation named.
    Move("select", (S.ELIGIBLE,), S.SELECTED, is_dost_coordinator, _("Chọn làm đơn vị chủ trì"), service_only=True),
    Move("not_select", (S.ELIGIBLE, S.SUBMITTED), S.NOT_SELECTED, is_dost_coordinator, _("Không được chọn"),
         service_only=True),
], pgettext_lazy("workflow", "Hồ sơ"), transitions=ProposalTransition, subject="proposal", notice=_notice,
   records_creation=True)

MOVES = PROPOSAL.moves
