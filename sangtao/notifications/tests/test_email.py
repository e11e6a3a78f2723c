"""The e-mails of notifications: one job for everyone a change tells, each person's e-mail sent once, and
one refused by the mail server not stopping the others."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from conftest import make_user
from sangtao.core.tasks import TaskResultRow, run_pending
from sangtao.notifications import services
from sangtao.notifications.models import Notification

pytestmark = pytest.mark.django_db

REFUSED = {"b@example.vn"}


class RefusingBackend(EmailBackend):
    """The test outbox, except that the mail server refuses the addresses in REFUSED."""

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & REFUSED:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(message.to, (550, b"no such user")))
        return super().send_messages(messages)


class AwayBackend(EmailBackend):
    """A mail server that does not answer."""

    tried = 0

    def send_messages(self, messages):
        AwayBackend.tried += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def people():
    return [make_user(name) for name in ("a", "b", "c")]


def test_one_job_sends_everyone_told_their_email_once(people):
    notes = services.notify(people, "Bài toán đã công bố", "Nội dung", "/challenges/1/")
    assert TaskResultRow.objects.filter(task_path=services.send_notification_emails.module_path).count() == 1
    run_pending()
    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.vn", "b@example.vn", "c@example.vn"]
    assert all("http://" in message.body and "/challenges/1/" in message.body for message in mail.outbox)
    assert Notification.objects.filter(pk__in=[n.pk for n in notes], emailed_at__isnull=True).count() == 0
    services.send_notification_emails(notification_ids=[n.pk for n in notes])  # a second run sends nothing
    assert len(mail.outbox) == 3


def test_an_address_the_server_refuses_does_not_stop_the_others_and_only_it_is_tried_again(people, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    notes = Notification.objects.bulk_create([Notification(recipient=person, title="Nhắc hạn") for person in people])
    ids = [note.pk for note in notes]
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        services.send_notification_emails(notification_ids=ids)
    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.vn", "c@example.vn"]
    assert list(Notification.objects.filter(emailed_at__isnull=True).values_list("recipient__username", flat=True)) == ["b"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server takes it now
    services.send_notification_emails(notification_ids=ids)
    assert [message.to[0] for message in mail.outbox] == ["a@example.vn", "c@example.vn", "b@example.vn"]


def test_a_job_queued_for_one_notification_before_batches_still_sends_it(people):
    note = Notification.objects.create(recipient=people[0], title="Nhắc hạn")
    services.send_notification_email.enqueue(notification_id=note.pk)
    run_pending()
    assert [message.to for message in mail.outbox] == [["a@example.vn"]]


def test_a_mail_server_that_is_away_ends_the_job_at_once_for_its_retry(people, settings):
    settings.EMAIL_BACKEND = f"{__name__}.AwayBackend"
    notes = Notification.objects.bulk_create([Notification(recipient=person, title="Nhắc hạn") for person in people])
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.send_notification_emails(notification_ids=[note.pk for note in notes])
    assert AwayBackend.tried == 1 and not Notification.objects.filter(emailed_at__isnull=False).exists()


def test_a_change_telling_more_people_than_a_batch_queues_a_job_for_each_batch(people, monkeypatch):
    monkeypatch.setattr(services, "EMAIL_BATCH", 2)
    services.notify(people, "Bài toán đã công bố", "Nội dung")
    assert TaskResultRow.objects.filter(task_path=services.send_notification_emails.module_path).count() == 2
    run_pending()
    assert len(mail.outbox) == 3
