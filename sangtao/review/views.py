from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from sangtao.challenges.access import get_challenge_for
from sangtao.challenges.models import SelectionMode
from sangtao.challenges.models import Status as ChallengeStatus
from sangtao.core import formats, workflow
from sangtao.core.confirm import ask_first
from sangtao.core.errors import ServiceError
from sangtao.core.feedback import form_refused, run_service
from sangtao.core.forms import chosen
from sangtao.core.progress import progress_of
from sangtao.privacy.models import ReadKind
from sangtao.privacy.services import is_restricted, log_read, restricted_users
from sangtao.proposals.access import get_proposal_for
from sangtao.proposals.models import Proposal
from sangtao.review import services
from sangtao.review.access import (
    get_assignment_for,
    get_council_for,
    get_expert_for,
    my_assignments,
    visible_complaints,
    visible_experts,
)
from sangtao.review.export import scores_workbook
from sangtao.review.forms import (
    ComplaintAnswerForm,
    ComplaintForm,
    CouncilChallengeForm,
    CouncilForm,
    DecisionForm,
    DeclarationForm,
    ExpertForm,
    ExpertSearchForm,
    MemberForm,
    PairForm,
    ReasonForm,
    RelationshipForm,
    RunForm,
    ScoresheetForm,
)
from sangtao.review.minutes import minutes_pdf
from sangtao.review.models import (
    AssignmentRun,
    Council,
    CouncilRules,
    CouncilStatus,
    Expert,
    Rubric,
    Scoresheet,
    SheetStatus,
)
from sangtao.review.results import council_results
from sangtao.review.workflow import COUNCIL, SCORESHEET


def _manager(request) -> None:
    if not request.user.has_perm("review.manage"):
        raise Http404


# --- expert registry ------------------------------------------------------------------------

@login_required
def expert_list(request):
    _manager(request)
    experts = visible_experts(request.user).prefetch_related("fields")
    form = ExpertSearchForm(request.GET)  # a search longer than any name is told beside the box, not run
    query = form.cleaned_data["q"] if form.is_valid() else ""
    if query:
        # A restricted expert's CV is kept, not used to find them: their name still finds them.
        experts = experts.filter(user__full_name__icontains=query) | experts.filter(profile__icontains=query).exclude(
            user__in=restricted_users())
    page = Paginator(experts, 50).get_page(request.GET.get("page"))
    return render(request, "review/expert_list.html", {"page": page, "form": form,
                                                       "querystring": urlencode({"q": query}) if query else ""})


@login_required
def expert_edit(request, pk=None):
    expert = get_expert_for(request.user, pk) if pk else None
    own = expert is not None and expert.user_id == request.user.pk
    if expert is None and not request.user.has_perm("review.manage"):
        raise Http404
    restricted = expert is not None and not own and is_restricted(expert.user)
    form = ExpertForm(request.POST or None, instance=expert, own_profile=own and not request.user.has_perm("review.manage"),
                      restricted=restricted)
    if request.method == "POST" and form.is_valid():
        saved = run_service(request, services.save_expert, request.user, form.save(commit=False),
                      form.cleaned_data.get("fields"), success=_("Đã lưu hồ sơ chuyên gia."))
        if saved:
            return redirect("review:expert", saved.pk)
    context = {"form": form, "expert": expert, "relationship_form": RelationshipForm(), "restricted": restricted}
    if expert and not own and not restricted and request.method == "GET":  # someone else reads the CV: logged
        log_read(request.user, ReadKind.CV, subject=expert.user, obj=expert, reason=gettext_noop("Xem lý lịch khoa học chuyên gia"))
    if expert:
        context["relationships"] = expert.relationships.select_related("organisation")
    return render(request, "review/expert_form.html", context)


@login_required
def my_expert_profile(request):
    expert = getattr(request.user, "expert", None)
    if expert is None:
        raise Http404
    return redirect("review:expert", expert.pk)


@login_required
@require_POST
def relationship_add(request, pk):
    expert = get_expert_for(request.user, pk)
    form = RelationshipForm(request.POST)
    if form.is_valid():
        run_service(request, services.add_relationship, request.user, expert, form.save(commit=False),
              success=_("Đã ghi nhận quan hệ."))
    else:
        messages.error(request, _("Thông tin quan hệ chưa hợp lệ."))
    return redirect("review:expert", expert.pk)


