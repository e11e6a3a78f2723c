from collections import Counter
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sangtao.challenges.access import get_challenge_for
from sangtao.core import workflow
from sangtao.core.confirm import ask_first
from sangtao.core.errors import InvalidInput, ServiceError
from sangtao.core.feedback import form_refused, run_service, section_or_top
from sangtao.core.forms import chosen
from sangtao.core.text import clean, sort_key
from sangtao.core.uploads import ALLOWED_KINDS
from sangtao.projects import services
from sangtao.projects.acceptance import acceptance_result
from sangtao.projects.access import get_project_for, visible_projects
from sangtao.projects.forms import (
    GRADE_CHOICES,
    HEALTH_LABELS,
    CancelForm,
    DeploymentForm,
    DisbursementForm,
    MilestoneDoneForm,
    MilestoneFormSet,
    PartnerFormSet,
    PortfolioFilter,
    ProjectForm,
    RatingForm,
    ReportForm,
    ReviewForm,
    SelfAssessmentForm,
    TaskCommentForm,
    TaskForm,
    current_units,
)
from sangtao.projects.minutes import acceptance_minutes_pdf
from sangtao.projects.models import Milestone, ProgressReport, ProjectDocument, ProjectStatus, Task
from sangtao.projects.timeline import timeline_svg
from sangtao.projects.workflow import GRADED, PROJECT
from sangtao.review.access import visible_experts
from sangtao.review.models import Decision, Expert


@login_required
def portfolio(request):
    projects = list(visible_projects(request.user).prefetch_related("milestones", "tasks", "reports"))
    if not projects and not request.user.has_perm("projects.view_portfolio"):
        raise Http404
    today = timezone.localdate()
    for project in projects:
        project.health, project.reasons = services.health(project, today)
    filters = PortfolioFilter(request.GET)
    wanted = filters.cleaned_data["health"] if filters.is_valid() else ""  # a stale ?health= shows them all
    by_health = Counter(p.health for p in projects)
    by_field = Counter((str(p.challenge.field), p.health) for p in projects)
    by_unit = Counter((p.challenge.owner_unit.name, p.health) for p in projects)
    shown = [p for p in projects if not wanted or p.health == wanted]
    page = Paginator(shown, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/portfolio.html", {
        "page": page, "querystring": urlencode({"health": wanted}) if wanted else "",
        "wanted": wanted, "labels": HEALTH_LABELS,
        "by_health": [(key, label, by_health.get(key, 0)) for key, label in HEALTH_LABELS.items()],
        "by_field": _matrix(by_field), "by_unit": _matrix(by_unit),
    })


def _matrix(counter: Counter) -> list[tuple[str, list[int]]]:
    names = sorted({name for name, _health in counter}, key=sort_key)
    return [(name, [counter.get((name, key), 0) for key in HEALTH_LABELS]) for name in names]


@login_required
def create(request, challenge_pk):
    challenge = get_challenge_for(request.user, challenge_pk)
    if not request.user.has_perm("projects.create", challenge):
        raise Http404
    decision = get_object_or_404(Decision, challenge=challenge)
    if hasattr(challenge, "project"):
        return redirect(challenge.project)
    data = request.POST if request.method == "POST" else None
    form = ProjectForm(data)
    partners, milestones = PartnerFormSet(data, prefix="partner"), MilestoneFormSet(data, prefix="ms")
    valid = [f.is_valid() for f in (form, partners, milestones)]
    if request.method == "POST" and all(valid):
        payload = dict(form.cleaned_data)
        payload["partners"] = [(f.cleaned_data["unit"], f.cleaned_data["responsibilities"]) for f in partners
                               if f.cleaned_data.get("unit")]
        payload["milestones"] = [f.cleaned_data for f in milestones if f.cleaned_data.get("title")]
        try:
            project = services.create_project(decision, request.user, payload)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã lập dự án."))
            return redirect(project)
    return render(request, "projects/create.html", {"challenge": challenge, "decision": decision, "form": form,
                                                    "partners": partners, "milestones": milestones})


