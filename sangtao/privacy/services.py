"""Personal-data actions, one function each, every one audited."""

import datetime
import io
import json
import secrets
import zipfile
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from sangtao.core.audit import record
from sangtao.core.csv import BOM, Writer
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.core.models import AuditEvent
from sangtao.core.ratelimit import client_address
from sangtao.core.text import clean, sort_key
from sangtao.privacy.copies import erase_copies
from sangtao.privacy.defaults import third_party_purpose
from sangtao.privacy.models import (
    Consent,
    DataExport,
    ExportStatus,
    PersonalDataRead,
    ProcessingRestriction,
    Purpose,
    ReadKind,
    RestrictionStatus,
    ThirdPartyNotice,
)


def current_consents(user) -> dict[str, Consent]:
    """The latest consent row per purpose key (given or withdrawn)."""
    latest: dict[str, Consent] = {}
    for consent in Consent.objects.filter(user=user).select_related("purpose").order_by("at", "pk"):
        latest[consent.purpose.key] = consent
    return latest


def has_consent(user, purpose_key: str) -> bool:
    consent = current_consents(user).get(purpose_key)
    return bool(consent and consent.given)


def consent_given_expression(user_field: str, purpose_key: str):
    """An expression for a queryset's annotate(): whether the person in `user_field` currently consents
    to the purpose (their latest row is a giving). Silence (no row) is False. One subquery inside the
    list's own statement, so a page of 50 questions does not ask 50 times."""
    latest = Consent.objects.filter(user=models.OuterRef(user_field), purpose__key=purpose_key).order_by("-at", "-pk")
    return Coalesce(Subquery(latest.values("given")[:1]), Value(False), output_field=models.BooleanField())


def follow_up_allowed_expression(consent_field: str):
    """An expression for annotate(): whether a survey response's follow-up e-mail may be used. An
    anonymous respondent's (no consent record: `consent_field` null) is what they ticked on the form;
    a signed-in respondent's only while their survey_followup consent stands (withdrawal stops it)."""
    return models.Case(
        models.When(**{f"{consent_field}__isnull": True}, then=Value(True)),
        default=consent_given_expression(f"{consent_field}__user", "survey_followup"),
        output_field=models.BooleanField())


# Sent when a person gives or withdraws a consent, inside its transaction: a context that keeps data
# on that ground erases it on withdrawal (accounts: the phone and identity level of "profile").
consent_changed = Signal()


def _set_consent(user, purpose_key: str, given: bool, request=None) -> Consent:
    purpose = Purpose.objects.get(key=purpose_key)
    with transaction.atomic():
        # The person's row before the chain of their consents, as every writer of a consent takes them
        # (a question asked with "show my name" locks its asker first): in the other order, a consent given
        # on the privacy page and one given with a question waited on each other (a deadlock).
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        consent = Consent.objects.create(user=user, purpose=purpose, version=purpose.version, given=given)
        record(user, "consent_given" if given else "consent_withdrawn", consent, purpose=purpose.key,
               version=purpose.version, ip=client_address(request) if request is not None else "")
        consent_changed.send(sender=Consent, user=user, purpose=purpose.key, given=given)
    return consent


def give_consent(user, purpose_key: str, request=None) -> Consent:
    return _set_consent(user, purpose_key, True, request)


def withdraw_consent(user, purpose_key: str, request=None) -> Consent:
    """Withdraw a consent. The account's own purpose cannot be withdrawn alone: that is deleting the account."""
    if Purpose.objects.filter(key=purpose_key, required=True).exists():
        raise NotAllowed()
    return _set_consent(user, purpose_key, False, request)


