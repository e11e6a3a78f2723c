"""Every change to a proposal goes through a function here.

Each one checks permission, changes state in a transaction, writes an append-only
row (ProposalVersion, ProposalTransition, Screening or AuditEvent) and queues
notifications. The call deadline is enforced here: a change is judged by the server time
at which its request arrived, under a shared lock on the challenge row.
"""

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge, SelectionMode, Status, Transition
from sangtao.core import workflow
from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.core.formats import to_the_second, vnd
from sangtao.core.locks import hold
from sangtao.core.text import clean
from sangtao.core.uploads import check_upload
from sangtao.notifications.services import notify
from sangtao.orgs.models import OrgUnit, Role
from sangtao.orgs.rules import is_member_of_solver
from sangtao.privacy.services import resend_third_party_notice, send_third_party_notices, third_party_notice_version
from sangtao.proposals.models import (
    EligibilityCriterion,
    Proposal,
    ProposalAttachment,
    ProposalStatus,
    ProposalTransition,
    ProposalVersion,
    Screening,
)
from sangtao.proposals.workflow import MOVES

if TYPE_CHECKING:
    from sangtao.privacy.models import ThirdPartyNotice

User = get_user_model()

TEXT_FIELDS = ("title", "summary", "approach", "experience", "risks")
TEAM_KEYS = ("name", "role", "email", "experience")
WORKPLAN_KEYS = ("milestone", "start", "end", "deliverable")


class CallClosed(InvalidInput):
    code = "call_closed"


def members_of(organisation_id: int):
    return User.objects.filter(memberships__unit_id=organisation_id, memberships__role=Role.SOLVER).distinct()


# --- content ------------------------------------------------------------------------------

def _date(value, field: str, position: int) -> str:
    if not value:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InvalidInput(_("Mốc %(n)s: ngày không hợp lệ.") % {"n": position}, field=field) from None


def _amount(value, position: int) -> int:
    try:
        amount = int(str(value).replace(".", "").replace(" ", "")) if value not in (None, "") else 0
    except ValueError:
        raise InvalidInput(_("Dòng kinh phí %(n)s: số tiền phải là số đồng.") % {"n": position},
                           field="budget_lines") from None
    if amount < 0:
        raise InvalidInput(_("Dòng kinh phí %(n)s: số tiền không được âm.") % {"n": position}, field="budget_lines")
    return amount


def clean_content(data: dict[str, Any], challenge: Challenge) -> dict[str, Any]:
    """NFC text, typed lists; rejects only what cannot be stored (dates, amounts)."""
    cleaned: dict[str, Any] = {name: clean(data.get(name) or "") for name in TEXT_FIELDS}
    cleaned["team"] = [
        {key: clean(str(item.get(key) or "")) for key in TEAM_KEYS}
        for item in data.get("team", []) if clean(str(item.get("name") or ""))
    ]
    cleaned["team_informed"] = bool(data.get("team_informed"))
    cleaned["workplan"] = []
    for position, item in enumerate(data.get("workplan", []), start=1):
        if not clean(str(item.get("milestone") or "")):
            continue
        row = {"milestone": clean(item["milestone"]), "deliverable": clean(str(item.get("deliverable") or "")),
               "start": _date(item.get("start"), "workplan", position),
               "end": _date(item.get("end"), "workplan", position)}
        if row["start"] and row["end"] and row["end"] < row["start"]:
            raise InvalidInput(_("Mốc %(n)s: ngày kết thúc phải sau ngày bắt đầu.") % {"n": position},
                               field="workplan")
        cleaned["workplan"].append(row)
    cleaned["budget_lines"] = [
        {"item": clean(str(item.get("item") or "")), "amount_vnd": _amount(item.get("amount_vnd"), position)}
        for position, item in enumerate(data.get("budget_lines", []), start=1)
        if clean(str(item.get("item") or ""))
    ]
    total = data.get("budget_total_vnd")
    cleaned["budget_total_vnd"] = None if total in (None, "") else _amount(total, 0)
    indicator_ids = {str(pk) for pk in challenge.indicators.values_list("pk", flat=True)}
    cleaned["expected_results"] = {
        str(key): clean(str(value or "")) for key, value in (data.get("expected_results") or {}).items()
        if str(key) in indicator_ids and clean(str(value or ""))
    }
    return cleaned