@login_required
@require_POST
def relationship_remove(request, pk, relationship_id):
    expert = get_expert_for(request.user, pk)
    relationship = get_object_or_404(expert.relationships, pk=relationship_id)
    run_service(request, services.remove_relationship, request.user, relationship, success=_("Đã xóa quan hệ."))
    return redirect("review:expert", expert.pk)


# --- councils -------------------------------------------------------------------------------

@login_required
def council_list(request):
    _manager(request)
    councils = Council.objects.prefetch_related("challenges")
    return render(request, "review/council_list.html", {"page": Paginator(councils, 20).get_page(
        request.GET.get("page"))})


@login_required
def council_edit(request, pk=None):
    _manager(request)
    council = get_council_for(request.user, pk) if pk else None
    initial = {"rules": CouncilRules.objects.filter(is_default=True).first(),
               "rubric": Rubric.objects.filter(is_default=True).first()}
    if council is None:
        asked = CouncilChallengeForm(request.GET)  # a challenge no council can be formed for is not chosen
        if asked.is_valid() and asked.cleaned_data["challenge"]:
            initial["challenges"] = [asked.cleaned_data["challenge"]]
    form = CouncilForm(request.POST or None, instance=council, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_council(request.user, form.save(commit=False), form.cleaned_data["challenges"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã lưu hội đồng."))
            return redirect(saved)
    return render(request, "generic_form.html", {"form": form, "heading": council.name if council else _(
        "Thành lập hội đồng tuyển chọn"), "back": "review:councils"})


@login_required
def council_detail(request, pk):
    return _council_page(request, get_council_for(request.user, pk))


def _council_page(request, council, run_form: RunForm | None = None):
    """The council's page; with the assignment settings as sent when they were refused, their errors beside them."""
    manager = request.user.has_perm("review.manage")
    secretary = request.user.has_perm("review.reopen_sheet", council)
    assignments = council.assignments.select_related("expert__user", "proposal__organisation")
    sheets = {s.assignment_id: s for s in Scoresheet.objects.filter(assignment__council=council)}
    for item in assignments:
        item.sheet = sheets.get(item.pk)
    return render(request, "review/council_detail.html", {
        "council": council, "manager": manager, "secretary": secretary,
        "members": council.members.select_related("expert__user"),
        "problems": services.composition_problems(council) if manager else [],
        "proposals": services.council_proposals(council) if manager else [],
        "assignments": assignments, "runs": council.runs.all()[:5] if manager else [],
        "pair_rules": council.pair_rules.select_related("expert__user", "proposal") if manager else [],
        "member_form": MemberForm(auto_id="member-%s"), "run_form": run_form or RunForm(),
        "pair_form": PairForm(council=council, auto_id="pair-%s"),  # two "expert" fields: ids of their own
        "editable": council.assignments_released_at is None,
        "choice": workflow.choice_of(request.user, council, COUNCIL.moves["release"])
        if manager and council.status == CouncilStatus.FORMING else None,
    })


@login_required
@require_POST
def member_add(request, pk):
    council = get_council_for(request.user, pk)
    _manager(request)
    form = MemberForm(request.POST)
    if form.is_valid():
        run_service(request, services.add_member, request.user, council, form.cleaned_data["expert"],
              form.cleaned_data["role"], success=_("Đã thêm thành viên."))
    else:
        messages.error(request, _("Chọn chuyên gia và vai trò."))
    return redirect(council)


@login_required
@require_POST
def member_remove(request, pk, member_id):
    council = get_council_for(request.user, pk)
    _manager(request)
    member = get_object_or_404(council.members, pk=member_id)
    run_service(request, services.remove_member, request.user, member, success=_("Đã bỏ thành viên."))
    return redirect(council)


@login_required
@require_POST
def assign_all(request, pk):
    council = get_council_for(request.user, pk)
    _manager(request)
    count = run_service(request, services.assign_whole_council, request.user, council)
    if count is not None:
        messages.success(request, _("Đã phân công %(n)s cặp chuyên gia – hồ sơ.") % {"n": count})
    return redirect(council)


@login_required
@require_POST
def run_start(request, pk):
    council = get_council_for(request.user, pk)
    _manager(request)
    form = RunForm(request.POST)
    if not form.is_valid():  # the page again, with what was typed and what to correct beside each box
        return _council_page(request, council, run_form=form)
    run = run_service(request, services.start_assignment_run, request.user, council,
                form.cleaned_data["reviewers_per_proposal"], form.cleaned_data["min_load"],
                form.cleaned_data["max_load"])
    return redirect("review:run", council.pk, run.pk) if run else redirect(council)


@login_required
def run_detail(request, pk, run_id):
    council = get_council_for(request.user, pk)
    _manager(request)
    run = get_object_or_404(council.runs.select_related("job"), pk=run_id)
    return render(request, "review/run.html", {
        "council": council, "run": run,
        "running": run.state in (AssignmentRun.State.QUEUED, AssignmentRun.State.RUNNING),
        # How far it is, why it failed and the retry, told the one way (core.progress); a retry is the
        # starter's own (core.progress.retry refuses anyone else).
        # An impossible round is told by its reasons alone (no bar, no retry: the settings must change).
        "progress": progress_of(run.job) if run.job and run.state != AssignmentRun.State.INFEASIBLE else None,
    })


@login_required
@require_POST
def pair_edit(request, pk):
    council = get_council_for(request.user, pk)
    _manager(request)
    form = PairForm(request.POST, council=council)
    if not form.is_valid():
        messages.error(request, _("Chọn chuyên gia, mã hồ sơ và thao tác."))
        return redirect(council)
    proposal = Proposal.objects.filter(pk=form.cleaned_data["proposal"]).first()
    if proposal is None:
        messages.error(request, _("Không có hồ sơ mã %(n)s.") % {"n": form.cleaned_data["proposal"]})
        return redirect(council)
    expert, kind = form.cleaned_data["expert"], form.cleaned_data["kind"]
    if kind == "add":
        run_service(request, services.add_assignment, request.user, council, expert, proposal,
              success=_("Đã thêm phân công."))
    else:
        run_service(request, services.set_pair_rule, request.user, council, expert, proposal,
              None if kind == "clear" else kind, success=_("Đã lưu quy tắc cặp cho lần phân công tới."))
    return redirect(council)


@login_required
@require_POST
def assignment_remove(request, pk, assignment_id):
    council = get_council_for(request.user, pk)
    _manager(request)
    item = get_object_or_404(council.assignments, pk=assignment_id)
    run_service(request, services.remove_assignment, request.user, item, success=_("Đã bỏ phân công."))
    return redirect(council)


@login_required
@require_POST
def release(request, pk):
    council = get_council_for(request.user, pk)
    _manager(request)
    run_service(request, services.release_assignments, request.user, council,
          success=_("Đã gửi phân công tới các thành viên hội đồng."))
    return redirect(council)


@login_required
def results(request, pk):
    council = get_council_for(request.user, pk)
    _manager(request)
    by_proposal, calibration = council_results(council)
    proposals = {p.pk: p for p in services.council_proposals(council)}
    top = council.rubric.top_level()
    rows = []
    for pid, result in sorted(by_proposal.items(), key=lambda item: (item[1].rank or 10**6, -item[1].mean_total)):
        if pid in proposals:
            result.criteria = [(result.criterion_means[c.pk], result.zero_counts[c.pk]) for c in top]
            rows.append((proposals[pid], result))
    outliers = sorted(((key, z) for key, z in calibration.residual.items()
                       if abs(z) >= float(council.rules.outlier_z)), key=lambda item: -abs(item[1]))
    experts = {e.pk: e for e in Expert.objects.filter(pk__in=calibration.bias).select_related("user")}
    return render(request, "review/results.html", {
        "council": council, "rows": rows, "top": top, "calibration": calibration,
        "outliers": [(experts[r], proposals.get(p), z) for (r, p), z in outliers if r in experts],
        "biases": sorted(((experts[r], b) for r, b in calibration.bias.items() if r in experts),
                         key=lambda item: item[1]),
    })


@login_required
def minutes(request, pk):
    council = get_council_for(request.user, pk)
    _manager(request)
    response = HttpResponse(minutes_pdf(council), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-ban-hoi-dong-{council.pk}.pdf"'
    return response


@login_required
def scores_export(request, pk):
    council = get_council_for(request.user, pk)
    _manager(request)
    response = HttpResponse(scores_workbook(council),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="diem-hoi-dong-{council.pk}.xlsx"'
    return response


# --- members' reviews -----------------------------------------------------------------------

@login_required
def my_reviews(request):
    if not hasattr(request.user, "expert"):
        raise Http404
    items = list(my_assignments(request.user).order_by("council_id", "proposal_id"))
    declarations = {(d.council_id, d.proposal_id): d for d in request.user.expert.declarations.all()}
    sheets = {s.assignment_id: s for s in Scoresheet.objects.filter(assignment__in=items)}
    for item in items:
        item.declaration = declarations.get((item.council_id, item.proposal_id))
        item.sheet = sheets.get(item.pk)
    return render(request, "review/my_reviews.html", {"items": items})


@login_required
def declare(request, assignment_id):
    item = get_assignment_for(request.user, assignment_id)
    if services.declaration_for(item) is not None:
        return redirect("review:score", item.pk)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        declaration = run_service(request, services.declare, item, request.user, form.cleaned_data["has_conflict"],
                            form.cleaned_data["note"])
        if declaration is not None:
            if declaration.has_conflict:
                messages.info(request, _("Đã ghi nhận xung đột lợi ích; bạn sẽ không xem và không chấm hồ sơ này."))
                return redirect("review:my_reviews")
            messages.success(request, _("Đã ký bản khai. Bạn có thể xem và chấm hồ sơ."))
            return redirect("review:score", item.pk)
    return render(request, "review/declare.html", {"item": item, "form": form,
                                                   "blind": item.council.blind})


def _ask_before_locking(request, item):
    """The page that asks before a sheet that may be submitted is locked (its scores are saved by then);
    a sheet that may not is left to the service, whose refusal says what it lacks."""
    sheet = Scoresheet.objects.get(assignment=item)
    if workflow.choice_of(request.user, sheet, SCORESHEET.moves["submit"]).unmet:
        return None
    return ask_first(request, heading=_("Nộp phiếu chấm?"),
                     consequence=_("Điểm và nhận xét đã được lưu. Phiếu đã nộp bị khóa: bạn không sửa được nữa, "
                                   "trừ khi thư ký hội đồng mở lại phiếu."),
                     button=_("Nộp và khóa phiếu"), back=reverse("review:score", args=[item.pk]), danger=False)


@login_required
def score(request, assignment_id):
    item = get_assignment_for(request.user, assignment_id)
    declaration = services.declaration_for(item)
    if declaration is None:
        return redirect("review:declare", item.pk)
    if declaration.has_conflict:
        raise Http404
    proposal = get_proposal_for(request.user, item.proposal_id)
    criteria = item.council.rubric.leaves()
    sheet = Scoresheet.objects.filter(assignment=item).first()
    saved = {s.criterion_id: s for s in sheet.scores.all()} if sheet else {}
    errors: dict[str, str] = {}
    values = {c.pk: (formats.as_typed(saved[c.pk].points) if c.pk in saved else "", saved[c.pk].comment if c.pk in saved else "")
              for c in criteria}
    general = sheet.general_comment if sheet else ""
    if request.method == "POST":
        form = ScoresheetForm(request.POST, criteria=criteria)
        # What was typed is shown again as it was typed, whatever is refused.
        values = {c.pk: (form[f"points_{c.pk}"].value() or "", form[f"comment_{c.pk}"].value() or "")
                  for c in criteria}
        general = form["general_comment"].value() or ""
        if not form.is_valid():
            errors = {name: str(field_errors[0]) for name, field_errors in form.errors.items()}
        else:
            try:
                services.save_scores(item, request.user, form.points(), form.comments(),
                                     form.cleaned_data["general_comment"])
                if "submit" in request.POST:
                    asking = _ask_before_locking(request, item)
                    if asking is not None:
                        return asking
                    services.submit_scoresheet(item, request.user)
                    messages.success(request, _("Đã nộp phiếu chấm. Phiếu được khóa."))
                    return redirect("review:my_reviews")
                messages.success(request, _("Đã lưu phiếu chấm (chưa nộp)."))
                return redirect("review:score", item.pk)
            except ServiceError as error:
                errors[error.field or ""] = str(error.message)
    rows = [(c, values[c.pk][0], values[c.pk][1], errors.get(f"points_{c.pk}"), errors.get(f"comment_{c.pk}"))
            for c in criteria]
    # Every error at the top, linked to its box, as the other forms list theirs (the messages name the criterion).
    boxes = {"general_comment", *(f"{kind}_{c.pk}" for c in criteria for kind in ("points", "comment"))}
    summary = [(name if name in boxes else None, message) for name, message in errors.items()]
    locked = sheet is not None and sheet.status == SheetStatus.SUBMITTED
    # What the saved sheet still lacks before it can be submitted, each linked to its input.
    submit_choice = None if locked else workflow.choice_of(
        request.user, sheet or Scoresheet(assignment=item), SCORESHEET.moves["submit"])
    return render(request, "review/score.html", {
        "item": item, "proposal": proposal, "rows": rows, "general": general, "sheet": sheet,
        "general_error": errors.get("general_comment"), "summary": summary,
        "locked": locked, "blind": item.council.blind, "submit_choice": submit_choice,
    })


@login_required
@require_POST
def reopen(request, pk, sheet_id):
    council = get_council_for(request.user, pk)
    sheet = get_object_or_404(Scoresheet.objects.select_related("assignment__council", "assignment__expert__user"),
                              pk=sheet_id, assignment__council=council)
    form = ReasonForm(request.POST)
    if not form_refused(request, form):
        run_service(request, services.reopen_scoresheet, sheet, request.user, form.cleaned_data["reason"],
                    success=_("Đã mở lại phiếu chấm."))
    return redirect(council)


# --- decision and complaints ----------------------------------------------------------------

@login_required
def decide(request, challenge_pk):
    _manager(request)
    challenge = get_challenge_for(request.user, challenge_pk)
    if hasattr(challenge, "decision"):
        messages.info(request, _("Bài toán đã có quyết định."))
        return redirect(challenge)
    eligible = Proposal.objects.filter(challenge=challenge, assignments__isnull=False).distinct().select_related(
        "organisation")
    form = DecisionForm(request.POST or None, challenge=challenge, proposals=eligible,
                        initial={"decided_on": timezone.localdate()})
    # What an open selection still lacks before a decision can be recorded, said instead of an empty form.
    unmet = []
    if challenge.selection_mode == SelectionMode.OPEN:
        if challenge.status != ChallengeStatus.CLOSED:
            unmet.append(_("Đóng nhận hồ sơ: quyết định chỉ được ghi nhận sau khi bài toán đã đóng nhận hồ sơ."))
        if not eligible.exists():
            unmet.append(_("Hội đồng đánh giá hồ sơ: chưa có hồ sơ nào được phân công cho hội đồng chấm."))
    council = challenge.councils.first()
    ranking = []
    if council is not None:
        by_proposal, _calibration = council_results(council)
        ranking = [(p, by_proposal.get(p.pk)) for p in eligible]
        ranking.sort(key=lambda row: (row[1].rank or 10**6) if row[1] else 10**6)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_decision(
                challenge, request.user, proposal=data.get("proposal"),
                lead_organisation=data.get("lead_organisation"), rationale=data["rationale"],
                legal_basis=data["legal_basis"], decided_on=data["decided_on"],
                decision_number=data["decision_number"], departs_from_ranking=data.get("departs_from_ranking", False))
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã ghi nhận quyết định; bài toán chuyển sang triển khai và các tổ chức đăng ký "
                                        "đã được thông báo."))
            return redirect(challenge)
    return render(request, "review/decide.html", {"challenge": challenge, "form": form, "ranking": ranking, "unmet": unmet,
                                                  "council": council})


@login_required
@require_POST
def complain(request, proposal_pk):
    proposal = get_proposal_for(request.user, proposal_pk)
    form = ComplaintForm(request.POST)
    if not form_refused(request, form):
        run_service(request, services.file_complaint, proposal, request.user, form.cleaned_data["body"],
                    success=_("Đã gửi khiếu nại. Sở KH&CN sẽ trả lời trên hồ sơ."))
    return redirect(proposal)


@login_required
def complaints(request):
    _manager(request)
    if request.method == "POST":
        complaint = chosen(visible_complaints(request.user), request.POST.get("complaint"))
        form = ComplaintAnswerForm(request.POST)
        if not form_refused(request, form):
            run_service(request, services.answer_complaint, complaint, request.user, form.cleaned_data["answer"],
                        success=_("Đã trả lời khiếu nại."))
        return redirect("review:complaints")
    from django.db.models import F

    # Unanswered first on both databases (PostgreSQL sorts NULLs last in ascending order).
    items = visible_complaints(request.user).order_by(F("answered_at").asc(nulls_first=True), "-filed_at")
    return render(request, "review/complaints.html", {"page": Paginator(items, 20).get_page(request.GET.get("page"))})


