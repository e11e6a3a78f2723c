"""Initiatives in the API: the same services and access helpers as the pages."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Router, Schema

from sangtao.api import WRITE_AUTH, request_user
from sangtao.challenges.models import Field
from sangtao.core.api_errors import ERRORS, LIST, READ
from sangtao.core.api_input import Id, Input, Money, Page, Search
from sangtao.core.errors import InvalidInput
from sangtao.core.text import folded_words
from sangtao.initiatives import services
from sangtao.initiatives.access import (
    get_council_for,
    get_initiative_for,
    public_initiatives,
    visible_initiatives,
    with_withheld_authors,
)
from sangtao.initiatives.models import Council, Initiative, InitiativeStatus, InitiativeType
from sangtao.initiatives.novelty import Match, similar
from sangtao.orgs.models import OrgUnit

router = Router(tags=["initiatives"])

Share = Annotated[Decimal, SchemaField(gt=0, le=100, max_digits=5, decimal_places=2)]


class AuthorIn(Input):
    name: str = SchemaField(min_length=1, max_length=150)
    email: str = SchemaField("", max_length=254)
    position: str = SchemaField("", max_length=200)
    share: Share
    union_member: bool = False  # the council then seats a representative of the trade union


class DeploymentIn(Input):
    unit_id: Id
    kind: Literal["applied", "trial"] = "applied"
    since: datetime.date | None = None


class InitiativeIn(Input):
    unit_id: Id
    title: str = SchemaField(min_length=1, max_length=300)
    field_id: Id | None = None
    kind: InitiativeType
    description: str = SchemaField(max_length=20000)
    before: str = SchemaField("", max_length=20000)
    novelty: str = SchemaField(max_length=20000)
    confidential: str = SchemaField("", max_length=20000)
    first_applied_on: datetime.date | None = None
    benefit_vnd: Money | None = None
    benefit_text: str = SchemaField("", max_length=20000)
    cost_vnd: Money | None = None
    cost_text: str = SchemaField("", max_length=20000)
    public_summary: str = SchemaField("", max_length=20000)
    publish: bool = True
    authors: list[AuthorIn] = SchemaField(min_length=1, max_length=50)
    deployments: list[DeploymentIn] = SchemaField([], max_length=100)


class AuthorOut(Schema):
    name: str
    position: str
    share: Decimal


class InitiativeOut(Schema):
    id: int
    title: str
    unit: str
    unit_id: int
    kind: InitiativeType
    field: str | None
    status: InitiativeStatus
    register_number: str
    answer_due_on: datetime.date | None
    description: str
    novelty: str
    confidential: str
    benefit_vnd: int | None
    cost_vnd: int | None
    authors: list[AuthorOut]
    refusal_reasons: str
    recognised_on: datetime.date | None
    scope: str
    scope_valid_until: datetime.date | None


class InitiativePage(Schema):
    count: int
    page: int
    num_pages: int
    results: list[InitiativeOut]


class MoveIn(Input):
    reason: str = SchemaField("", max_length=4000)


class SimilarOut(Schema):
    id: int
    title: str
    unit: str
    status: str
    score: float


class SimilarPage(Schema):
    same_unit: list[SimilarOut]
    other_units: list[SimilarOut]


class VoteIn(Input):
    in_favour: bool
    comment: str = SchemaField("", max_length=2000)


class CouncilOut(Schema):
    id: int
    initiative_id: int
    name: str
    level: str
    status: str
    members: int
    votes: int
    in_favour: int | None
    recognised: bool | None
    decision_number: str
    certificate_number: str


class PublicInitiativeOut(Schema):
    id: int
    title: str
    unit: str
    kind: InitiativeType
    authors: list[AuthorOut]
    recognised_on: datetime.date | None
    scope: str
    summary: str


class PublicPage(Schema):
    count: int
    page: int
    num_pages: int
    results: list[PublicInitiativeOut]


def _authors(initiative) -> list[dict]:
    """The authors; on the public register (with_withheld_authors) one who restricted the processing of their
    data is there with their share only."""
    return [{"name": "", "position": "", "share": a.share} if getattr(a, "withheld", False)
            else {"name": a.name, "position": a.position, "share": a.share} for a in initiative.authors.all()]


def _out(initiative: Initiative) -> dict:
    return {
        "id": initiative.pk, "title": initiative.title, "unit": initiative.unit.name, "unit_id": initiative.unit_id,
        "kind": initiative.kind, "field": initiative.field.name if initiative.field else None,
        "status": initiative.status, "register_number": initiative.register_code,
        "answer_due_on": initiative.answer_due_on, "description": initiative.description,
        "novelty": initiative.novelty, "confidential": initiative.confidential,
        "benefit_vnd": initiative.benefit_vnd, "cost_vnd": initiative.cost_vnd, "authors": _authors(initiative),
        "refusal_reasons": initiative.refusal_reasons, "recognised_on": initiative.recognised_on,
        "scope": initiative.scope, "scope_valid_until": initiative.scope_valid_until,
    }


def _council_out(council: Council) -> dict:
    return {"id": council.pk, "initiative_id": council.initiative_id, "name": council.name, "level": council.level,
            "status": council.status, "members": council.seats.count(), "votes": council.votes.count(),
            "in_favour": council.in_favour, "recognised": council.recognised,
            "decision_number": council.decision_number, "certificate_number": council.certificate_number}


def _unit(pk: int, field: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(pk=pk).first()
    if unit is None:
        raise InvalidInput(_("Đơn vị không tồn tại."), field=field)
    return unit


def _content(payload: InitiativeIn) -> dict:
    data = payload.dict(exclude={"unit_id", "field_id", "authors", "deployments"})
    data["unit"] = _unit(payload.unit_id, "unit_id")
    data["field"] = None
    if payload.field_id is not None:
        data["field"] = Field.objects.filter(pk=payload.field_id).first()
        if data["field"] is None:
            raise InvalidInput(_("Lĩnh vực không tồn tại."), field="field_id")
    from django.contrib.auth import get_user_model

    emails = [a.email.lower() for a in payload.authors if a.email]
    users = {u.email: u for u in get_user_model().objects.filter(email__in=emails)}
    data["authors"] = [{**a.dict(), "user": users.get(a.email.lower())} for a in payload.authors]
    data["deployments"] = [{"unit": _unit(d.unit_id, "deployments"), "kind": d.kind, "since": d.since}
                           for d in payload.deployments]
    return data


@router.get("/initiatives", response={200: InitiativePage, **LIST})
def list_initiatives(request, q: Search = "", page: Page = 1):
    """The initiatives the caller may see: their own, their units' register, their councils', all for DoST."""
    user = request_user(request)
    queryset = visible_initiatives(user).prefetch_related("authors").order_by("-pk")
    for term in folded_words(q)[:8]:
        queryset = queryset.filter(search_text__contains=f" {term}")
    paginator = Paginator(queryset, 50)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "num_pages": paginator.num_pages,
            "results": [_out(i) for i in current.object_list]}


@router.post("/initiatives", response={201: InitiativeOut, **ERRORS}, auth=WRITE_AUTH)
def create_initiative(request, payload: InitiativeIn):
    """A draft application; submit it to enter the unit's register."""
    return 201, _out(services.create_draft(request.user, _content(payload)))