def budget_problem(proposal: Proposal) -> str | None:
    """Why the budget does not add up, or None."""
    lines_total = sum(line["amount_vnd"] for line in proposal.budget_lines)
    if proposal.budget_total_vnd is not None and proposal.budget_total_vnd != lines_total:
        return str(_("Các dòng kinh phí cộng lại %(lines)s nhưng tổng kinh phí ghi %(total)s.")
                   % {"lines": vnd(lines_total), "total": vnd(proposal.budget_total_vnd)})
    return None


def missing_for_submission(proposal: Proposal) -> list[tuple[str, str]]:
    """Every (field, message) that stops this draft from being submitted."""
    missing = []
    for name, message in (("title", _("Tên giải pháp")), ("summary", _("Tóm tắt")),
                          ("approach", _("Cách tiếp cận")), ("experience", _("Năng lực và kinh nghiệm"))):
        if not getattr(proposal, name):
            missing.append((name, str(format_lazy(_("Thiếu: {what}."), what=message))))
    if not proposal.team:
        missing.append(("team", str(_("Cần ít nhất một thành viên nhóm thực hiện."))))
    elif not proposal.team_informed:
        missing.append(("team_informed", str(_(
            "Cần xác nhận đã thông báo cho các thành viên nhóm về việc nhập dữ liệu cá nhân của họ vào hồ sơ."))))
    if not proposal.workplan:
        missing.append(("workplan", str(_("Cần ít nhất một mốc trong kế hoạch thực hiện."))))
    if not proposal.budget_lines:
        missing.append(("budget_lines", str(_("Cần ít nhất một dòng dự toán kinh phí."))))
    elif problem := budget_problem(proposal):
        missing.append(("budget_lines", problem))
    for indicator in proposal.challenge.indicators.all():
        if not proposal.expected_results.get(str(indicator.pk)):
            missing.append(("expected_results", str(
                format_lazy(_("Nêu kết quả dự kiến cho chỉ số «{name}»."), name=indicator.name))))
    return missing


def _apply_content(proposal: Proposal, content: dict[str, Any]) -> None:
    for name, value in content.items():
        setattr(proposal, name, value)


def _share_lock(challenge_pk: int) -> Challenge:
    """Read the challenge row under a lock that other changes to the call share.

    Changes to one call's proposals then run side by side, while the close job and every
    edit of the challenge (FOR UPDATE) wait for them, and they for it. SQLite has no row
    locks: its IMMEDIATE transactions already take turns.
    """
    if connection.vendor != "postgresql":
        return Challenge.objects.get(pk=challenge_pk)
    return Challenge.objects.raw("SELECT * FROM challenges_challenge WHERE id = %s FOR SHARE", [challenge_pk])[0]


def _closed_before(challenge: Challenge, arrived_at: datetime.datetime) -> bool:
    """Whether the call had been closed (by DoST or the close job) when the request arrived."""
    return challenge.status == Status.CLOSED and Transition.objects.filter(
        challenge=challenge, to_status=Status.CLOSED, at__lte=arrived_at).exists()


def _lock_open_call(challenge: Challenge, arrived_at: datetime.datetime | None = None) -> Challenge:
    """Share-lock the challenge row and check that its call took proposals when the request arrived.

    The arrival time, not the moment this transaction wins its lock, decides: a request that
    reached the server before the deadline is accepted however long it waited, even once
    the close job has run; one that arrived at or after the deadline never is.
    """
    arrived_at = arrived_at or timezone.now()
    locked = _share_lock(challenge.pk)
    if locked.selection_mode != SelectionMode.OPEN or locked.status not in (Status.PUBLISHED, Status.CLOSED):
        raise CallClosed(_("Bài toán này không nhận hồ sơ tuyển chọn."))
    if locked.call_opens_at and arrived_at < locked.call_opens_at:
        raise CallClosed(_("Chưa đến thời gian nhận hồ sơ (mở lúc %(when)s).")
                         % {"when": to_the_second(locked.call_opens_at)})
    if locked.call_closes_at is None or arrived_at >= locked.call_closes_at or _closed_before(locked, arrived_at):
        closes = to_the_second(locked.call_closes_at) if locked.call_closes_at else "—"
        raise CallClosed(
            _("Đã hết hạn nhận hồ sơ lúc %(when)s; hồ sơ không được nhận. Bản nháp của bạn vẫn được giữ nguyên.")
            % {"when": closes}
        )
    return locked


