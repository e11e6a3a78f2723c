import difflib
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sangtao.challenges import deadlines, services
from sangtao.challenges.access import get_challenge_for, public_challenges, worklist_challenges
from sangtao.challenges.forms import (
    AnswerForm,
    AttachmentForm,
    ChallengeForm,
    ClarificationForm,
    CommentForm,
    FieldForm,
    IndicatorFormSet,
    ListFilterForm,
    ModerationForm,
    QuestionForm,
    ReasonForm,
    indicator_data,
)
from sangtao.challenges.models import (
    PUBLIC_STATUSES,
    Challenge,
    Facet,
    Field,
    Question,
    QuestionStatus,
    Status,
)
from sangtao.challenges.search import search, snippet
from sangtao.challenges.workflow import MOVES
from sangtao.core import workflow
from sangtao.core.errors import InvalidInput, NotAllowed, ServiceError, StaleState
from sangtao.core.feedback import form_refused, run_service, section_or_top
from sangtao.core.redirects import safe_redirect
from sangtao.core.uploads import ALLOWED_KINDS
from sangtao.orgs.models import OrgUnit
from sangtao.privacy.services import consent_given_expression


def _page(request, queryset, per_page=None):
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def filtered_challenges(request, base, statuses, default_order=("-published_at", "-id")):
    """Apply the list filters, search and sort from the query string."""
    # Offer only units that own something in this list: shorter, and every choice finds results.
    units = OrgUnit.objects.filter(pk__in=base.order_by().values("owner_unit_id"))
    form = ListFilterForm(request.GET or None, statuses=statuses, units=units)
    queryset = base
    query = ""
    sort = "newest"
    if form.is_bound:
        # A filter refused (a unit with nothing in this list, a value no box offers) is said beside its box;
        # the others still apply: the search typed is not thrown away with it.
        form.is_valid()
        data = form.cleaned_data
        if data.get("field"):
            queryset = queryset.filter(field=data["field"])
        if data.get("unit"):
            queryset = queryset.filter(owner_unit=data["unit"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("facet"):
            queryset = queryset.filter(facet=data["facet"])
        query = (data.get("q") or "").strip()
        sort = data.get("sort") or ("relevance" if query else "newest")
    if query:
        queryset = search(queryset, query)
    if sort == "closing":
        queryset = queryset.filter(call_closes_at__gte=timezone.now()).order_by("call_closes_at", "id")
    elif sort == "newest" or not query:
        queryset = queryset.order_by(*default_order)
    return form, queryset, query


def challenge_list(request):
    form, queryset, query = filtered_challenges(request, public_challenges(), PUBLIC_STATUSES)
    page = _page(request, queryset)
    language = get_language()
    for challenge in page.object_list:
        text = challenge.localized_summary(language)
        challenge.snippet = snippet(text, query) if query else text[:220]
    return render(request, "challenges/list.html", {
        "form": form, "page": page, "query": query,
        "querystring": _querystring_without_page(request),
    })


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def challenge_detail(request, pk):
    return _detail_page(request, get_challenge_for(request.user, pk))


def _detail_page(request, challenge, *, question_form=None):
    """The challenge's page; `question_form` is a refused question, shown again with its error and text."""
    internal = request.user.has_perm("challenges.view_internal", challenge)
    questions = challenge.questions.select_related("asker", "answered_by").annotate(
        shows_name=consent_given_expression("asker", services.PUBLISH_NAME))
    if internal and request.user.has_perm("challenges.moderate_questions", challenge):
        visible_questions = questions
    elif request.user.is_authenticated:
        visible_questions = [q for q in questions if q.is_public or q.asker_id == request.user.pk]
    else:
        visible_questions = [q for q in questions if q.is_public]
    transitions = challenge.transitions.select_related("actor")
    context = {
        "challenge": challenge,
        "internal": internal,
        "indicators": challenge.indicators.all(),
        "attachments": challenge.attachments.all() if (internal or challenge.is_public) else [],
        "co_owners": challenge.co_owner_units.all(),
        "questions": visible_questions,
        "history": transitions if internal else [t for t in transitions if t.is_public],
        "moves": workflow.move_choices(request.user, challenge),
        "can_edit": request.user.has_perm("challenges.edit_challenge", challenge),
        "can_ask": request.user.has_perm("challenges.ask_question", challenge),
        "can_moderate": request.user.has_perm("challenges.moderate_questions", challenge),
        "following": services.is_following(request.user, challenge),
        "comments": challenge.review_comments.select_related("author") if internal else [],
        "comment_form": CommentForm(),
        "question_form": question_form or QuestionForm(),
        "answer_form": AnswerForm(),
        "attachment_form": AttachmentForm(),
        "last_return": _last_return(transitions) if challenge.status == Status.DRAFT else None,
        "deadline": deadlines.deadline(challenge.status, _arrival(transitions, challenge.status)) if internal else None,
        "title": challenge.localized_title(get_language()),
        "summary": challenge.localized_summary(get_language()),
        "contact": services.shown_contact(challenge),
    }
    return render(request, "challenges/detail.html", context)


def _arrival(transitions, status: str):
    """When the challenge last reached `status` (a return and a new submission start the clock again)."""
    arrivals = [t.at for t in transitions if t.to_status == status]
    return arrivals[-1] if arrivals else None


def _last_return(transitions):
    """The latest 'send back' move, shown on a draft as the changes requested."""
    returns = [t for t in transitions if t.move in ("request_changes", "unit_return")]
    return returns[-1] if returns else None


def _form_pair(request, instance=None):
    data = request.POST if request.method == "POST" else None
    form = ChallengeForm(data, instance=instance, user=request.user)
    initial = [] if instance is None else [
        {name: getattr(item, name) for name in IndicatorFormSet.form.Meta.fields}
        for item in instance.indicators.all()
    ]
    formset = IndicatorFormSet(data, initial=initial or None, prefix="ind")
    return form, formset


def _save_challenge(request, form, formset, instance=None):
    """Call the service; map its errors onto the form so nothing typed is lost."""
    data = form.to_service_data()
    data["indicators"] = indicator_data(formset)
    try:
        if instance is None:
            return services.create_draft(request.user, data)
        return services.update_draft(instance, request.user, data, form.cleaned_data.get("expected_version") or 0)
    except InvalidInput as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, str(error.message))
    except StaleState as error:
        form.add_error(None, str(error.message))
    except NotAllowed as error:
        form.add_error(None, str(error.message))
    return None


@login_required
def challenge_create(request):
    if not request.user.has_perm("challenges.create_challenge"):
        raise Http404
    form, formset = _form_pair(request)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        challenge = _save_challenge(request, form, formset)
        if challenge:
            messages.success(request, _("Đã lưu bản nháp."))
            return redirect(challenge)
    return render(request, "challenges/form.html", {"form": form, "formset": formset, "creating": True})


@login_required
def challenge_edit(request, pk):
    challenge = get_challenge_for(request.user, pk)
    if not request.user.has_perm("challenges.edit_challenge", challenge):
        messages.error(request, _("Chỉ sửa được bài toán ở trạng thái nháp (hoặc được yêu cầu chỉnh sửa)."))
        return redirect(challenge)
    form, formset = _form_pair(request, challenge)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = _save_challenge(request, form, formset, challenge)
        if saved:
            messages.success(request, _("Đã lưu phiên bản %(v)s.") % {"v": saved.version})
            return redirect(saved)
    return render(request, "challenges/form.html", {"form": form, "formset": formset, "challenge": challenge})


@login_required
def challenge_move(request, pk, move):
    challenge = get_challenge_for(request.user, pk)
    if move not in MOVES or MOVES[move].service_only:
        raise Http404
    spec = MOVES[move]
    form = ReasonForm(request.POST or None, initial={"expected_status": challenge.status},
                      reason_required=spec.reason_required)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply_move(challenge, request.user, move, form.cleaned_data["reason"],
                                form.cleaned_data["expected_status"])
        except ServiceError as error:
            challenge.refresh_from_db()
            form.add_error("reason" if error.field == "reason" else None, str(error.message))
        else:
            messages.success(request, _("Đã thực hiện: %(move)s.") % {"move": spec.label})
            return redirect(challenge)
    elif spec not in workflow.available_moves(request.user, challenge) and request.method != "POST":
        messages.error(request, _("Thao tác này không áp dụng cho bài toán ở trạng thái hiện tại."))
        return redirect(challenge)
    # After a refusal (the state moved on, a deadline passed) the page offers the move only if it still applies.
    return render(request, "challenges/move_confirm.html", {
        "challenge": challenge, "move": spec, "form": form, "choice": workflow.choice_of(request.user, challenge, spec),
        "applies": spec in workflow.available_moves(request.user, challenge),
        "call_closes_first": deadlines.call_closes_before_publication_due(challenge)
        if spec.target == Status.APPROVED else None})


def challenge_history(request, pk):
    challenge = get_challenge_for(request.user, pk)
    internal = request.user.has_perm("challenges.view_internal", challenge)
    transitions = challenge.transitions.select_related("actor")
    if not internal:
        transitions = [t for t in transitions if t.is_public]
    return render(request, "challenges/history.html", {
        "challenge": challenge, "transitions": transitions, "internal": internal,
        "versions": challenge.versions.select_related("author") if internal else [],
    })


def version_diff(request, pk, old, new):
    challenge = get_challenge_for(request.user, pk)
    if not request.user.has_perm("challenges.view_internal", challenge):
        raise Http404
    versions = {v.number: v for v in challenge.versions.filter(number__in=[old, new])}
    if old not in versions or new not in versions:
        raise Http404
    before, after = versions[old].snapshot, versions[new].snapshot
    changes = []
    for key in after.keys() | before.keys():
        if before.get(key) != after.get(key):
            old_lines = _lines(before.get(key))
            new_lines = _lines(after.get(key))
            diff = list(difflib.unified_diff(old_lines, new_lines, lineterm="", n=2))[2:]
            changes.append({"field": key, "diff": diff})
    changes.sort(key=lambda change: change["field"])
    return render(request, "challenges/diff.html", {
        "challenge": challenge, "old": versions[old], "new": versions[new], "changes": changes,
    })


def _lines(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.splitlines()
    return json.dumps(value, ensure_ascii=False, indent=1).splitlines()


@login_required
@require_POST
def comment_add(request, pk):
    challenge = get_challenge_for(request.user, pk)
    form = CommentForm(request.POST)
    if not form_refused(request, form):
        run_service(request, services.add_comment, challenge, request.user, form.cleaned_data["body"],
                    success=_("Đã thêm nhận xét."))
    return redirect(challenge.get_absolute_url() + "#nhan-xet")


@login_required
@require_POST
def attachment_upload(request, pk):
    challenge = get_challenge_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form_refused(request, form):  # no file chosen, or an empty one: said as such
        run_service(request, services.add_attachment, challenge, request.user,
                    form.cleaned_data["file"], success=_("Đã tải tệp lên."))
    return redirect(challenge.get_absolute_url() + "#tep")


def _attachment_for(request, pk, attachment_id):
    challenge = get_challenge_for(request.user, pk)
    if not (challenge.is_public or request.user.has_perm("challenges.view_internal", challenge)):
        raise Http404
    return get_object_or_404(challenge.attachments, pk=attachment_id)


def attachment_download(request, pk, attachment_id):
    attachment = _attachment_for(request, pk, attachment_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                        content_type=ALLOWED_KINDS[attachment.kind])


@login_required
@require_POST
def attachment_delete(request, pk, attachment_id):
    attachment = _attachment_for(request, pk, attachment_id)
    run_service(request, services.remove_attachment, attachment, request.user,
                  success=_("Đã xóa tệp."))
    return redirect(attachment.challenge.get_absolute_url() + "#tep")


@login_required
@require_http_methods(["GET", "POST"])
def question_ask(request, pk):
    challenge = get_challenge_for(request.user, pk)
    if request.method == "GET":  # a refused question's page, asked again (its language switched): the section
        return redirect(challenge.get_absolute_url() + "#hoi-dap")
    form = QuestionForm(request.POST)
    if form_refused(request, form):
        # The page again, the message at its top, the question as typed with its error, and the browser taken
        # to it (sent back to the section, the error was out of sight and the text lost).
        for name in form.errors:
            if name in form.fields:
                form.fields[name].widget.attrs["autofocus"] = True
                break
        return _detail_page(request, challenge, question_form=form)
    run_service(request, services.ask_question, challenge, request.user, form.cleaned_data["body"],
                show_name=form.cleaned_data["show_name"],
                success=_("Câu hỏi đã được gửi và sẽ hiển thị sau khi được duyệt hoặc trả lời."))
    return redirect(section_or_top(request, challenge.get_absolute_url(), "hoi-dap"))


def _question_for(request, pk, question_id) -> Question:
    challenge = get_challenge_for(request.user, pk)
    if not request.user.has_perm("challenges.moderate_questions", challenge):
        raise Http404
    return get_object_or_404(Question.objects.select_related("challenge"), challenge=challenge, pk=question_id)


@login_required
@require_POST
def question_moderate(request, pk, question_id):
    question = _question_for(request, pk, question_id)
    approve = request.POST.get("decision") == "approve"
    form = ModerationForm(request.POST)
    if not form_refused(request, form):
        run_service(request, services.moderate_question, question, request.user,
                    approve=approve, note=form.cleaned_data["note"],
                    success=_("Đã duyệt câu hỏi.") if approve else _("Đã ẩn câu hỏi."))
    return redirect(question.challenge.get_absolute_url() + "#hoi-dap")


@login_required
@require_POST
def question_answer(request, pk, question_id):
    question = _question_for(request, pk, question_id)
    form = AnswerForm(request.POST)
    if not form_refused(request, form):
        run_service(request, services.answer_question, question, request.user,
                    form.cleaned_data["answer"], success=_("Đã đăng câu trả lời."))
    return redirect(question.challenge.get_absolute_url() + f"#q{question.pk}")


@login_required
@require_POST
def clarification_post(request, pk):
    challenge = get_challenge_for(request.user, pk)
    form = ClarificationForm(request.POST)
    if not form_refused(request, form):
        run_service(request, services.post_clarification, challenge, request.user, form.cleaned_data["body"],
                    success=_("Đã đăng nội dung làm rõ."))
    return redirect(challenge.get_absolute_url() + "#hoi-dap")


@login_required
@require_POST
def follow_toggle(request, kind, pk):
    if kind == "challenge":
        target = get_challenge_for(request.user, pk)
        back = target.get_absolute_url()
    elif kind == "field":
        target = get_object_or_404(Field, pk=pk)
        back = f"/challenges/?field={target.slug}"
    elif kind == "unit":
        target = get_object_or_404(OrgUnit, pk=pk)
        back = f"/challenges/?unit={target.pk}"
    else:
        raise Http404
    if request.POST.get("action") == "unfollow":
        services.unfollow(request.user, target)
        messages.success(request, _("Đã bỏ theo dõi."))
    else:
        services.follow(request.user, target)
        messages.success(request, _("Đã theo dõi. Bạn sẽ nhận thông báo trong ứng dụng và qua email."))
    return safe_redirect(request, request.POST.get("next"), back)


@login_required
def my_challenges(request):
    """The work list of a unit officer or leader (and DoST): everything they may act on."""
    if not request.user.has_perm("challenges.view_worklist"):
        raise Http404
    base = worklist_challenges(request.user).annotate(arrived=deadlines.arrival())
    questions = request.GET.get("questions") == "pending"  # the home's line of questions waiting for approval
    if questions:
        base = base.filter(pk__in=Question.objects.filter(status=QuestionStatus.PENDING).values("challenge_id"))
    form, queryset, query = filtered_challenges(request, base, [s for s, _label in Status.choices],
                                                default_order=("-updated_at", "-id"))
    page = _page(request, queryset)
    deadlines.attach_deadlines(page.object_list)
    return render(request, "challenges/mine.html", {
        "form": form, "page": page, "query": query, "questions": questions,
        "querystring": _querystring_without_page(request),
    })


@login_required
def portfolio(request):
    if not request.user.has_perm("challenges.view_portfolio"):
        raise Http404
    challenges = Challenge.objects.all()
    by_status = dict(challenges.values_list("status").annotate(n=Count("id")))
    status_rows = [(value, label, by_status.get(value, 0)) for value, label in Status.choices]
    by_facet = dict(challenges.values_list("facet").annotate(n=Count("id")))
    facet_rows = [(value, label, by_facet.get(value, 0)) for value, label in Facet.choices]
    field_rows = Field.objects.annotate(n=Count("challenge")).order_by("sort_name")
    unit_rows = (
        OrgUnit.objects.annotate(n=Count("owned_challenges")).filter(n__gt=0).order_by("sort_name")
    )
    matrix = {}
    for field_id, status, n in challenges.values_list("field_id", "status").annotate(n=Count("id")):
        matrix.setdefault(field_id, {})[status] = n
    field_matrix = [
        (field, [matrix.get(field.pk, {}).get(value, 0) for value, _label in Status.choices])
        for field in field_rows
    ]
    from sangtao.evaluation.views import counter_charts  # the same counters and charts as the outcomes page

    return render(request, "challenges/portfolio.html", {
        "breakdowns": counter_charts(challenges, public=False),
        "total": challenges.count(), "status_rows": status_rows, "facet_rows": facet_rows,
        "unit_rows": unit_rows, "field_matrix": field_matrix, "status_choices": Status.choices,
    })


@login_required
def field_list(request):
    if not request.user.has_perm("challenges.manage_fields"):
        raise Http404
    return render(request, "challenges/fields.html", {
        "fields": Field.objects.annotate(n=Count("challenge")),
    })


@login_required
def field_edit(request, pk=None):
    if not request.user.has_perm("challenges.manage_fields"):
        raise Http404
    instance = get_object_or_404(Field, pk=pk) if pk else None
    form = FieldForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_field(request.user, form.save(commit=False))
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã lưu lĩnh vực."))
            return redirect("challenges:fields")
    return render(request, "generic_form.html", {
        "form": form, "heading": _("Lĩnh vực") if instance is None else instance.name,
        "back": "challenges:fields",
    })

