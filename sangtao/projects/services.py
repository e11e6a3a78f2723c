"""Every change to a project goes through a function here: permission, transaction, audit, notices."""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from sangtao.challenges import services as challenge_services
from sangtao.challenges.models import Challenge, Status
from sangtao.core import formats, workflow
from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.core.tasks import periodic
from sangtao.core.text import clean
from sangtao.core.uploads import check_upload
from sangtao.notifications.services import notify
from sangtao.orgs.models import OrgUnit, Role
from sangtao.orgs.roles import dost_coordinators, unit_staff
from sangtao.projects.acceptance import acceptance_result
from sangtao.projects.models import (
    AcceptanceMember,
    AcceptanceRating,
    Deployment,
    Escalation,
    Grade,
    Milestone,
    Partner,
    ProgressReport,
    Project,
    ProjectDocument,
    ProjectRules,
    ProjectStatus,
    ReportStatus,
    SelfAssessment,
    Task,
    TaskComment,
)
from sangtao.projects.workflow import lead_members
from sangtao.review.models import Decision


def _require(actor, perm: str, obj=None) -> None:
    if not actor.has_perm(perm, obj):
        raise NotAllowed()


def _active(project: Project) -> Project:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status != ProjectStatus.ACTIVE:
        raise StaleState(_("Dự án không còn ở giai đoạn thực hiện."), current_status=locked.status)
    return locked


# --- creation and plan ------------------------------------------------------------------------

def create_project(decision: Decision, actor, data: dict[str, Any]) -> Project:
    """Start the project from the decision: contract, dates, partners and the workplan."""
    challenge = Challenge.objects.get(pk=decision.challenge_id)
    _require(actor, "projects.create", challenge)
    if challenge.status != Status.IMPLEMENTING:
        raise InvalidInput(_("Chỉ lập dự án cho bài toán đang triển khai."))
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not starts or not ends or ends < starts:
        raise InvalidInput(_("Ngày kết thúc phải sau ngày bắt đầu."), field="ends_on")
    milestones = [m for m in data.get("milestones", []) if clean(m.get("title") or "")]
    if not milestones:
        raise InvalidInput(_("Kế hoạch cần ít nhất một mốc."), field="milestones")
    for position, item in enumerate(milestones, start=1):
        if not item.get("due_on"):
            raise InvalidInput(_("Mốc %(n)s cần hạn hoàn thành.") % {"n": position}, field="milestones")
    try:
        with transaction.atomic():
            project = Project.objects.create(
                challenge=challenge, decision=decision, lead_organisation=decision.lead_organisation,
                rules=ProjectRules.objects.get(is_default=True), contract_number=clean(data.get("contract_number") or ""),
                contract_value_vnd=data.get("contract_value_vnd"), starts_on=starts, ends_on=ends,
                report_every_days=data.get("report_every_days") or 30, created_by=actor)
            for unit, responsibilities in data.get("partners", []):
                Partner.objects.create(project=project, unit=unit, responsibilities=clean(responsibilities))
            for position, item in enumerate(milestones):
                Milestone.objects.create(
                    project=project, title=clean(item["title"]), due_on=item["due_on"],
                    owner=item.get("owner") or decision.lead_organisation,
                    acceptance_criteria=clean(item.get("acceptance_criteria") or ""),
                    tranche_vnd=item.get("tranche_vnd"), position=position)
            record(actor, "project_created", project, challenge=challenge.pk)
            notify(list(lead_members(project)) + list(unit_staff([challenge.owner_unit_id])),
                   format_lazy(_("Dự án «{title}» đã được lập"), title=challenge.title), "", project.get_absolute_url(),
                   exclude=actor)
    except IntegrityError:
        raise StaleState(_("Bài toán này đã có dự án.")) from None
    return project


def add_task(project: Project, actor, unit: OrgUnit, title: str, due_on: datetime.date) -> Task:
    _require(actor, "projects.manage", project)
    title = clean(title or "")
    if not title:
        raise InvalidInput(_("Nêu nhiệm vụ."), field="title")
    with transaction.atomic():
        _active(project)
        task = Task.objects.create(project=project, unit=unit, title=title, due_on=due_on)
        record(actor, "task_added", project, task=task.pk, unit=unit.name)
        notify(unit_staff([unit.pk]), format_lazy(_("Nhiệm vụ mới: {title}"), title=title),
               format_lazy(_("Hạn: {due}"), due=formats.short_date(due_on)), project.get_absolute_url())
    return task


def complete_task(task: Task, actor) -> Task:
    return workflow.apply_move(task, "complete", actor=actor, changes={"done_on": timezone.localdate()})


