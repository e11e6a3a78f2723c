"""English and formats: the API answers in the client's language; pages under /en/ show no
Vietnamese interface text, numbers in English format and no ISO dates."""


import pytest

from conftest import ApiClient


@pytest.mark.django_db
def test_the_api_answers_in_the_language_the_client_asks_for():
    english = ApiClient().get("/challenges/987654", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert english.status_code == 404 and english.json()["message"] == "Not found."
    assert english["Content-Language"] == "en"
    vietnamese = ApiClient().get("/challenges/987654", HTTP_ACCEPT_LANGUAGE="vi")
    assert vietnamese.json()["message"] == "Không tìm thấy."
    assert ApiClient().get("/challenges/987654").json()["message"] == "Không tìm thấy."  # no header: Vietnamese
