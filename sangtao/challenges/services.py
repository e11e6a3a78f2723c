"""Every change to a challenge goes through a function here.

Each one checks the actor's permission, changes state in a transaction, writes an
append-only row (Transition for workflow moves, Version for edits, AuditEvent for
the rest) and queues notifications.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import (
    Attachment,
    Challenge,
    ClosingReminder,
    Field,
    Follow,
    Indicator,
    Question,
    QuestionStatus,
    ReviewComment,
    SelectionMode,
    Status,
    Transition,
    Version,
)
from sangtao.challenges.workflow import MOVES, followers_of
from sangtao.core import formats, workflow
from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.core.tasks import periodic
from sangtao.core.text import PHONE_MESSAGE, clean, is_phone_number
from sangtao.core.uploads import check_upload
from sangtao.notifications.services import notify
from sangtao.orgs.models import OrgUnit
from sangtao.orgs.roles import dost_coordinators, unit_staff
from sangtao.orgs.rules import is_dost_coordinator, is_staff_of
from sangtao.privacy import services as privacy

TEXT_FIELDS = (
    "title", "title_en", "summary", "summary_en", "problem_statement", "current_situation",
    "desired_outcomes", "beneficiaries", "related_services", "constraints", "timeline_notes",
    "contact_name", "contact_email", "contact_phone",
)
PLAIN_FIELDS = (
    "facet", "selection_mode", "budget_min_vnd", "budget_max_vnd", "timeline_start",
    "timeline_end", "call_opens_at", "call_closes_at",
)
INDICATOR_FIELDS = (
    "name", "unit_of_measure", "baseline_value", "baseline_date", "target_value", "target_date",
    "data_source",
)
INDICATOR_TEXT = ("name", "unit_of_measure", "data_source")
CLOSING_SOON = timedelta(days=3)

# The purpose under which a person's name is shown with their public question (issue 11, point 4).
PUBLISH_NAME = "publish_name"


# --- recipients ---------------------------------------------------------------------------

# --- content ------------------------------------------------------------------------------

def _validate_content(data: dict[str, Any], actor, owner_before: int | None = None) -> None:
    if not data.get("title"):
        raise InvalidInput(_("Tên bài toán là bắt buộc."), field="title")
    if not data.get("summary"):
        raise InvalidInput(_("Tóm tắt là bắt buộc."), field="summary")
    if not data.get("problem_statement"):
        raise InvalidInput(_("Nêu vấn đề là bắt buộc."), field="problem_statement")
    opens, closes = data.get("call_opens_at"), data.get("call_closes_at")
    if opens and closes and closes <= opens:
        raise InvalidInput(_("Hạn nhận hồ sơ phải sau thời điểm mở nhận hồ sơ."), field="call_closes_at")
    if data.get("contact_phone") and not is_phone_number(data["contact_phone"]):
        raise InvalidInput(PHONE_MESSAGE, field="contact_phone")
    start, end = data.get("timeline_start"), data.get("timeline_end")
    if start and end and end < start:
        raise InvalidInput(_("Ngày kết thúc dự kiến không thể trước ngày bắt đầu."), field="timeline_end")
    low, high = data.get("budget_min_vnd"), data.get("budget_max_vnd")
    if (low is not None and low < 0) or (high is not None and high < 0):
        raise InvalidInput(_("Kinh phí không được âm."), field="budget_min_vnd")
    if low is not None and high is not None and high < low:
        raise InvalidInput(_("Kinh phí tối đa phải lớn hơn hoặc bằng kinh phí tối thiểu."), field="budget_max_vnd")
    start, end = data.get("timeline_start"), data.get("timeline_end")
    if start and end and end < start:
        raise InvalidInput(_("Ngày kết thúc phải sau ngày bắt đầu."), field="timeline_end")
    owner = data.get("owner_unit")
    if owner is None:
        raise InvalidInput(_("Chọn đơn vị đặt hàng."), field="owner_unit")
    if not (is_dost_coordinator | is_staff_of).test(actor, owner):
        raise InvalidInput(_("Bạn chỉ có thể tạo bài toán cho đơn vị của mình."), field="owner_unit")
    if owner.is_dissolved and owner.pk != owner_before:  # a unit already merged away orders nothing new
        successors = ", ".join(unit.name for unit in owner.current_successors())
        raise InvalidInput(_("«%(unit)s» đã ngừng hoạt động sau ngày %(day)s%(successors)s.") % {
            "unit": owner.name, "day": formats.short_date(owner.valid_to),
            "successors": _("; đơn vị kế thừa: %(names)s") % {"names": successors} if successors else ""},
            field="owner_unit")
    if owner.pk in {unit.pk for unit in data.get("co_owner_units", [])}:
        raise InvalidInput(_("Đơn vị đặt hàng không thể đồng thời là đơn vị phối hợp."), field="co_owner_units")
    field = data.get("field")
    if field is None or not field.active:
        raise InvalidInput(_("Chọn một lĩnh vực đang dùng."), field="field")
    for position, indicator in enumerate(data.get("indicators", []), start=1):
        if not indicator.get("name") or not indicator.get("unit_of_measure"):
            raise InvalidInput(
                _("Chỉ số %(n)s cần tên và đơn vị tính.") % {"n": position}, field="indicators"
            )
        if indicator.get("baseline_date") and indicator.get("target_date") and (
            indicator["target_date"] < indicator["baseline_date"]
        ):
            raise InvalidInput(
                _("Chỉ số %(n)s: ngày mục tiêu phải sau ngày đo giá trị nền.") % {"n": position},
                field="indicators",
            )


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    for name in TEXT_FIELDS:
        cleaned[name] = clean(cleaned.get(name) or "")
    cleaned["tags"] = sorted({clean(tag).lower() for tag in cleaned.get("tags", []) if clean(tag)})
    cleaned["indicators"] = [
        {key: clean(item.get(key) or "") if key in INDICATOR_TEXT else item.get(key) for key in INDICATOR_FIELDS}
        for item in cleaned.get("indicators", [])
    ]
    return cleaned


def _apply_content(challenge: Challenge, data: dict[str, Any]) -> None:
    for name in TEXT_FIELDS + PLAIN_FIELDS:
        if name in data:
            setattr(challenge, name, data[name])
    challenge.field = data["field"]
    challenge.owner_unit = data["owner_unit"]
    challenge.tags = data["tags"]
    challenge.refresh_search_columns()


def _save_related(challenge: Challenge, data: dict[str, Any]) -> None:
    challenge.co_owner_units.set(data.get("co_owner_units", []))
    challenge.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(challenge=challenge, position=position, **item)
        for position, item in enumerate(data.get("indicators", []))
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot(challenge: Challenge) -> dict[str, Any]:
    """The editable content as plain JSON, for versions and diffs."""
    data = {name: getattr(challenge, name) for name in TEXT_FIELDS + PLAIN_FIELDS}
    data["field"] = challenge.field.name
    data["owner_unit"] = challenge.owner_unit.name
    data["co_owner_units"] = sorted(unit.name for unit in challenge.co_owner_units.all())
    data["tags"] = list(challenge.tags)
    data["indicators"] = [
        {name: _json_value(getattr(item, name)) for name in INDICATOR_FIELDS}
        for item in challenge.indicators.all()
    ]
    return {key: _json_value(value) for key, value in data.items()}


def create_draft(actor, data: dict[str, Any]) -> Challenge:
    if not actor.has_perm("challenges.create_challenge"):
        raise NotAllowed()
    data = _clean_data(data)
    _validate_content(data, actor)
    with transaction.atomic():
        challenge = Challenge(created_by=actor)
        _apply_content(challenge, data)
        challenge.save()
        _save_related(challenge, data)
        Version.objects.create(challenge=challenge, number=1, snapshot=snapshot(challenge), author=actor)
        Transition.objects.create(
            challenge=challenge, actor=actor, move=workflow.CREATED, from_status=Status.DRAFT, to_status=Status.DRAFT
        )
    return challenge


def update_draft(challenge: Challenge, actor, data: dict[str, Any], expected_version: int) -> Challenge:
    """Save an edit as a new version; refused if someone else saved in between."""
    data = _clean_data(data)
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if not actor.has_perm("challenges.edit_challenge", locked):
            raise NotAllowed(_("Chỉ sửa được bài toán ở trạng thái nháp (hoặc được yêu cầu chỉnh sửa)."))
        if locked.version != expected_version:
            raise StaleState(
                _("Bài toán đã được lưu phiên bản %(v)s trong lúc bạn sửa. Nội dung bạn nhập vẫn được giữ trên biểu mẫu; hãy xem phiên bản mới rồi lưu lại.")
                % {"v": locked.version},
                current_version=locked.version,
            )
        _validate_content(data, actor, owner_before=locked.owner_unit_id)
        _apply_content(locked, data)
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        _save_related(locked, data)
        Version.objects.create(
            challenge=locked, number=locked.version, snapshot=snapshot(locked), author=actor
        )
    return locked


# --- workflow -----------------------------------------------------------------------------

def apply_move(challenge: Challenge, actor, move_name: str, reason: str = "",
               expected_status: str | None = None) -> Challenge:
    """Apply one move of the challenge table, or refuse it without changing anything."""
    changes = {"published_at": timezone.now()} if MOVES[move_name].target == Status.PUBLISHED else None
    return workflow.apply_move(challenge, move_name, actor=actor, reason=reason, expected_state=expected_status,
                               changes=changes)


def submit(challenge, actor, reason="", expected_status=None):
    return apply_move(challenge, actor, "submit", reason, expected_status)


def unit_approve(challenge, actor, reason="", expected_status=None):
    return apply_move(challenge, actor, "unit_approve", reason, expected_status)


def unit_return(challenge, actor, reason="", expected_status=None):
    return apply_move(challenge, actor, "unit_return", reason, expected_status)


def approve(challenge, actor, reason="", expected_status=None):
    return apply_move(challenge, actor, "approve", reason, expected_status)


def request_changes(challenge, actor, reason="", expected_status=None):
    return apply_move(challenge, actor, "request_changes", reason, expected_status)


def reject(challenge, actor, reason="", expected_status=None):
    return apply_move(challenge, actor, "reject", reason, expected_status)


def publish(challenge, actor, reason="", expected_status=None):
    return apply_move(challenge, actor, "publish", reason, expected_status)


def close(challenge, actor, reason="", expected_status=None):
    return apply_move(challenge, actor, "close", reason, expected_status)


def withdraw(challenge, actor, reason="", expected_status=None):
    return apply_move(challenge, actor, "withdraw", reason, expected_status)


def cancel(challenge, actor, reason="", expected_status=None):
    return apply_move(challenge, actor, "cancel", reason, expected_status)


@periodic
def close_expired_calls() -> int:
    """Close every published open call whose window has ended (the system is the actor).

    The close's row lock waits for submissions in flight (they share-lock the row); those
    that arrived before the deadline are accepted even when they commit after the close.
    """
    expired = Challenge.objects.filter(
        status=Status.PUBLISHED, selection_mode=SelectionMode.OPEN, call_closes_at__lte=timezone.now()
    )
    closed = 0
    for challenge in expired:
        try:
            apply_move(challenge, workflow.SYSTEM, "close", str(_("Hết hạn nhận hồ sơ")), Status.PUBLISHED)
            closed += 1
        except StaleState:
            continue  # someone else moved it meanwhile
    return closed


@periodic
def send_closing_reminders() -> int:
    """Tell followers once when a call closes within three days."""
    now = timezone.now()
    due = Challenge.objects.filter(
        status=Status.PUBLISHED, call_closes_at__gt=now, call_closes_at__lte=now + CLOSING_SOON,
        closingreminder__isnull=True,
    )
    sent = 0
    for challenge in due:
        with transaction.atomic():
            _reminder, created = ClosingReminder.objects.get_or_create(challenge=challenge)
            if not created:
                continue
            notify(
                followers_of(challenge),
                format_lazy(_("«{title}» sắp hết hạn nhận hồ sơ"), title=challenge.title),
                format_lazy(_("Hạn nhận hồ sơ: {when}"), when=formats.short_datetime(challenge.call_closes_at)),
                challenge.get_absolute_url(),
            )
            sent += 1
    return sent


# --- comments and attachments ------------------------------------------------------------

def add_comment(challenge: Challenge, actor, body: str) -> ReviewComment:
    if not actor.has_perm("challenges.comment_challenge", challenge):
        raise NotAllowed()
    body = clean(body)
    if not body:
        raise InvalidInput(_("Nhận xét không được để trống."), field="body")
    with transaction.atomic():
        comment = ReviewComment.objects.create(challenge=challenge, author=actor, body=body)
        notify(
            list(unit_staff([challenge.owner_unit_id])) + list(dost_coordinators()
                                                                 if challenge.status == Status.DOST_REVIEW else []),
            format_lazy(_("Nhận xét mới về «{title}»"), title=challenge.title),
            body[:500], reverse("challenges:detail", args=[challenge.pk]), exclude=actor,
        )
    return comment


def add_attachment(challenge: Challenge, actor, upload) -> Attachment:
    if not actor.has_perm("challenges.edit_challenge", challenge):
        raise NotAllowed(_("Chỉ thêm tệp khi bài toán đang là bản nháp."))
    checked = check_upload(upload)
    with transaction.atomic():
        attachment = Attachment(
            challenge=challenge, original_name=clean(upload.name)[:255], kind=checked.kind,
            size=checked.size, uploaded_by=actor,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        record(actor, "attachment_added", challenge, attachment=attachment.original_name)
    return attachment


def remove_attachment(attachment: Attachment, actor) -> None:
    challenge = attachment.challenge
    if not actor.has_perm("challenges.edit_challenge", challenge):
        raise NotAllowed(_("Chỉ xóa tệp khi bài toán đang là bản nháp."))
    with transaction.atomic():
        record(actor, "attachment_removed", challenge, attachment=attachment.original_name)
        attachment.file.delete(save=False)
        attachment.delete()


# --- questions and answers ----------------------------------------------------------------

def ask_question(challenge: Challenge, actor, body: str, *, show_name: bool = False) -> Question:
    """A signed-in person's public question. `show_name`: the person ticked "show my name with my
    question", which records their consent to the publish_name purpose (with the notice version); the
    public Q&A shows the name only while that consent stands. Not ticking records nothing."""
    if not actor.has_perm("challenges.ask_question", challenge):
        raise NotAllowed(_("Chỉ đặt câu hỏi cho bài toán đang công bố, sau khi đăng nhập."))
    body = clean(body)
    if len(body) < 5:
        raise InvalidInput(_("Câu hỏi quá ngắn."), field="body")
    with transaction.atomic():
        # The same question sent again (a double click, a repeated post) while it awaits moderation is the
        # one already sent: the asker's row lock makes two posts at once see each other.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        sent = Question.objects.filter(challenge=challenge, asker=actor, body=body,
                                       status=QuestionStatus.PENDING).first()
        if sent is not None:
            return sent
        question = Question.objects.create(challenge=challenge, asker=actor, body=body)
        if show_name and not privacy.has_consent(actor, PUBLISH_NAME):
            privacy.give_consent(actor, PUBLISH_NAME)
        notify(
            unit_staff([challenge.owner_unit_id]),
            format_lazy(_("Câu hỏi mới chờ duyệt về «{title}»"), title=challenge.title),
            body[:500], reverse("challenges:detail", args=[challenge.pk]) + "#hoi-dap", exclude=actor,
        )
    return question


def moderate_question(question: Question, actor, *, approve: bool, note: str = "") -> Question:
    return workflow.apply_move(question, "approve" if approve else "reject", actor=actor, reason=note,
                               changes={"moderation_note": clean(note)[:500]})


def answer_question(question: Question, actor, answer: str) -> Question:
    answer = clean(answer)
    if not answer:
        raise InvalidInput(_("Câu trả lời không được để trống."), field="answer")
    return workflow.apply_move(question, "answer", actor=actor, changes={
        "answer": answer, "answered_by": actor, "answered_at": timezone.now()})


def post_clarification(challenge: Challenge, actor, body: str) -> Question:
    """A public clarification from the owner: published at once, as an answered item."""
    if not actor.has_perm("challenges.moderate_questions", challenge) or not challenge.is_public:
        raise NotAllowed()
    body = clean(body)
    if not body:
        raise InvalidInput(_("Nội dung làm rõ không được để trống."), field="body")
    with transaction.atomic():
        question = Question.objects.create(  # convention: allow status-outside-workflow -- born answered, no move
            challenge=challenge, asker=actor, is_clarification=True, body=body,
            status=QuestionStatus.ANSWERED, answered_by=actor, answered_at=timezone.now(),
        )
        notify(
            followers_of(challenge),
            format_lazy(_("Làm rõ mới về «{title}»"), title=challenge.title),
            body[:500], challenge.get_absolute_url() + f"#q{question.pk}", exclude=actor,
        )
    return question


# --- follows ------------------------------------------------------------------------------

def _follow_target(target) -> dict[str, Any]:
    if isinstance(target, Challenge):
        return {"challenge": target}
    if isinstance(target, Field):
        return {"field": target}
    if isinstance(target, OrgUnit):
        return {"unit": target}
    raise TypeError(f"cannot follow {type(target).__name__}")


def follow(user, target) -> Follow:
    if not user.is_authenticated:
        raise NotAllowed()
    follow_row, _created = Follow.objects.get_or_create(user=user, **_follow_target(target))
    return follow_row


def unfollow(user, target) -> int:
    if not user.is_authenticated:
        raise NotAllowed()
    deleted, _rows = Follow.objects.filter(user=user, **_follow_target(target)).delete()
    return deleted


def is_following(user, target) -> bool:
    return user.is_authenticated and Follow.objects.filter(user=user, **_follow_target(target)).exists()


# --- taxonomy -----------------------------------------------------------------------------

def save_field(actor, field: Field) -> Field:
    if not is_dost_coordinator.test(actor):
        raise NotAllowed()
    with transaction.atomic():
        try:
            with transaction.atomic():  # the form checked the name and slug; another save may have taken them since
                field.save()
        except IntegrityError:
            raise InvalidInput(_("Đã có một lĩnh vực cùng tên hoặc cùng mã (slug)."), field="name") from None
        # The field's name is part of each challenge's search text.
        challenges = list(Challenge.objects.filter(field=field).select_related("field", "owner_unit"))
        for challenge in challenges:
            challenge.field = field
            challenge.refresh_search_columns()
        Challenge.objects.bulk_update(challenges, ["search_exact", "search_folded"], batch_size=500)
        record(actor, "field_saved", field, name=field.name)
    return field


def shown_contact(challenge: Challenge) -> dict[str, str]:
    """The challenge's contact as others see it: nothing of a person who restricted the processing of their
    data (their name, address and phone are kept for the unit, not shown)."""
    from sangtao.privacy.services import restricted_emails

    if challenge.contact_email and restricted_emails([challenge.contact_email]):
        return {"contact_name": "", "contact_email": "", "contact_phone": ""}
    return {"contact_name": challenge.contact_name, "contact_email": challenge.contact_email,
            "contact_phone": challenge.contact_phone}
