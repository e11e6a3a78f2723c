from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sangtao.challenges.access import get_challenge_for
from sangtao.core import workflow
from sangtao.core.errors import ServiceError
from sangtao.core.feedback import form_refused, run_service
from sangtao.core.uploads import ALLOWED_KINDS
from sangtao.privacy.services import (
    log_team_read,
    team_as_shown,
    third_party_notices_for,
    third_party_purpose_for_notice,
)
from sangtao.proposals import services
from sangtao.proposals.access import (
    applicant_organisations,
    get_proposal_for,
    is_applicant_view,
    is_blind_view,
    visible_proposals,
)
from sangtao.proposals.forms import (
    AttachmentForm,
    BudgetFormSet,
    ProposalForm,
    ReasonForm,
    ScreeningForm,
    TeamFormSet,
    WorkplanFormSet,
)
from sangtao.proposals.models import EligibilityCriterion, Proposal, ProposalStatus
from sangtao.proposals.rules import is_applicant_member


def _dated(row: dict) -> dict:
    import datetime

    def as_date(value):
        try:
            return datetime.date.fromisoformat(value) if isinstance(value, str) and value else value
        except ValueError:
            return value

    return {**row, "start": as_date(row.get("start")), "end": as_date(row.get("end"))}


def _forms(request, challenge, proposal=None, organisations=None):
    data = request.POST if request.method == "POST" else None
    initial = {}
    if proposal is not None:
        initial = {name: getattr(proposal, name) for name in services.TEXT_FIELDS}
        initial["budget_total_vnd"] = proposal.budget_total_vnd
        initial["revision"] = proposal.revision
        initial["team_informed"] = proposal.team_informed
        initial.update({f"result_{key}": value for key, value in proposal.expected_results.items()})
    form = ProposalForm(data, initial=initial, challenge=challenge, organisations=organisations)
    team = TeamFormSet(data, prefix="team", initial=proposal.team if proposal else None)
    # The workplan stores ISO dates; the form shows them as dates (dd/mm/yyyy), never as the stored text.
    workplan = WorkplanFormSet(data, prefix="plan", initial=[_dated(row) for row in proposal.workplan] if proposal
                               else None)
    budget = BudgetFormSet(data, prefix="budget", initial=proposal.budget_lines if proposal else None)
    return form, team, workplan, budget


def _content(form, team, workplan, budget) -> dict:
    data = {name: form.cleaned_data.get(name) for name in services.TEXT_FIELDS}
    data["budget_total_vnd"] = form.cleaned_data.get("budget_total_vnd")
    data["expected_results"] = {str(i.pk): form.cleaned_data.get(f"result_{i.pk}") for i in form.indicators}
    data["team"] = [f.cleaned_data for f in team.forms if f.cleaned_data]
    data["team_informed"] = form.cleaned_data.get("team_informed")
    data["workplan"] = [f.cleaned_data for f in workplan.forms if f.cleaned_data]
    data["budget_lines"] = [f.cleaned_data for f in budget.forms if f.cleaned_data]
    return data


def _render_form(request, challenge, proposal, form, team, workplan, budget):
    return render(request, "proposals/form.html", {
        "challenge": challenge, "proposal": proposal, "form": form, "team": team, "workplan": workplan,
        "budget": budget, "submit_choice": _submit_choice(request.user, proposal) if proposal else None,
    })


def _submit_choice(user, proposal):
    """The submit move with what still stops it, each unmet point linked to where it is filled in."""
    return workflow.choice_of(user, proposal, services.MOVES["submit"])


def _valid(*forms) -> bool:
    results = [f.is_valid() for f in forms]  # validate every form, so each shows its errors
    return all(results)


@login_required
def proposal_start(request, challenge_pk):
    challenge = get_challenge_for(request.user, challenge_pk)
    organisations = applicant_organisations(request.user)
    if not organisations:
        messages.info(request, _("Để nộp hồ sơ, hãy đăng ký tổ chức của bạn (hoặc nhận lời mời từ tổ chức)."))
        return redirect("orgs:solver_register")
    existing = Proposal.objects.filter(challenge=challenge, organisation__in=organisations).first()
    if existing is not None:
        return redirect("proposals:edit", existing.pk)
    forms = _forms(request, challenge, organisations=organisations)
    if request.method == "POST" and _valid(*forms):
        try:
            proposal = services.start_proposal(challenge, request.user, forms[0].cleaned_data["organisation"],
                                               _content(*forms))
        except ServiceError as error:
            forms[0].add_error(error.field if error.field in forms[0].fields else None, str(error.message))
        else:
            messages.success(request, _("Đã lưu bản nháp hồ sơ. Bạn có thể sửa và nộp trước hạn."))
            return redirect("proposals:edit", proposal.pk)
    return _render_form(request, challenge, None, *forms)