def start_proposal(challenge: Challenge, actor, organisation: OrgUnit, data: dict[str, Any]) -> Proposal:
    if not is_member_of_solver(actor, organisation):
        raise NotAllowed(_("Bạn chỉ có thể đăng ký thay mặt tổ chức mà bạn là thành viên."))
    content = clean_content(data, challenge)
    if not content["title"]:
        raise InvalidInput(_("Tên giải pháp là bắt buộc."), field="title")
    with transaction.atomic():
        _lock_open_call(challenge)
        # Two starts for one organisation at once (a double click, a repeated API call): the second waits
        # here for the first and then finds its proposal (both passed the check and one hit the unique key).
        hold(Proposal, [f"{challenge.pk}:{organisation.pk}"])
        if Proposal.objects.filter(challenge=challenge, organisation=organisation).exists():
            raise InvalidInput(_("Tổ chức của bạn đã có hồ sơ cho bài toán này; hãy mở hồ sơ đó để sửa."))
        proposal = Proposal(challenge=challenge, organisation=organisation, created_by=actor)
        _apply_content(proposal, content)
        proposal.save()
        ProposalTransition.objects.create(proposal=proposal, actor=actor, move=workflow.CREATED,
                                          from_status=ProposalStatus.DRAFT, to_status=ProposalStatus.DRAFT)
    return proposal


def save_proposal(proposal: Proposal, actor, data: dict[str, Any], expected_revision: int) -> Proposal:
    """Save the working draft; refused if another member saved in between."""
    content = clean_content(data, proposal.challenge)
    if not content["title"]:
        raise InvalidInput(_("Tên giải pháp là bắt buộc."), field="title")
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not actor.has_perm("proposals.edit_proposal", locked):
            raise NotAllowed()
        if locked.status not in MOVES["submit"].sources:
            raise StaleState(_("Hồ sơ đã được xét, không sửa được nữa."), current_status=locked.status)
        if locked.revision != expected_revision:
            raise StaleState(
                _("Một thành viên khác đã lưu hồ sơ (lần lưu %(n)s) trong lúc bạn sửa. Nội dung bạn nhập vẫn ở trên biểu mẫu.")
                % {"n": locked.revision}, current_version=locked.revision,
            )
        _lock_open_call(locked.challenge)
        _apply_content(locked, content)
        locked.revision += 1
        locked.updated_at = timezone.now()
        locked.save()
        record(actor, "proposal_saved", locked, revision=locked.revision)
    return locked


def snapshot(proposal: Proposal) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(proposal, name) for name in TEXT_FIELDS}
    data.update(team=proposal.team, team_informed=proposal.team_informed, workplan=proposal.workplan, budget_lines=proposal.budget_lines,
                budget_total_vnd=proposal.budget_total_vnd, expected_results=proposal.expected_results,
                organisation=proposal.organisation.name)
    data["attachments"] = [
        {"id": a.pk, "name": a.original_name, "kind": a.kind, "size": a.size, "identifying": a.identifying}
        for a in proposal.attachments.filter(removed_at__isnull=True)
    ]
    return data


def _move(proposal: Proposal, actor, move_name: str, reason: str = "") -> Proposal:
    """Apply one move of the proposal table; returns the proposal as moved."""
    return workflow.apply_move(proposal, move_name, actor=actor, reason=reason)