@router.put("/initiatives/{initiative_id}", response={200: InitiativeOut, **ERRORS}, auth=WRITE_AUTH)
def update_initiative(request, initiative_id: Id, payload: InitiativeIn):
    initiative = get_initiative_for(request.user, initiative_id)
    return _out(services.update_draft(initiative, request.user, _content(payload)))


@router.get("/initiatives/{initiative_id}", response={200: InitiativeOut, **READ})
def get_initiative(request, initiative_id: Id):
    return _out(get_initiative_for(request_user(request), initiative_id))


@router.post("/initiatives/{initiative_id}/submit", response={200: InitiativeOut, **ERRORS}, auth=WRITE_AUTH)
def submit_initiative(request, initiative_id: Id):
    """Enter the unit's register: the answer carries the register number and the answer date."""
    return _out(services.submit(get_initiative_for(request.user, initiative_id), request.user))


@router.post("/initiatives/{initiative_id}/moves/{move}", response={200: InitiativeOut, **ERRORS},
             auth=WRITE_AUTH)
def move_initiative(request, initiative_id: Id,
                    move: Literal["withdraw", "return", "refuse", "propose_city", "decline_city"], payload: MoveIn):
    initiative = get_initiative_for(request.user, initiative_id)
    return _out(services.move(initiative, request.user, move, payload.reason))


def _similar_out(match: Match) -> dict:
    return {"id": match.pk, "title": match.title, "unit": match.unit, "status": match.status,
            "score": round(match.score, 3)}


@router.get("/initiatives/{initiative_id}/similar", response={200: SimilarPage, **READ})
def similar_initiatives(request, initiative_id: Id):
    """Earlier initiatives that look like this one, of the same unit and of others (novelty help)."""
    initiative = get_initiative_for(request_user(request), initiative_id)
    same, other = similar(initiative.title, initiative.description, unit_id=initiative.unit_id,
                          exclude=initiative.pk)
    return {"same_unit": [_similar_out(m) for m in same], "other_units": [_similar_out(m) for m in other]}


@router.get("/initiative-councils/{council_id}", response={200: CouncilOut, **READ})
def get_council(request, council_id: Id):
    return _council_out(get_council_for(request_user(request), council_id))


@router.post("/initiative-councils/{council_id}/votes", response={201: CouncilOut, **ERRORS}, auth=WRITE_AUTH)
def vote(request, council_id: Id, payload: VoteIn):
    council = get_council_for(request.user, council_id)
    services.cast_vote(council, request.user, payload.in_favour, payload.comment)
    return 201, _council_out(council)


@router.get("/public/initiatives", response={200: PublicPage, **LIST})
def public_register(request, q: Search = "", page: Page = 1):
    """The public register: recognised initiatives their units publish, published parts only."""
    queryset = public_initiatives().prefetch_related("authors").order_by("-recognised_on", "-pk")
    condition = Q()
    for term in folded_words(q)[:8]:
        condition &= Q(search_text__contains=f" {term}")
    paginator = Paginator(queryset.filter(condition), 50)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "num_pages": paginator.num_pages,
            "results": [{"id": i.pk, "title": i.title, "unit": i.unit.name, "kind": i.kind, "authors": _authors(i),
                         "recognised_on": i.recognised_on, "scope": i.scope, "summary": i.public_summary}
                        for i in with_withheld_authors(current.object_list)]}
