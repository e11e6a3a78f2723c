"""Proposals in the API: the same services and access helper as the pages."""

from datetime import date, datetime

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Router, Schema

from sangtao.api import WRITE_AUTH, request_user
from sangtao.challenges.access import get_challenge_for
from sangtao.core.api_errors import ERRORS, LIST, READ
from sangtao.core.api_input import TEXT_MAX, Count, Id, Input, Money, Page
from sangtao.core.errors import InvalidInput
from sangtao.orgs.models import OrgUnit
from sangtao.privacy.services import log_team_read, log_team_reads, restricted_emails, team_as_shown
from sangtao.proposals import services
from sangtao.proposals.access import (
    blind_proposal_ids,
    get_proposal_for,
    is_applicant_view,
    is_blind_view,
    visible_proposals,
)
from sangtao.proposals.models import Proposal, ProposalStatus, ProposalVersion
from sangtao.proposals.rules import is_applicant_member

router = Router(tags=["proposals"])


class TeamMember(Input):  # the bounds of the page's team rows (forms.TeamMemberForm)
    name: str = SchemaField(min_length=1, max_length=150)
    role: str = SchemaField("", max_length=100)
    email: str = SchemaField("", max_length=254)
    experience: str = SchemaField("", max_length=300)


class Milestone(Input):
    milestone: str = SchemaField(min_length=1, max_length=300)
    start: date | None = None
    end: date | None = None
    deliverable: str = SchemaField("", max_length=300)


class BudgetLine(Input):
    item: str = SchemaField(min_length=1, max_length=300)
    amount_vnd: Money


class ProposalIn(Input):
    title: str = SchemaField(min_length=1, max_length=300)
    summary: str = ""
    approach: str = ""
    experience: str = ""
    risks: str = ""
    team: list[TeamMember] = SchemaField([], max_length=100)
    # The applicant confirms the team members were told their data is entered (needed to submit).
    team_informed: bool = False
    workplan: list[Milestone] = SchemaField([], max_length=100)
    budget_lines: list[BudgetLine] = SchemaField([], max_length=200)
    budget_total_vnd: Money | None = None
    expected_results: dict[str, str] = {}


class ProposalCreate(ProposalIn):
    organisation_id: Id


class ProposalUpdate(ProposalIn):
    expected_revision: Count


class VersionOut(Schema):
    number: int
    receipt: str
    submitted_at: datetime


class ProposalOut(Schema):
    id: int
    challenge_id: Id
    organisation: str | None  # None in a blind council's view
    title: str
    summary: str
    approach: str
    experience: str | None
    risks: str
    team: list[dict]
    team_informed: bool
    workplan: list[dict]
    budget_lines: list[dict]
    budget_total_vnd: int | None
    expected_results: dict[str, str]
    status: ProposalStatus
    revision: int
    versions: list[VersionOut]
    missing_for_submission: list[str]


class ProposalPage(Schema):
    count: int
    page: int
    num_pages: int
    results: list[ProposalOut]


class WithdrawIn(Input):
    reason: str = SchemaField("", max_length=TEXT_MAX)


def _out(proposal: Proposal, user, blind_ids: set[int] | None = None, restricted: set[str] | None = None) -> dict:
    """The proposal as the user may see it; a list passes the ids it shows blind and the restricted team
    members' addresses, worked out once."""
    applicant = is_applicant_view(user, proposal)
    blind = is_blind_view(user, proposal) if blind_ids is None else not applicant and proposal.pk in blind_ids
    # Restricted members show with their name and role only, to anyone but the applicant's own members.
    shown = proposal.team if is_applicant_member.test(user, proposal) else team_as_shown(proposal.team, restricted)
    team = [{k: v for k, v in m.items() if k not in ("name", "email")} for m in shown] if blind else shown
    return {
        "id": proposal.pk, "challenge_id": proposal.challenge_id,
        "organisation": None if blind else proposal.organisation.name, "title": proposal.title,
        "summary": proposal.summary, "approach": proposal.approach,
        "experience": None if blind else proposal.experience, "risks": proposal.risks, "team": team,
        "team_informed": proposal.team_informed,
        "workplan": proposal.workplan, "budget_lines": proposal.budget_lines,
        "budget_total_vnd": proposal.budget_total_vnd, "expected_results": proposal.expected_results,
        "status": proposal.status, "revision": proposal.revision,
        "versions": [{"number": v.number, "receipt": v.receipt, "submitted_at": v.submitted_at}
                     for v in proposal.versions.all()] if applicant else [],
        "missing_for_submission": [m for _f, m in services.missing_for_submission(proposal)] if applicant else [],
    }