# What an erased account leaves behind, why, and for how long (shown before and after deletion).
KEPT_ON_DELETION = [
    (_("Các phiên bản hồ sơ đề xuất đã nộp, điểm chấm của hội đồng, quyết định"),
     _("Là hồ sơ của một thủ tục lựa chọn công khai; người khiếu nại và cơ quan thanh tra cần đối chiếu"),
     _("10 năm kể từ quyết định (lưu trữ hồ sơ công việc)")),
    (_("Nhật ký kiểm toán và nhật ký truy cập dữ liệu cá nhân"),
     _("Chứng cứ về ai đã làm gì, được xâu chuỗi bằng mã băm nên không sửa được"),
     _("5 năm")),
    (_("Bản ghi đồng ý và rút lại đồng ý"),
     _("Chứng minh việc xử lý trước đây có căn cứ"),
     _("5 năm")),
    (_("Các phiên bản đã lưu của bài toán và kế hoạch năm, có thể ghi bạn là người liên hệ hoặc người phụ trách"),
     _("Là lịch sử thay đổi của hồ sơ công, được xâu chuỗi bằng mã băm nên không sửa được"),
     _("Như hồ sơ mà phiên bản thuộc về")),
    (_("Tên và thời điểm của công việc chạy nền thuộc một hồ sơ chung (báo cáo tổng hợp của thành phố, phân công "
       "chuyên gia chấm), không có tệp kết quả của bạn"),
     _("Là một phần của hồ sơ chung đó"),
     _("Như hồ sơ mà công việc thuộc về")),
]
PSEUDONYM_PREFIX = "xoa-"


def log_read(reader, kind: str, *, subject=None, subject_label: str = "", obj=None, reason: str = "") -> None:
    """Record that reader saw a person's personal data (contact details, CV, team data, a survey e-mail)."""
    PersonalDataRead.objects.create(
        reader=reader if getattr(reader, "is_authenticated", False) else None, subject=subject,
        subject_label=clean(subject_label)[:200], kind=kind,
        object_type=obj._meta.label_lower if obj is not None else "", object_id=str(obj.pk) if obj is not None else "",
        reason=clean(reason)[:200])


def log_team_read(reader, proposal, reason=None, team: list[dict] | None = None) -> None:
    """An official saw a proposal's team (or `team`, that of one of its versions): one row per member, a CV
    read where the member's experience (their CV) is shown, a team-data read otherwise. A blind reviewer
    reads CVs without names: logged all the same."""
    _log_team_reads(reader, [(proposal, proposal.team if team is None else team)], reason)


def log_team_reads(reader, proposals, reason=None, restricted: set[str] | None = None) -> None:
    """An official saw these proposals' teams (a list through the API): the rows of log_team_read for each,
    in one insert; `restricted`: the restricted members' addresses when the caller has them."""
    _log_team_reads(reader, [(proposal, proposal.team) for proposal in proposals], reason, restricted)


def _accounts_by_email(emails) -> dict[str, Any]:
    """The accounts these addresses belong to, by address in lower case (one query): a read of data someone
    else entered about a person with an account is shown to that person."""
    wanted = {clean(str(email or "")).lower() for email in emails} - {""}
    if not wanted:
        return {}
    return {user.email.lower(): user for user in get_user_model().objects.filter(email__in=wanted)}


def _log_team_reads(reader, teams, reason=None, restricted: set[str] | None = None) -> None:
    reason = reason or gettext_noop("Xem hồ sơ đề xuất")  # stored as the source text, shown translated
    emails = [member.get("email") for _proposal, team in teams for member in team]
    if restricted is None:
        restricted = restricted_emails(emails)
    accounts = _accounts_by_email(emails)
    rows = []
    for proposal, team in teams:
        for member in team_as_shown(team, restricted):
            if member.get("restricted"):
                continue  # nothing of theirs but the name was shown
            kind = ReadKind.CV if str(member.get("experience") or "").strip() else ReadKind.TEAM
            rows.append(PersonalDataRead(
                reader=reader if getattr(reader, "is_authenticated", False) else None,
                subject=accounts.get(str(member.get("email") or "").strip().lower()),
                subject_label=clean(str(member.get("name") or ""))[:200], kind=kind,
                object_type=proposal._meta.label_lower, object_id=str(proposal.pk), reason=reason))
    if rows:
        PersonalDataRead.objects.bulk_create(rows)


