"""The knowledge pages: cases (list, page, editing, moves, adoption), lessons (after-action reviews,
the searchable list), adoptions and the library of tools and templates."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sangtao.core import workflow
from sangtao.core.confirm import ask_first
from sangtao.core.errors import ServiceError
from sangtao.core.feedback import form_refused, run_service
from sangtao.core.forms import chosen
from sangtao.core.uploads import ALLOWED_KINDS
from sangtao.knowledge import completeness, services
from sangtao.knowledge.access import (
    cases_in_writing,
    get_adoption_for,
    get_case_for,
    get_lesson_for,
    get_resource_for,
    my_units,
    visible_adoptions,
    visible_cases,
    visible_lessons,
    visible_resources,
)
from sangtao.knowledge.export import oecd_document, oecd_submission, to_translate
from sangtao.knowledge.forms import (
    AdoptForm,
    AnswerForm,
    CaseForm,
    CaseSearchForm,
    DraftFromForm,
    LessonSearchForm,
    NewCaseForm,
    NoteForm,
    PlanForm,
    ResourceForm,
    ReviewForm,
    VersionForm,
)
from sangtao.knowledge.models import (
    PUBLISHED_STATES,
    SECTIONS,
    AdoptionStatus,
    CaseStatus,
    SubjectKind,
)

CASE_MOVES = ("request_changes", "publish_internal", "publish_public", "open_to_public", "make_internal")


def _my_units(user):
    return my_units(user)


# --- cases -----------------------------------------------------------------------------------------

def case_list(request):
    return _case_list_page(request)


def _case_list_page(request, new_form=None):
    """Published cases (public for everyone, internal ones for staff), with the unit's own in writing;
    `new_form` is a refused new case, shown again open with its errors and what was typed."""
    form = CaseSearchForm(request.GET)
    params = form.cleaned_data if form.is_valid() else {}
    user = request.user
    shown = visible_cases(user).filter(status__in=PUBLISHED_STATES)
    shown = services.search(shown, params.get("q", ""))
    for name in ("field", "facet", "stage"):
        if params.get(name):
            shown = shown.filter(**{name: params[name]})
    page = Paginator(shown.order_by("-published_at", "-id"), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: (v.pk if hasattr(v, "pk") else v) for k, v in params.items() if v}
    mine, sources = [], {}
    if user.has_perm("knowledge.write_case"):
        mine = list(cases_in_writing(user).order_by("-updated_at"))
        sources = services.draftable_sources(user)
    editing = []
    if user.has_perm("knowledge.edit"):
        editing = list(visible_cases(user).filter(status=CaseStatus.SUBMITTED).order_by("submitted_at"))
    return render(request, "knowledge/case_list.html", {
        "page": page, "form": form, "querystring": urlencode(query), "mine": mine, "sources": sources,
        "editing": editing, "new_form": new_form or NewCaseForm(units=_my_units(user)),
        "can_write": user.has_perm("knowledge.write_case"),
    })


def case_detail(request, pk):
    case = get_case_for(request.user, pk)
    user = request.user
    language = request.LANGUAGE_CODE
    sections = [(key, label, case.section(key, language)) for key, label in SECTIONS]
    choices = workflow.move_choices(user, case)
    adoptions = []
    if user.is_authenticated:
        adoptions = list(visible_adoptions(user).filter(case=case).exclude(status=AdoptionStatus.ACCEPTED))
    can_adopt = user.has_perm("knowledge.adopt", case)
    lessons = services.lessons_for(SubjectKind.CASE, [case.pk], user).get(case.pk, []) if user.is_authenticated \
        else []
    return render(request, "knowledge/case_detail.html", {
        "case": case, "sections": sections, "title": case.localized_title(language),
        "summary": case.section("summary", language),
        "can_edit": user.has_perm("knowledge.edit_case", case) and case.is_editable,
        "submit": next((c for c in choices if c.move.name == "submit"), None),
        "moves": [c for c in choices if c.move.name in CASE_MOVES],
        "reuse": services.reuse_of(case), "adoptions": adoptions, "lessons": lessons,
        "adopt_form": AdoptForm(units=_my_units(user).exclude(pk=case.unit_id),
                                forms_allowed=services.adoption_forms(case)) if can_adopt else None,
        "note_form": NoteForm(),
        "oecd_to_translate": to_translate(case) if user.has_perm("knowledge.edit_case", case)
        or user.has_perm("knowledge.edit") else [],
        "transitions": case.transitions.select_related("actor") if user.has_perm("knowledge.edit_case", case)
        or user.has_perm("knowledge.edit") else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    """A case drafted from a source (completed challenge, finished task, recognised initiative) or blank.
    A refused new case is the list again at this address: its search and its pages, asked from here, are
    the list's."""
    if request.method == "GET":
        query = request.GET.urlencode()
        return redirect(reverse("knowledge:cases") + (f"?{query}" if query else ""))
    user = request.user
    if "source_kind" in request.POST:
        form = DraftFromForm(request.POST)
        if not form.is_valid():
            raise Http404
        case = run_service(request, services.do_draft_case, actor=user, source_kind=form.cleaned_data["source_kind"],
                           source_id=form.cleaned_data["source_id"],
                           success=_("Đã soạn bản nháp từ dữ liệu trên nền tảng; hãy hoàn thiện từng mục."))
    else:
        form = NewCaseForm(request.POST, units=_my_units(user))
        if not form.is_valid():
            messages.error(request, _("Nêu tên tình huống và chọn đơn vị."))
            return _case_list_page(request, new_form=form)
        case = run_service(request, services.do_create_case, actor=user, unit=form.cleaned_data["unit"],
                           title=form.cleaned_data["title"], success=_("Đã tạo bản nháp."))
    if case is None:
        return redirect("knowledge:cases")
    return redirect("knowledge:case_edit", pk=case.pk)


