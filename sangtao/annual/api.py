"""Annual plans in the API: list (with Vietnamese-folded search), one plan, create, moves, reports; and the
units' requests for expert advice (Inno-Coffee sessions): list, one, ask, moves; and the evidence register
by external indicator (PAR INDEX, PII): the indicators with their counts, one indicator's files; and each unit's
innovation working group, read and replaced whole."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field as SchemaField
from ninja import Query, Router, Schema
from pydantic import StringConstraints

from sangtao.annual import evidence as register
from sangtao.annual import services
from sangtao.annual.access import (
    get_evidence_for,
    get_plan_for,
    get_session_for,
    plannable_units,
    unit_for,
    visible_evidence,
    visible_plans,
    visible_sessions,
)
from sangtao.annual.forms import GROUP_MAX
from sangtao.annual.models import (
    AnnualTask,
    BudgetSource,
    ExternalIndex,
    ExternalIndicator,
    GroupRole,
    PlanStatus,
    ReportPeriod,
    SessionStatus,
    WorkingGroup,
)
from sangtao.annual.results import task_results
from sangtao.api import WRITE_AUTH, request_user
from sangtao.challenges.models import Facet
from sangtao.core.api_errors import ERRORS, LIST, READ
from sangtao.core.api_input import TEXT_MAX, Id, Input, Money, Page, Quantity
from sangtao.core.uploads import ALLOWED_KINDS
from sangtao.orgs.models import OrgUnit

router = Router(tags=["annual"])


class AnnualKpiIn(Input):
    name: str = SchemaField(min_length=1, max_length=300)
    unit_of_measure: str = SchemaField(min_length=1, max_length=50)
    baseline_value: Quantity
    target_value: Quantity
    target_date: date | None = None
    data_source: str = SchemaField("", max_length=300)


class AnnualMilestoneIn(Input):
    title: str = SchemaField(min_length=1, max_length=300)
    due_on: date


class AnnualTaskIn(Input):
    title: str = SchemaField(min_length=1, max_length=300)
    problem: str = SchemaField(min_length=1, max_length=4000)
    public_service: str = SchemaField(min_length=1, max_length=300)
    facet: Facet
    budget_vnd: Money = 0
    budget_source: BudgetSource = BudgetSource.UNIT_BUDGET
    spending_norm: str = SchemaField("", max_length=300)
    ip_terms: str = SchemaField("", max_length=300)
    partners: str = SchemaField("", max_length=2000)
    person_in_charge: str = SchemaField(min_length=1, max_length=150)
    related_reference: str = SchemaField("", max_length=200)
    kpis: list[AnnualKpiIn] = SchemaField(default_factory=list, max_length=10)
    milestones: list[AnnualMilestoneIn] = SchemaField(default_factory=list, max_length=20)


class AnnualPlanIn(Input):
    unit_id: Id
    year: int = SchemaField(ge=2000, le=2100)
    title: str = SchemaField(min_length=1, max_length=300)
    summary: str = SchemaField("", max_length=4000)
    tasks: list[AnnualTaskIn] = SchemaField(default_factory=list, max_length=100)


class AnnualKpiOut(Schema):
    id: int
    name: str
    unit_of_measure: str
    baseline_value: Decimal | None
    target_value: Decimal | None
    latest: Decimal | None
    status: str


class AnnualTaskOut(Schema):
    id: int
    title: str
    problem: str
    public_service: str
    facet: str
    budget_vnd: int
    budget_source: str
    spending_norm: str
    person_in_charge: str
    kpis: list[AnnualKpiOut]
    satisfaction_change: float | None = None  # the change in the satisfaction index, in points of share


class AnnualPlanOut(Schema):
    id: int
    unit_id: int
    unit: str
    year: int
    title: str
    status: str
    version: int
    url: str


class AnnualPlanDetailOut(AnnualPlanOut):
    summary: str
    moves: list[str]
    tasks: list[AnnualTaskOut]


class AnnualPlanPage(Schema):
    count: int
    page: int
    num_pages: int
    results: list[AnnualPlanOut]


class AnnualPlanParams(Input):
    q: str = SchemaField("", max_length=200)
    year: int | None = SchemaField(None, ge=2000, le=2100)
    status: PlanStatus | None = None
    page: Page = 1


class AnnualMoveIn(Input):
    reason: str = SchemaField("", max_length=4000)


class AnnualProgressIn(Input):
    task_id: Id
    percent: int = SchemaField(ge=0, le=100)
    note: str = SchemaField("", max_length=4000)


class AnnualMeasurementIn(Input):
    kpi_id: Id
    value: Quantity
    measured_on: date
    source: str = SchemaField("", max_length=300)


class AnnualReportIn(Input):
    period: str = SchemaField(min_length=1, max_length=20)
    narrative: str = SchemaField("", max_length=20000)
    difficulties: str = SchemaField("", max_length=20000)
    progress: list[AnnualProgressIn] = SchemaField(default_factory=list, max_length=100)
    measurements: list[AnnualMeasurementIn] = SchemaField(default_factory=list, max_length=1000)
    submit: bool = False


class AnnualReportOut(Schema):
    id: int
    plan_id: int
    period: str
    status: str
    due_on: date


def _plan_out(plan) -> dict:
    return {"id": plan.pk, "unit_id": plan.unit_id, "unit": plan.unit.name, "year": plan.year, "title": plan.title,
            "status": plan.status, "version": plan.version, "url": plan.get_absolute_url()}


def _detail(plan, user) -> dict:
    from sangtao.core.workflow import available_moves

    tasks = list(plan.tasks.select_related("plan", "survey"))
    results = task_results(tasks)
    out = []
    for task in tasks:
        result = results[task.pk]
        change = result.impact.change if result.impact else None
        out.append({**{name: getattr(task, name) for name in ("id", "title", "problem", "public_service", "facet",
                                                              "budget_vnd", "budget_source", "spending_norm",
                                                              "person_in_charge")},
                    "kpis": [{"id": k.kpi.pk, "name": k.kpi.name, "unit_of_measure": k.kpi.unit_of_measure,
                              "baseline_value": k.kpi.baseline_value, "target_value": k.kpi.target_value,
                              "latest": k.status.latest, "status": k.status.code} for k in result.kpis],
                    "satisfaction_change": float(change.estimate) if change is not None else None})
    return {**_plan_out(plan), "summary": plan.summary, "moves": [m.name for m in available_moves(user, plan)],
            "tasks": out}


@router.get("/annual/plans", response={200: AnnualPlanPage, **LIST})
def list_annual_plans(request, params: Query[AnnualPlanParams]):
    """Annual plans the caller may see (its units' plans; DoST: those its units' leaders approved), searched
    over unit, title and tasks with Vietnamese diacritics ignored."""
    queryset = services.search_plans(visible_plans(request_user(request)), params.q)
    if params.year:
        queryset = queryset.filter(year=params.year)
    if params.status:
        queryset = queryset.filter(status=params.status)
    page = Paginator(queryset.order_by("-year", "unit__sort_name", "id"), 20).get_page(params.page)
    return {"count": page.paginator.count, "page": page.number, "num_pages": page.paginator.num_pages,
            "results": [_plan_out(plan) for plan in page.object_list]}


@router.get("/annual/plans/{plan_id}", response={200: AnnualPlanDetailOut, **READ})
def annual_plan(request, plan_id: Id):
    """One plan with its tasks, their KPIs against baseline and target, and the moves open to the caller."""
    user = request_user(request)
    return _detail(get_plan_for(user, plan_id), user)


@router.post("/annual/plans", response={201: AnnualPlanDetailOut, **ERRORS}, auth=WRITE_AUTH)
def create_annual_plan(request, payload: AnnualPlanIn):
    """Register a unit's plan for a year with its tasks, in draft (an officer or leader of the unit)."""
    unit = plannable_units(request.user).filter(pk=payload.unit_id).first()
    if unit is None:
        raise Http404
    with transaction.atomic():
        plan = services.create_plan(request.user, unit, payload.year, payload.title, payload.summary)
        for task in payload.tasks:
            data = task.dict()
            data["kpis"] = [k.dict() for k in task.kpis]
            data["milestones"] = [m.dict() for m in task.milestones]
            services.save_task(plan, request.user, data)
    return 201, _detail(plan, request.user)


