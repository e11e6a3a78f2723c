"""The consent purposes wired to features (issue 11, point 4): a name shown with a public question only
while its publish_name consent stands, and a signed-in survey respondent's follow-up consent as a record."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from sangtao.challenges import services as challenges
from sangtao.challenges.models import Question, Status
from sangtao.privacy import services
from sangtao.privacy.models import Consent, Purpose


def _named(outsider, name="Trần Thị Hỏi"):
    outsider.full_name = name
    outsider.save(update_fields=["full_name"])
    return name


@pytest.mark.django_db
def test_asking_without_ticking_records_no_consent_and_shows_no_name(make_challenge, outsider, officer):
    name = _named(outsider)
    challenge = make_challenge(Status.PUBLISHED)
    form = client_for(outsider).get(f"/challenges/{challenge.pk}/").content.decode()
    assert 'name="show_name"' in form and "checked" not in form.split('name="show_name"')[1].split(">")[0]
    client_for(outsider).post(f"/challenges/{challenge.pk}/questions/", {"body": "Phạm vi gồm cả xã không?"})
    question = Question.objects.get()
    challenges.answer_question(question, officer, "Có.")
    assert not Consent.objects.filter(user=outsider).exists()  # silence is not consent
    assert name not in client_for(None).get(f"/challenges/{challenge.pk}/").content.decode()


@pytest.mark.django_db
def test_ticking_show_my_name_records_the_consent_with_the_notice_version(make_challenge, outsider, officer):
    name = _named(outsider)
    purpose = Purpose.objects.get(key="publish_name")
    purpose.notice_vi += " Bản sửa."
    purpose.save()
    challenge = make_challenge(Status.PUBLISHED)
    client_for(outsider).post(f"/challenges/{challenge.pk}/questions/",
                              {"body": "Phạm vi gồm cả xã không?", "show_name": "on"})
    consent = Consent.objects.get(user=outsider, purpose__key="publish_name")
    assert consent.given and consent.version == purpose.version == 2
    challenges.answer_question(Question.objects.get(), officer, "Có.")
    url = f"/challenges/{challenge.pk}/"
    assert name in client_for(None).get(url).content.decode()
    assert name in client_for(None).get("/en" + url).content.decode()


@pytest.mark.django_db
def test_withdrawing_the_consent_hides_the_name_at_once(make_challenge, outsider, officer):
    name = _named(outsider)
    challenge = make_challenge(Status.PUBLISHED)
    question = challenges.ask_question(challenge, outsider, "Phạm vi gồm cả xã không?", show_name=True)
    challenges.answer_question(question, officer, "Có.")
    url = f"/challenges/{challenge.pk}/"
    assert name in client_for(None).get(url).content.decode()
    client_for(outsider).post("/privacy/mine/consent/publish_name/", {"give": "0"})
    assert not services.has_consent(outsider, "publish_name")
    assert name not in client_for(None).get(url).content.decode()
    assert "Phạm vi gồm cả xã" in client_for(None).get(url).content.decode()  # the question stays, nameless


@pytest.mark.django_db
def test_a_second_question_does_not_record_the_consent_again(make_challenge, outsider):
    challenge = make_challenge(Status.PUBLISHED)
    challenges.ask_question(challenge, outsider, "Câu hỏi thứ nhất?", show_name=True)
    challenges.ask_question(challenge, outsider, "Câu hỏi thứ hai?", show_name=True)
    assert Consent.objects.filter(user=outsider, purpose__key="publish_name").count() == 1


@pytest.mark.django_db
def test_names_on_the_qa_cost_no_query_per_question(make_challenge, outsider, officer, solver):
    challenge = make_challenge(Status.PUBLISHED)
    url = f"/challenges/{challenge.pk}/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_for(None).get(url).status_code == 200
        return len(queries)

    challenges.answer_question(challenges.ask_question(challenge, outsider, "Câu một?", show_name=True), officer, "a")
    before = count()
    for asker in (solver, officer, outsider):
        challenges.answer_question(challenges.ask_question(challenge, asker, "Câu nữa?", show_name=True), officer, "b")
    assert count() == before
