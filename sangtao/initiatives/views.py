import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sangtao.core import workflow
from sangtao.core.confirm import ask_first
from sangtao.core.errors import ServiceError
from sangtao.core.feedback import form_refused, run_service
from sangtao.core.formats import short_date
from sangtao.core.forms import chosen
from sangtao.core.text import folded_words
from sangtao.core.uploads import ALLOWED_KINDS
from sangtao.initiatives import papers, services
from sangtao.initiatives.access import (
    get_council_for,
    get_initiative_for,
    get_public_initiative,
    public_initiatives,
    register_initiatives,
    visible_councils,
    visible_initiatives,
    with_withheld_authors,
)
from sangtao.initiatives.forms import (
    AdoptionForm,
    AuthorFormSet,
    DeploymentFormSet,
    EmulationForm,
    InitiativeForm,
    NationalScopeForm,
    ReasonForm,
    SearchForm,
    SeatForm,
    VoteForm,
)
from sangtao.initiatives.models import (
    OPEN_STATES,
    RECOGNISED_STATES,
    Author,
    CouncilStatus,
    DeploymentKind,
    EmulationUse,
    InitiativeRules,
    InitiativeStatus,
    Level,
)
from sangtao.initiatives.novelty import similar
from sangtao.privacy.services import is_restricted

User = get_user_model()
BUTTON_MOVES = ("withdraw", "return", "refuse", "propose_city", "decline_city")


def _search(queryset, q: str):
    for term in folded_words(q or "")[:8]:
        queryset = queryset.filter(search_text__contains=f" {term}")
    return queryset


# --- the unit's register ------------------------------------------------------------------------