def _content(payload: ProposalIn) -> dict:
    return payload.dict(exclude={"organisation_id", "expected_revision"})


@router.get("/proposals", response={200: ProposalPage, **LIST})
def list_proposals(request, challenge_id: Id | None = None, page: Page = 1):
    """The proposals the caller may see: their organisation's, the ones they review, or all for DoST."""
    user = request_user(request)
    versions = Prefetch("versions", ProposalVersion.objects.only("proposal_id", "number", "receipt", "submitted_at"))
    queryset = visible_proposals(user).prefetch_related(versions, "challenge__indicators").order_by("pk")
    if challenge_id is not None:
        queryset = queryset.filter(challenge_id=challenge_id)
    paginator = Paginator(queryset, 50)
    current = paginator.get_page(page)
    blind_ids = blind_proposal_ids(user)
    restricted = restricted_emails(member.get("email") for p in current.object_list for member in p.team)
    # The teams shown to an official or a blind reviewer (CVs without names) are logged reads.
    log_team_reads(user, [p for p in current.object_list if p.team and not is_applicant_member.test(user, p)],
                   restricted=restricted)
    return {"count": paginator.count, "page": current.number, "num_pages": paginator.num_pages,
            "results": [_out(p, user, blind_ids, restricted) for p in current.object_list]}


@router.post("/challenges/{challenge_id}/proposals", response={201: ProposalOut, **ERRORS}, auth=WRITE_AUTH)
def create_proposal(request, challenge_id: Id, payload: ProposalCreate):
    challenge = get_challenge_for(request.user, challenge_id)
    organisation = OrgUnit.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise InvalidInput(_("Tổ chức không tồn tại."), field="organisation_id")
    proposal = services.start_proposal(challenge, request.user, organisation, _content(payload))
    return 201, _out(proposal, request.user)


@router.get("/proposals/{proposal_id}", response={200: ProposalOut, **READ})
def get_proposal(request, proposal_id: Id):
    user = request_user(request)
    proposal = get_proposal_for(user, proposal_id)
    if proposal.team and not is_applicant_member.test(user, proposal):
        log_team_read(user, proposal)  # an official or a blind reviewer reads the team's data and CVs: logged
    return _out(proposal, user)


@router.put("/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS}, auth=WRITE_AUTH)
def update_proposal(request, proposal_id: Id, payload: ProposalUpdate):
    proposal = get_proposal_for(request.user, proposal_id)
    saved = services.save_proposal(proposal, request.user, _content(payload), payload.expected_revision)
    return _out(saved, request.user)


@router.post("/proposals/{proposal_id}/submit", response={201: VersionOut, **ERRORS}, auth=WRITE_AUTH)
def submit_proposal(request, proposal_id: Id):
    """Freeze the draft as a new version; refused with code call_closed after the deadline."""
    version = services.submit(get_proposal_for(request.user, proposal_id), request.user, arrived_at=request.arrived_at)
    return 201, version


@router.post("/proposals/{proposal_id}/withdraw", response={200: ProposalOut, **ERRORS}, auth=WRITE_AUTH)
def withdraw_proposal(request, proposal_id: Id, payload: WithdrawIn):
    proposal = services.withdraw(get_proposal_for(request.user, proposal_id), request.user, payload.reason,
                                 arrived_at=request.arrived_at)
    return _out(proposal, request.user)