@router.post("/annual/plans/{plan_id}/moves/{move}", response={200: AnnualPlanDetailOut, **ERRORS}, auth=WRITE_AUTH)
def move_annual_plan(request, plan_id: Id, move: Literal["submit", "approve", "return", "consolidate", "dost_return",
                                                   "start", "amend", "complete", "drop"], payload: AnnualMoveIn):
    """Make one move of the plan's table (submit, approve, return, consolidate, ...); a reason where it needs one."""
    plan = get_plan_for(request.user, plan_id)
    plan = services.move_plan(plan, request.user, move, payload.reason)
    return _detail(plan, request.user)


@router.post("/annual/plans/{plan_id}/reports", response={201: AnnualReportOut, **ERRORS}, auth=WRITE_AUTH)
def report_annual_plan(request, plan_id: Id, payload: AnnualReportIn):
    """Write the unit's report of a period (progress, KPI measurements, narrative) and, with submit, send it
    to the unit's leader."""
    plan = get_plan_for(request.user, plan_id)
    period = ReportPeriod.objects.filter(code=payload.period, active=True).first()
    if period is None:
        raise Http404
    with transaction.atomic():
        found = services.start_report(plan, request.user, period)
        found = services.save_report(found, request.user, payload.narrative, payload.difficulties,
                                     {p.task_id: (p.percent, p.note) for p in payload.progress},
                                     [(m.kpi_id, m.value, m.measured_on, m.source) for m in payload.measurements])
        if payload.submit:
            found = services.submit_report(found, request.user)
    return 201, {"id": found.pk, "plan_id": plan.pk, "period": period.code, "status": found.status,
                 "due_on": period.due_on(plan.year)}


