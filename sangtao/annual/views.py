"""Pages of annual plans: the list and search, a plan with its tasks, results and reports, the
moves, the version history, reports with evidence, and DoST's roll-up, import and city report."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sangtao.annual import evidence as register
from sangtao.annual import rollup as rollups
from sangtao.annual import services
from sangtao.annual.access import (
    get_plan_for,
    get_report_for,
    get_session_for,
    plannable_units,
    unit_for,
    visible_evidence,
    visible_plans,
    visible_reports,
    visible_sessions,
)
from sangtao.annual.forms import (
    AdviceFilterForm,
    AdviceRequestForm,
    EvidenceFilterForm,
    EvidenceForm,
    FilterForm,
    GroupMemberFormSet,
    ImportForm,
    KpiFormSet,
    MeasurementForm,
    MilestoneFormSet,
    PlanForm,
    ProgressForm,
    ReasonForm,
    RecordForm,
    ReportForm,
    ScheduleForm,
    TaskForm,
    WorkingGroupForm,
    YearForm,
)
from sangtao.annual.models import (
    AnnualTask,
    CityReport,
    EvidenceFile,
    ExternalIndicator,
    PlanReport,
    PlanStatus,
    ReportPeriod,
    SessionStatus,
    TaskKpi,
    WorkingGroup,
)
from sangtao.annual.results import task_results
from sangtao.annual.workflow import PLAN, REPORT, SESSION
from sangtao.challenges.access import visible_challenges
from sangtao.core import formats, workflow
from sangtao.core.confirm import ask_first
from sangtao.core.csv import streamed_csv_response
from sangtao.core.errors import ServiceError
from sangtao.core.feedback import form_refused, run_service
from sangtao.core.forms import chosen
from sangtao.core.progress import progress_of
from sangtao.core.uploads import ALLOWED_KINDS
from sangtao.initiatives.access import register_initiatives
from sangtao.knowledge.access import visible_cases
from sangtao.knowledge.models import PUBLISHED_STATES
from sangtao.orgs.models import OrgUnit


@login_required
def plan_list(request):
    form = FilterForm(request.GET or None)
    plans = visible_plans(request.user)
    if form.is_valid():
        data = form.cleaned_data
        plans = services.search_plans(plans, data["q"])
        if data["year"]:
            plans = plans.filter(year=data["year"])
        if data["status"]:
            plans = plans.filter(status=data["status"])
    if not request.user.has_perm("annual.create_plan") and not request.user.has_perm("annual.view_rollup"):
        raise Http404
    page = Paginator(plans.order_by("-year", "unit__sort_name", "id"), settings.PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "annual/list.html", {"form": form, "page": page, "querystring": query.urlencode(),
                                                "can_create": request.user.has_perm("annual.create_plan"),
                                                "is_dost": request.user.has_perm("annual.view_rollup")})


@login_required
def plan_create(request):
    if not request.user.has_perm("annual.create_plan"):
        raise Http404
    units = plannable_units(request.user)
    form = PlanForm(request.POST or None, units=units,
                    initial={"year": timezone.localdate().year, "unit": units.first()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.create_plan(request.user, data["unit"], data["year"], data["title"], data["summary"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã tạo kế hoạch; thêm các nhiệm vụ."))
            return redirect(plan)
    return render(request, "annual/plan_form.html", {"form": form})


@login_required
def plan_detail(request, pk):
    plan = get_plan_for(request.user, pk)
    tasks = list(plan.tasks.select_related("field", "challenge", "initiative", "case", "survey", "plan").prefetch_related("milestones"))
    results = task_results(tasks)
    reports = {r.period_id: r for r in visible_reports(request.user, plan)}
    calendar = [(period, due, reports.get(period.pk)) for period, due in services.report_calendar(plan.year)]
    can_report = request.user.has_perm("annual.report", plan)
    return render(request, "annual/detail.html", {
        "plan": plan, "tasks": [(t, results[t.pk]) for t in tasks], "moves": workflow.move_choices(request.user, plan),
        "calendar": calendar, "can_edit": plan.is_editable and request.user.has_perm("annual.edit_plan", plan),
        "can_report": can_report, "today": timezone.localdate(),
        "transitions": plan.transitions.select_related("actor"),
        "group": WorkingGroup.objects.filter(unit_id=plan.unit_id).annotate(member_count=Count("members")).first(),
        "sessions": visible_sessions(request.user).filter(task__plan=plan).order_by("-created_at"),
        "can_ask_advice": request.user.has_perm("annual.request_advice", plan.unit),
    })


def _task_form(request, plan, task=None):
    challenges = visible_challenges(request.user).filter(owner_unit=plan.unit)
    initiatives = register_initiatives(request.user).filter(unit=plan.unit)
    cases = visible_cases(request.user).filter(Q(status__in=PUBLISHED_STATES) | Q(unit=plan.unit))
    if task is None:
        initial, kpis, milestones = {}, [], []
    else:
        initial = {name: getattr(task, name) for name in TaskForm.base_fields if name not in {"field", "challenge",
                                                                                                "initiative", "case",
                                                                                                "survey"}}
        initial.update(field=task.field_id, challenge=task.challenge_id, initiative=task.initiative_id,
                       case=task.case_id, survey=task.survey_id)
        kpis = [{"name": k.name, "unit_of_measure": k.unit_of_measure, "baseline_value": k.baseline_value,
                 "target_value": k.target_value, "target_date": k.target_date, "data_source": k.data_source}
                for k in task.kpis.all()]
        milestones = [{"title": m.title, "due_on": m.due_on} for m in task.milestones.all()]
    data = request.POST if request.method == "POST" else None
    return (TaskForm(data, initial=initial, challenges=challenges, initiatives=initiatives, cases=cases),
            KpiFormSet(data, initial=kpis, prefix="kpi"), MilestoneFormSet(data, initial=milestones, prefix="ms"))


@login_required
def task_edit(request, pk, task_pk=None):
    plan = get_plan_for(request.user, pk)
    if not request.user.has_perm("annual.edit_plan", plan) or not plan.is_editable:
        raise Http404
    task = chosen(plan.tasks.all(), task_pk) if task_pk else None
    form, kpis, milestones = _task_form(request, plan, task)
    if request.method == "POST" and all([form.is_valid(), kpis.is_valid(), milestones.is_valid()]):
        payload = dict(form.cleaned_data)
        payload["kpis"] = [f.cleaned_data for f in kpis if f.cleaned_data.get("name")]
        payload["milestones"] = [f.cleaned_data for f in milestones if f.cleaned_data.get("title")]
        try:
            services.save_task(plan, request.user, payload, task)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã lưu nhiệm vụ."))
            return redirect(plan.get_absolute_url() + "#tasks")
    return render(request, "annual/task_form.html", {"plan": plan, "task": task, "form": form, "kpis": kpis,
                                                     "milestones": milestones})


@login_required
@require_POST
def task_delete(request, pk, task_pk):
    plan = get_plan_for(request.user, pk)
    task = chosen(AnnualTask.objects.filter(plan=plan), task_pk)
    # Asked only where the page offers the button: a refusal is said at once, not after a confirmation.
    if plan.is_editable and request.user.has_perm("annual.edit_plan", plan):
        asking = ask_first(request, heading=_("Xóa nhiệm vụ «%(title)s»?") % {"title": task.title},
                           consequence=_("Nhiệm vụ cùng các chỉ số và mốc của nó bị xóa khỏi kế hoạch. Việc này không "
                                         "hoàn tác được."),
                           button=_("Xóa nhiệm vụ"), back=plan.get_absolute_url() + "#tasks")
        if asking is not None:
            return asking
    run_service(request, services.delete_task, task, request.user, success=_("Đã xóa nhiệm vụ."))
    return redirect(plan.get_absolute_url() + "#tasks")


def _move_page(request, obj, flow, move, back, act, template_context):
    if move not in flow.moves or flow.moves[move].service_only:
        raise Http404
    spec = flow.moves[move]
    form = ReasonForm(request.POST or None, reason_required=spec.reason_required)
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_error("reason" if error.field == "reason" else None, str(error.message))
        else:
            messages.success(request, _("Đã thực hiện: %(move)s.") % {"move": spec.label})
            return redirect(back)
    elif spec not in workflow.available_moves(request.user, obj) and request.method != "POST":
        messages.error(request, _("Thao tác này không áp dụng ở trạng thái hiện tại."))
        return redirect(back)
    return render(request, "annual/move_confirm.html", {"object": obj, "move": spec, "form": form, "back": back,
                                                       "choice": workflow.choice_of(request.user, obj, spec),
                                                       **template_context})


@login_required
def plan_move(request, pk, move):
    plan = get_plan_for(request.user, pk)
    return _move_page(request, plan, PLAN, move, plan.get_absolute_url(),
                      lambda reason: services.move_plan(plan, request.user, move, reason), {"plan": plan})


@login_required
def plan_history(request, pk):
    plan = get_plan_for(request.user, pk)
    return render(request, "annual/history.html", {"plan": plan, "versions": services.history(plan)})


@login_required
@require_POST
def report_start(request, pk, period_pk):
    plan = get_plan_for(request.user, pk)
    period = chosen(ReportPeriod.objects.filter(active=True), period_pk)
    report = run_service(request, services.start_report, plan, request.user, period)
    return redirect(report.get_absolute_url() if report else plan.get_absolute_url() + "#reports")


def _report_forms(request, report, tasks, kpis):
    data = request.POST if request.method == "POST" else None
    progress = {p.task_id: p for p in report.progress.all()}
    form = ReportForm(data, initial={"narrative": report.narrative, "difficulties": report.difficulties})
    progress_forms = [(t, ProgressForm(data, prefix=f"task{t.pk}", initial={
        "percent": progress[t.pk].percent if t.pk in progress else None,
        "note": progress[t.pk].note if t.pk in progress else ""})) for t in tasks]
    measurement_forms = [(k, MeasurementForm(data, prefix=f"kpi{k.pk}", initial={
        "measured_on": min(report.period.due_on(report.plan.year), timezone.localdate())})) for k in kpis]
    return form, progress_forms, measurement_forms


@login_required
def report_detail(request, pk, report_pk):
    report = get_report_for(request.user, pk, report_pk)
    plan = report.plan
    tasks = list(plan.tasks.select_related("plan", "survey"))
    kpis = list(TaskKpi.objects.filter(task__plan=plan).select_related("task"))
    editable = report.status == "draft" and request.user.has_perm("annual.report", report)
    form, progress_forms, measurement_forms = _report_forms(request, report, tasks, kpis)
    if request.method == "POST" and editable:
        forms_ok = [form.is_valid()] + [f.is_valid() for _t, f in progress_forms] + [
            f.is_valid() for _k, f in measurement_forms]
        if all(forms_ok):
            progress = {t.pk: (f.cleaned_data["percent"] or 0, f.cleaned_data["note"]) for t, f in progress_forms}
            measurements = [(k.pk, f.cleaned_data["value"], f.cleaned_data["measured_on"], f.cleaned_data["source"])
                            for k, f in measurement_forms if f.cleaned_data.get("value") is not None]
            if run_service(request, services.save_report, report, request.user, form.cleaned_data["narrative"],
                           form.cleaned_data["difficulties"], progress, measurements,
                           success=_("Đã lưu báo cáo.")):
                return redirect(report.get_absolute_url())
        else:
            messages.error(request, _("Kiểm tra lại các ô được đánh dấu."))
    results = task_results(tasks)
    return render(request, "annual/report.html", {
        "report": report, "plan": plan, "form": form, "progress_forms": progress_forms,
        "measurement_forms": measurement_forms, "editable": editable,
        "moves": workflow.move_choices(request.user, report), "results": [results[t.pk] for t in tasks],
        "progress": report.progress.select_related("task"), "evidence": report.evidence.prefetch_related("indicators"),
        # Evidence is added while the report is drafted: once sent, what DoST received stays as it was.
        "evidence_form": EvidenceForm() if editable else None,
        "kept": plan.unit.annual_evidence.exclude(reports=report)[:50] if editable else [],
        "transitions": report.transitions.select_related("actor"),
    })


@login_required
def report_move(request, pk, report_pk, move):
    report = get_report_for(request.user, pk, report_pk)
    return _move_page(request, report, REPORT, move, report.get_absolute_url(),
                      lambda reason: services.move_report(report, request.user, move, reason),
                      {"plan": report.plan, "report": report})


@login_required
@require_POST
def evidence_add(request, pk, report_pk):
    report = get_report_for(request.user, pk, report_pk)
    if request.POST.get("evidence"):
        kept = chosen(EvidenceFile.objects.filter(unit=report.plan.unit), request.POST.get("evidence"))
        run_service(request, services.cite_evidence, kept, request.user, report, success=_("Đã dẫn minh chứng."))
        return redirect(report.get_absolute_url() + "#evidence")
    form = EvidenceForm(request.POST, request.FILES)
    if not form_refused(request, form):  # no file chosen, or an empty one: said as such
        run_service(request, services.add_evidence, report.plan.unit, request.user, form.cleaned_data["file"],
                    form.cleaned_data["title"], list(form.cleaned_data["indicators"]), [report],
                    success=_("Đã tải minh chứng lên."))
    return redirect(report.get_absolute_url() + "#evidence")


@login_required
def evidence_file(request, pk, evidence_pk):
    plan = get_plan_for(request.user, pk)
    if request.user.has_perm("annual.report", plan):
        files = EvidenceFile.objects.filter(unit=plan.unit)
    else:  # DoST: the files cited in reports it may see
        files = EvidenceFile.objects.filter(reports__in=visible_reports(request.user, plan)).distinct()
    found = chosen(files, evidence_pk)
    content_type = ALLOWED_KINDS[found.kind]  # before the file is opened: nothing left open if it failed
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.original_name,
                        content_type=content_type)


# --- the unit's working group ---------------------------------------------------------------------------

@login_required
def working_group(request, unit_pk):
    unit = unit_for(request.user, unit_pk, "annual.view_working_group")
    group = WorkingGroup.objects.filter(unit=unit).select_related("updated_by").first()
    return render(request, "annual/working_group.html", {
        "unit": unit, "group": group, "members": group.members.all() if group else [],
        "can_edit": request.user.has_perm("annual.edit_working_group", unit)})


@login_required
def working_group_edit(request, unit_pk):
    unit = unit_for(request.user, unit_pk, "annual.edit_working_group")
    group = WorkingGroup.objects.filter(unit=unit).first()
    data = request.POST if request.method == "POST" else None
    form = WorkingGroupForm(data, initial={"decision_number": group.decision_number, "decided_on": group.decided_on,
                                           "tasks": group.tasks} if group else None)
    members = GroupMemberFormSet(data, prefix="member", initial=[
        {"full_name": m.full_name, "job_title": m.job_title, "role": m.role} for m in group.members.all()] if group else
        [{"role": "lead"}])
    if data is not None and form.is_valid() and members.is_valid():
        try:
            services.save_working_group(unit, request.user, form.cleaned_data["decision_number"],
                                        form.cleaned_data["decided_on"], form.cleaned_data["tasks"],
                                        [f.cleaned_data for f in members if f.cleaned_data])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã lưu tổ công tác đổi mới sáng tạo."))
            return redirect("annual:working_group", unit.pk)
    return render(request, "annual/working_group_form.html", {"unit": unit, "form": form, "members": members})


# --- expert advice sessions (Inno-Coffee) ---------------------------------------------------------------

@login_required
def advice_list(request):
    units = plannable_units(request.user)
    if not request.user.has_perm("annual.view_rollup") and not units.exists():
        raise Http404
    form = AdviceFilterForm(request.GET or None)
    sessions = visible_sessions(request.user).order_by("-created_at", "-id")
    if form.is_valid() and form.cleaned_data["status"]:
        sessions = sessions.filter(status=form.cleaned_data["status"])
    page = Paginator(sessions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "annual/advice_list.html", {"page": page, "form": form, "can_request": units.exists()})


@login_required
def advice_new(request):
    units = plannable_units(request.user)
    if not units.exists():
        raise Http404
    form = AdviceRequestForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.request_advice(request.user, data["unit"], data["topic"], data["question"], data["task"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã gửi đề nghị tư vấn; Sở KH&CN sẽ xếp lịch và báo lại."))
            return redirect(session)
    return render(request, "annual/advice_form.html", {"form": form})


@login_required
def advice_detail(request, pk):
    session = get_session_for(request.user, pk)
    return render(request, "annual/advice_detail.html", {
        "session": session, "moves": workflow.move_choices(request.user, session),
        "transitions": session.transitions.select_related("actor"),
        # The task's plan is linked only for whom it is visible (DoST does not see a unit's draft).
        "task_plan_visible": session.task is not None and visible_plans(request.user).filter(
            pk=session.task.plan_id).exists(),
        "can_ask_again": session.status in (SessionStatus.DECLINED, SessionStatus.CANCELLED)
        and request.user.has_perm("annual.request_advice", session.unit)})


def _advice_step(request, session, move, form_class, act, initial=None):
    """A move that takes more than a reason (the time and place, the advice given) on a page of its own."""
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã thực hiện: %(move)s.") % {"move": move.label})
            return redirect(session)
    return render(request, "annual/advice_step.html", {"session": session, "form": form, "move": move})


# The moves that take more than a reason, each on a page of its own: its form, the service it calls with
# what the form gives, and what the form starts with.
ADVICE_STEPS = {
    "schedule": (ScheduleForm, lambda session, user, data: services.schedule_session(
        session, user, data["scheduled_for"], data["place"], data["advisers"]),
        lambda session: {"scheduled_for": session.scheduled_for, "place": session.place, "advisers": session.advisers}),
    "record": (RecordForm, lambda session, user, data: services.record_session(session, user, data["advice"]),
               lambda session: {}),
}
ADVICE_MOVES = {"decline": services.decline_session, "cancel": services.cancel_session,
                "call_off": services.call_off_session}


@login_required
def advice_move(request, pk, move):
    session = get_session_for(request.user, pk)
    if move in ADVICE_STEPS:
        spec = SESSION.moves[move]
        if spec not in workflow.available_moves(request.user, session):
            raise Http404
        form_class, act, initial = ADVICE_STEPS[move]
        return _advice_step(request, session, spec, form_class, lambda data: act(session, request.user, data),
                            initial(session))
    return _move_page(request, session, SESSION, move, session.get_absolute_url(),
                      lambda reason: ADVICE_MOVES[move](session, request.user, reason), {"session": session})


# --- the evidence register by external indicator ---------------------------------------------------

def _register_filters(request, given=None) -> tuple[EvidenceFilterForm, int, str, bool]:
    """The register's filters as given (a refused one is flagged on its box and left out): the year,
    this year by default, the index, and whether only indicators without evidence are listed. Who may
    not read the register gets a 404 here, before any filter is read."""
    if not request.user.has_perm("annual.view_evidence"):
        raise Http404
    form = EvidenceFilterForm((request.GET if given is None else given) or None)
    form.is_valid()  # a refused filter is flagged on its box; the others apply
    data = getattr(form, "cleaned_data", {})
    return form, data.get("year") or timezone.localdate().year, data.get("index") or "", bool(data.get("missing"))


@login_required
def evidence_register(request):
    form, year, index, missing = _register_filters(request)
    files = visible_evidence(request.user, year)
    lines = register.indicator_lines(files, index)
    shown = lines.filter(file_count=0) if missing else lines
    page = Paginator(shown, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "annual/evidence_register.html", {
        "form": form, "year": year, "page": page, "lines": register.with_latest(page.object_list, files), "missing": missing, "indicators": lines.count(),
        "with_evidence": lines.filter(file_count__gt=0).count(), "latest_shown": register.LATEST_SHOWN,
        "is_dost": request.user.has_perm("annual.view_rollup"), "index": index})


@login_required
def evidence_indicator(request, indicator_pk):
    _form, year, _index, _missing = _register_filters(request)
    indicator = chosen(ExternalIndicator.objects.all(), indicator_pk)
    files = register.files_for(visible_evidence(request.user, year), indicator)
    page = Paginator(files, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "annual/evidence_indicator.html", {
        "indicator": indicator, "year": year, "page": page,
        "is_dost": request.user.has_perm("annual.view_rollup")})


@login_required
def evidence_register_csv(request):
    # Every file of the year and index: the indicators without evidence have no file to list.
    _form, year, index, _missing = _register_filters(request)
    files = visible_evidence(request.user, year)
    lines = register.indicator_lines(files, index)

    def link(plan_pk, file_pk):
        return request.build_absolute_uri(reverse("annual:evidence_file", args=[plan_pk, file_pk]))

    suffix = f"-{index}" if index else ""
    return streamed_csv_response(register.rows(files, lines, link), f"minh-chung-{year}{suffix}.csv")


@login_required
@require_POST
def evidence_register_zip(request):
    """Every file of the year and index in one archive, built in the background (its page follows it)."""
    form, year, index, _missing = _register_filters(request, request.POST)
    run = None if form_refused(request, form) else run_service(request, register.export_zip, request.user, year, index)
    return redirect(run.get_absolute_url()) if run else redirect(reverse("annual:evidence_register") + f"?year={year}")


# --- DoST ---------------------------------------------------------------------------------------

def _dost(request) -> None:
    if not request.user.has_perm("annual.view_rollup"):
        raise Http404


def _year(request) -> int:
    form = YearForm(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


@login_required
def rollup(request):
    _dost(request)
    year = _year(request)
    today = timezone.localdate()
    late_count, late = services.late_reports(year, today)
    with_group, asked_group = rollups.working_groups(OrgUnit.objects.current())
    # Last year's annual report falls due in this one: still owed, it is shown on this year's page too.
    earlier_late = services.late_reports(year - 1, today, limit=0)[0] if year == today.year else 0
    without, nogroup = request.GET.get("without") == "1", request.GET.get("nogroup") == "1"
    units = rollups.units_page(year, OrgUnit.objects.current().order_by("sort_name"), without_plan=without,
                               without_group=nogroup)
    page = Paginator(units, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(PlanStatus.choices)
    for unit in page.object_list:
        unit.plan_label = labels.get(unit.plan_status, "")
    return render(request, "annual/rollup.html", {
        "year": year, "years": range(today.year + 1, today.year - 5, -1), "summary": rollups.rollup(year),
        "late": late, "late_count": late_count, "earlier_late": earlier_late, "page": page,
        "with_group": with_group, "asked_group": asked_group, "without": without, "nogroup": nogroup,
        "querystring": f"year={year}" + ("&without=1" if without else "") + ("&nogroup=1" if nogroup else ""),
        "pending_reports": PlanReport.objects.filter(plan__year=year, status="approved").select_related(
            "plan__unit", "period"),
        "city_reports": CityReport.objects.filter(year=year).select_related("job")[:5], "import_form": ImportForm(),
    })


@login_required
@require_POST
def city_report_request(request):
    _dost(request)
    form = YearForm(request.POST)
    if form_refused(request, form):
        return redirect("annual:rollup")
    year = form.cleaned_data["year"]
    earlier = CityReport.objects.filter(year=year).order_by("requested_at").last()
    if earlier is not None:  # each report takes the next official number: a second one only on purpose
        asking = ask_first(request, heading=_("Lập lại báo cáo năm %(year)s?") % {"year": year},
                           consequence=_("Báo cáo năm %(year)s đã được lập (số %(number)s, lúc %(at)s). Lập lại sẽ "
                                         "tạo một báo cáo mới với số văn bản mới; báo cáo đã lập vẫn giữ nguyên.") % {
                               "year": year, "number": earlier.number, "at": formats.short_datetime(earlier.requested_at)},
                           button=_("Lập báo cáo mới"), back=reverse("annual:rollup") + f"?year={year}")
        if asking is not None:
            return asking
    report = run_service(request, services.request_city_report, request.user, form.cleaned_data["year"],
                         success=_("Đang lập báo cáo tổng hợp; trang này cho biết tiến độ."))
    return redirect("annual:city_report", report.pk) if report else redirect("annual:rollup")


@login_required
def city_report(request, report_pk):
    _dost(request)
    report = chosen(CityReport.objects.select_related("job"), report_pk)
    # How far the build is and the retry of a failed one, told the one way (core.progress).
    return render(request, "annual/city_report.html", {
        "report": report, "progress": progress_of(report.job) if report.job and not report.ready else None})


@login_required
def city_report_file(request, report_pk, kind):
    _dost(request)
    report = chosen(CityReport.objects.all(), report_pk)
    stored = {"pdf": report.pdf, "xlsx": report.workbook}.get(kind)
    if not stored:
        raise Http404
    content_type = "application/pdf" if kind == "pdf" else ALLOWED_KINDS["xlsx"]
    return FileResponse(stored.open("rb"), as_attachment=kind != "pdf", filename=f"{report.number.replace('/', '-')}.{kind}",
                        content_type=content_type)


@login_required
def import_template(request):
    _dost(request)
    from sangtao.annual.importer import template_workbook

    response = HttpResponse(template_workbook(), content_type=ALLOWED_KINDS["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="mau-ke-hoach-dmst.xlsx"'
    return response


@login_required
def import_plans(request):
    """The upload form; the import itself runs in the background, followed on its job page."""
    _dost(request)
    from sangtao.annual.importer import import_file, start_import
    from sangtao.core.models import JobRun

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = start_import(request.user, form.cleaned_data["file"])
        except ServiceError as error:
            form.add_error("file", str(error.message))
        else:
            return redirect(run)
    runs = JobRun.objects.filter(kind=import_file.module_path, created_by=request.user).only(
        "pk", "title", "title_args", "state", "created_at")[:5]
    return render(request, "annual/import.html", {"form": form, "runs": runs})