def comment_task(task: Task, actor, body: str) -> TaskComment:
    _require(actor, "projects.work", task.project)
    body = clean(body or "")
    if not body:
        raise InvalidInput(_("Nội dung trao đổi không được để trống."), field="body")
    return TaskComment.objects.create(task=task, author=actor, body=body)


def complete_milestone(milestone: Milestone, actor, on: datetime.date) -> Milestone:
    _require(actor, "projects.work", milestone.project)
    if on > timezone.localdate():
        raise InvalidInput(_("Ngày hoàn thành mốc không thể sau hôm nay."), field="on")
    with transaction.atomic():
        _active(milestone.project)
        if not Milestone.objects.filter(pk=milestone.pk, completed_on__isnull=True).update(completed_on=on):
            raise StaleState(_("Mốc đã được ghi hoàn thành."))
        record(actor, "milestone_completed", milestone.project, milestone=milestone.pk, on=on.isoformat())
    milestone.refresh_from_db()
    return milestone


def record_disbursement(milestone: Milestone, actor, amount: int, on: datetime.date) -> Milestone:
    """Record a tranche as disbursed (the payment itself happens outside the platform)."""
    _require(actor, "projects.manage", milestone.project)
    if amount is None or amount < 0:
        raise InvalidInput(_("Số tiền không hợp lệ."), field="amount")
    if milestone.tranche_vnd is not None and amount > milestone.tranche_vnd:
        raise InvalidInput(_("Số tiền vượt đợt kinh phí của mốc (%(tranche)s).") % {"tranche": formats.vnd(milestone.tranche_vnd)},
                           field="amount")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=milestone.project_id)
        others = project.milestones.exclude(pk=milestone.pk).aggregate(total=Sum("disbursed_vnd"))["total"] or 0
        if project.contract_value_vnd is not None and others + amount > project.contract_value_vnd:
            raise InvalidInput(_("Tổng số đã giải ngân sẽ vượt giá trị hợp đồng (%(value)s).")
                               % {"value": formats.vnd(project.contract_value_vnd)}, field="amount")
        Milestone.objects.filter(pk=milestone.pk).update(disbursed_vnd=amount, disbursed_on=on)
        record(actor, "tranche_disbursed", milestone.project, milestone=milestone.pk, amount=amount)
    milestone.refresh_from_db()
    return milestone


def add_document(project: Project, actor, upload, *, task: Task | None = None,
                 report: ProgressReport | None = None) -> ProjectDocument:
    """A document on a task's thread, or evidence for a report; checked by content like every upload."""
    _require(actor, "projects.work", project)
    checked = check_upload(upload)
    with transaction.atomic():
        document = ProjectDocument(project=project, task=task, report=report, original_name=clean(upload.name)[:255],
                                   kind=checked.kind, size=checked.size, uploaded_by=actor)
        document.file.save(upload.name, upload, save=False)
        document.save()
        record(actor, "project_document_added", project, document=document.original_name)
    return document


# --- progress reports -------------------------------------------------------------------------

def submit_report(project: Project, actor, period_end: datetime.date, narrative: str,
                  progress: dict[int, int], issues: str = "") -> ProgressReport:
    _require(actor, "projects.report", project)
    narrative = clean(narrative or "")
    if not narrative:
        raise InvalidInput(_("Mô tả tình hình thực hiện là bắt buộc."), field="narrative")
    milestone_ids = set(project.milestones.values_list("pk", flat=True))
    cleaned = {}
    for key, value in progress.items():
        if int(key) in milestone_ids and value not in (None, ""):
            percent = int(value)
            if not 0 <= percent <= 100:
                raise InvalidInput(_("Tiến độ phải từ 0 đến 100%."), field="progress")
            cleaned[str(key)] = percent
    with transaction.atomic():
        _active(project)
        report = ProgressReport.objects.create(project=project, period_end=period_end, narrative=narrative,
                                               milestone_progress=cleaned, issues=clean(issues or ""),
                                               submitted_by=actor)
        notify(unit_staff([project.challenge.owner_unit_id]),
               format_lazy(_("Báo cáo tiến độ mới: {title}"), title=project.challenge.title), narrative[:300],
               project.get_absolute_url(), exclude=actor)
    return report


def review_report(report: ProgressReport, actor, accept: bool, note: str = "") -> ProgressReport:
    _require(actor, "projects.manage", report.project)
    note = clean(note or "")
    if not accept and not note:
        raise InvalidInput(_("Nêu điều cần bổ sung khi trả lại báo cáo."), field="note")
    return workflow.apply_move(report, "accept" if accept else "return", actor=actor, reason=note,
                               changes={"review_note": note, "reviewed_by": actor})


