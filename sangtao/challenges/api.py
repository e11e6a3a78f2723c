from datetime import date, datetime
from typing import Literal

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Query, Router, Schema

from sangtao.api import WRITE_AUTH, request_user
from sangtao.challenges import services
from sangtao.challenges.access import get_challenge_for, visible_challenges
from sangtao.challenges.models import Challenge, Facet, Field, Follow, Question, SelectionMode, Status
from sangtao.challenges.search import search, snippet
from sangtao.core.api_errors import ERRORS, LIST, MINE, READ
from sangtao.core.api_input import Count, Id, Input, Money, Page, Quantity
from sangtao.core.errors import InvalidInput
from sangtao.core.workflow import available_moves, move_choices
from sangtao.orgs.models import OrgUnit

router = Router(tags=["challenges"])

# Spelled out for the schema and type checkers; a test keeps it equal to the workflow table.
MoveName = Literal["submit", "unit_approve", "unit_return", "approve", "request_changes", "reject", "publish",
                   "close", "withdraw", "cancel", "complete"]


class FieldOut(Schema):
    id: int
    name: str
    name_en: str
    slug: str


class UnitRef(Schema):
    id: int
    name: str
    code: str


class IndicatorSchema(Input):
    name: str = SchemaField(min_length=1, max_length=300)
    unit_of_measure: str = SchemaField(min_length=1, max_length=50)
    baseline_value: Quantity | None = None
    baseline_date: date | None = None
    target_value: Quantity | None = None
    target_date: date | None = None
    data_source: str = SchemaField("", max_length=300)


class ChallengeIn(Input):
    title: str = SchemaField(min_length=1, max_length=300)
    title_en: str = SchemaField("", max_length=300)
    summary: str = SchemaField(min_length=1, max_length=2000)
    summary_en: str = SchemaField("", max_length=2000)
    field_id: Id
    owner_unit_id: Id
    co_owner_unit_ids: list[Id] = SchemaField([], max_length=100)
    problem_statement: str = SchemaField(min_length=1)
    current_situation: str = ""
    desired_outcomes: str = ""
    beneficiaries: str = ""
    related_services: str = ""
    constraints: str = ""
    budget_min_vnd: Money | None = None
    budget_max_vnd: Money | None = None
    timeline_start: date | None = None
    timeline_end: date | None = None
    timeline_notes: str = ""
    facet: Facet
    selection_mode: SelectionMode = SelectionMode.OPEN
    call_opens_at: datetime | None = None
    call_closes_at: datetime | None = None
    contact_name: str = SchemaField("", max_length=150)
    contact_email: str = SchemaField("", max_length=254)
    contact_phone: str = SchemaField("", max_length=30)
    tags: list[str] = SchemaField([], max_length=50)
    indicators: list[IndicatorSchema] = SchemaField([], max_length=50)


class ChallengeUpdate(ChallengeIn):
    expected_version: Count


class ChallengeOut(Schema):
    id: int
    url: str
    title: str
    title_en: str
    summary: str
    summary_en: str
    field: FieldOut
    owner_unit: UnitRef
    status: Status
    facet: Facet
    selection_mode: SelectionMode
    version: int
    call_opens_at: datetime | None
    call_closes_at: datetime | None
    published_at: datetime | None
    tags: list[str]
    snippet: str | None = None


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    url: str


class UnmetOut(Schema):
    message: str
    fix_url: str  # the page where it is put right; empty when nothing on the site fixes it


class MoveOut(Schema):
    name: str
    label: str
    unmet: list[UnmetOut]  # empty: the move can be made now


class ChallengeDetailOut(ChallengeOut):
    problem_statement: str
    current_situation: str
    desired_outcomes: str
    beneficiaries: str
    related_services: str
    constraints: str
    budget_min_vnd: int | None
    budget_max_vnd: int | None
    timeline_start: date | None
    timeline_end: date | None
    timeline_notes: str
    contact_name: str
    contact_email: str
    contact_phone: str
    co_owner_units: list[UnitRef]
    indicators: list[IndicatorSchema]
    attachments: list[AttachmentOut]
    available_moves: list[str]
    moves: list[MoveOut]  # the same moves, each with what still stops it, before anyone tries it