# --- expert advice sessions ----------------------------------------------------------------------

class AdviceIn(Input):
    unit_id: Id
    task_id: Id | None = None
    topic: str = SchemaField(min_length=1, max_length=300)
    question: str = SchemaField(min_length=1, max_length=TEXT_MAX)


class AdviceMoveIn(Input):
    """What a move takes: schedule a time, a place and the advisers; record the advice given; the
    others a reason."""

    reason: str = SchemaField("", max_length=TEXT_MAX)
    scheduled_for: datetime | None = None
    place: str = SchemaField("", max_length=300)
    advisers: str = SchemaField("", max_length=2000)
    advice: str = SchemaField("", max_length=10000)


class AdviceParams(Input):
    status: SessionStatus | None = None
    page: Page = 1


class AdviceOut(Schema):
    id: int
    unit_id: int
    unit: str
    task_id: int | None
    topic: str
    status: str
    scheduled_for: datetime | None
    place: str
    url: str


class AdviceStepOut(Schema):
    move: str
    from_status: str
    to_status: str
    at: datetime
    reason: str


class AdviceDetailOut(AdviceOut):
    question: str
    advisers: str
    advice: str
    moves: list[str]
    history: list[AdviceStepOut]


class AdvicePage(Schema):
    count: int
    page: int
    num_pages: int
    results: list[AdviceOut]


def _session_out(session) -> dict:
    return {"id": session.pk, "unit_id": session.unit_id, "unit": session.unit.name, "task_id": session.task_id,
            "topic": session.topic, "status": session.status,
            # In UTC as every read gives it, also in the answer to the move that set it (still as it was sent).
            "scheduled_for": session.scheduled_for and session.scheduled_for.astimezone(UTC),
            "place": session.place, "url": session.get_absolute_url()}


def _session_detail(session, user) -> dict:
    from sangtao.core.workflow import available_moves

    return {**_session_out(session), "question": session.question, "advisers": session.advisers,
            "advice": session.advice, "moves": [m.name for m in available_moves(user, session)],
            "history": [{"move": t.move, "from_status": t.from_status, "to_status": t.to_status, "at": t.at,
                         "reason": t.reason} for t in session.transitions.order_by("at", "id")]}


@router.get("/annual/advice", response={200: AdvicePage, **LIST})
def list_advice(request, params: Query[AdviceParams]):
    """Expert advice sessions the caller may see (DoST: every one; a unit's staff: their units'), newest first."""
    queryset = visible_sessions(request_user(request))
    if params.status:
        queryset = queryset.filter(status=params.status)
    page = Paginator(queryset.order_by("-created_at", "-id"), 20).get_page(params.page)
    return {"count": page.paginator.count, "page": page.number, "num_pages": page.paginator.num_pages,
            "results": [_session_out(session) for session in page.object_list]}


@router.get("/annual/advice/{session_id}", response={200: AdviceDetailOut, **READ})
def advice(request, session_id: Id):
    """One session: the question, its time, place and advisers, the advice given, the moves open to the
    caller and its history."""
    user = request_user(request)
    return _session_detail(get_session_for(user, session_id), user)


