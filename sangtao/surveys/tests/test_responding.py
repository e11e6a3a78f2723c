"""The public response page: no login, consent, anonymous, one answer per token, rate-limited."""

import re

import pytest
from django.core.cache import cache

from conftest import SURVEY_WORLD, ApiClient, client_for, module_world, open_period_today, survey_world
from sangtao.surveys import services
from sangtao.surveys.models import Aggregate, Measure, Response

pytestmark = pytest.mark.django_db
# Every test here starts from the same survey, built once for the module.
globals().update(module_world(survey_world, SURVEY_WORLD))


@pytest.fixture(autouse=True)
def _open_period_and_clean_cache(survey):
    open_period_today(survey)
    cache.clear()


def answers(survey, value=5):
    return {f"q{i.pk}": str(value) for i in survey.version.items.filter(measure=Measure.SATISFACTION)}


def test_a_citizen_answers_without_logging_in_and_stays_anonymous(survey):
    unit = survey.units.first()
    page = client_for(None).get(survey.public_url())
    assert page.status_code == 200 and "Tiếp cận dịch vụ" in page.content.decode()
    response = client_for(None).post(survey.public_url(), {"unit": unit.pk, "consent": "1", **answers(survey),
                                                           "email": "toi@example.vn"})
    assert response.status_code == 302 and response.url.endswith("/thanks/")
    stored = Response.objects.get()
    assert stored.follow_up_email == "" and stored.consented_at is not None  # email kept only on opt-in
    assert sum(Aggregate.objects.values_list("satisfied", flat=True)) == 5


def test_without_consent_nothing_is_stored_and_answers_stay_on_the_page(survey):
    unit = survey.units.first()
    page = client_for(None).post(survey.public_url(), {"unit": unit.pk, **answers(survey, 4)}).content.decode()
    assert "Cần đồng ý" in page and 'value="4" checked' in page
    assert not Response.objects.exists()


def test_follow_up_email_is_kept_only_when_asked_for(survey):
    client_for(None).post(survey.public_url(), {"unit": survey.units.first().pk, "consent": "1", "follow_up": "1",
                                                "email": "toi@example.vn", **answers(survey)})
    assert Response.objects.get().follow_up_email == "toi@example.vn"


def test_one_response_per_invitation_token(survey, dost):
    survey.uses_tokens = True
    survey.save()
    token = services.issue_tokens(survey, dost, survey.units.last(), 1)[0]
    first = client_for(None).post(survey.public_url() + f"?t={token.token}", {"consent": "1", **answers(survey)})
    assert first.status_code == 302 and Response.objects.get().unit == survey.units.last()
    second = client_for(None).post(survey.public_url() + f"?t={token.token}", {"consent": "1", **answers(survey)})
    assert "đã được dùng" in second.content.decode() and Response.objects.count() == 1


def test_responses_without_tokens_are_rate_limited(survey):
    client = client_for(None)
    data = {"unit": survey.units.first().pk, "consent": "1", **answers(survey)}
    for _ in range(20):
        client.post(survey.public_url(), data)
    refused = client.post(survey.public_url(), data)
    assert "thử lại sau" in refused.content.decode() and Response.objects.count() == 20


def test_the_page_is_in_english_too(survey):
    page = client_for(None).get("/en" + survey.public_url()).content.decode()
    assert "How satisfied are you with" in page and "This survey is anonymous" in page