def submit(proposal: Proposal, actor, arrived_at: datetime.datetime | None = None) -> ProposalVersion:
    """Freeze the draft as a new version with a receipt number and the time its request arrived.

    `arrived_at` is the server time at which the request reached us (request.arrived_at);
    the deadline judges it, and the receipt carries it.
    """
    arrived_at = arrived_at or timezone.now()
    with transaction.atomic():
        challenge = _lock_open_call_for(proposal, arrived_at)
        # of=self: FOR UPDATE on the joined challenge would undo the shared lock.
        locked = (Proposal.objects.select_for_update(of=("self",)).select_related("challenge", "organisation")
                  .get(pk=proposal.pk))
        if not actor.has_perm("proposals.edit_proposal", locked):
            raise NotAllowed()
        missing = missing_for_submission(locked)
        if missing:
            field, _message = missing[0]
            raise InvalidInput(" ".join(message for _f, message in missing), field=field)
        number = locked.versions.count() + 1
        locked = _move(locked, actor, "submit")
        version = ProposalVersion.objects.create(
            proposal=locked, number=number, receipt=f"ST-{locked.challenge_id}-{locked.pk}-{number:02d}",
            snapshot=snapshot(locked), submitted_by=actor, submitted_at=arrived_at,
        )
        notify(
            members_of(locked.organisation_id),
            format_lazy(_("Biên nhận hồ sơ {receipt}"), receipt=version.receipt),
            format_lazy(_("Hồ sơ «{title}» (phiên bản {n}) cho bài toán «{challenge}» đã được nhận lúc {when}."),
                        title=locked.title, n=number, challenge=locked.challenge.title,
                        when=to_the_second(version.submitted_at)),
            locked.get_absolute_url(),
        )
        # Every team member with an e-mail is told, once per proposal, what is done with their data
        # (Law 91/2025/QH15): the solver entered it, the member never agreed to anything here.
        send_third_party_notices("proposal_team", [(m.get("name"), m.get("email")) for m in locked.team], locked,
                                 actor=actor)
        # The applicant's confirmation that they told the team, with the notice version they were shown.
        record(actor, "team_informed_confirmed", locked, version=number, members=len(locked.team),
               notice_version=third_party_notice_version("proposal_team"))
        # The last step: the stored time is checked against the deadline as the database holds it.
        if not Challenge.objects.filter(pk=challenge.pk, call_closes_at__gt=version.submitted_at).exists():
            raise CallClosed(_("Đã hết hạn nhận hồ sơ trong lúc đang nộp; hồ sơ không được nhận. Bản nháp vẫn được giữ."))
    return version


def notified_team(proposal: Proposal) -> list[dict]:
    """The team as last handed in (the latest version's), whose members with an e-mail were sent the notice
    of the processing of their data; empty for a proposal never handed in."""
    version = proposal.latest_version()
    return list(version.snapshot.get("team") or []) if version is not None else []


def resend_team_notice(proposal: Proposal, position: int, actor) -> "ThirdPartyNotice":
    """Send again the notice to the team member at `position` (from 1) of the team last handed in: the person
    who handed the proposal in or DoST (proposals.resend_team_notice), once an hour at most per member."""
    if not actor.has_perm("proposals.resend_team_notice", proposal):
        raise NotAllowed()
    with transaction.atomic():
        team = notified_team(proposal)
        if not 1 <= position <= len(team):
            raise InvalidInput(_("Không có thành viên này trong hồ sơ đã nộp."))
        member = team[position - 1]
        return resend_third_party_notice("proposal_team", member.get("name") or "", member.get("email") or "",
                                         proposal, actor=actor)


def _lock_open_call_for(proposal: Proposal, arrived_at: datetime.datetime) -> Challenge:
    """The call check of a submission; a withdrawn proposal's refusal says it stays withdrawn."""
    try:
        return _lock_open_call(proposal.challenge, arrived_at)
    except CallClosed as closed:
        if Proposal.objects.filter(pk=proposal.pk, status=ProposalStatus.WITHDRAWN).exists():
            raise CallClosed(format_lazy(
                "{closed} {withdrawn}", closed=closed.message,
                withdrawn=_("Hồ sơ của tổ chức bạn đã được rút trước đó nên sẽ không được xét."))) from None
        raise


