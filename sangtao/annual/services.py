"""Annual plans, their tasks and reports: one function per action; states move through workflow.py."""

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from sangtao.annual.models import (
    IN_CITY_PLAN,
    REPORTING_STATES,
    SENT_STATES,
    AdvisorySession,
    AnnualPlan,
    AnnualTask,
    BudgetSource,
    CityReport,
    EvidenceFile,
    ExternalIndicator,
    GroupRole,
    KpiMeasurement,
    PlanReport,
    PlanStatus,
    PlanVersion,
    ReportNotice,
    ReportPeriod,
    ReportStatus,
    SessionStatus,
    SessionTransition,
    TaskKpi,
    TaskMilestone,
    TaskProgress,
    WorkingGroup,
    WorkingGroupMember,
    folded_plan_text,
)
from sangtao.annual.workflow import PLAN, REPORT
from sangtao.challenges.models import Facet
from sangtao.core import formats
from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.core.locks import hold
from sangtao.core.progress import Tracker, job_text, run_failed, start_job
from sangtao.core.tasks import FailureMessage, periodic, task
from sangtao.core.text import clean, fold
from sangtao.core.uploads import check_upload
from sangtao.core.workflow import CREATED, apply_move, require_open_move
from sangtao.knowledge.models import PUBLISHED_STATES
from sangtao.notifications.services import notify
from sangtao.orgs.models import OrgUnit, Role
from sangtao.orgs.roles import dost_coordinators, unit_staff

LARGEST_VALUE = Decimal(10) ** 14
LARGEST_BUDGET = 10**15  # a thousand trillion đồng: far above any unit's plan, within BIGINT
TEXT_LIMITS = {"title": 300, "public_service": 300, "spending_norm": 300, "ip_terms": 300,
               "person_in_charge": 150, "related_reference": 200}


def _require(actor, perm: str, obj=None) -> None:
    if not actor.has_perm(perm, obj):
        raise NotAllowed()


def _text(data: dict, name: str, *, required: bool = False, label=None) -> str:
    value = clean(str(data.get(name) or ""))
    if required and not value:
        raise InvalidInput(format_lazy(_("Cần nhập: {what}."), what=label or name), field=name)
    limit = TEXT_LIMITS.get(name)
    if limit and len(value) > limit:
        raise InvalidInput(format_lazy(_("«{what}» dài quá {n} ký tự."), what=label or name, n=limit), field=name)
    return value


def _decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(_("Giá trị phải là số."), field=field) from None
    if not number.is_finite() or abs(number) >= LARGEST_VALUE:
        raise InvalidInput(_("Giá trị phải là số."), field=field)
    return number


def _refresh_search(plan: AnnualPlan) -> None:
    AnnualPlan.objects.filter(pk=plan.pk).update(search_text=folded_plan_text(plan, list(plan.tasks.all())))


# --- plans and tasks ----------------------------------------------------------------------------

def create_plan(actor, unit: OrgUnit, year: int, title: str, summary: str = "", *, import_key: str = "") -> AnnualPlan:
    """A unit's plan for a year, in draft; one per unit and year (DoST creates them only by importing)."""
    probe = AnnualPlan(unit=unit, year=year)
    _require(actor, "annual.import" if import_key else "annual.edit_plan", probe)
    title = clean(title or "")
    if not title or len(title) > 300:
        raise InvalidInput(_("Nêu tên kế hoạch (tối đa 300 ký tự)."), field="title")
    if not 2000 <= int(year) <= 2100:
        raise InvalidInput(_("Năm không hợp lệ."), field="year")
    try:
        with transaction.atomic():
            plan = AnnualPlan.objects.create(unit=unit, year=year, title=title, summary=clean(summary or ""),
                                             created_by=actor, import_key=import_key)
    except IntegrityError:
        raise InvalidInput(_("Đơn vị đã có kế hoạch năm %(year)s.") % {"year": year}, field="year") from None
    _refresh_search(plan)
    record(actor, "annual_plan.created", plan, year=year)
    return plan


def _editable(plan: AnnualPlan, actor) -> None:
    """A draft, edited by its unit's staff (or by DoST's import, which writes the plans it creates)."""
    if not (actor.has_perm("annual.edit_plan", plan) or (plan.import_key and actor.has_perm("annual.import"))):
        raise NotAllowed()
    if not plan.is_editable:
        raise InvalidInput(_("Chỉ sửa được kế hoạch ở trạng thái dự thảo."))


def update_plan(plan: AnnualPlan, actor, title: str, summary: str) -> AnnualPlan:
    _editable(plan, actor)
    title = clean(title or "")
    if not title or len(title) > 300:
        raise InvalidInput(_("Nêu tên kế hoạch (tối đa 300 ký tự)."), field="title")
    AnnualPlan.objects.filter(pk=plan.pk).update(title=title, summary=clean(summary or ""), updated_at=timezone.now())
    plan.title, plan.summary = title, clean(summary or "")
    _refresh_search(plan)
    return plan