@login_required
def proposal_edit(request, pk):
    proposal = get_proposal_for(request.user, pk)
    if not request.user.has_perm("proposals.edit_proposal", proposal):
        raise Http404
    forms = _forms(request, proposal.challenge, proposal)
    if request.method == "POST" and _valid(*forms):
        try:
            saved = services.save_proposal(proposal, request.user, _content(*forms),
                                           forms[0].cleaned_data.get("revision") or 0)
        except ServiceError as error:
            forms[0].add_error(error.field if error.field in forms[0].fields else None, str(error.message))
        else:
            if "submit" in request.POST:
                return redirect("proposals:submit", saved.pk)
            messages.success(request, _("Đã lưu bản nháp."))
            return redirect("proposals:edit", saved.pk)
    return _render_form(request, proposal.challenge, proposal, *forms)


def _expected(proposal, results: dict) -> list[tuple[str, str]]:
    return [(i.name, results.get(str(i.pk), "")) for i in proposal.challenge.indicators.all()]


@login_required
def proposal_detail(request, pk):
    proposal = get_proposal_for(request.user, pk)
    applicant = is_applicant_view(request.user, proposal)
    blind = is_blind_view(request.user, proposal)
    attachments = proposal.attachments.filter(removed_at__isnull=True)
    if blind:
        attachments = attachments.filter(identifying=False)
    decision = getattr(proposal.challenge, "decision", None)
    can_edit = request.user.has_perm("proposals.edit_proposal", proposal)
    # Third persons' data read by anyone but the applicant's own members (DoST, a reviewer): logged.
    if proposal.team and not is_applicant_member.test(request.user, proposal):
        log_team_read(request.user, proposal)
    shown_team = proposal.team if is_applicant_member.test(request.user, proposal) else team_as_shown(proposal.team)
    return render(request, "proposals/detail.html", {
        "proposal": proposal, "shown_team": shown_team, "challenge": proposal.challenge, "applicant": applicant, "blind": blind,
        "attachments": attachments, "versions": proposal.versions.all() if applicant else [],
        "expected": _expected(proposal, proposal.expected_results),
        "transitions": proposal.transitions.select_related("actor") if applicant else [],
        "screenings": proposal.screenings.all() if applicant else [],
        "can_edit": can_edit and proposal.status in services.MOVES["submit"].sources
        and proposal.challenge.is_open_for_proposals,
        "can_withdraw": can_edit and proposal.status == ProposalStatus.SUBMITTED
        and proposal.challenge.is_open_for_proposals,
        "can_screen": request.user.has_perm("proposals.screen_proposal") and proposal.status == ProposalStatus.SUBMITTED
        and not proposal.challenge.is_open_for_proposals,
        "decision": decision, "complaints": proposal.complaints.all() if applicant else [],
        "can_complain": can_edit and decision is not None and decision.complaints_open,
        "attachment_form": AttachmentForm(), "budget_problem": services.budget_problem(proposal),
        "submit_choice": _submit_choice(request.user, proposal) if can_edit else None,
        "team_notices": third_party_notices_for(proposal) if applicant else [],
        "resendable": _resendable(request.user, proposal) if applicant else [],
    })


def _resendable(user, proposal) -> list[tuple[int, dict]]:
    """(position, member) of the team last handed in whose notice this user may send again: members with an
    e-mail, for the person who handed the proposal in and for DoST; nothing for anyone else."""
    if not user.has_perm("proposals.resend_team_notice", proposal):
        return []
    return [(position, member) for position, member in enumerate(services.notified_team(proposal), start=1)
            if "@" in str(member.get("email") or "")]


@login_required
def team_notice_resend(request, pk, position):
    """Confirm, then send again the notice of the processing of their data to one team member."""
    proposal = get_proposal_for(request.user, pk)
    member = dict(_resendable(request.user, proposal)).get(position)
    if member is None:
        raise Http404
    if request.method == "POST":
        run_service(request, services.resend_team_notice, proposal, position, request.user,
                    success=_("Đã gửi lại thông báo cho %(name)s.") % {"name": member.get("name") or "—"})
        return redirect(proposal.get_absolute_url() + "#team-notices")
    last = third_party_notices_for(proposal).filter(email=str(member.get("email")).strip().lower()).first()
    return render(request, "proposals/team_notice_confirm.html", {
        "proposal": proposal, "member": member, "last": last,
        "purpose": third_party_purpose_for_notice()})


@login_required
def proposal_version(request, pk, number):
    proposal = get_proposal_for(request.user, pk)
    if not is_applicant_view(request.user, proposal):
        raise Http404
    version = get_object_or_404(proposal.versions, number=number)
    team = version.snapshot.get("team") or []
    member = is_applicant_member.test(request.user, proposal)
    if team and not member:  # the team as handed in, read by DoST: logged, a restricted member's data held back
        log_team_read(request.user, proposal, team=team)
    return render(request, "proposals/version.html", {
        "proposal": proposal, "version": version, "data": version.snapshot,
        "team": team if member else team_as_shown(team),
        "expected": _expected(proposal, version.snapshot.get("expected_results", {})),
    })


