"""Background work of the personal-data context: the export job and the periodic retention purge."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from sangtao.core import workflow
from sangtao.core.progress import Tracker, run_failed
from sangtao.core.tasks import FailureMessage, periodic, task
from sangtao.privacy.models import DataExport, ExportStatus, RetentionRule


def _export_failed(message: FailureMessage, run_id: str, export_id: int, **_arguments) -> None:
    """The export failed for good: the person reads why on their page, its job and their home."""
    run_failed(message, run_id)
    export = DataExport.objects.filter(pk=export_id).first()
    if export is not None and export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        workflow.apply_move(export, "fail", actor=workflow.SYSTEM,
                            changes={"message": str(message)[:300], "finished_at": timezone.now()})


@task(retries=2, backoff=10, on_failure=_export_failed)
def build_export(run_id: str, export_id: int) -> None:
    """Gather everything about the person into a ZIP, reporting progress through its job (core.progress)."""
    from sangtao.privacy.services import export_contents

    tracker = Tracker(run_id)
    tracker.begin(total=100)
    export = DataExport.objects.select_related("user").get(pk=export_id)
    workflow.apply_move(export, "start", actor=workflow.SYSTEM, changes={"job_id": tracker.run.pk, "message": ""})

    def progress(percent: int) -> None:
        tracker.advance(percent)

    content = export_contents(export.user, progress)
    export.file.save(f"export-{export.pk}.zip", ContentFile(content), save=False)
    workflow.apply_move(export, "finish", actor=workflow.SYSTEM, changes={
        "file": export.file.name, "finished_at": timezone.now(), "message": gettext("Sẵn sàng")})
    tracker.advance(100)
    tracker.finish(gettext_lazy("Bản xuất dữ liệu đã sẵn sàng để tải về."))


@periodic(every=3600)
def purge_expired_personal_data() -> dict[str, int]:
    """Apply the retention periods (data): old exports, accounts whose e-mail was never confirmed, and
    survey follow-up e-mails (the answer stays; only the address goes)."""
    from allauth.account.models import EmailAddress

    from sangtao.accounts.models import User

    days = dict(RetentionRule.objects.values_list("kind", "days"))
    now, purged = timezone.now(), {}
    if "data_exports" in days:
        old = DataExport.objects.filter(created_at__lt=now - datetime.timedelta(days=days["data_exports"]))
        for export in old:
            export.file.delete(save=False)
        purged["data_exports"] = old.delete()[0]
    if "unconfirmed_accounts" in days:
        cutoff = now - datetime.timedelta(days=days["unconfirmed_accounts"])
        unconfirmed = EmailAddress.objects.filter(verified=False, user__date_joined__lt=cutoff,
                                                  user__last_login__isnull=True).values_list("user_id", flat=True)
        confirmed = EmailAddress.objects.filter(verified=True).values_list("user_id", flat=True)
        stale = User.objects.filter(pk__in=unconfirmed, is_active=True, memberships__isnull=True).exclude(
            pk__in=confirmed)
        from sangtao.privacy.services import erase_account

        for user in stale:
            erase_account(user, actor=None)  # its consent and audit rows stay: a pseudonym replaces it
        purged["unconfirmed_accounts"] = len(stale)
    if "survey_followup_emails" in days:
        from sangtao.surveys.models import Response

        cutoff = now - datetime.timedelta(days=days["survey_followup_emails"])
        purged["survey_followup_emails"] = Response.objects.filter(
            submitted_at__lt=cutoff).exclude(follow_up_email="").update(follow_up_email="")
    return purged


@task(retries=4)  # a mail server that is away for a while gets five tries over about eight minutes
def send_third_party_notice(notice_id: int) -> None:
    """E-mail a person whose data someone else entered the notice of that purpose, in both languages
    (they have no account, so no language of their own), with a link to the notice page."""
    from django.apps import apps
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils import translation

    from sangtao.privacy.models import ThirdPartyNotice

    notice = ThirdPartyNotice.objects.select_related("purpose", "entered_by").filter(pk=notice_id).first()
    if notice is None:
        return
    model = apps.get_model(notice.object_type)
    obj = model._base_manager.filter(pk=notice.object_id).first()
    organisation = getattr(getattr(obj, "organisation", None), "name", "") or ""
    about = str(getattr(obj, "title", "") or obj or "")
    parts = []
    for language in ("vi", "en"):
        with translation.override(language):
            link = settings.SITE_URL + reverse("privacy:notices") + f"#{notice.purpose.key}"
            parts.append("\n\n".join([
                gettext("Kính gửi %(name)s,") % {"name": notice.name or notice.email},
                gettext("%(organisation)s đã đưa thông tin của bạn vào «%(about)s» trên Sáng Tạo.")
                % {"organisation": organisation or gettext("Một tổ chức"), "about": about},
                notice.purpose.notice, link]))
    send_mail(subject="[Sáng Tạo] Thông báo xử lý dữ liệu cá nhân / Notice on the processing of your personal data",
              message="\n\n----------\n\n".join(parts), from_email=settings.DEFAULT_FROM_EMAIL,
              recipient_list=[notice.email])