class ChallengePage(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    results: list[ChallengeOut]


class MoveIn(Input):
    reason: str = SchemaField("", max_length=4000)
    expected_status: Status | None = None


class TransitionOut(Schema):
    move: str
    from_status: Status
    to_status: Status
    reason: str
    at: datetime
    actor: str | None


class QuestionIn(Input):
    body: str = SchemaField(min_length=1, max_length=4000)


class AnswerIn(Input):
    answer: str = SchemaField(min_length=1, max_length=8000)


class ModerateIn(Input):
    approve: bool
    note: str = SchemaField("", max_length=500)


class QuestionOut(Schema):
    id: int
    challenge_id: Id
    body: str
    status: Literal["pending", "approved", "answered", "rejected"]
    is_clarification: bool
    answer: str
    answered_at: datetime | None
    created_at: datetime


class FollowIn(Input):
    kind: Literal["challenge", "field", "unit"]
    id: Id


class FollowOut(Schema):
    kind: str
    id: int
    name: str


class ListParams(Input):
    q: str = SchemaField("", max_length=200)
    field: str | None = SchemaField(None, max_length=100)
    unit: Id | None = None
    status: Status | None = None
    facet: Facet | None = None
    sort: Literal["relevance", "newest", "closing"] | None = None
    page: Page = 1
    page_size: int = SchemaField(20, ge=1, le=100)


def _summary(challenge: Challenge, fields=ChallengeOut.model_fields) -> dict:
    data = {name: getattr(challenge, name) for name in fields
            if name not in ("url", "field", "owner_unit", "snippet") and hasattr(challenge, name)}
    data.update(url=challenge.get_absolute_url(), field=challenge.field, owner_unit=challenge.owner_unit)
    return data


def _detail(challenge: Challenge, user) -> dict:
    public_or_internal = challenge.is_public or user.has_perm("challenges.view_internal", challenge)
    data = _summary(challenge, ChallengeDetailOut.model_fields)
    data.update(services.shown_contact(challenge))
    data.update(
        co_owner_units=list(challenge.co_owner_units.all()),
        indicators=[IndicatorSchema.from_orm(item) for item in challenge.indicators.all()],
        attachments=[
            {"id": a.pk, "name": a.original_name, "kind": a.kind, "size": a.size,
             "url": f"{challenge.get_absolute_url()}attachments/{a.pk}/"}
            for a in (challenge.attachments.all() if public_or_internal else [])
        ],
        available_moves=[move.name for move in available_moves(user, challenge)] if user.is_authenticated else [],
        moves=[{"name": choice.move.name, "label": str(choice.move.label),
                "unmet": [{"message": why, "fix_url": fix} for why, fix in choice.unmet]}
               for choice in move_choices(user, challenge)],
    )
    return data


def _service_data(payload: ChallengeIn) -> dict:
    data = payload.dict(exclude={"field_id", "owner_unit_id", "co_owner_unit_ids", "expected_version"})
    data["field"] = Field.objects.filter(pk=payload.field_id).first()
    if data["field"] is None:
        raise InvalidInput(_("Lĩnh vực không tồn tại."), field="field_id")
    data["owner_unit"] = OrgUnit.objects.filter(pk=payload.owner_unit_id).first()
    if data["owner_unit"] is None:
        raise InvalidInput(_("Đơn vị chủ trì không tồn tại."), field="owner_unit_id")
    data["co_owner_units"] = list(OrgUnit.objects.filter(pk__in=payload.co_owner_unit_ids))
    if len(data["co_owner_units"]) != len(set(payload.co_owner_unit_ids)):
        raise InvalidInput(_("Có đơn vị phối hợp không tồn tại."), field="co_owner_unit_ids")
    return data


@router.get("/challenges", response={200: ChallengePage, **LIST})
def list_challenges(request, params: Query[ListParams]):
    """Challenges the caller may see (the public sees published and closed ones)."""
    user = request_user(request)
    queryset = visible_challenges(user)
    if params.field:
        queryset = queryset.filter(field__slug=params.field)
    if params.unit:
        queryset = queryset.filter(owner_unit_id=params.unit)
    if params.status:
        queryset = queryset.filter(status=params.status)
    if params.facet:
        queryset = queryset.filter(facet=params.facet)
    query = params.q.strip()
    if query:
        queryset = search(queryset, query)
    sort = params.sort or ("relevance" if query else "newest")
    if sort == "newest" or (sort == "relevance" and not query):
        queryset = queryset.order_by("-published_at", "-id")
    elif sort == "closing":
        queryset = queryset.filter(call_closes_at__isnull=False).order_by("call_closes_at", "id")
    paginator = Paginator(queryset, params.page_size)
    page = paginator.get_page(params.page)
    language = get_language()
    results = []
    for challenge in page.object_list:
        item = _summary(challenge)
        if query:
            item["snippet"] = str(snippet(challenge.localized_summary(language), query))
        results.append(item)
    return {"count": paginator.count, "page": page.number, "page_size": params.page_size,
            "num_pages": paginator.num_pages, "results": results}


@router.post("/challenges", response={201: ChallengeDetailOut, **ERRORS}, auth=WRITE_AUTH)
def create_challenge(request, payload: ChallengeIn):
    challenge = services.create_draft(request.user, _service_data(payload))
    return 201, _detail(get_challenge_for(request.user, challenge.pk), request.user)


@router.get("/challenges/{challenge_id}", response={200: ChallengeDetailOut, **READ})
def get_challenge(request, challenge_id: Id):
    user = request_user(request)
    return _detail(get_challenge_for(user, challenge_id), user)


@router.put("/challenges/{challenge_id}", response={200: ChallengeDetailOut, **ERRORS}, auth=WRITE_AUTH)
def update_challenge(request, challenge_id: Id, payload: ChallengeUpdate):
    challenge = get_challenge_for(request.user, challenge_id)
    services.update_draft(challenge, request.user, _service_data(payload), payload.expected_version)
    return _detail(get_challenge_for(request.user, challenge_id), request.user)


@router.post("/challenges/{challenge_id}/moves/{move}", response={200: ChallengeDetailOut, **ERRORS},
             auth=WRITE_AUTH)
def move_challenge(request, challenge_id: Id, move: MoveName, payload: MoveIn):
    """Apply a workflow move. Send expected_status to refuse the move if the state changed."""
    challenge = get_challenge_for(request.user, challenge_id)
    services.apply_move(challenge, request.user, move, payload.reason, payload.expected_status)
    return _detail(get_challenge_for(request.user, challenge_id), request.user)


@router.get("/challenges/{challenge_id}/transitions", response={200: list[TransitionOut], **READ})
def list_transitions(request, challenge_id: Id):
    user = request_user(request)
    challenge = get_challenge_for(user, challenge_id)
    internal = user.has_perm("challenges.view_internal", challenge)
    return [
        {"move": t.move, "from_status": t.from_status, "to_status": t.to_status,
         "reason": t.reason if internal else "", "at": t.at,
         "actor": (t.actor.display_name if t.actor else None) if internal else None}
        for t in challenge.transitions.select_related("actor")
        if internal or t.is_public
    ]


@router.get("/challenges/{challenge_id}/questions", response={200: list[QuestionOut], **READ})
def list_questions(request, challenge_id: Id):
    user = request_user(request)
    challenge = get_challenge_for(user, challenge_id)
    questions = list(challenge.questions.all())
    if user.has_perm("challenges.moderate_questions", challenge):
        return questions
    return [q for q in questions if q.is_public or (user.is_authenticated and q.asker_id == user.pk)]


@router.post("/challenges/{challenge_id}/questions", response={201: QuestionOut, **ERRORS}, auth=WRITE_AUTH)
def ask_question(request, challenge_id: Id, payload: QuestionIn):
    challenge = get_challenge_for(request.user, challenge_id)
    return 201, services.ask_question(challenge, request.user, payload.body)


@router.post("/challenges/{challenge_id}/clarifications", response={201: QuestionOut, **ERRORS}, auth=WRITE_AUTH)
def post_clarification(request, challenge_id: Id, payload: QuestionIn):
    challenge = get_challenge_for(request.user, challenge_id)
    return 201, services.post_clarification(challenge, request.user, payload.body)


def _moderated_question(request, question_id: Id) -> Question:
    """Only questions on challenges the caller may see; 404 for the rest."""
    visible = Question.objects.filter(challenge__in=visible_challenges(request.user)).select_related("challenge")
    return get_object_or_404(visible, pk=question_id)


@router.post("/questions/{question_id}/moderate", response={200: QuestionOut, **ERRORS}, auth=WRITE_AUTH)
def moderate_question(request, question_id: Id, payload: ModerateIn):
    question = _moderated_question(request, question_id)
    return services.moderate_question(question, request.user, approve=payload.approve, note=payload.note)


@router.post("/questions/{question_id}/answer", response={200: QuestionOut, **ERRORS}, auth=WRITE_AUTH)
def answer_question(request, question_id: Id, payload: AnswerIn):
    question = _moderated_question(request, question_id)
    return services.answer_question(question, request.user, payload.answer)


def _follow_target(request, kind: str, target_id: Id):
    if kind == "challenge":
        return get_challenge_for(request.user, target_id)
    if kind == "field":
        return get_object_or_404(Field, pk=target_id)
    return get_object_or_404(OrgUnit, pk=target_id)


def _follow_out(row: Follow) -> dict:
    target = row.challenge or row.field or row.unit
    assert target is not None  # a database constraint requires exactly one target
    kind = "challenge" if row.challenge_id else "field" if row.field_id else "unit"
    return {"kind": kind, "id": target.pk, "name": str(target)}


@router.get("/follows", response={200: list[FollowOut], **MINE}, auth=WRITE_AUTH)
def list_follows(request):
    return [_follow_out(row) for row in request.user.follows.select_related("challenge", "field", "unit")]


@router.post("/follows", response={201: FollowOut, **ERRORS}, auth=WRITE_AUTH)
def create_follow(request, payload: FollowIn):
    return 201, _follow_out(services.follow(request.user, _follow_target(request, payload.kind, payload.id)))


@router.delete("/follows/{kind}/{target_id}", response={204: None, **ERRORS}, auth=WRITE_AUTH)
def delete_follow(request, kind: Literal["challenge", "field", "unit"], target_id: Id):
    services.unfollow(request.user, _follow_target(request, kind, target_id))
    return 204, None


@router.get("/fields", response=list[FieldOut])
def list_fields(request):
    return list(Field.objects.filter(active=True))