@login_required
def dashboard(request):
    """The register of the user's units (DoST: all), open applications by how close their answer date is."""
    if not request.user.has_perm("initiatives.see_register"):
        raise Http404
    form = SearchForm(request.GET)
    params = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    rules = InitiativeRules.current()
    soon = today + datetime.timedelta(days=rules.due_soon_days)
    base = register_initiatives(request.user)
    if params.get("unit"):
        base = base.filter(unit_id=params["unit"])
    base = _search(base, params.get("q", ""))
    is_open = Q(status__in=OPEN_STATES)
    bands = base.aggregate(
        overdue=Count("id", filter=is_open & Q(answer_due_on__lt=today)),
        soon=Count("id", filter=is_open & Q(answer_due_on__gte=today, answer_due_on__lte=soon)),
        later=Count("id", filter=is_open & Q(answer_due_on__gt=soon)),
        recognised=Count("id", filter=Q(status__in=RECOGNISED_STATES)),
        refused=Count("id", filter=Q(status=InitiativeStatus.REFUSED)),
        city=Count("id", filter=Q(status=InitiativeStatus.CITY_PROPOSED)))
    shown = base
    wanted = params.get("status", "")
    if wanted == "overdue":
        shown = shown.filter(is_open & Q(answer_due_on__lt=today))
    elif wanted == "soon":
        shown = shown.filter(is_open & Q(answer_due_on__gte=today, answer_due_on__lte=soon))
    elif wanted == "open":
        shown = shown.filter(is_open)
    elif wanted in InitiativeStatus.values:
        shown = shown.filter(status=wanted)
    shown = shown.annotate(open_first=Case(When(is_open, then=Value(0)), default=Value(1),
                                           output_field=IntegerField())).order_by(
        "open_first", "answer_due_on", "-received_at", "-id")
    shown = shown.prefetch_related(Prefetch("authors", queryset=Author.objects.only("initiative_id", "name")))
    page = Paginator(shown, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.days_left = (item.answer_due_on - today).days if item.answer_due_on and item.status in OPEN_STATES \
            else None
        item.days_over = -item.days_left if item.days_left is not None and item.days_left < 0 else 0
    query = {k: v for k, v in (("q", params.get("q")), ("status", wanted), ("unit", params.get("unit"))) if v}
    return render(request, "initiatives/dashboard.html", {
        "page": page, "bands": bands, "wanted": wanted, "q": params.get("q", ""), "today": today,
        "querystring": urlencode(query), "soon_days": rules.due_soon_days,
        "can_submit": request.user.has_perm("initiatives.submit"),
    })


@login_required
def mine(request):
    """The user's own applications, drafts included."""
    items = visible_initiatives(request.user).filter(Q(created_by=request.user) | Q(authors__user=request.user)) \
        .distinct().order_by("-created_at", "-id")
    return render(request, "initiatives/mine.html", {
        "page": Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page")),
        "can_submit": request.user.has_perm("initiatives.submit")})


def _author_initial(initiative):
    return [{"name": a.name, "email": a.email, "position": a.position, "share": a.share, "union_member": a.union_member}
            for a in initiative.authors.all()]


def _deployment_initial(initiative):
    return [{"unit": d.unit, "kind": d.kind, "since": d.since}
            for d in initiative.deployments.all() if d.kind != DeploymentKind.ADOPTED]


def _payload(form, authors, deployments) -> dict:
    data = dict(form.cleaned_data)
    by_email = {u.email: u for u in User.objects.filter(
        email__in=[f.cleaned_data.get("email", "").lower() for f in authors if f.cleaned_data.get("email")])}
    data["authors"] = [{**f.cleaned_data, "user": by_email.get((f.cleaned_data.get("email") or "").lower())}
                       for f in authors if f.cleaned_data.get("name")]
    data["deployments"] = [f.cleaned_data for f in deployments if f.cleaned_data.get("unit")]
    return data


@login_required
def edit(request, pk=None):
    """A new application, or a draft (also one returned to be completed)."""
    initiative = get_initiative_for(request.user, pk) if pk else None
    if initiative is None and not request.user.has_perm("initiatives.submit"):
        raise Http404
    if initiative is not None and not request.user.has_perm("initiatives.edit", initiative):
        raise Http404
    data = request.POST if request.method == "POST" else None
    units = None
    if initiative is None:
        from sangtao.initiatives.forms import public_units
        from sangtao.orgs.models import Membership

        units = public_units().filter(pk__in=Membership.objects.filter(user=request.user).values("unit_id"))
    form = InitiativeForm(data, instance=initiative, units=units,
                          initial={"unit": units.first()} if units is not None else None)
    me = {"name": request.user.display_name, "email": request.user.email, "share": 100}
    authors = AuthorFormSet(data, prefix="author",
                            initial=_author_initial(initiative) if initiative else [me])
    deployments = DeploymentFormSet(data, prefix="deploy",
                                    initial=_deployment_initial(initiative) if initiative else None)
    if data is not None and all([form.is_valid(), authors.is_valid(), deployments.is_valid()]):
        payload = _payload(form, authors, deployments)
        try:
            if initiative is None:
                initiative = services.create_draft(request.user, payload)
            else:
                initiative = services.update_draft(initiative, request.user, payload)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã lưu bản nháp. Kiểm tra các sáng kiến tương tự rồi nộp đơn."))
            return redirect(initiative)
    matches = ([], [])
    if initiative is not None:
        matches = similar(initiative.title, initiative.description, unit_id=initiative.unit_id,
                          exclude=initiative.pk)
    return render(request, "initiatives/edit.html", {
        "initiative": initiative, "form": form, "authors": authors, "deployments": deployments,
        "same_unit": matches[0], "other_units": matches[1]})


@login_required
def detail(request, pk):
    initiative = get_initiative_for(request.user, pk)
    user = request.user
    matches = similar(initiative.title, initiative.description, unit_id=initiative.unit_id, exclude=initiative.pk)
    councils = list(initiative.councils.order_by("created_at"))
    openable = set(visible_councils(user).filter(initiative=initiative).values_list("pk", flat=True))
    for council_ in councils:  # its page and papers are linked only for whom they open (no link to a 404)
        council_.openable = council_.pk in openable
    rules = InitiativeRules.current()
    return render(request, "initiatives/detail.html", {
        "initiative": initiative, "authors": initiative.authors.all(),
        "rules": rules, "remuneration": rules.minimum_remuneration(initiative.benefit_vnd),
        "deployments": initiative.deployments.select_related("unit"),
        "attachments": initiative.attachments.all(), "councils": councils,
        "moves": [c for c in workflow.move_choices(user, initiative) if c.move.name in BUTTON_MOVES],
        "submit": next((c for c in workflow.move_choices(user, initiative) if c.move.name == "submit"), None),
        "can_edit": user.has_perm("initiatives.edit", initiative) and initiative.status == InitiativeStatus.DRAFT,
        "can_form_council": user.has_perm("initiatives.answer", initiative)
        and initiative.status == InitiativeStatus.RECEIVED,
        "can_form_city_council": user.has_perm("initiatives.city") and initiative.status == InitiativeStatus.CITY_PROPOSED,
        "can_record_national": user.has_perm("initiatives.city") and initiative.status == InitiativeStatus.CITY_RECOGNISED,
        "national_form": NationalScopeForm(),
        "can_record": user.has_perm("initiatives.record_use", initiative) and initiative.is_recognised,
        "same_unit": matches[0], "other_units": matches[1], "reason_form": ReasonForm(),
        "adoption_form": AdoptionForm(), "emulation_form": EmulationForm(people=_author_people(initiative)),
        "emulation_uses": initiative.emulation_uses.select_related("person", "title"),
        "transitions": initiative.transitions.select_related("actor"),
    })


def _author_people(initiative):
    return User.objects.filter(pk__in=[a.user_id for a in initiative.authors.all() if a.user_id])


@login_required
@require_POST
def act(request, pk, action):
    initiative = get_initiative_for(request.user, pk)
    user = request.user
    if action == "submit":
        asking = ask_first(request, heading=_("Nộp sáng kiến «%(title)s» để xét công nhận?") % {"title": initiative.title},
                           consequence=_("Đơn được vào sổ sáng kiến với một số thứ tự và chuyển cho đơn vị xem xét; "
                                         "đơn vị trả lời trong thời hạn quy định."),
                           button=_("Nộp đơn"), back=initiative.get_absolute_url(), danger=False)
        if asking is not None:
            return asking
        moved = run_service(request, services.submit, initiative, user)
        if moved is not None:
            messages.success(request, _("Đã nộp đơn. Số vào sổ: %(code)s; đơn vị trả lời chậm nhất ngày %(due)s.")
                             % {"code": moved.register_code, "due": short_date(moved.answer_due_on)})
    elif action in BUTTON_MOVES:
        form = ReasonForm(request.POST)
        if not form_refused(request, form):  # a reason too long was dropped, and the move made without it
            run_service(request, services.move, initiative, user, action, form.cleaned_data["reason"],
                        success=_("Đã cập nhật."))
    elif action == "council":
        council = run_service(request, services.form_council, initiative, user, success=_("Đã thành lập hội đồng."))
        if council is not None:
            return redirect(council)
    elif action == "attach":
        for upload in request.FILES.getlist("file"):
            run_service(request, services.add_attachment, initiative, user, upload, success=_("Đã tải lên."))
    elif action == "adopt":
        form = AdoptionForm(request.POST)
        if not form_refused(request, form):
            run_service(request, services.record_deployment, initiative, user, form.cleaned_data["unit"],
                        form.cleaned_data["since"], form.cleaned_data["note"], success=_("Đã ghi nhận nhân rộng."))
    elif action == "national":
        form = NationalScopeForm(request.POST)
        if not form_refused(request, form):
            run_service(request, services.record_national_scope, initiative, user, form.cleaned_data["decision"],
                        form.cleaned_data["decided_on"], success=_("Đã ghi nhận phạm vi ảnh hưởng toàn quốc."))
    elif action == "emulation":
        form = EmulationForm(request.POST, people=_author_people(initiative))
        if not form_refused(request, form):
            run_service(request, services.record_emulation, initiative, user, form.cleaned_data["person"],
                        form.cleaned_data["title"], form.cleaned_data["year"], success=_("Đã ghi nhận danh hiệu."))
    else:
        raise Http404
    return redirect(initiative)


@login_required
def attachment(request, pk, attachment_id):
    initiative = get_initiative_for(request.user, pk)
    found = chosen(initiative.attachments.all(), attachment_id)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.original_name,
                        content_type=ALLOWED_KINDS[found.kind])


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def receipt(request, pk):
    initiative = get_initiative_for(request.user, pk)
    if not initiative.register_number:
        raise Http404
    return _pdf(papers.receipt_pdf(initiative), f"bien-nhan-sang-kien-{initiative.pk}.pdf")