def _task_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {
        "title": _text(data, "title", required=True, label=_("Tên nhiệm vụ")),
        "problem": _text(data, "problem", required=True, label=_("Vấn đề cần giải quyết")),
        "public_service": _text(data, "public_service", required=True, label=_("Dịch vụ công chịu tác động")),
        "person_in_charge": _text(data, "person_in_charge", required=True, label=_("Người phụ trách")),
        "partners": _text(data, "partners"),
        "spending_norm": _text(data, "spending_norm"),
        "ip_terms": _text(data, "ip_terms"),
        "related_reference": _text(data, "related_reference"),
        "field": data.get("field"),
        "challenge": data.get("challenge"),
        "initiative": data.get("initiative"),
        "case": data.get("case"),
        "survey": data.get("survey"),
        "applied_on": data.get("applied_on"),
    }
    facet = data.get("facet") or ""
    if facet not in Facet.values:
        raise InvalidInput(_("Chọn loại đổi mới (OPSI)."), field="facet")
    source = data.get("budget_source") or BudgetSource.UNIT_BUDGET
    if source not in BudgetSource.values:
        raise InvalidInput(_("Chọn nguồn kinh phí."), field="budget_source")
    try:
        budget = int(data.get("budget_vnd") or 0)
    except (TypeError, ValueError):
        raise InvalidInput(_("Kinh phí phải là số đồng."), field="budget_vnd") from None
    if not 0 <= budget < LARGEST_BUDGET:
        raise InvalidInput(_("Kinh phí phải là số đồng."), field="budget_vnd")
    if budget and source == BudgetSource.NONE:
        raise InvalidInput(_("Nhiệm vụ có kinh phí cần nêu nguồn kinh phí."), field="budget_source")
    if budget and source == BudgetSource.SCIENCE_FUND and not values["spending_norm"]:
        raise InvalidInput(_("Nêu định mức chi áp dụng cho kinh phí khoa học và công nghệ."), field="spending_norm")
    values.update(facet=facet, budget_source=source, budget_vnd=budget)
    return values


def _kpis(data: dict[str, Any]) -> list[dict[str, Any]]:
    kpis = []
    for row in data.get("kpis") or []:
        name = clean(str(row.get("name") or ""))
        if not name:
            continue
        unit = clean(str(row.get("unit_of_measure") or ""))
        baseline, target = _decimal(row.get("baseline_value"), "kpis"), _decimal(row.get("target_value"), "kpis")
        if not unit or baseline is None or target is None:
            raise InvalidInput(format_lazy(_("Chỉ số «{name}» cần đơn vị tính, giá trị nền và mục tiêu."), name=name),
                               field="kpis")
        if len(name) > 300 or len(unit) > 50:
            raise InvalidInput(_("Tên chỉ số hoặc đơn vị tính quá dài."), field="kpis")
        kpis.append({"name": name, "unit_of_measure": unit, "baseline_value": baseline, "target_value": target,
                     "baseline_date": row.get("baseline_date") or None, "target_date": row.get("target_date") or None,
                     "data_source": clean(str(row.get("data_source") or ""))[:300]})
    return kpis