def withdraw(proposal: Proposal, actor, reason: str = "", arrived_at: datetime.datetime | None = None) -> Proposal:
    """Withdraw a submitted proposal, judged by the time its request arrived.

    Every member is told, the one who withdrew included: the notification and its e-mail
    stay when the page's answer is lost, and say that a withdrawn proposal is not considered.
    """
    arrived_at = arrived_at or timezone.now()
    with transaction.atomic():
        challenge = _lock_open_call(proposal.challenge, arrived_at)
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        locked = _move(locked, actor, "withdraw", reason)
        body = format_lazy(
            _("Hồ sơ «{title}» đã được rút lúc {when}. Hồ sơ đã rút không được xét, trừ khi được nộp lại "
              "trước hạn nhận hồ sơ {deadline}."),
            title=locked.title, when=to_the_second(arrived_at),
            deadline=to_the_second(challenge.call_closes_at or arrived_at))
        if reason:
            body = format_lazy("{body}\n{reason}", body=body,
                               reason=format_lazy(_("Lý do: {reason}"), reason=clean(reason)))
        notify(members_of(locked.organisation_id), format_lazy(_("Hồ sơ «{title}» đã được rút"), title=locked.title),
               body, locked.get_absolute_url())
    return locked


def add_attachment(proposal: Proposal, actor, upload, identifying: bool = False) -> ProposalAttachment:
    if not actor.has_perm("proposals.edit_proposal", proposal):
        raise NotAllowed()
    checked = check_upload(upload)
    with transaction.atomic():
        _lock_open_call(proposal.challenge)
        attachment = ProposalAttachment(proposal=proposal, original_name=clean(upload.name)[:255], kind=checked.kind,
                                        size=checked.size, identifying=identifying, uploaded_by=actor)
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        record(actor, "proposal_attachment_added", proposal, attachment=attachment.original_name)
    return attachment


def remove_attachment(attachment: ProposalAttachment, actor) -> None:
    """Take a file off the working draft; versions that listed it keep it."""
    proposal = attachment.proposal
    if not actor.has_perm("proposals.edit_proposal", proposal):
        raise NotAllowed()
    with transaction.atomic():
        _lock_open_call(proposal.challenge)
        ProposalAttachment.objects.filter(pk=attachment.pk).update(removed_at=timezone.now())
        record(actor, "proposal_attachment_removed", proposal, attachment=attachment.original_name)


def screen(proposal: Proposal, actor, passed: dict[int, bool], reason: str = "") -> Screening:
    """DoST checks a proposal against the eligibility checklist once the call has closed."""
    if not actor.has_perm("proposals.screen_proposal", proposal):
        raise NotAllowed()
    reason = clean(reason or "")
    criteria = list(EligibilityCriterion.objects.filter(active=True))
    checks = [{"criterion": c.pk, "text": c.text, "passed": bool(passed.get(c.pk))} for c in criteria]
    eligible = all(check["passed"] for check in checks)
    if not eligible and not reason:
        raise InvalidInput(_("Nêu lý do hồ sơ không hợp lệ; lý do được gửi tới tổ chức đăng ký."), field="reason")
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("challenge").get(pk=proposal.pk)
        if locked.challenge.is_open_for_proposals:
            raise InvalidInput(_("Chỉ kiểm tra tính hợp lệ sau khi hết hạn nhận hồ sơ."))
        locked = _move(locked, actor, "mark_eligible" if eligible else "mark_ineligible", reason)
        screening = Screening.objects.create(proposal=locked, checks=checks, eligible=eligible, reason=reason,
                                             screened_by=actor)
    return screening


def settle_after_decision(challenge: Challenge, actor, selected: Proposal | None) -> None:
    """Mark the chosen proposal selected and every other one still in the running not selected."""
    for proposal in Proposal.objects.select_for_update().filter(
        challenge=challenge, status__in=[ProposalStatus.ELIGIBLE, ProposalStatus.SUBMITTED]
    ):
        _move(proposal, actor, "select" if selected and proposal.pk == selected.pk else "not_select")