def _latest_report(project: Project, statuses: set[str]) -> ProgressReport | None:
    # Read through .all() so that a list with the reports prefetched asks nothing per project.
    return max((r for r in project.reports.all() if r.status in statuses), key=lambda r: r.period_end, default=None)


def next_report_due(project: Project) -> datetime.date:
    last = _latest_report(project, set(ReportStatus.values) - {ReportStatus.RETURNED})
    start = last.period_end if last else project.starts_on
    return start + datetime.timedelta(days=project.report_every_days)


# --- health and escalation --------------------------------------------------------------------

def overdue_items(project: Project, today: datetime.date) -> list[tuple[str, str, datetime.date, list[int]]]:
    """(subject, description, due date, unit ids of the owner) of everything past its due date."""
    items = []
    for milestone in project.milestones.all():
        if milestone.is_overdue(today):
            items.append((f"milestone:{milestone.pk}", str(format_lazy(_("Mốc «{t}»"), t=milestone.title)),
                          milestone.due_on, [milestone.owner_id]))
    for task in project.tasks.all():
        if task.is_overdue(today):
            items.append((f"task:{task.pk}", str(format_lazy(_("Nhiệm vụ «{t}»"), t=task.title)), task.due_on,
                          [task.unit_id]))
    due = next_report_due(project)
    if project.status == ProjectStatus.ACTIVE and due < today:
        items.append((f"report:{due.isoformat()}", str(_("Báo cáo tiến độ định kỳ")), due,
                      [project.lead_organisation_id]))
    return items


def describe_subject(subject: str, milestones, tasks) -> str:
    """What an escalation was about, as a person reads it ("Mốc «Thí điểm»"), never its key ("milestone:7")."""
    kind, _sep, key = subject.partition(":")
    if kind == "milestone":
        title = next((m.title for m in milestones if str(m.pk) == key), "")
        return str(format_lazy(_("Mốc «{t}»"), t=title))
    if kind == "task":
        title = next((t.title for t in tasks if str(t.pk) == key), "")
        return str(format_lazy(_("Nhiệm vụ «{t}»"), t=title))
    if kind == "report":
        try:
            due = formats.short_date(datetime.date.fromisoformat(key))
        except ValueError:
            due = ""
        return str(format_lazy(_("Báo cáo tiến độ định kỳ (hạn {d})"), d=due))
    return str(_("Việc quá hạn"))


def health(project: Project, today: datetime.date | None = None) -> tuple[str, list[str]]:
    """on_track, at_risk or late, with the reasons: derived from dates and reports, never typed in."""
    today = today or timezone.localdate()
    if project.status != ProjectStatus.ACTIVE:
        return "closed", []
    late = [f"{text} ({formats.short_date(due)})" for _s, text, due, _u in overdue_items(project, today)]
    if late:
        return "late", late
    soon = today + datetime.timedelta(days=project.rules.at_risk_within_days)
    latest = _latest_report(project, {ReportStatus.ACCEPTED})
    progress = latest.milestone_progress if latest else {}
    risky = [str(format_lazy(_("Mốc «{t}» đến hạn {d}, mới đạt {p}%"), t=m.title, d=formats.short_date(m.due_on),
                             p=progress.get(str(m.pk), 0)))
             for m in project.milestones.all()
             if m.completed_on is None and m.due_on <= soon and progress.get(str(m.pk), 0) < 50]
    return ("at_risk", risky) if risky else ("on_track", [])


def _recipients(project: Project, level: int, owner_units: list[int]):
    if level == Escalation.Level.OWNER:
        units = [u for u in owner_units if u != project.lead_organisation_id]
        return list(unit_staff(units)) + (list(lead_members(project)) if project.lead_organisation_id in owner_units
                                      else [])
    if level == Escalation.Level.LEADER:
        return unit_staff([project.challenge.owner_unit_id], [Role.LEADER])
    return dost_coordinators()


