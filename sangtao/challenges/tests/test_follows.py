from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from conftest import ApiClient, client_for
from sangtao.challenges import services
from sangtao.challenges.models import Challenge, Follow, Status
from sangtao.notifications.models import Notification


@pytest.mark.django_db
def test_following_a_field_notifies_of_new_publications_in_app_and_by_email(make_challenge, outsider, field, dost,
                                                                            process_tasks):
    client_for(outsider).post(f"/follow/field/{field.pk}/")
    assert Follow.objects.filter(user=outsider, field=field).exists()
    challenge = make_challenge(Status.APPROVED)
    services.publish(challenge, dost)
    note = Notification.objects.get(recipient=outsider)
    assert challenge.title in note.title
    assert mail.outbox == []  # email goes out through the worker, not in the request
    process_tasks()
    assert any(outsider.email in message.to and challenge.title in message.subject for message in mail.outbox)


@pytest.mark.django_db
def test_following_a_unit_notifies_of_new_publications(make_challenge, outsider, health, dost):
    services.follow(outsider, health)
    services.publish(make_challenge(Status.APPROVED), dost)
    assert Notification.objects.filter(recipient=outsider).count() == 1


@pytest.mark.django_db
def test_challenge_followers_hear_answers_and_closing_in_three_days_once(make_challenge, outsider, solver, officer):
    challenge = make_challenge(Status.PUBLISHED)
    client_for(solver).post(f"/follow/challenge/{challenge.pk}/")
    question = services.ask_question(challenge, outsider, "Câu hỏi về dữ liệu")
    services.answer_question(question, officer, "Dữ liệu mở")
    assert Notification.objects.filter(recipient=solver, title__contains="trả lời").exists()
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=timezone.now() + timedelta(days=2))
    assert services.send_closing_reminders() == 1
    assert services.send_closing_reminders() == 0
    assert Notification.objects.filter(recipient=solver, title__contains="sắp hết hạn").count() == 1


@pytest.mark.django_db
def test_unfollow_and_the_notification_list(make_challenge, outsider):
    challenge = make_challenge(Status.PUBLISHED)
    client = client_for(outsider)
    client.post(f"/follow/challenge/{challenge.pk}/")
    client.post(f"/follow/challenge/{challenge.pk}/", {"action": "unfollow"})
    assert not Follow.objects.exists()
    page = client.get("/notifications/").content.decode()
    assert "Bạn chưa có thông báo nào." in page


@pytest.mark.django_db
def test_unread_count_and_mark_read(make_challenge, outsider, field, dost):
    services.follow(outsider, field)
    services.publish(make_challenge(Status.APPROVED), dost)
    client = client_for(outsider)
    assert 'class="badge"' in client.get("/").content.decode()
    client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=outsider, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_cannot_follow_a_hidden_challenge(make_challenge, outsider):
    draft = make_challenge(Status.DRAFT)
    assert client_for(outsider).post(f"/follow/challenge/{draft.pk}/").status_code == 404
    assert ApiClient(outsider).post("/follows", {"kind": "challenge", "id": draft.pk}).status_code == 404


@pytest.mark.django_db
def test_follows_api(make_challenge, outsider, field):
    challenge = make_challenge(Status.PUBLISHED)
    api = ApiClient(outsider)
    assert api.post("/follows", {"kind": "challenge", "id": challenge.pk}).status_code == 201
    assert api.post("/follows", {"kind": "field", "id": field.pk}).status_code == 201
    assert {f["kind"] for f in api.get("/follows").json()} == {"challenge", "field"}
    assert api.delete(f"/follows/field/{field.pk}").status_code == 204
    assert [f["kind"] for f in api.get("/follows").json()] == ["challenge"]