def _milestones(data: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for row in data.get("milestones") or []:
        title = clean(str(row.get("title") or ""))
        if not title:
            continue
        due = row.get("due_on")
        if isinstance(due, str):
            try:
                due = datetime.date.fromisoformat(due)
            except ValueError:
                due = None
        if not isinstance(due, datetime.date) or len(title) > 300:
            raise InvalidInput(format_lazy(_("Mốc «{title}» cần hạn hợp lệ."), title=title), field="milestones")
        found.append({"title": title, "due_on": due})
    return found


def save_task(plan: AnnualPlan, actor, data: dict[str, Any], task: AnnualTask | None = None) -> AnnualTask:
    """Add a task to a draft plan, or replace one's content, with its KPIs and milestones."""
    _editable(plan, actor)
    values, kpis, milestones = _task_values(data), _kpis(data), _milestones(data)
    _check_links(plan, values)
    with transaction.atomic():
        if task is None:
            position = plan.tasks.count() + 1
            task = AnnualTask.objects.create(plan=plan, position=position, **values)
        else:
            AnnualTask.objects.filter(pk=task.pk).update(**values)
            task.refresh_from_db()
            task.kpis.filter(measurements__isnull=True).delete()
        existing = {k.name: k for k in task.kpis.all()}
        for position, kpi in enumerate(kpis, start=1):
            if kpi["name"] in existing:
                TaskKpi.objects.filter(pk=existing[kpi["name"]].pk).update(position=position, **kpi)
            else:
                TaskKpi.objects.create(task=task, position=position, **kpi)
        task.milestones.all().delete()
        TaskMilestone.objects.bulk_create(TaskMilestone(task=task, **m) for m in milestones)
        _refresh_search(plan)
        record(actor, "annual_task.saved", plan, task=task.pk, title=task.title)
    return task


def _check_links(plan: AnnualPlan, values: dict[str, Any]) -> None:
    """A task applies an initiative of its own unit, and learns from a published case or one of its unit's."""
    initiative, case = values["initiative"], values["case"]
    if initiative is not None and initiative.unit_id != plan.unit_id:
        raise InvalidInput(_("Chọn một sáng kiến của chính đơn vị."), field="initiative")
    if case is not None and case.status not in PUBLISHED_STATES and case.unit_id != plan.unit_id:
        raise InvalidInput(_("Chọn một tình huống đã công bố hoặc của chính đơn vị."), field="case")


def delete_task(task: AnnualTask, actor) -> None:
    _editable(task.plan, actor)
    with transaction.atomic():
        record(actor, "annual_task.deleted", task.plan, task=task.pk, title=task.title)
        task.delete()
        _refresh_search(task.plan)


def snapshot(plan: AnnualPlan) -> dict[str, Any]:
    """The plan's content as a plain structure: what a version keeps and the diff compares."""
    tasks = plan.tasks.select_related("field", "challenge", "initiative", "case").prefetch_related("kpis", "milestones")
    return {"title": plan.title, "summary": plan.summary, "tasks": [{
        "title": t.title, "problem": t.problem, "public_service": t.public_service,
        "field": t.field.name if t.field else "", "facet": t.facet, "budget_vnd": t.budget_vnd,
        "budget_source": t.budget_source, "spending_norm": t.spending_norm, "ip_terms": t.ip_terms,
        "partners": t.partners, "person_in_charge": t.person_in_charge,
        "challenge": t.challenge.title if t.challenge else "",
        "initiative": t.initiative.title if t.initiative else "", "case": t.case.title if t.case else "",
        "related_reference": t.related_reference,
        "kpis": [f"{k.name}: {k.baseline_value.normalize() if k.baseline_value is not None else '?'} → "
                 f"{k.target_value.normalize() if k.target_value is not None else '?'} {k.unit_of_measure}"
                 for k in t.kpis.all()],
        "milestones": [f"{m.title} ({m.due_on.isoformat()})" for m in t.milestones.all()],
    } for t in tasks]}


TASK_LABELS = {"problem": _("Vấn đề"), "public_service": _("Dịch vụ công"), "field": _("Lĩnh vực"),
               "facet": _("Loại đổi mới"), "budget_vnd": _("Kinh phí"), "budget_source": _("Nguồn kinh phí"),
               "spending_norm": _("Định mức chi"), "ip_terms": _("Sở hữu trí tuệ"), "partners": _("Phối hợp"),
               "person_in_charge": _("Người phụ trách"), "challenge": _("Bài toán lớn"),
               "initiative": _("Sáng kiến"), "case": _("Tình huống"), "related_reference": _("Tham chiếu khác"),
               "kpis": _("Chỉ số"), "milestones": _("Mốc")}


def _shown(value) -> str:
    return "; ".join(value) if isinstance(value, list) else str(value)


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(what, before, after) for every change between two snapshots; tasks are matched by title."""
    changes: list[tuple[str, str, str]] = []
    for key, label in (("title", _("Tên kế hoạch")), ("summary", _("Mục tiêu chung"))):
        if old.get(key) != new.get(key):
            changes.append((str(label), str(old.get(key, "")), str(new.get(key, ""))))
    before = {t["title"]: t for t in old.get("tasks", [])}
    after = {t["title"]: t for t in new.get("tasks", [])}
    for title in before.keys() - after.keys():
        changes.append((str(format_lazy(_("Bỏ nhiệm vụ «{t}»"), t=title)), title, ""))
    for title in after.keys() - before.keys():
        changes.append((str(format_lazy(_("Thêm nhiệm vụ «{t}»"), t=title)), "", title))
    for title in before.keys() & after.keys():
        for key, label in TASK_LABELS.items():
            was, now = before[title].get(key), after[title].get(key)
            if was != now:
                changes.append((f"{title} — {label}", _shown(was), _shown(now)))
    return sorted(changes)


def history(plan: AnnualPlan) -> list[tuple[PlanVersion, list[tuple[str, str, str]]]]:
    """Each submitted version with what changed since the one before."""
    versions = list(plan.versions.select_related("author"))
    return [(v, diff(versions[i - 1].content, v.content) if i else []) for i, v in enumerate(versions)]


def submit_plan(plan: AnnualPlan, actor) -> AnnualPlan:
    with transaction.atomic():
        moved = apply_move(plan, "submit", actor=actor)
        latest = plan.versions.order_by("-number", "-id").first()
        reason = ""
        if plan.version > 1:
            reason = plan.transitions.filter(move="amend").order_by("-at", "-id").values_list("reason",
                                                                                               flat=True).first() or ""
        content = snapshot(moved)
        if latest is None or latest.number != moved.version or latest.content != content:
            PlanVersion.objects.create(plan=moved, number=moved.version, content=content, reason=reason, author=actor)
    return moved


def approve_plan(plan: AnnualPlan, actor) -> AnnualPlan:
    return apply_move(plan, "approve", actor=actor)


def return_plan(plan: AnnualPlan, actor, reason: str) -> AnnualPlan:
    return apply_move(plan, "return", actor=actor, reason=reason)


def consolidate_plan(plan: AnnualPlan, actor) -> AnnualPlan:
    """Take the plan into the city's plan. An amended plan keeps the day it was first taken in: the reports
    that fell due since are still owed."""
    return apply_move(plan, "consolidate", actor=actor, changes={"consolidated_at": plan.consolidated_at or timezone.now()})


def dost_return_plan(plan: AnnualPlan, actor, note: str) -> AnnualPlan:
    return apply_move(plan, "dost_return", actor=actor, reason=note)


def start_plan(plan: AnnualPlan, actor) -> AnnualPlan:
    return apply_move(plan, "start", actor=actor)


def amend_plan(plan: AnnualPlan, actor, reason: str) -> AnnualPlan:
    """Open the next version of a plan under way: back to draft, submitted and approved again."""
    return apply_move(plan, "amend", actor=actor, reason=reason, changes={"version": plan.version + 1})


def complete_plan(plan: AnnualPlan, actor) -> AnnualPlan:
    return apply_move(plan, "complete", actor=actor)


def drop_plan(plan: AnnualPlan, actor, reason: str) -> AnnualPlan:
    return apply_move(plan, "drop", actor=actor, reason=reason)


PLAN_ACTIONS: dict[str, Callable[..., AnnualPlan]] = {"submit": submit_plan, "approve": approve_plan, "return": return_plan,
                "consolidate": consolidate_plan, "dost_return": dost_return_plan, "start": start_plan,
                "amend": amend_plan, "complete": complete_plan, "drop": drop_plan}


def move_plan(plan: AnnualPlan, actor, move: str, reason: str = "") -> AnnualPlan:
    """The action a page's or the API's move button names (each is one of the functions above)."""
    action = PLAN_ACTIONS[move]
    if PLAN.moves[move].reason_required:  # the table says which moves take a reason
        return action(plan, actor, reason)
    return action(plan, actor)


def search_plans(queryset, query: str):
    """Plans whose unit, title, summary or tasks contain every word of the query, diacritics ignored."""
    for term in fold(query or "").split()[:10]:
        queryset = queryset.filter(search_text__contains=term)
    return queryset


# --- the unit's working group ------------------------------------------------------------------------

def save_working_group(unit: OrgUnit, actor, decision_number: str, decided_on: datetime.date, tasks: str,
                       members: list[dict[str, str]]) -> WorkingGroup:
    """Declare or update the unit's working group (one per unit) with its members, in the order given;
    the audit row keeps what it became, so each earlier composition can be read back."""
    _require(actor, "annual.edit_working_group", unit)
    decision_number = clean(decision_number or "")
    members = [{"full_name": clean(m.get("full_name") or ""), "job_title": clean(m.get("job_title") or ""),
                "role": m.get("role") or GroupRole.MEMBER} for m in members if clean(m.get("full_name") or "")]
    if not decision_number:
        raise InvalidInput(_("Cần nhập số quyết định thành lập tổ."), field="decision_number")
    if any(m["role"] not in GroupRole.values for m in members):
        raise InvalidInput(_("Vai trò trong tổ không hợp lệ."), field="members")
    if decided_on is None or decided_on > timezone.localdate():
        raise InvalidInput(_("Ngày quyết định không thể sau hôm nay."), field="decided_on")
    if sum(m["role"] == GroupRole.LEAD for m in members) != 1:
        raise InvalidInput(_("Tổ cần có đúng một tổ trưởng."), field="members")
    with transaction.atomic():
        group, _created = WorkingGroup.objects.update_or_create(unit=unit, defaults={
            "decision_number": decision_number[:60], "decided_on": decided_on, "tasks": clean(tasks or ""),
            "updated_by": actor, "updated_at": timezone.now()})
        group.members.all().delete()
        WorkingGroupMember.objects.bulk_create(
            WorkingGroupMember(group=group, position=position, **member) for position, member in enumerate(members, 1))
        record(actor, "annual_working_group.saved", group, decision_number=group.decision_number,
               decided_on=decided_on.isoformat(), tasks=group.tasks, members=[[m["full_name"], m["job_title"], m["role"]] for m in members])
    return group


# --- expert advice sessions (Inno-Coffee) ---------------------------------------------------------------

def request_advice(actor, unit: OrgUnit, topic: str, question: str, task: AnnualTask | None = None) -> AdvisorySession:
    """A unit asks DoST for expert advice on a problem (one of its tasks, or any); DoST is told."""
    _require(actor, "annual.request_advice", unit)
    topic, question = clean(topic or ""), clean(question or "")
    if not topic:
        raise InvalidInput(_("Cần nêu chủ đề cần tư vấn."), field="topic")
    if not question:
        raise InvalidInput(_("Cần nêu vấn đề, câu hỏi cụ thể."), field="question")
    if task is not None and task.plan.unit_id != unit.pk:
        raise InvalidInput(_("Chọn một nhiệm vụ của chính đơn vị."), field="task")
    with transaction.atomic():
        session = AdvisorySession.objects.create(unit=unit, task=task, topic=topic[:300], question=question,
                                                 requested_by=actor)
        SessionTransition.objects.create(session=session, actor=actor, move=CREATED, from_status=SessionStatus.REQUESTED,
                                         to_status=SessionStatus.REQUESTED)
        notify(dost_coordinators(), format_lazy(_("{unit} đề nghị tư vấn: «{topic}»"), unit=unit.name, topic=session.topic),
               session.question[:500], session.get_absolute_url(), exclude=actor, action_needed=True,
               subject=f"advisory_session:{session.pk}")
    return session


def schedule_session(session: AdvisorySession, actor, when: datetime.datetime, place: str, advisers: str
                     ) -> AdvisorySession:
    """Set (or move) the session's time, place and advisers; the unit's staff are told."""
    require_open_move(session, "schedule", actor=actor)
    place, advisers = clean(place or ""), clean(advisers or "")
    if when is None or when <= timezone.now():
        raise InvalidInput(_("Thời gian tư vấn phải sau lúc này."), field="scheduled_for")
    if not place:
        raise InvalidInput(_("Cần nêu địa điểm hoặc đường dẫn họp trực tuyến."), field="place")
    # A session moved keeps where it was before in its transition row.
    before = f"{formats.short_datetime(session.scheduled_for)} · {session.place}" if session.scheduled_for else ""
    after = f"{formats.short_datetime(when)} · {place[:300]}"
    title = format_lazy(_("Tư vấn «{topic}»: {move}"), topic=session.topic,
                        move=_("đổi lịch") if before else _("đã xếp lịch"))
    return apply_move(session, "schedule", actor=actor, reason=f"{before} → {after}" if before else "",
                      changes={"scheduled_for": when, "place": place[:300], "advisers": advisers},
                      notice=(title, f"{after}\n{advisers}".strip()))


def record_session(session: AdvisorySession, actor, advice: str) -> AdvisorySession:
    """The advice given, kept for the unit (and for the knowledge of other units)."""
    require_open_move(session, "record", actor=actor)
    advice = clean(advice or "")
    if not advice:
        raise InvalidInput(_("Cần ghi nội dung đã tư vấn."), field="advice")
    return apply_move(session, "record", actor=actor, changes={"advice": advice})


def decline_session(session: AdvisorySession, actor, reason: str) -> AdvisorySession:
    return apply_move(session, "decline", actor=actor, reason=reason)


def cancel_session(session: AdvisorySession, actor, reason: str) -> AdvisorySession:
    return apply_move(session, "cancel", actor=actor, reason=reason)


def call_off_session(session: AdvisorySession, actor, reason: str) -> AdvisorySession:
    """DoST calls off a session, or records that it did not take place."""
    return apply_move(session, "call_off", actor=actor, reason=reason)


# --- reports ------------------------------------------------------------------------------------

def start_report(plan: AnnualPlan, actor, period: ReportPeriod) -> PlanReport:
    """The unit's report of a period, in draft (the one already started, if any)."""
    _require(actor, "annual.report", plan)
    if plan.status not in REPORTING_STATES and plan.consolidated_at is None:
        raise InvalidInput(_("Chỉ báo cáo kế hoạch đã được Sở KH&CN tổng hợp."))
    report, _created = PlanReport.objects.get_or_create(plan=plan, period=period, defaults={"created_by": actor})
    return report


def save_report(report: PlanReport, actor, narrative: str, difficulties: str,
                progress: dict[int, tuple[int, str]], measurements: list[tuple[int, Any, datetime.date, str]]) -> PlanReport:
    """The report's text, each task's progress and the KPI values measured since the last report."""
    _require(actor, "annual.report", report)
    if report.status != ReportStatus.DRAFT:
        raise InvalidInput(_("Chỉ sửa được báo cáo đang soạn."))
    tasks = {t.pk for t in report.plan.tasks.all()}
    kpis = {k.pk: k for k in TaskKpi.objects.filter(task__plan=report.plan)}
    with transaction.atomic():
        PlanReport.objects.filter(pk=report.pk).update(narrative=clean(narrative or ""),
                                                       difficulties=clean(difficulties or ""),
                                                       updated_at=timezone.now())
        for task_id, (percent, note) in progress.items():
            if task_id not in tasks or not 0 <= int(percent) <= 100:
                raise InvalidInput(_("Tiến độ phải từ 0 đến 100%."), field="progress")
            TaskProgress.objects.update_or_create(report=report, task_id=task_id,
                                                  defaults={"percent": int(percent), "note": clean(note or "")})
        for kpi_id, value, measured_on, source in measurements:
            if kpi_id not in kpis:
                raise InvalidInput(_("Chỉ số không thuộc kế hoạch này."), field="measurements")
            number = _decimal(value, "measurements")
            source = clean(source or "") or str(_("Báo cáo của đơn vị"))
            if number is None or not isinstance(measured_on, datetime.date):
                raise InvalidInput(_("Số đo cần giá trị và ngày đo."), field="measurements")
            if measured_on > timezone.localdate():  # it would stand as the latest value until that day
                raise InvalidInput(_("Ngày đo không thể sau hôm nay."), field="measurements")
            KpiMeasurement.objects.update_or_create(kpi_id=kpi_id, measured_on=measured_on, source=source[:300],
                                                    defaults={"value": number, "report": report,
                                                              "recorded_by": actor})
    report.refresh_from_db()
    return report


def submit_report(report: PlanReport, actor) -> PlanReport:
    return apply_move(report, "submit", actor=actor, changes={"submitted_at": timezone.now()})


def approve_report(report: PlanReport, actor) -> PlanReport:
    return apply_move(report, "approve", actor=actor)


def return_report(report: PlanReport, actor, reason: str) -> PlanReport:
    return apply_move(report, "return", actor=actor, reason=reason)


def accept_report(report: PlanReport, actor) -> PlanReport:
    return apply_move(report, "accept", actor=actor)


def dost_return_report(report: PlanReport, actor, note: str) -> PlanReport:
    return apply_move(report, "dost_return", actor=actor, reason=note)


REPORT_ACTIONS: dict[str, Callable[..., PlanReport]] = {"submit": submit_report, "approve": approve_report, "return": return_report,
                  "accept": accept_report, "dost_return": dost_return_report}


def move_report(report: PlanReport, actor, move: str, reason: str = "") -> PlanReport:
    action = REPORT_ACTIONS[move]
    if REPORT.moves[move].reason_required:
        return action(report, actor, reason)
    return action(report, actor)


def _require_draft(reports) -> None:
    """Evidence goes into a report while it is drafted: once sent, what its leader approved and DoST
    received (its register of evidence included) stays as it was."""
    if PlanReport.objects.filter(pk__in=[report.pk for report in reports]).exclude(status=ReportStatus.DRAFT).exists():
        raise InvalidInput(_("Chỉ thêm minh chứng vào báo cáo đang soạn."))


def add_evidence(unit: OrgUnit, actor, upload, title: str, indicators=(), reports=()) -> EvidenceFile:
    """Keep a file once, tagged with every external indicator it supports and cited by any reports."""
    probe = AnnualPlan(unit=unit)
    _require(actor, "annual.report", probe)
    checked = check_upload(upload)
    title = clean(title or "") or clean(upload.name)
    reports = [r for r in reports if r.plan.unit_id == unit.pk]
    _require_draft(reports)
    with transaction.atomic():
        evidence = EvidenceFile(unit=unit, title=title[:300], original_name=clean(upload.name)[:255],
                                kind=checked.kind, size=checked.size, uploaded_by=actor)
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
        evidence.indicators.set([i for i in indicators if isinstance(i, ExternalIndicator)])
        evidence.reports.set(reports)
        record(actor, "annual_evidence.added", evidence, indicators=[i.pk for i in indicators])
    return evidence


def cite_evidence(evidence: EvidenceFile, actor, report: PlanReport) -> None:
    """Cite a file already kept in another report of the same unit."""
    _require(actor, "annual.report", report)
    if evidence.unit_id != report.plan.unit_id:
        raise NotAllowed()
    _require_draft([report])
    evidence.reports.add(report)


# --- the calendar: who has not reported, reminders and escalations -------------------------------

def report_calendar(year: int, periods=None) -> list[tuple[ReportPeriod, datetime.date]]:
    """The year's reports and their due dates (`periods`: the active periods, when the caller has them)."""
    periods = ReportPeriod.objects.filter(active=True) if periods is None else periods
    return [(period, period.due_on(year)) for period in periods]


def owing_plans(year: int):
    """The plans of a year that still owe reports: in the city's plan (also when amended since), not done
    (its annual report approved)."""
    return AnnualPlan.objects.filter(IN_CITY_PLAN, year=year).exclude(status=PlanStatus.DONE)


def _owed(plan: AnnualPlan, due: datetime.date) -> bool:
    """A plan owes a period's report when DoST took it in before the report's due date: a unit is never
    late for a report due before its plan was consolidated."""
    return plan.consolidated_at is None or timezone.localdate(plan.consolidated_at) < due


def _consolidated_before(due: datetime.date) -> Q:
    """_owed as a condition of a query."""
    midnight = datetime.datetime.combine(due, datetime.time.min, tzinfo=timezone.get_current_timezone())
    return Q(consolidated_at__isnull=True) | Q(consolidated_at__lt=midnight)


def not_reported(year: int, period: ReportPeriod):
    """The plans owing the report of one period that their unit has not sent, as a query."""
    sent = PlanReport.objects.filter(plan=OuterRef("pk"), period=period, status__in=SENT_STATES)
    return owing_plans(year).filter(_consolidated_before(period.due_on(year))).exclude(Exists(sent))


def missing_reports(year: int, today: datetime.date | None = None, *, late_only: bool = True):
    """[(plan, period, due date)] for every plan that owes the report of a period its unit has not
    sent (due already, when late_only): three queries whatever the number of units."""
    today = today or timezone.localdate()
    calendar = [(p, due) for p, due in report_calendar(year) if not late_only or due < today]
    if not calendar:
        return []
    plans = list(owing_plans(year).select_related("unit"))
    sent = set(PlanReport.objects.filter(plan__year=year, status__in=SENT_STATES)
               .values_list("plan_id", "period_id"))
    return [(plan, period, due) for plan in plans for period, due in calendar
            if (plan.pk, period.pk) not in sent and _owed(plan, due)]


def late_reports(year: int, today: datetime.date | None = None, limit: int = 200) -> tuple[int, list]:
    """How many reports are late, and the first `limit` of them [(plan, period, due date)], counted
    by the database: two queries per period past due, not thousands of plans fetched to show 200."""
    today = today or timezone.localdate()
    count, rows = 0, []  # type: tuple[int, list[tuple[AnnualPlan, ReportPeriod, datetime.date]]]
    for period, due in report_calendar(year):
        if due >= today:
            continue
        late = not_reported(year, period)
        count += late.count()
        if len(rows) < limit:
            rows += [(plan, period, due) for plan in late.select_related("unit")[:limit - len(rows)]]
    return count, rows


def _escalation_rules():
    from sangtao.projects.models import ProjectRules  # the existing escalation delays, shared with projects

    rules = ProjectRules.objects.filter(is_default=True).first()
    return (rules.leader_after_days, rules.dost_after_days) if rules else (7, 14)


@periodic(every=3600)
def remind_and_escalate_reports(today: datetime.date | None = None) -> int:
    """Before a report's due date remind the unit's officers; after it, tell them, then the unit's leaders,
    then DoST, after the delays of the project escalation rules; each notice once."""
    today = today or timezone.localdate()
    leader_after, dost_after = _escalation_rules()
    sent = 0
    for year in (today.year - 1, today.year):
        calendar = report_calendar(year)
        due_soon = [(p, d) for p, d in calendar if d >= today and (d - today).days <= p.remind_days_before]
        late = [(p, d) for p, d in calendar if d < today]
        if not due_soon and not late:
            continue
        pending = missing_reports(year, today, late_only=False)
        done = set(ReportNotice.objects.filter(plan__year=year).values_list("plan_id", "period_id", "level"))
        windows = {p.pk: d for p, d in due_soon} | {p.pk: d for p, d in late}
        for plan, period, _due in pending:
            due = windows.get(period.pk)
            if due is None:
                continue
            days_late = (today - due).days
            if days_late <= 0:
                levels = [ReportNotice.Level.REMINDER]
            else:
                levels = [ReportNotice.Level.OWNER]
                if days_late >= leader_after:
                    levels.append(ReportNotice.Level.LEADER)
                if days_late >= dost_after:
                    levels.append(ReportNotice.Level.DOST)
            for level in levels:
                if (plan.pk, period.pk, level) in done:
                    continue
                with transaction.atomic():
                    ReportNotice.objects.create(plan=plan, period=period, level=level)
                    _send_notice(plan, period, due, level, days_late)
                sent += 1
    return sent


def _send_notice(plan: AnnualPlan, period: ReportPeriod, due: datetime.date, level: int, days_late: int) -> None:
    if level == ReportNotice.Level.REMINDER:
        recipients = unit_staff([plan.unit_id], [Role.OFFICER])
        title = format_lazy(_("Sắp đến hạn {period} {year} ({due})"), period=period.name, year=plan.year,
                            due=formats.short_date(due))
    else:
        chosen: dict[int, Any] = {ReportNotice.Level.OWNER: unit_staff([plan.unit_id], [Role.OFFICER]),
                                   ReportNotice.Level.LEADER: unit_staff([plan.unit_id], [Role.LEADER]),
                                   ReportNotice.Level.DOST: dost_coordinators()}
        recipients = chosen[level]
        title = format_lazy(ngettext_lazy("Quá hạn {n} ngày: {period} {year} của {unit}",
                                          "Quá hạn {n} ngày: {period} {year} của {unit}", days_late), n=days_late, period=period.name,
                            year=plan.year, unit=plan.unit.name)
    notify(recipients, title, format_lazy(_("Hạn nộp: {due}"), due=formats.short_date(due)), plan.get_absolute_url())


# --- the city's consolidated report, built in the background --------------------------------------

def city_report_number(year: int) -> str:
    """The next number of this year's series: Decree 30 numbers an agency's documents from 01 in each calendar
    year of issue, whatever year they report on. The caller holds the series (core.locks) until it commits,
    so two reports requested at the same moment never take the same number."""
    from django.conf import settings

    issued = CityReport.objects.filter(requested_at__year=timezone.localdate().year).count()
    return settings.ANNUAL_REPORT_NUMBER.format(year=year, seq=issued + 1)


def request_city_report(actor, year: int) -> CityReport:
    _require(actor, "annual.city_report")
    with transaction.atomic():
        hold(CityReport, [str(timezone.localdate().year)])
        report = CityReport.objects.create(year=year, number=city_report_number(year), requested_by=actor)
        job = start_job(build_city_report, actor,
                        job_text(_("Báo cáo tổng hợp năm %(year)s (%(number)s)"), year=year, number=report.number),
                        back_url=reverse("annual:city_report", args=[report.pk]), total=100, report_id=report.pk)
        CityReport.objects.filter(pk=report.pk).update(job=job)
        report.job = job
        record(actor, "annual_city_report.requested", report, year=year)
    return report


def _city_report_failed(message: FailureMessage, run_id: str, report_id: int, **_arguments) -> None:
    """The build raised or its worker died: the requester reads why on the report, its job and their home."""
    run_failed(message, run_id)
    CityReport.objects.filter(pk=report_id).update(failure=str(message) or str(_("Lỗi không rõ.")),
                                                   finished_at=timezone.now())


@task(on_failure=_city_report_failed)
def build_city_report(run_id: str, report_id: int) -> None:
    """`run_id`: the core JobRun its progress is told through; a retry of a failed job builds the same report."""
    from django.core.files.base import ContentFile

    from sangtao.annual.documents import city_report_pdf, city_workbook
    from sangtao.annual.rollup import city_rows, city_satisfaction

    tracker = Tracker(run_id)
    tracker.begin(total=100)
    CityReport.objects.filter(pk=report_id).update(job=tracker.run, failure="", finished_at=None)
    report = CityReport.objects.get(pk=report_id)

    def progress(percent: int) -> None:
        tracker.advance(percent)

    rows = city_rows(report.year, progress=lambda share: progress(int(share * 60)))
    # Last year's reports still owed too (its annual report falls due in this year), as the roll-up says.
    late = sorted(((plan.unit.name, period, due) for year in (report.year - 1, report.year)
                   for plan, period, due in missing_reports(year)), key=lambda line: (line[2], line[0]))
    satisfaction = city_satisfaction(report.year)
    pdf = city_report_pdf(report, rows, late, satisfaction)
    tracker.advance(80, force=True)
    workbook = city_workbook(report, rows, late, satisfaction)
    report.pdf.save(f"bao-cao-dmst-{report.year}-{report.pk}.pdf", ContentFile(pdf), save=False)
    report.workbook.save(f"bao-cao-dmst-{report.year}-{report.pk}.xlsx", ContentFile(workbook), save=False)
    CityReport.objects.filter(pk=report_id).update(pdf=report.pdf.name, workbook=report.workbook.name,
                                                   finished_at=timezone.now())
    tracker.advance(100)
    tracker.finish(job_text(_("Đã lập báo cáo %(number)s (PDF và Excel)."), number=report.number))