@login_required
def package(request, pk):
    initiative = get_initiative_for(request.user, pk)
    if not initiative.is_recognised or not request.user.has_perm("initiatives.record_use", initiative):
        raise Http404
    response = HttpResponse(papers.national_package(initiative), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="sang-kien-{initiative.pk}.zip"'
    return response


# --- councils -----------------------------------------------------------------------------------

@login_required
def councils(request):
    items = visible_councils(request.user).annotate(seat_count=Count("seats", distinct=True),
                                                    vote_count=Count("votes", distinct=True)).order_by("-created_at")
    return render(request, "initiatives/councils.html", {"items": items})


def _candidates(council):
    """Who may be seated: staff of the unit, registered experts, DoST; authors are refused by the service."""
    from sangtao.orgs.models import Membership

    unit_ids = [council.initiative.unit_id] if council.level == Level.UNIT else []
    return User.objects.filter(Q(memberships__unit_id__in=unit_ids) | Q(expert__isnull=False)
                               | Q(pk__in=Membership.objects.filter(unit__kind="dost").values("user_id"))) \
        .distinct().order_by("sort_name", "username")


@login_required
def council(request, pk):
    found = get_council_for(request.user, pk)
    user = request.user
    seats = list(found.seats.select_related("user"))
    votes = {vote.seat_id: vote for vote in found.votes.all()}
    for seat in seats:
        seat.vote = votes.get(seat.pk)
    my_seat = next((seat for seat in seats if seat.user_id == user.pk), None)
    initiative = found.initiative
    matches = similar(initiative.title, initiative.description, unit_id=initiative.unit_id, exclude=initiative.pk)
    in_favour, members, recognised = services.tally(found)
    return render(request, "initiatives/council.html", {
        "council": found, "initiative": initiative, "seats": seats, "my_seat": my_seat,
        "can_manage": user.has_perm("initiatives.manage_council", found),
        "moves": workflow.move_choices(user, found),
        "decide": workflow.choice_of(user, found, workflow.workflow_of(found).moves["decide"])
        if user.has_perm("initiatives.manage_council", found) and found.status == CouncilStatus.VOTING else None,
        "seat_form": SeatForm(candidates=_candidates(found)), "vote_form": VoteForm(),
        "reason_form": ReasonForm(), "tally": (in_favour, members, recognised, len(votes)),
        "same_unit": matches[0], "other_units": matches[1], "authors": initiative.authors.all(),
        "spread": initiative.deployments.select_related("unit"),
    })


@login_required
@require_POST
def council_act(request, pk, action):
    found = get_council_for(request.user, pk)
    user = request.user
    if action == "seat":
        form = SeatForm(request.POST, candidates=_candidates(found))
        if form.is_valid():
            run_service(request, services.add_seat, found, user, form.cleaned_data["user"], form.cleaned_data["role"],
                        success=_("Đã thêm thành viên."))
        else:
            messages.error(request, _("Chọn thành viên và vai trò."))
    elif action == "unseat":
        seat = chosen(found.seats.all(), request.POST.get("seat"))
        run_service(request, services.remove_seat, found, user, seat, success=_("Đã bỏ thành viên."))
    elif action == "open":
        run_service(request, services.open_voting, found, user, success=_("Đã mở biểu quyết."))
    elif action == "vote":
        form = VoteForm(request.POST)
        if form.is_valid():
            run_service(request, services.cast_vote, found, user, form.cleaned_data["in_favour"],
                        form.cleaned_data["comment"], success=_("Đã ghi nhận biểu quyết."))
        else:
            messages.error(request, _("Chọn đồng ý hoặc không đồng ý."))
    elif action == "decide":
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        run_service(request, services.decide, found, user, reason, success=_("Đã kết luận."))
    else:
        raise Http404
    return redirect(found)


@login_required
def decision(request, pk):
    found = get_council_for(request.user, pk)
    if found.status != CouncilStatus.DECIDED:
        raise Http404
    return _pdf(papers.decision_pdf(found), f"quyet-dinh-sang-kien-{found.pk}.pdf")


@login_required
def certificate(request, pk):
    found = get_council_for(request.user, pk)
    if not found.certificate_number:
        raise Http404
    return _pdf(papers.certificate_pdf(found), f"giay-chung-nhan-sang-kien-{found.pk}.pdf")


# --- in public ----------------------------------------------------------------------------------

def public_register(request):
    form = SearchForm(request.GET)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    items = _search(public_initiatives(), q).order_by("-recognised_on", "-id").prefetch_related(
        Prefetch("authors", queryset=Author.objects.only("initiative_id", "name", "user_id", "email")))
    page = Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_withheld_authors(page.object_list)
    from sangtao.initiatives.opendata import OPEN_DATA_FIELDS

    return render(request, "initiatives/register.html", {
        "page": page, "q": q, "querystring": urlencode({"q": q}) if q else "", "fields": OPEN_DATA_FIELDS,
        "licence": settings.OPEN_DATA_LICENCE, "licence_url": settings.OPEN_DATA_LICENCE_URL})


def public_detail(request, pk):
    [initiative] = with_withheld_authors([get_public_initiative(pk)])
    return render(request, "initiatives/public_detail.html", {
        "initiative": initiative, "authors": initiative.authors.all(),
        "deployments": initiative.deployments.select_related("unit")})


def person(request, user_pk):
    """A person's recognised initiatives (only what their units publish) and the titles they served."""
    items = list(public_initiatives().filter(authors__user_id=user_pk).distinct().order_by("-recognised_on"))
    if not items:
        raise Http404
    someone = User.objects.filter(pk=user_pk).first()
    if someone is None or is_restricted(someone):  # a restricted person's public page is not shown
        raise Http404
    uses = EmulationUse.objects.filter(person=someone, initiative__in=items).select_related("title", "initiative")
    return render(request, "initiatives/person.html", {"person": someone, "items": items, "uses": uses})