@login_required
def case_edit(request, pk):
    """The unit edits its case; "save and send" checks the completeness rule section by section."""
    case = get_case_for(request.user, pk)
    if not (request.user.has_perm("knowledge.edit_case", case) and case.is_editable):
        raise Http404
    form = CaseForm(request.POST or None, instance=case)
    problems: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in form.fields}
        try:
            case = services.do_update_case(case, actor=request.user, data=data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            if "send" not in request.POST:
                messages.success(request, _("Đã lưu."))
                return redirect("knowledge:case_edit", pk=case.pk)
            problems = completeness.problems(case)
            if not problems:
                moved = run_service(request, services.do_submit_case, case, actor=request.user,
                                    success=_("Đã gửi Sở KH&CN biên tập."))
                if moved is not None:
                    return redirect(moved)
    errors = [(f"id_{key}", message) for key, message in problems]
    errors += [(f"id_{name}" if name != "__all__" else "", message) for name, found in form.errors.items()
               for message in found]
    return render(request, "knowledge/case_edit.html", {
        "case": case, "form": form, "errors": errors, "limits": completeness.word_limits()})


@login_required
@require_POST
def case_act(request, pk, action):
    case = get_case_for(request.user, pk)
    user = request.user
    if action == "submit":
        problems = completeness.problems(case)
        if problems:
            for _field, message in problems:
                messages.error(request, message)
            return redirect("knowledge:case_edit", pk=case.pk)
        run_service(request, services.do_submit_case, case, actor=user, success=_("Đã gửi Sở KH&CN biên tập."))
    elif action in CASE_MOVES:
        form = NoteForm(request.POST)
        if form_refused(request, form):  # a note too long was dropped, and the move made without it
            return redirect(case)
        reason = form.cleaned_data["reason"]
        if action == "request_changes":
            run_service(request, services.do_request_changes, case, actor=user, note=reason,
                        success=_("Đã gửi yêu cầu chỉnh sửa cho đơn vị."))
        elif action in ("publish_internal", "publish_public"):
            run_service(request, services.do_publish_case, case, actor=user, public=action == "publish_public",
                        success=_("Đã công bố."))
        elif action == "open_to_public":
            run_service(request, services.do_open_case_to_public, case, actor=user, success=_("Đã công bố công khai."))
        else:
            run_service(request, services.do_make_case_internal, case, actor=user, reason=reason,
                        success=_("Tình huống chỉ còn công bố nội bộ."))
    elif action == "adopt":
        form = AdoptForm(request.POST, units=_my_units(user).exclude(pk=case.unit_id),
                         forms_allowed=services.adoption_forms(case))
        if form_refused(request, form):
            return redirect(case)
        data = form.cleaned_data
        adoption = run_service(request, services.do_request_adoption, case, actor=user, unit=data["unit"],
                               form=data["form"], service=data["service"], note=data["note"],
                               go_live_on=data["go_live_on"],
                               success=_("Đã gửi đề nghị áp dụng; đơn vị có tình huống và Sở KH&CN sẽ trả lời."))
        if adoption is not None:
            return redirect(f"{case.get_absolute_url()}#adoptions")
    else:
        raise Http404
    return redirect(case)


def case_oecd(request, pk):
    """The case in the structure of the OECD OPSI case library's submission form (JSON)."""
    case = get_case_for(request.user, pk)
    response = JsonResponse(oecd_submission(case), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="oecd-case-{case.pk}.json"'
    return response


def case_oecd_pdf(request, pk):
    """The same submission as a document to read or to copy into the library's form (PDF)."""
    case = get_case_for(request.user, pk)
    response = HttpResponse(oecd_document(case), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="oecd-case-{case.pk}.pdf"'
    return response


# --- lessons ---------------------------------------------------------------------------------------

@login_required
def lesson_list(request):
    if not request.user.has_perm("knowledge.read_internal"):
        raise Http404
    form = LessonSearchForm(request.GET)
    params = form.cleaned_data if form.is_valid() else {}
    shown = services.search(visible_lessons(request.user), params.get("q", ""))
    for name in ("field", "facet", "problem_kind", "subject_kind"):
        if params.get(name):
            shown = shown.filter(**{name: params[name]})
    if params.get("service"):  # its words, folded, in the lesson's text (the service is part of it)
        shown = services.search(shown, params["service"])
    page = Paginator(shown, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: (v.pk if hasattr(v, "pk") else v) for k, v in params.items() if v}
    owed = list(services.owed_reviews(request.user)) if request.user.has_perm("knowledge.review") else []
    # DoST follows every review asked and not yet answered (who was asked, when, for what).
    asked = list(services.asked_reviews()) if request.user.has_perm("knowledge.follow_reviews") else []
    return render(request, "knowledge/lesson_list.html", {
        "page": page, "form": form, "querystring": urlencode(query), "owed": owed, "asked": asked})


@login_required
def lesson_detail(request, pk):
    lesson = get_lesson_for(request.user, pk)
    return render(request, "knowledge/lesson_detail.html", {
        "lesson": lesson, "can_edit": request.user.has_perm("knowledge.edit_lesson", lesson)})


@login_required
def lesson_edit(request, pk):
    """The unit corrects or completes its lesson: the same questions as the review that asked it."""
    lesson = get_lesson_for(request.user, pk)
    if not request.user.has_perm("knowledge.edit_lesson", lesson):
        raise Http404
    form = ReviewForm(request.POST or None, initial={name: getattr(lesson, name) for name in ReviewForm.base_fields})
    if request.method == "POST" and form.is_valid():
        try:
            lesson = services.do_update_lesson(lesson, actor=request.user, data=form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã lưu bài học kinh nghiệm."))
            return redirect(lesson)
    return render(request, "knowledge/review.html", {"subject": lesson.title, "unit": lesson.unit, "form": form,
                                                     "lesson": lesson})


@login_required
def review(request, kind, pk):
    """The after-action review of one piece of work that ended, answered by its unit."""
    if kind not in SubjectKind.values or kind == SubjectKind.CASE:
        raise Http404
    try:
        subject, unit, tags = services.review_subject(kind, pk)
    except ServiceError:
        raise Http404 from None
    if not request.user.has_perm("knowledge.answer_review_of", unit):
        raise Http404
    form = ReviewForm(request.POST or None, initial={"field": tags["field"], "facet": tags["facet"],
                                                      "service": tags["service"]})
    if request.method == "POST" and form.is_valid():
        try:
            lesson = services.do_answer_review(actor=request.user, subject_kind=kind, subject_id=subject.pk,
                                               data=form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã lưu bài học kinh nghiệm; bài học sẽ được dùng khi soạn tình huống."))
            return redirect(lesson)
    return render(request, "knowledge/review.html", {"subject": subject, "kind": kind, "unit": unit, "form": form})


# --- adoptions -------------------------------------------------------------------------------------

@login_required
def adoption_list(request):
    items = visible_adoptions(request.user).order_by("-requested_at")
    return render(request, "knowledge/adoption_list.html", {"items": items})


@login_required
def adoption_detail(request, pk):
    adoption = get_adoption_for(request.user, pk)
    user = request.user
    can_answer = user.has_perm("knowledge.answer_adoption", adoption) and adoption.status == AdoptionStatus.REQUESTED
    can_plan = (user.has_perm("knowledge.plan_adoption", adoption) and adoption.status == AdoptionStatus.ACCEPTED
                and adoption.form == "annual_task" and not adoption.created_task_id)
    return render(request, "knowledge/adoption_detail.html", {
        "adoption": adoption, "can_answer": can_answer, "can_plan": can_plan,
        "can_withdraw": user.has_perm("knowledge.plan_adoption", adoption)
        and adoption.status == AdoptionStatus.REQUESTED,
        "answer_form": AnswerForm(), "plan_form": PlanForm(initial={"year": timezone.localdate().year}),
        "transitions": adoption.transitions.select_related("actor")})


@login_required
@require_POST
def adoption_act(request, pk, action):
    adoption = get_adoption_for(request.user, pk)
    user = request.user
    answer = AnswerForm(request.POST)
    reason = answer.cleaned_data["reason"] if answer.is_valid() else ""
    if action == "accept":
        run_service(request, services.do_accept_adoption, adoption, actor=user, answer=reason,
                    success=_("Đã chấp nhận đề nghị áp dụng."))
    elif action == "decline":
        run_service(request, services.do_decline_adoption, adoption, actor=user, reason=reason,
                    success=_("Đã từ chối đề nghị áp dụng."))
    elif action == "withdraw":
        if user.has_perm("knowledge.plan_adoption", adoption) and adoption.status == AdoptionStatus.REQUESTED:
            asking = ask_first(request, heading=_("Rút đề nghị áp dụng?"),
                               consequence=_("Đề nghị chuyển sang «Đã rút» và đơn vị sở hữu mô hình không xét nữa. Việc "
                                             "này không hoàn tác được: muốn áp dụng lại, gửi một đề nghị mới."),
                               button=_("Rút đề nghị"), back=adoption.get_absolute_url())
            if asking is not None:
                return asking
        run_service(request, services.do_withdraw_adoption, adoption, actor=user, success=_("Đã rút đề nghị."))
    elif action == "plan":
        form = PlanForm(request.POST)
        if form.is_valid():
            run_service(request, services.do_plan_adoption, adoption, actor=user, year=form.cleaned_data["year"],
                        success=_("Đã thêm nhiệm vụ vào kế hoạch năm của đơn vị."))
        else:
            messages.error(request, _("Nêu năm kế hoạch."))
    else:
        raise Http404
    return redirect(adoption)


# --- the library -----------------------------------------------------------------------------------

def library(request):
    """Cases and tools and templates, searched together (Vietnamese folded)."""
    form = CaseSearchForm(request.GET)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    cases = services.search(visible_cases(request.user).filter(status__in=PUBLISHED_STATES), q) \
        .order_by("-published_at", "-id")[:50]
    resources = services.search(visible_resources(request.user), q).prefetch_related("versions")[:50]
    return render(request, "knowledge/library.html", {
        "form": form, "q": q, "cases": cases, "resources": resources,
        "can_add": request.user.has_perm("knowledge.add_resource")})


@login_required
def resource_new(request):
    if not request.user.has_perm("knowledge.add_resource"):
        raise Http404
    form = ResourceForm(request.POST or None, request.FILES or None, units=_my_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resource = services.do_add_resource(actor=request.user, unit=data["unit"], data=data, upload=data["file"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã thêm vào thư viện."))
            return redirect(resource)
    return render(request, "knowledge/resource_new.html", {"form": form})


def resource_detail(request, pk):
    resource = get_resource_for(request.user, pk)
    user = request.user
    can_version = user.has_perm("knowledge.version_resource", resource)
    if request.method == "POST":
        if not can_version:
            raise Http404
        form = VersionForm(request.POST, request.FILES)
        if form.is_valid():
            run_service(request, services.do_add_resource_version, resource, actor=user,
                        upload=form.cleaned_data["file"], note=form.cleaned_data["note"],
                        success=_("Đã thêm phiên bản mới."))
        else:
            messages.error(request, _("Chọn tệp."))
        return redirect(resource)
    return render(request, "knowledge/resource_detail.html", {
        "resource": resource, "versions": list(resource.versions.select_related("uploaded_by").order_by("-number")),
        "version_form": VersionForm() if can_version else None})


def resource_file(request, pk, version_id):
    resource = get_resource_for(request.user, pk)
    found = chosen(resource.versions.all(), version_id)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.original_name,
                        content_type=ALLOWED_KINDS[found.kind])
