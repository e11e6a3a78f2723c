"""A page sent back with errors in its form says so first in its title, in the reader's language
(core.middleware.error_in_title): the first thing a screen reader reads, and what the browser tab shows."""

from conftest import client_for
from sangtao.challenges.models import Status


def _title(response) -> str:
    return response.content.decode().split("<title>", 1)[1].split("</title>", 1)[0]


def test_a_form_sent_back_with_errors_says_error_first_in_its_title_in_both_languages(officer):
    client = client_for(officer)
    assert not _title(client.get("/challenges/new/")).startswith("Lỗi:")
    refused = client.post("/challenges/new/", {"title": ""})
    assert refused.status_code == 200 and 'data-form-error="true"' in refused.content.decode()
    assert _title(refused).startswith("Lỗi: ")
    assert _title(client.post("/en/challenges/new/", {"title": ""})).startswith("Error: ")


def test_a_refused_filter_shown_beside_its_box_puts_error_in_the_title_too(dost):
    assert _title(client_for(dost).get("/annual/evidence/", {"year": "abc"})).startswith("Lỗi: ")
    assert not _title(client_for(dost).get("/annual/evidence/")).startswith("Lỗi:")


def test_text_people_typed_cannot_put_error_in_a_pages_title(make_challenge, dost):
    challenge = make_challenge(Status.PUBLISHED, title='Bài toán data-form-error="true" về hộ tịch')
    page = client_for(dost).get(challenge.get_absolute_url())
    assert "data-form-error" in page.content.decode() and not _title(page).startswith("Lỗi:")
