"""Queue notifications: an in-app row for each recipient and an email sent by the worker."""

import smtplib
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation

from sangtao.core.tasks import task
from sangtao.notifications.models import Notification


def notify(recipients: Iterable, title, body, url: str = "", exclude=None, *,
           action_needed: bool | Callable[[Any], bool] = False, subject: str = "") -> list[Notification]:
    """Create notifications, rendering lazy title/body in each recipient's language.

    Call inside the transaction of the change that causes them: nothing is sent
    if that change rolls back. `action_needed` (or a function of the recipient saying so) files
    it under "cần xử lý" rather than "để biết"; `subject` ("<kind>:<pk>") names what it is about,
    so that `resolve(subject)` clears it once the action is done.
    """
    notes = []
    seen = set()
    for user in recipients:
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk) or not user.is_active:
            continue
        seen.add(user.pk)
        with translation.override(user.language):
            needed = action_needed(user) if callable(action_needed) else action_needed
            notes.append(Notification(recipient=user, title=str(title)[:300], body=str(body), url=url,
                                      action_needed=bool(needed), subject=subject[:100]))
    # One insert, and one e-mail job for each EMAIL_BATCH of them: a publication told to a thousand
    # followers was a thousand jobs.
    created = Notification.objects.bulk_create(notes)
    for start in range(0, len(created), EMAIL_BATCH):
        send_notification_emails.enqueue(notification_ids=[note.pk for note in created[start:start + EMAIL_BATCH]])
    return created


EMAIL_BATCH = 500  # notifications an e-mail job sends (and ids its query names: SQLite's limit is far above)
# What the mail server says of one address (or one message) only: the others are still sent.
REFUSED_ONE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


@task(retries=4)  # a mail server that is away for a while gets five tries over about eight minutes
def send_notification_emails(notification_ids: list[int]) -> None:
    """Each notification's e-mail, once, over one connection to the mail server: an address it refuses does
    not stop the others, and the job then fails so that its retry sends what is left (what was sent is
    marked and not sent again). A server that is away or does not answer (EMAIL_TIMEOUT) ends the job at
    once, for its retry."""
    refused = None
    notes = Notification.objects.select_related("recipient").filter(pk__in=notification_ids, emailed_at__isnull=True)
    with get_connection() as connection:
        for note in notes.order_by("pk"):
            if not note.recipient.email:
                continue
            link = f"{settings.SITE_URL}{note.url}" if note.url else ""
            message = EmailMessage(f"[Sáng Tạo] {note.title}", f"{note.body}\n\n{link}".strip(),
                                   settings.DEFAULT_FROM_EMAIL, [note.recipient.email], connection=connection)
            try:
                message.send()
            except REFUSED_ONE as error:
                refused = refused or error
                continue
            Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    if refused is not None:
        raise refused


@task(retries=4)
def send_notification_email(notification_id: int) -> None:
    """One notification's e-mail: the job as it was queued before they went in batches, kept so that a job
    still queued at an upgrade is sent, not lost (it can go in the release after the next)."""
    send_notification_emails(notification_ids=[notification_id])


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, ids: list[int] | None = None) -> int:
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())


def resolve(subject: str, recipient=None) -> int:
    """The action the notifications about `subject` asked for (of `recipient`, else of everyone) is done:
    they no longer wait (marked read)."""
    if not subject:
        return 0
    notes = Notification.objects.filter(subject=subject, action_needed=True, read_at__isnull=True)
    if recipient is not None:
        notes = notes.filter(recipient=recipient)
    return notes.update(read_at=timezone.now())


def unread_action_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True, action_needed=True).count()