def log_contact_reads(reader, users, reason: str) -> None:
    """Reader saw these people's contact details on one page (a list of users, an organisation's members):
    one row each, in one insert. `reason` is a source text (gettext_noop), shown in the reader's language."""
    rows = [PersonalDataRead(reader=reader if getattr(reader, "is_authenticated", False) else None, subject=user,
                             kind=ReadKind.CONTACT, object_type=user._meta.label_lower, object_id=str(user.pk),
                             reason=reason) for user in users if user.pk != getattr(reader, "pk", None)]
    if rows:
        PersonalDataRead.objects.bulk_create(rows)


def log_survey_email_reads(reader, responses, reason=None) -> None:
    """An official saw survey respondents' follow-up e-mails: one row per response shown with one, in one
    insert (a page of 50 answers is not 50 statements)."""
    reason = reason or gettext_noop("Xem ý kiến người trả lời khảo sát")  # stored as the source text
    responses = [response for response in responses if response.follow_up_email]
    accounts = _accounts_by_email(response.follow_up_email for response in responses)
    rows, seen = [], set()
    for response in responses:
        if response.pk in seen:
            continue
        seen.add(response.pk)
        rows.append(PersonalDataRead(
            reader=reader if getattr(reader, "is_authenticated", False) else None,
            subject=accounts.get(response.follow_up_email.lower()),
            subject_label=response.follow_up_email[:200], kind=ReadKind.SURVEY_EMAIL,
            object_type=response._meta.label_lower, object_id=str(response.pk), reason=reason))
    if rows:
        PersonalDataRead.objects.bulk_create(rows)


def reads_of(user):
    """Who read this person's personal data (the person and DoST see it)."""
    return PersonalDataRead.objects.filter(subject=user).select_related("reader")


def name_readers(reads) -> list:
    """The reads as the person is shown them: each with `reader_shown`, the reader's name, except a
    selection council's member reading a proposal's team (a blind reviewer's name is not told to the
    applicants' side): their role instead. DoST's coordinators are named."""
    from sangtao.orgs.roles import dost_coordinators

    reads = list(reads)
    dost = set(dost_coordinators().filter(pk__in={read.reader_id for read in reads}).values_list("pk", flat=True))
    for read in reads:
        if read.reader is None:
            read.reader_shown = "—"
        elif read.object_type == "proposals.proposal" and read.reader_id not in dost:
            read.reader_shown = _("Thành viên hội đồng tuyển chọn")
        else:
            read.reader_shown = read.reader.display_name
    return reads


def request_export(user) -> DataExport:
    with transaction.atomic():
        export = DataExport.objects.create(user=user)
        record(user, "data_export_requested", export)
        from sangtao.core.progress import start_job
        from sangtao.privacy.jobs import build_export

        # The job's title names no personal data: the run outlives the export the purge deletes.
        job = start_job(build_export, user, _("Xuất dữ liệu cá nhân của tôi"), back_url=reverse("privacy:mine"),
                        total=100, export_id=export.pk)
        DataExport.objects.filter(pk=export.pk).update(job=job)
        export.job = job
    return export


def export_response(user, pk: int):
    export = DataExport.objects.filter(pk=pk, user=user, status=ExportStatus.READY).first()
    if export is None or not export.file:
        raise Http404
    log_read(user, ReadKind.EXPORT, subject=user, obj=export, reason=gettext("Người dùng tải bản xuất của mình"))
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=f"sangtao-du-lieu-{user.pk}.zip")