def test_batch_api_for_rating_systems_is_idempotent(survey, dost):
    from sangtao.accounts.models import ApiToken

    _token, raw = ApiToken.issue(dost, "hệ thống đánh giá")
    api = ApiClient(token=raw)
    item = survey.version.items.filter(measure=Measure.SATISFACTION).first()
    unit = survey.units.first()
    batch = {"responses": [{"response_id": f"HS-{n}", "unit_code": unit.code, "period": "2026-Q1",
                            "answers": {item.code: 5 - n % 3}} for n in range(10)]}
    first = api.post(f"/surveys/{survey.pk}/responses", batch)
    assert first.status_code == 200 and first.json() == {"added": 10, "duplicates": 0}
    again = api.post(f"/surveys/{survey.pk}/responses", batch)
    assert again.json() == {"added": 0, "duplicates": 10}
    bad = api.post(f"/surveys/{survey.pk}/responses", {"responses": [{"response_id": "x", "unit_code": "nope",
                                                                       "period": "2026-Q1", "answers": {}}]})
    assert bad.status_code == 422 and "unit_code" in bad.json()["message"]
    assert ApiClient().post(f"/surveys/{survey.pk}/responses", batch).status_code == 401


def test_the_survey_page_in_english_counts_responses_not_scoresheets(survey, dost):
    """'phiếu' is a scoresheet in a council and a response in a survey: the survey's count says responses."""
    services.respond(survey, unit_id=survey.units.first().pk, consent=True,
                     values={int(key[1:]): int(value) for key, value in answers(survey).items()})
    page = client_for(dost).get("/en" + survey.get_absolute_url()).content.decode()
    assert "1 response" in page and "scoresheet" not in page


def test_an_invitation_link_token_is_carried_only_when_it_can_be_one(survey, dost):
    survey.uses_tokens = True
    survey.save()
    token = services.issue_tokens(survey, dost, survey.units.last(), 1)[0]
    page = client_for(None).get(survey.public_url(), {"t": token.token})
    assert page.status_code == 200 and f'name="t" value="{token.token}"' in page.content.decode()
    long = "x" * 5000
    page = client_for(None).get(survey.public_url(), {"t": long})
    assert page.status_code == 200 and 'name="t" value=""' in page.content.decode()  # not carried into the form
    refused = client_for(None).post(survey.public_url() + f"?t={long}", {"consent": "1", **answers(survey)})
    assert refused.status_code == 200 and not Response.objects.exists()
    posted = client_for(None).post(survey.public_url() + "?t=stale", {"t": token.token, "consent": "1",
                                                                       **answers(survey)})
    assert posted.status_code == 302 and Response.objects.get().unit == survey.units.last()


def test_a_refused_page_keeps_every_answer_ticked_and_typed_and_names_the_box_in_error(survey):
    posted = {"unit": survey.units.first().pk, "consent": "1", "follow_up": "1", "email": "khong-phai-email",
              "text": "Góp ý dài " * 300, **answers(survey, 4)}
    page = client_for(None).post(survey.public_url(), posted).content.decode()
    assert not Response.objects.exists()
    assert 'name="consent" value="1" required checked' in page and 'name="follow_up" value="1" checked' in page
    assert 'value="khong-phai-email"' in page and ("Góp ý dài " * 300).strip() in page
    assert 'value="4" checked' in page
    text_item = survey.version.items.get(measure="text")
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert f'<a href="#text">{text_item.text}:' in summary and '<a href="#email">Email:' in summary  # named as on the page
    assert 'id="text-error"' in page and 'id="email-error"' in page  # each beside its box


def test_an_empty_page_sent_says_every_missing_answer_at_once_each_linked_to_its_box(survey):
    page = client_for(None).post(survey.public_url(), {}).content.decode()
    assert not Response.objects.exists()
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links[:2] == ["consent", "unit"] and links[2].startswith("q") and len(links) == 3
    assert "Cần đồng ý tham gia trước khi gửi." in summary and "Hãy trả lời ít nhất một câu hỏi." in summary
    assert "Chưa gửi được" in summary  # an answer is sent, not saved
    assert 'id="consent-error"' in page and 'id="unit-error"' in page and f'id="{links[2]}"' in page


def test_asking_to_be_contacted_needs_an_email(survey):
    page = client_for(None).post(survey.public_url(), {"unit": survey.units.first().pk, "consent": "1",
                                                       "follow_up": "1", **answers(survey)}).content.decode()
    assert "Nhập email để được liên hệ lại" in page and not Response.objects.exists()