@login_required
def proposal_submit(request, pk):
    proposal = get_proposal_for(request.user, pk)
    if not request.user.has_perm("proposals.edit_proposal", proposal):
        raise Http404
    if request.method == "POST":
        try:
            version = services.submit(proposal, request.user, arrived_at=request.arrived_at)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Đã nộp hồ sơ. Số biên nhận: %(receipt)s.") % {"receipt": version.receipt})
            return redirect("proposals:version", proposal.pk, version.number)
    return render(request, "proposals/submit_confirm.html", {
        "proposal": proposal, "submit_choice": _submit_choice(request.user, proposal),
        "next_number": proposal.versions.count() + 1,
    })


@login_required
def proposal_withdraw(request, pk):
    proposal = get_proposal_for(request.user, pk)
    if not request.user.has_perm("proposals.edit_proposal", proposal):
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawn = services.withdraw(proposal, request.user, form.cleaned_data["reason"],
                                          arrived_at=request.arrived_at)
        except ServiceError as error:
            form.add_error(None, str(error.message))
        else:
            if withdrawn.challenge.is_open_for_proposals:  # read after the withdrawal
                messages.success(request, _("Đã rút hồ sơ. Bạn vẫn có thể nộp lại trước hạn."))
            else:  # the withdrawal arrived before the deadline, which has passed since
                messages.warning(request, _("Đã rút hồ sơ. Hạn nhận hồ sơ đã qua nên hồ sơ đã rút sẽ không được xét."))
            return redirect(proposal)
    return render(request, "proposals/withdraw_confirm.html", {"proposal": proposal, "form": form})


@login_required
@require_POST
def attachment_upload(request, pk):
    proposal = get_proposal_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form_refused(request, form):  # no file chosen, or an empty one: said as such
        try:
            services.add_attachment(proposal, request.user, form.cleaned_data["file"],
                                    form.cleaned_data["identifying"])
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Đã tải tệp lên."))
    return redirect(proposal.get_absolute_url() + "#tep")


def _attachment_for(request, pk, attachment_id):
    proposal = get_proposal_for(request.user, pk)
    attachments = proposal.attachments.all()
    if not is_applicant_view(request.user, proposal):
        # Reviewers see only what the submitted content lists, and no identifying file in a blind council.
        attachments = attachments.filter(removed_at__isnull=True)
        if is_blind_view(request.user, proposal):
            attachments = attachments.filter(identifying=False)
    return get_object_or_404(attachments, pk=attachment_id)


@login_required
def attachment_download(request, pk, attachment_id):
    attachment = _attachment_for(request, pk, attachment_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                        content_type=ALLOWED_KINDS[attachment.kind])


@login_required
@require_POST
def attachment_remove(request, pk, attachment_id):
    attachment = _attachment_for(request, pk, attachment_id)
    try:
        services.remove_attachment(attachment, request.user)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Đã gỡ tệp khỏi bản nháp (các phiên bản đã nộp vẫn giữ tệp)."))
    return redirect(attachment.proposal.get_absolute_url() + "#tep")


@login_required
def my_proposals(request):
    if not request.user.has_perm("proposals.apply"):
        raise Http404
    proposals = visible_proposals(request.user).filter(organisation__in=applicant_organisations(request.user))
    page = Paginator(proposals, 20).get_page(request.GET.get("page"))
    return render(request, "proposals/mine.html", {"page": page})


@login_required
def challenge_applications(request, challenge_pk):
    if not request.user.has_perm("proposals.view_applications"):
        raise Http404
    challenge = get_challenge_for(request.user, challenge_pk)
    proposals = visible_proposals(request.user).filter(challenge=challenge).exclude(status=ProposalStatus.DRAFT)
    page = Paginator(proposals, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "proposals/applications.html", {
        "challenge": challenge, "page": page, "proposals": page.object_list, "drafts": challenge.proposals.filter(
            status=ProposalStatus.DRAFT).count(),
        "decision": getattr(challenge, "decision", None),
    })


@login_required
def proposal_screen(request, pk):
    proposal = get_proposal_for(request.user, pk)
    if not request.user.has_perm("proposals.screen_proposal", proposal):
        raise Http404
    criteria = list(EligibilityCriterion.objects.filter(active=True))
    form = ScreeningForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            screening = services.screen(proposal, request.user, form.passed(), form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_error("reason" if error.field == "reason" else None, str(error.message))
        else:
            messages.success(request, _("Đã ghi kết quả kiểm tra: %(result)s.") % {
                "result": _("hợp lệ") if screening.eligible else _("không hợp lệ")})
            return redirect("proposals:applications", proposal.challenge_id)
    return render(request, "proposals/screen.html", {"proposal": proposal, "form": form})