@router.post("/annual/advice", response={201: AdviceDetailOut, **ERRORS}, auth=WRITE_AUTH)
def ask_for_advice(request, payload: AdviceIn):
    """A unit's officer or leader asks DoST for expert advice, on one of the unit's tasks or on any problem."""
    unit = plannable_units(request.user).filter(pk=payload.unit_id).first()
    if unit is None:
        raise Http404
    task = None
    if payload.task_id is not None:
        task = AnnualTask.objects.filter(pk=payload.task_id, plan__unit=unit).first()
        if task is None:
            raise Http404
    session = services.request_advice(request.user, unit, payload.topic, payload.question, task)
    return 201, _session_detail(session, request.user)


# Each move, with what it takes from the body.
ADVICE_MOVES = {
    "schedule": lambda session, user, data: services.schedule_session(session, user, data.scheduled_for, data.place,
                                                                      data.advisers),
    "record": lambda session, user, data: services.record_session(session, user, data.advice),
    "decline": lambda session, user, data: services.decline_session(session, user, data.reason),
    "cancel": lambda session, user, data: services.cancel_session(session, user, data.reason),
    "call_off": lambda session, user, data: services.call_off_session(session, user, data.reason),
}


@router.post("/annual/advice/{session_id}/moves/{move}", response={200: AdviceDetailOut, **ERRORS},
             auth=WRITE_AUTH)
def move_advice(request, session_id: Id, move: Literal["schedule", "record", "decline", "cancel", "call_off"],
                payload: AdviceMoveIn):
    """Make one move: DoST schedules (or moves) the session with scheduled_for, place and advisers, records
    the advice once it took place, declines or calls it off with a reason; the unit cancels with a reason."""
    session = ADVICE_MOVES[move](get_session_for(request.user, session_id), request.user, payload)
    return _session_detail(session, request.user)


# --- the evidence register ------------------------------------------------------------------------

class EvidenceParams(Input):
    year: int | None = SchemaField(None, ge=2000, le=2100)
    index: ExternalIndex | None = None
    missing: bool = False
    page: Page = 1


class EvidenceLineOut(Schema):
    id: int
    index: str
    code: str
    name: str
    active: bool
    file_count: int
    unit_count: int
    url: str


class EvidencePage(Schema):
    year: int
    count: int
    page: int
    num_pages: int
    results: list[EvidenceLineOut]


class EvidenceFileOut(Schema):
    id: int
    unit_id: int
    unit: str
    title: str
    original_name: str
    size: int
    uploaded_at: datetime
    url: str  # the site's download, for a signed-in session
    download: str  # the API's, for a token (evidence_download)


class EvidenceIndicatorOut(Schema):
    id: int
    index: str
    code: str
    name: str
    year: int
    count: int
    page: int
    num_pages: int
    files: list[EvidenceFileOut]


def _evidence_files(request, year: int | None):
    """Who may not read the register gets a 404; the year is this one unless asked."""
    user = request_user(request)
    if not user.has_perm("annual.view_evidence"):
        raise Http404
    year = year or timezone.localdate().year
    return year, visible_evidence(user, year)


@router.get("/annual/evidence", response={200: EvidencePage, **READ})
def evidence_register(request, params: Query[EvidenceParams]):
    """Each external indicator of the index (or both) with how many evidence files, from how many units, the
    reports of the year cite for it; `missing` lists only those without any. DoST sees every unit's files,
    a unit's staff their own units' (404 for whoever may not read the register)."""
    year, files = _evidence_files(request, params.year)
    lines = register.indicator_lines(files, params.index or "")
    if params.missing:
        lines = lines.filter(Q(file_count=0))  # an annotation: Q, which the type checker does not read
    page = Paginator(lines, 50).get_page(params.page)
    return {"year": year, "count": page.paginator.count, "page": page.number, "num_pages": page.paginator.num_pages,
            "results": [{"id": line.pk, "index": line.index, "code": line.code, "name": line.local_name,
                         "active": line.active, "file_count": line.file_count, "unit_count": line.unit_count,
                         "url": f"{reverse('annual:evidence_indicator', args=[line.pk])}?year={year}"}
                        for line in page.object_list]}