@login_required
def detail(request, pk):
    project = get_project_for(request.user, pk)
    today = timezone.localdate()
    state, reasons = services.health(project, today)
    user = request.user
    member = project.acceptance_members.filter(expert__user=user).exists()
    ratings = {r.milestone_id: r for r in project.acceptance_ratings.filter(member=user)} if member else {}
    milestones = list(project.milestones.all())
    for milestone in milestones:
        milestone.my_rating = ratings.get(milestone.pk)
    # A project that has ended reports no more.
    next_report = services.next_report_due(project) if project.status == ProjectStatus.ACTIVE else None
    return render(request, "projects/detail.html", {
        "project": project, "health": state, "health_label": HEALTH_LABELS[state], "reasons": reasons,
        "timeline": timeline_svg(project, today), "milestones": milestones, "today": today,
        "partners": project.partners.select_related("unit"),
        "tasks": project.tasks.select_related("unit").prefetch_related("comments__author", "documents"),
        "reports": project.reports.select_related("submitted_by").prefetch_related("documents"), "next_report": next_report,
        "escalations": [(e, services.describe_subject(e.subject, milestones, project.tasks.all()))
                        for e in project.escalations.all()], "deployments": project.deployments.select_related("unit"),
        "can_manage": user.has_perm("projects.manage", project), "can_work": user.has_perm("projects.work", project),
        "can_report": user.has_perm("projects.report", project),
        "is_dost": user.has_perm("projects.accept"), "is_member": member,
        "can_cancel": PROJECT.moves["cancel"] in workflow.available_moves(user, project), "report_rating": ratings.get(None),
        "grades": GRADE_CHOICES, "result": acceptance_result(project),
        "conclude_unmet": [(g.text(project), g.fix_url(project)) for g in (GRADED,) if not g.met(project)],
        "members": project.acceptance_members.select_related("expert__user"),
        "experts": Expert.objects.filter(active=True).select_related("user"),
        "task_form": TaskForm(), "deployment_form": DeploymentForm(), "units": current_units(),
    })


def _posted(request, form_class):
    """The action's fields as form_class cleans them; its first error refuses the action (act says it)."""
    form = form_class(request.POST)
    if not form.is_valid():
        raise InvalidInput(next(iter(form.errors.values()))[0])
    return form


def _task(request, project):
    return chosen(Task.objects.filter(project=project), request.POST.get("task"))


def _milestone(request, project):
    return chosen(Milestone.objects.filter(project=project), request.POST.get("milestone"))


def _add_task(request, project):
    form = TaskForm(request.POST)
    if form_refused(request, form):  # a date or a title refused is said as such, not "choose a unit"
        return
    run_service(request, services.add_task, project, request.user, form.cleaned_data["unit"],
                form.cleaned_data["title"], form.cleaned_data["due_on"], success=_("Đã giao nhiệm vụ."))


def _report(request, project):
    form = ReportForm(request.POST, milestones=project.milestones.all())
    if form_refused(request, form):
        return
    data = form.cleaned_data
    report = run_service(request, services.submit_report, project, request.user,
                         data["period_end"] or timezone.localdate(), data["narrative"], form.progress(),
                         data["issues"], success=_("Đã gửi báo cáo tiến độ."))
    if report is not None:
        for upload in request.FILES.getlist("evidence"):
            run_service(request, services.add_document, project, request.user, upload, report=report)


def _document(request, project):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Chọn một tệp để tải lên."))
        return
    task = _task(request, project) if request.POST.get("task") else None
    run_service(request, services.add_document, project, request.user, upload, task=task,
                success=_("Đã tải tài liệu lên."))


def _review(request, project):
    report = chosen(ProgressReport.objects.filter(project=project), request.POST.get("report"))
    form = ReviewForm(request.POST)
    if not form_refused(request, form):
        run_service(request, services.review_report, report, request.user, request.POST.get("decision") == "accept",
                    form.cleaned_data["note"], success=_("Đã xem xét báo cáo."))


def _deploy(request, project):
    form = DeploymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chọn đơn vị, dịch vụ và ngày đưa vào sử dụng."))
        return
    data = form.cleaned_data
    run_service(request, services.record_deployment, project, request.user, data["unit"], data["service"],
                data["go_live_on"], data["notes"], success=_("Đã ghi nhận nơi áp dụng."))