def _holders() -> list[tuple[type[models.Model], str]]:
    """Every model with a foreign key to the user, and the field: where the platform holds a person's data."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is user_model and field.concrete:
                found.append((model, field.name))
    return found


SECRET_FIELDS = {"password", "digest", "secret", "key", "data", "token", "token_secret", "hash", "prev_hash"}


def _row(instance: models.Model) -> dict:
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS and field.name != "data":
            continue
        if field.name == "data" and instance._meta.label_lower.startswith("mfa."):
            continue  # a second factor's secret
        value = field.value_from_object(instance)
        values[field.name] = value if isinstance(value, (int, float, bool, type(None), list, dict)) else str(value)
    return values


def export_contents(user, progress=None) -> bytes:
    """A ZIP: everything.json (every table holding rows about the person) and one CSV per table."""
    from sangtao.privacy.copies import HOLDINGS

    # The rows that point to the account, then those that hold the person's data otherwise (copies of
    # their name or address, rows reached through their expert profile: privacy.copies), then the audit
    # rows about the account that others or the system wrote (failed sign-ins, reset requests).
    parts: list[tuple[str, Any]] = [(f"{model._meta.label_lower}.{field}", model._base_manager.filter(**{field: user}))
                                    for model, field in _holders()]
    parts += [(holding.label, holding.rows(user)) for holding in HOLDINGS.values()]
    parts.append(("core.auditevent.about", AuditEvent.objects.filter(object_type=user._meta.label_lower,
                                                                      object_id=str(user.pk))))
    everything: dict[str, list[dict]] = {"accounts.user": [_row(user)]}
    for number, (name, rows) in enumerate(parts, start=1):
        found = [_row(instance) for instance in rows.order_by("pk").iterator(chunk_size=2000)]
        if found:
            everything.setdefault(name, []).extend(found)
        if progress is not None:
            progress(int(number * 90 / max(len(parts), 1)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("everything.json", json.dumps(everything, ensure_ascii=False, indent=1, default=str))
        for name, rows in everything.items():
            text = io.StringIO()
            writer = Writer(text)
            columns = list(rows[0])
            writer.writerow(columns)
            for row in rows:
                writer.writerow([json.dumps(row[c], ensure_ascii=False, default=str)
                                 if isinstance(row[c], (list, dict)) else row[c] for c in columns])
            archive.writestr(f"{name}.csv", BOM + text.getvalue())
    return buffer.getvalue()


def _erase_expert_profile(user) -> None:
    """An expert's CV, title, workplace and fields go; the expert row stays, inactive, for the seats
    and scores of past councils that point to it (pseudonymised through the user)."""
    from sangtao.review.models import Expert

    expert = Expert.objects.filter(user=user).first()
    if expert is not None:
        Expert.objects.filter(pk=expert.pk).update(profile="", title="", organisation_name="",
                                                   organisation_tax_code="", active=False)
        expert.fields.clear()
        expert.relationships.all().delete()  # employers and clients: the conflicts of councils to come


def _erase_job_runs(user) -> int:
    """The background jobs the person started (core JobRun): every result file goes (an export of survey
    answers, a report). A run that a shared record points to (a city report, a reviewer assignment) stays,
    emptied of its file, errors and message, under the pseudonym; every other run is deleted. Returns the
    number of result files deleted."""
    from sangtao.core.models import JobRun

    runs = JobRun.objects.filter(created_by=user)
    files = 0
    for run in runs.exclude(result=""):
        run.result.delete(save=False)
        files += 1
    kept: set = set()
    relations = [field for field in JobRun._meta.get_fields(include_hidden=True)  # related_name="+" is hidden
                 if isinstance(field, models.ForeignObjectRel)]
    for relation in relations:  # the records that point to a run (one-to-one, PROTECT)
        holder = relation.field.model  # the model with the key to a run
        kept.update(holder._base_manager.filter(**{f"{relation.field.name}__in": runs})
                    .values_list(relation.field.attname, flat=True))
    runs.exclude(pk__in=kept).delete()
    runs.filter(pk__in=kept).update(result="", errors=[], error_count=0, message="", message_args={})
    return files


def erase_account(user, actor) -> dict[str, int]:
    """Delete what can be deleted, and replace the person's identifying fields with a pseudonym where
    the record must stay (the user row that proposals, scores, decisions and the audit chain point to).
    Append-only rows are not touched, so every hash chain stays valid. Returns what was deleted, counted,
    for the person to be told: their data exports and the result files of the jobs they ran."""
    pseudonym = f"{PSEUDONYM_PREFIX}{user.pk}-{secrets.token_hex(4)}"
    with transaction.atomic():
        from allauth.account.models import EmailAddress
        from allauth.mfa.models import Authenticator
        from allauth.socialaccount.models import SocialAccount

        EmailAddress.objects.filter(user=user).delete()
        SocialAccount.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        user.api_tokens.all().delete()
        exports = list(user.data_exports.all())
        for export in exports:
            export.file.delete(save=False)
        user.data_exports.all().delete()
        job_files = _erase_job_runs(user)  # after the exports, whose runs they point to
        _erase_expert_profile(user)
        for purpose_key, consent in current_consents(user).items():  # nothing is done with their data any more
            if consent.given:
                _set_consent(user, purpose_key, False)
        copies = erase_copies(user, pseudonym, actor=actor)  # found by the address and name the account still has
        get_user_model().objects.filter(pk=user.pk).update(
            username=pseudonym, email=f"{pseudonym}@deleted.invalid", full_name="", first_name="", last_name="",
            sort_name=sort_key(pseudonym),  # the old one spells the name out, letter by letter
            is_active=False, password="!" + secrets.token_urlsafe(16))  # noqa: S106 -- an unusable password
        erased = {"exports": len(exports), "job_files": job_files, "copies": copies}
        record(actor, "account_erased", user, pseudonym=pseudonym, **erased)
    return erased



# --- notices to people whose data someone else entered -------------------------------------------

def send_third_party_notices(purpose_key: str, people, obj, *, actor) -> list[ThirdPartyNotice]:
    """Tell each person (name, e-mail) whose data `actor` entered on `obj` what is done with it, once
    per record, e-mail and notice version: a row each (append-only) and an e-mail queued with the change."""
    from sangtao.privacy.jobs import send_third_party_notice

    purpose = third_party_purpose(Purpose, purpose_key)
    object_type, object_id = obj._meta.label_lower, str(obj.pk)
    already = set(ThirdPartyNotice.objects.filter(purpose=purpose, version=purpose.version, object_type=object_type,
                                                  object_id=object_id).values_list("email", flat=True))
    sent = []
    for name, email in people:
        email = clean(email or "").lower()
        if "@" not in email or email in already:
            continue
        already.add(email)
        notice = ThirdPartyNotice.objects.create(
            purpose=purpose, version=purpose.version, name=clean(name or "")[:200], email=email,
            object_type=object_type, object_id=object_id,
            entered_by=actor if getattr(actor, "is_authenticated", False) else None)
        send_third_party_notice.enqueue(notice_id=notice.pk)
        sent.append(notice)
    if sent:
        record(actor, "third_party_notices_sent", obj, purpose=purpose_key, count=len(sent))
    return sent


# A notice sent again to the same person about the same record waits this long after the last one:
# a button pressed twice, or pressed in anger, does not flood someone who never asked for an account.
RESEND_AFTER = datetime.timedelta(hours=1)


def resend_third_party_notice(purpose_key: str, name: str, email: str, obj, *, actor) -> ThirdPartyNotice:
    """Send the notice of `purpose_key` again to one person whose data was entered on `obj` (the caller,
    the owning context's service, has checked that `actor` may): an append-only row with the notice version
    in force now, an audit row, and the e-mail queued with the change. Refused while a notice to the same
    address about the same record is less than RESEND_AFTER old."""
    from django.utils import timezone

    from sangtao.privacy.jobs import send_third_party_notice

    email = clean(email or "").lower()
    if "@" not in email:
        raise InvalidInput(_("Thành viên này không có email để gửi thông báo."))
    purpose = third_party_purpose(Purpose, purpose_key)
    object_type, object_id = obj._meta.label_lower, str(obj.pk)
    with transaction.atomic():
        previous = ThirdPartyNotice.objects.select_for_update().filter(
            object_type=object_type, object_id=object_id, email=email).order_by("-at", "-pk").first()
        if previous is not None and previous.at > timezone.now() - RESEND_AFTER:
            raise StaleState(_("Thông báo vừa được gửi cho người này trong vòng một giờ qua; hãy gửi lại sau."))
        notice = ThirdPartyNotice.objects.create(
            purpose=purpose, version=purpose.version, name=clean(name or "")[:200], email=email,
            object_type=object_type, object_id=object_id,
            entered_by=previous.entered_by if previous is not None else actor)  # who entered the data
        record(actor, "third_party_notice_resent", obj, purpose=purpose_key, notice=notice.pk,
               version=purpose.version)  # who sent it again
        send_third_party_notice.enqueue(notice_id=notice.pk)
    return notice


def third_party_notice_version(purpose_key: str) -> int:
    """The version of the notice to third persons now in force (what an applicant confirms they passed on)."""
    return third_party_purpose(Purpose, purpose_key).version


def third_party_purpose_for_notice(purpose_key: str = "proposal_team") -> Purpose:
    """The purpose whose notice a third person is sent (its text, in the reader's language, and version)."""
    return third_party_purpose(Purpose, purpose_key)


def third_party_notices_for(obj):
    return ThirdPartyNotice.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


# --- restriction of processing ---------------------------------------------------------------

def is_restricted(user) -> bool:
    """Whether the processing of this person's data is restricted now (their data is kept, not shown)."""
    return bool(getattr(user, "pk", None)) and ProcessingRestriction.objects.filter(
        user_id=user.pk, status=RestrictionStatus.ACTIVE).exists()


def restricted_users():
    """The people who restricted the processing of their data now, as a subquery of user ids."""
    return ProcessingRestriction.objects.filter(status=RestrictionStatus.ACTIVE).values("user_id")


def restricted_among(user_ids) -> set[int]:
    """Which of these people have restricted the processing of their data (one query for a page of people)."""
    ids = {pk for pk in user_ids if pk}
    if not ids:
        return set()
    return set(ProcessingRestriction.objects.filter(user_id__in=ids, status=RestrictionStatus.ACTIVE)
               .values_list("user_id", flat=True))


def restricted_emails(emails) -> set[str]:
    """Which of these e-mail addresses belong to a person who restricted the processing of their data."""
    wanted = {clean(str(email or "")).lower() for email in emails} - {""}
    if not wanted:
        return set()
    return set(ProcessingRestriction.objects.filter(user__email__in=wanted, status=RestrictionStatus.ACTIVE)
               .values_list("user__email", flat=True))


def team_as_shown(team: list[dict], restricted: set[str] | None = None) -> list[dict]:
    """A proposal's team as officials see it: a member who has an account and restricted the processing of
    their data shows with their name and role only (no e-mail, no CV); `restricted` marks them. A list of
    proposals passes the restricted addresses among all their teams, asked once."""
    if restricted is None:
        restricted = restricted_emails(member.get("email") for member in team)
    if not restricted:
        return team
    return [{"name": member.get("name", ""), "role": member.get("role", ""), "email": "", "experience": "",
             "restricted": True} if str(member.get("email") or "").lower() in restricted else member
            for member in team]


def active_restriction(user) -> ProcessingRestriction | None:
    return ProcessingRestriction.objects.filter(user=user, status=RestrictionStatus.ACTIVE).first()


def request_restriction(user, reason: str, *, actor) -> ProcessingRestriction:
    """The person asks to restrict the processing of their data; DoST's coordinators are told to act."""
    from sangtao.notifications.services import notify
    from sangtao.orgs.roles import dost_coordinators

    if actor is None or actor.pk != user.pk:
        raise NotAllowed()
    reason = clean(reason or "")
    if not reason:
        raise InvalidInput(_("Cần nêu lý do."), field="reason")
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one request at a time
        if ProcessingRestriction.objects.filter(user=user, status=RestrictionStatus.ACTIVE).exists():
            raise StaleState(_("Việc xử lý dữ liệu của bạn đang được hạn chế."))
        restriction = ProcessingRestriction.objects.create(user=user, reason=reason)
        record(actor, "processing_restricted", user, reason=reason)
        notify(dost_coordinators(), _("Yêu cầu hạn chế xử lý dữ liệu cá nhân"),
               _("Một người dùng yêu cầu hạn chế xử lý dữ liệu cá nhân của mình; xem và gỡ khi không còn căn cứ."),
               reverse("privacy:restrictions"), action_needed=True,
               subject=f"processing_restriction:{restriction.pk}")
    return restriction


def lift_restriction(restriction: ProcessingRestriction, reason: str, *, actor) -> ProcessingRestriction:
    """DoST lifts a restriction (a reason is required); the person is told."""
    from django.utils import timezone

    from sangtao.core.workflow import apply_move

    return apply_move(restriction, "lift", actor=actor, reason=reason,
                      changes={"lifted_at": timezone.now(), "lifted_by": actor, "lift_reason": clean(reason or "")})