@router.get("/annual/evidence/{indicator_id}", response={200: EvidenceIndicatorOut, **READ})
def evidence_of_indicator(request, indicator_id: Id, year: int | None = Query(None, ge=2000, le=2100),
                          page: Page = 1):
    """Every evidence file the reports of the year cite for one indicator, by unit then newest first, each with
    its download address on the site (`url`, for a signed-in session, as the register's page gives it) and in
    the API (`download`, for a token)."""
    year, files = _evidence_files(request, year)
    indicator = ExternalIndicator.objects.filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404
    found = Paginator(register.files_for(files, indicator), 50).get_page(page)
    return {"id": indicator.pk, "index": indicator.index, "code": indicator.code, "name": indicator.local_name,
            "year": year, "count": found.paginator.count, "page": found.number, "num_pages": found.paginator.num_pages,
            "files": [{"id": f.pk, "unit_id": f.unit_id, "unit": f.unit.name, "title": f.title,
                       "original_name": f.original_name, "size": f.size, "uploaded_at": f.uploaded_at,
                       "url": reverse("annual:evidence_file", args=[f.plan_pk, f.pk]),
                       "download": reverse("api:evidence_download", args=[f.pk])} for f in found.object_list]}


# The file as it was uploaded, in the type its kind has: the schema names each (no JSON body).
DOWNLOAD = {200: {"description": "The file, as an attachment under the name it was uploaded with.",
                  "content": {media: {"schema": {"type": "string", "format": "binary"}}
                              for media in sorted(set(ALLOWED_KINDS.values()))}}}


@router.get("/annual/evidence/files/{file_id}", response=READ, url_name="evidence_download",
            openapi_extra={"responses": DOWNLOAD})
def evidence_download(request, file_id: Id):
    """One evidence file: any of the caller's own units' files, or one cited in a report the caller may read
    (DoST: once the unit's leader approved it). The `id` of a file the register lists; 404 for any other."""
    user = request_user(request)
    if not user.has_perm("annual.view_evidence"):
        raise Http404
    found = get_evidence_for(user, file_id)
    content_type = ALLOWED_KINDS[found.kind]  # before the file is opened: nothing left open if it failed
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.original_name,
                        content_type=content_type)


# --- a unit's working group ------------------------------------------------------------------------

class GroupMemberIn(Input):
    full_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150)]
    job_title: str = SchemaField("", max_length=200)
    role: GroupRole = GroupRole.MEMBER


class WorkingGroupIn(Input):
    decision_number: str = SchemaField(min_length=1, max_length=60)
    decided_on: date
    tasks: str = SchemaField("", max_length=TEXT_MAX)  # as the page's box
    members: list[GroupMemberIn] = SchemaField(min_length=1, max_length=GROUP_MAX)


class GroupMemberOut(Schema):
    full_name: str
    job_title: str
    role: str


class WorkingGroupOut(Schema):
    unit_id: int
    unit: str
    declared: bool
    decision_number: str
    decided_on: date | None
    tasks: str
    updated_at: datetime | None
    members: list[GroupMemberOut]


def _group_out(unit: OrgUnit) -> dict:
    group = WorkingGroup.objects.filter(unit=unit).first()
    members = group.members.all() if group else []
    return {"unit_id": unit.pk, "unit": unit.name, "declared": group is not None,
            "decision_number": group.decision_number if group else "", "decided_on": group.decided_on if group else None,
            "tasks": group.tasks if group else "", "updated_at": group.updated_at if group else None,
            "members": [{"full_name": m.full_name, "job_title": m.job_title, "role": m.role} for m in members]}


@router.get("/annual/working-groups/{unit_id}", response={200: WorkingGroupOut, **READ})
def working_group(request, unit_id: Id):
    """The unit's innovation working group (the decision that set it up, its tasks, its members in order), or
    `declared: false` while it has none: to the unit's staff and DoST."""
    return _group_out(unit_for(request_user(request), unit_id, "annual.view_working_group"))


@router.put("/annual/working-groups/{unit_id}", response={200: WorkingGroupOut, **ERRORS}, auth=WRITE_AUTH)
def save_working_group(request, unit_id: Id, payload: WorkingGroupIn):
    """Declare the unit's working group or replace it whole (exactly one lead among the members); the audit log
    keeps each composition. The unit's officers and leaders."""
    unit = unit_for(request.user, unit_id, "annual.view_working_group")
    services.save_working_group(unit, request.user, payload.decision_number, payload.decided_on, payload.tasks,
                                [member.model_dump(mode="json") for member in payload.members])
    return _group_out(unit)