def _rate(request, project):
    form = RatingForm(request.POST, milestones=project.milestones.all())
    if form_refused(request, form):
        return
    for milestone, quality, quantity in form.grades():
        if run_service(request, services.rate, project, request.user, milestone, quality, quantity) is None:
            return
    messages.success(request, _("Đã lưu đánh giá nghiệm thu."))


def _disburse(request, project):
    form = _posted(request, DisbursementForm)
    run_service(request, services.record_disbursement, _milestone(request, project), request.user,
                form.cleaned_data["amount"], form.day(), success=_("Đã ghi nhận giải ngân."))


def _add_member(request, project):
    expert = chosen(visible_experts(request.user), request.POST.get("expert"))
    run_service(request, services.add_acceptance_member, project, request.user, expert,
                success=_("Đã thêm thành viên hội đồng nghiệm thu."))


ACTIONS = {
    "cancel": lambda r, p: run_service(r, services.cancel_project, p, r.user, _posted(r, CancelForm).cleaned_data["reason"],
                                       success=_("Đã hủy dự án.")),
    "task": _add_task,
    "task_done": lambda r, p: run_service(r, services.complete_task, _task(r, p), r.user,
                                          success=_("Đã ghi hoàn thành nhiệm vụ.")),
    "task_comment": lambda r, p: run_service(r, services.comment_task, _task(r, p), r.user,
                                             _posted(r, TaskCommentForm).cleaned_data["body"],
                                             success=_("Đã gửi trao đổi.")),
    "milestone_done": lambda r, p: run_service(r, services.complete_milestone, _milestone(r, p), r.user,
                                               _posted(r, MilestoneDoneForm).day(), success=_("Đã ghi hoàn thành mốc.")),
    "disburse": _disburse,
    "report": _report,
    "review": _review,
    "self_assess": lambda r, p: run_service(r, services.self_assess, p, r.user,
                                            _posted(r, SelfAssessmentForm).cleaned_data["summary"],
                                            success=_("Đã gửi tự đánh giá.")),
    "member": _add_member,
    "rate": _rate,
    "conclude": lambda r, p: run_service(r, services.conclude_acceptance, p, r.user,
                                         success=_("Đã kết luận nghiệm thu.")),
    "deploy": _deploy,
    "document": _document,
}


def _ask_before_cancelling(request, project):
    """The page that asks before a project is cancelled, for a post that would cancel it (a reason given,
    the move open to this user); any other post goes on to the service, whose refusal says why at once."""
    form = CancelForm(request.POST)
    if not (form.is_valid() and clean(form.cleaned_data["reason"])
            and PROJECT.moves["cancel"] in workflow.available_moves(request.user, project)):
        return None
    return ask_first(request, heading=_("Hủy dự án «%(title)s»?") % {"title": project},
                     consequence=_("Dự án chuyển sang «Đã hủy» và dừng mọi việc còn lại; đơn vị chủ trì và đơn vị "
                                   "đặt hàng nhận thông báo kèm lý do. Việc này không hoàn tác được."),
                     button=_("Hủy dự án"), back=project.get_absolute_url() + "#cancel")


@login_required
@require_POST
def act(request, pk, action):
    project = get_project_for(request.user, pk)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    if action == "cancel" and (asking := _ask_before_cancelling(request, project)) is not None:
        return asking
    try:
        handler(request, project)
    except InvalidInput as refused:  # a field its form refused, before the service was called
        messages.error(request, str(refused.message))
    return redirect(section_or_top(request, project.get_absolute_url(), action))


@login_required
def document(request, pk, document_id):
    project = get_project_for(request.user, pk)
    found = get_object_or_404(ProjectDocument, project=project, pk=document_id)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.original_name,
                        content_type=ALLOWED_KINDS[found.kind])


@login_required
def minutes(request, pk):
    project = get_project_for(request.user, pk)
    response = HttpResponse(acceptance_minutes_pdf(project), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-ban-nghiem-thu-{project.pk}.pdf"'
    return response