@periodic
def escalate_overdue(today: datetime.date | None = None) -> int:
    """Notify the owner, then the owning unit's leader, then DoST as items stay overdue; each once."""
    today = today or timezone.localdate()
    sent = 0
    for project in Project.objects.filter(status=ProjectStatus.ACTIVE).select_related("challenge", "rules"):
        rules = project.rules
        for subject, text, due, owner_units in overdue_items(project, today):
            late_days = (today - due).days
            levels = [Escalation.Level.OWNER]
            if late_days >= rules.leader_after_days:
                levels.append(Escalation.Level.LEADER)
            if late_days >= rules.dost_after_days:
                levels.append(Escalation.Level.DOST)
            for level in levels:
                with transaction.atomic():
                    _row, created = Escalation.objects.get_or_create(project=project, subject=subject, level=level)
                    if not created:
                        continue
                    notify(_recipients(project, level, owner_units),
                           format_lazy(ngettext_lazy("Quá hạn {n} ngày: {what} ({title})",
                                                     "Quá hạn {n} ngày: {what} ({title})", late_days), n=late_days, what=text,
                                       title=project.challenge.title),
                           format_lazy(_("Hạn: {due}"), due=formats.short_date(due)), project.get_absolute_url())
                    sent += 1
    return sent


# --- acceptance and deployment ----------------------------------------------------------------

def self_assess(project: Project, actor, summary: str) -> SelfAssessment:
    _require(actor, "projects.report", project)
    summary = clean(summary or "")
    if not summary:
        raise InvalidInput(_("Nội dung tự đánh giá là bắt buộc."), field="summary")
    with transaction.atomic():
        _active(project)
        assessment, _created = SelfAssessment.objects.update_or_create(
            project=project, defaults={"summary": summary, "submitted_by": actor, "submitted_at": timezone.now()})
        record(actor, "self_assessed", project)
        notify(dost_coordinators(), format_lazy(_("Dự án «{title}» đã tự đánh giá, chờ nghiệm thu"), title=project.challenge.title),
               summary[:300], project.get_absolute_url())
    return assessment


def add_acceptance_member(project: Project, actor, expert) -> AcceptanceMember:
    _require(actor, "projects.accept")
    try:
        with transaction.atomic():
            member = AcceptanceMember.objects.create(project=project, expert=expert)
            record(actor, "acceptance_member_added", project, expert=expert.pk)
    except IntegrityError:
        raise InvalidInput(_("Chuyên gia đã có trong hội đồng nghiệm thu."), field="expert") from None
    return member


def rate(project: Project, actor, milestone: Milestone | None, quality: str, quantity: str = "") -> AcceptanceRating:
    """An acceptance-council member grades a deliverable (quantity and quality) or the final report."""
    if not project.acceptance_members.filter(expert__user=actor).exists():
        raise NotAllowed()
    if not hasattr(project, "self_assessment"):
        raise InvalidInput(_("Đơn vị chủ trì cần tự đánh giá trước khi hội đồng nghiệm thu chấm."))
    if quality not in Grade.values or (milestone is not None and quantity not in Grade.values):
        raise InvalidInput(_("Chọn mức Xuất sắc, Đạt hoặc Không đạt."), field="quality")
    with transaction.atomic():
        _active(project)
        rating, _created = AcceptanceRating.objects.update_or_create(
            project=project, member=actor, milestone=milestone,
            defaults={"quality": quality, "quantity": quantity if milestone else ""})
    return rating


def conclude_acceptance(project: Project, actor) -> Project:
    """DoST records the council's result; a pass moves the challenge on to evaluation."""
    overall = acceptance_result(project).overall
    grade = str(Grade(overall).label) if overall else ""
    with transaction.atomic():
        project = workflow.apply_move(project, "fail" if overall == Grade.FAIL else "accept", actor=actor,
                                      reason=grade)
        if project.status == ProjectStatus.ACCEPTED:
            challenge_services.apply_move(project.challenge, actor, "start_evaluation", grade)
    return project


def cancel_project(project: Project, actor, reason: str) -> Project:
    """DoST stops a project that cannot go on, with the reason; the lead and the owning unit are told."""
    return workflow.apply_move(project, "cancel", actor=actor, reason=reason)


def record_deployment(project: Project, actor, unit: OrgUnit, service: str, go_live_on: datetime.date,
                      notes: str = "") -> Deployment:
    _require(actor, "projects.manage", project)
    service = clean(service or "")
    if not service:
        raise InvalidInput(_("Nêu dịch vụ áp dụng."), field="service")
    try:
        with transaction.atomic():
            deployment = Deployment.objects.create(project=project, unit=unit, service=service, go_live_on=go_live_on,
                                                   notes=clean(notes or ""), recorded_by=actor)
            record(actor, "deployment_recorded", project, unit=unit.name, go_live_on=go_live_on.isoformat())
    except IntegrityError:
        raise InvalidInput(_("Đơn vị này đã được ghi nhận áp dụng dịch vụ này."), field="unit") from None
    return deployment
