"""Step 3 in the API: members' declarations and scoresheets, DoST's results, public decisions."""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Router, Schema

from sangtao.api import WRITE_AUTH, request_user
from sangtao.challenges.access import get_challenge_for
from sangtao.core.api_errors import ERRORS, MINE, READ
from sangtao.core.api_input import TEXT_MAX, Id, Input, Points
from sangtao.core.errors import NotAllowed
from sangtao.review import services
from sangtao.review.access import get_assignment_for, get_council_for, my_assignments
from sangtao.review.models import Decision, Scoresheet
from sangtao.review.results import council_results
from sangtao.review.workflow import sheet_problems

router = Router(tags=["review"])


class ReviewOut(Schema):
    id: int
    council_id: Id
    council: str
    proposal_id: int
    challenge_id: Id
    declared: bool
    has_conflict: bool | None
    scoresheet_status: str | None


class DeclarationIn(Input):
    has_conflict: bool
    note: str = SchemaField("", max_length=TEXT_MAX)


class DeclarationOut(Schema):
    has_conflict: bool
    detected: list[str]
    signed_at: datetime


class ScoreItem(Schema):
    criterion_id: int
    code: str
    name: str
    max_points: Decimal
    points: Decimal | None
    comment: str


class ScoreIn(Input):
    criterion_id: Id
    points: Points | None = None
    comment: str = SchemaField("", max_length=TEXT_MAX)


class ScoresheetIn(Input):
    scores: list[ScoreIn] = SchemaField(max_length=500)
    general_comment: str = SchemaField("", max_length=TEXT_MAX)


class ScoresheetOut(Schema):
    status: str
    submitted_at: datetime | None
    general_comment: str
    scores: list[ScoreItem]
    problems: list[str]


class CriterionResult(Schema):
    code: str
    mean: Decimal
    zeros: int


class ProposalResultOut(Schema):
    proposal_id: int
    sheets: int
    criteria: list[CriterionResult]
    mean_total: Decimal
    passed: bool
    failed_because: list[str]
    rank: int | None
    tied_with: list[int]
    adjusted_total: float | None
    adjusted_rank: int | None


class ResultsOut(Schema):
    council_id: Id
    pass_rule_uses: str
    alpha: float | None
    results: list[ProposalResultOut]


class DecisionOut(Schema):
    challenge_id: Id
    mode: str
    lead_organisation: str
    decision_number: str
    decided_on: date
    rationale: str
    legal_basis: str


def _review(item, declarations, sheets) -> dict:
    declaration = declarations.get((item.council_id, item.proposal_id))
    sheet = sheets.get(item.pk)
    return {"id": item.pk, "council_id": item.council_id, "council": item.council.name,
            "proposal_id": item.proposal_id, "challenge_id": item.proposal.challenge_id,
            "declared": declaration is not None, "has_conflict": declaration.has_conflict if declaration else None,
            "scoresheet_status": sheet.status if sheet else None}


@router.get("/reviews", response={200: list[ReviewOut], **MINE}, auth=WRITE_AUTH)
def list_reviews(request):
    """The caller's assignments as a council member, once released."""
    items = list(my_assignments(request.user))
    expert = getattr(request.user, "expert", None)
    declarations = {(d.council_id, d.proposal_id): d for d in expert.declarations.all()} if expert else {}
    sheets = {s.assignment_id: s for s in Scoresheet.objects.filter(assignment__in=items)}
    return [_review(item, declarations, sheets) for item in items]


@router.post("/reviews/{review_id}/declaration", response={201: DeclarationOut, **ERRORS}, auth=WRITE_AUTH)
def declare(request, review_id: Id, payload: DeclarationIn):
    """Sign the conflict-of-interest declaration; required before any content is shown."""
    item = get_assignment_for(request.user, review_id)
    return 201, services.declare(item, request.user, payload.has_conflict, payload.note)


def _sheet_out(item) -> dict:
    sheet = Scoresheet.objects.filter(assignment=item).first()
    scores = {s.criterion_id: s for s in sheet.scores.all()} if sheet else {}
    return {
        "status": sheet.status if sheet else "draft", "submitted_at": sheet.submitted_at if sheet else None,
        "general_comment": sheet.general_comment if sheet else "",
        "scores": [{"criterion_id": c.pk, "code": c.code, "name": c.name, "max_points": c.max_points,
                    "points": scores[c.pk].points if c.pk in scores else None,
                    "comment": scores[c.pk].comment if c.pk in scores else ""} for c in item.council.rubric.leaves()],
        "problems": [text for _f, text in sheet_problems(sheet)] if sheet else [],
    }


def _cleared(request, review_id: Id):
    item = get_assignment_for(request.user, review_id)
    declaration = services.declaration_for(item)
    if declaration is None or declaration.has_conflict:
        raise NotAllowed(_("Cần ký bản khai không có xung đột lợi ích trước khi chấm."))
    return item


@router.get("/reviews/{review_id}/scoresheet", response={200: ScoresheetOut, **ERRORS}, auth=WRITE_AUTH)
def get_scoresheet(request, review_id: Id):
    return _sheet_out(_cleared(request, review_id))


@router.put("/reviews/{review_id}/scoresheet", response={200: ScoresheetOut, **ERRORS}, auth=WRITE_AUTH)
def save_scoresheet(request, review_id: Id, payload: ScoresheetIn):
    item = _cleared(request, review_id)
    services.save_scores(item, request.user, {s.criterion_id: s.points for s in payload.scores},
                         {s.criterion_id: s.comment for s in payload.scores}, payload.general_comment)
    return _sheet_out(item)


@router.post("/reviews/{review_id}/scoresheet/submit", response={200: ScoresheetOut, **ERRORS}, auth=WRITE_AUTH)
def submit_scoresheet(request, review_id: Id):
    """Submit and lock the scoresheet; only the council's secretary can reopen it."""
    item = _cleared(request, review_id)
    services.submit_scoresheet(item, request.user)
    return _sheet_out(item)


@router.get("/councils/{council_id}/results", response={200: ResultsOut, **ERRORS}, auth=WRITE_AUTH)
def results(request, council_id: Id):
    """DoST only: raw results with the pass rule, and the calibrated view alongside."""
    if not request.user.has_perm("review.manage"):
        raise Http404
    council = get_council_for(request.user, council_id)
    by_proposal, calibration = council_results(council)
    top = council.rubric.top_level()
    return {"council_id": council.pk, "pass_rule_uses": "raw", "alpha": calibration.alpha, "results": [
        {"proposal_id": pid, "sheets": r.sheets, "mean_total": r.mean_total, "passed": r.passed,
         "failed_because": r.failed_because, "rank": r.rank, "tied_with": r.tied_with,
         "adjusted_total": r.adjusted_total, "adjusted_rank": r.adjusted_rank,
         "criteria": [{"code": c.code, "mean": r.criterion_means[c.pk], "zeros": r.zero_counts[c.pk]} for c in top]}
        for pid, r in sorted(by_proposal.items())]}


@router.get("/challenges/{challenge_id}/decision", response={200: DecisionOut, **READ})
def decision(request, challenge_id: Id):
    """The published decision on a challenge's lead organisation."""
    challenge = get_challenge_for(request_user(request), challenge_id)
    found = Decision.objects.filter(challenge=challenge).select_related("lead_organisation").first()
    if found is None:
        raise Http404
    return {"challenge_id": challenge.pk, "mode": found.mode, "lead_organisation": found.lead_organisation.name,
            "decision_number": found.decision_number, "decided_on": found.decided_on,
            "rationale": found.rationale, "legal_basis": found.legal_basis}
