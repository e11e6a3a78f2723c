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


# --- follow-up contact after a survey -----------------------------------------------------------

@pytest.fixture
def open_survey(open_survey):
    """conftest's open survey, with no rate-limit count left by an earlier test."""
    from django.core.cache import cache

    cache.clear()
    return open_survey


def _answer(client, survey, email="toi@example.vn"):
    from sangtao.surveys.models import Measure

    values = {f"q{i.pk}": "5" for i in survey.version.items.filter(measure=Measure.SATISFACTION)}
    response = client.post(survey.public_url(), {"unit": survey.units.first().pk, "consent": "1", "follow_up": "1",
                                                 "email": email, "text": "Cần thêm quầy tiếp dân.", **values})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_signed_in_respondents_follow_up_is_a_consent_record_with_the_notice_version(open_survey, outsider):
    from sangtao.surveys.models import Response

    _answer(client_for(outsider), open_survey)
    consent = Consent.objects.get(user=outsider, purpose__key="survey_followup")
    assert consent.given and consent.version == Purpose.objects.get(key="survey_followup").version
    assert Response.objects.get().follow_up_consent == consent
    assert services.has_consent(outsider, "survey_followup")


@pytest.mark.django_db
def test_an_anonymous_respondent_keeps_the_ticked_box_and_no_record(open_survey, dost):
    from sangtao.privacy.models import PersonalDataRead
    from sangtao.surveys.models import Response

    _answer(client_for(None), open_survey)
    assert not Consent.objects.exists()
    assert Response.objects.get().follow_up_consent is None
    page = client_for(dost).get(f"/surveys/{open_survey.pk}/comments/").content.decode()
    assert "toi@example.vn" in page and PersonalDataRead.objects.count() == 1


@pytest.mark.django_db
def test_withdrawing_the_follow_up_consent_stops_the_e_mails_use_and_its_read(open_survey, outsider, dost):
    from sangtao.privacy.models import PersonalDataRead

    _answer(client_for(outsider), open_survey)
    url = f"/surveys/{open_survey.pk}/comments/"
    assert "toi@example.vn" in client_for(dost).get(url).content.decode()
    assert PersonalDataRead.objects.count() == 1
    client_for(outsider).post("/privacy/mine/consent/survey_followup/", {"give": "0"})
    page = client_for(dost).get(url).content.decode()
    assert "toi@example.vn" not in page and "Cần thêm quầy tiếp dân." in page  # the comment stays
    assert PersonalDataRead.objects.count() == 1  # nothing shown, nothing read
    client_for(outsider).post("/privacy/mine/consent/survey_followup/", {"give": "1"})
    assert "toi@example.vn" in client_for(dost).get(url).content.decode()
