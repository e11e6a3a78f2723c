"""Numbers with decimals are typed in a text box and read as the page's language writes them: a
number box let an English-locale browser turn "30,5" into 305 before the server saw it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import client_for
from sangtao.challenges.models import Challenge
from sangtao.core.forms import DecimalField


@pytest.mark.parametrize(("language", "typed", "read"), [
    ("vi", "30,5", Decimal("30.5")), ("vi", "30.5", Decimal("30.5")), ("vi", "12.000", Decimal(12000)),
    ("vi", "1.234,5", Decimal("1234.5")), ("vi", " -0,25 ", Decimal("-0.25")), ("vi", "", None),
    ("vi", "0.500", Decimal("0.5")), ("vi", "-0.125", Decimal("-0.125")), ("en", "0,125", Decimal("0.125")),
    ("en", "30.5", Decimal("30.5")), ("en", "30,5", Decimal("30.5")), ("en", "12,000", Decimal(12000)),
    ("en", "1,234.5", Decimal("1234.5")),
])
def test_a_number_is_read_as_the_pages_language_writes_it_or_with_one_decimal_separator(language, typed, read):
    with translation.override(language):
        assert DecimalField(max_digits=18, decimal_places=4, required=False).clean(typed) == read


@pytest.mark.parametrize(("language", "typed", "message"), [
    ("vi", "1,234.5", "Nhập một số, ví dụ 30,5 hoặc 12.000."), ("vi", "1.2.3", "Nhập một số, ví dụ 30,5 hoặc 12.000."),
    ("en", "1.234,5", "Enter a number, for example 30.5 or 12,000."), ("en", "ba mươi", "Enter a number, for example 30.5 or 12,000."),
])
def test_a_number_that_follows_no_reading_is_refused_with_an_example(language, typed, message):
    with translation.override(language), pytest.raises(ValidationError, match=message):
        DecimalField(max_digits=18, decimal_places=4).clean(typed)


def _new_challenge(field, unit, baseline: str, target: str) -> dict:
    return {
        "title": "Giảm thời gian chờ", "field": field.pk, "owner_unit": unit.pk, "summary": "Tóm tắt",
        "problem_statement": "Vấn đề", "facet": "mission", "selection_mode": "open",
        "ind-TOTAL_FORMS": "1", "ind-INITIAL_FORMS": "0", "ind-MIN_NUM_FORMS": "0", "ind-MAX_NUM_FORMS": "30",
        "ind-0-name": "Thời gian chờ", "ind-0-unit_of_measure": "phút", "ind-0-baseline_value": baseline,
        "ind-0-target_value": target,
    }


@pytest.mark.django_db
def test_an_indicator_typed_with_a_decimal_comma_is_stored_as_typed_and_shown_back_so(officer, health, field):
    client = client_for(officer)
    assert client.post("/challenges/new/", _new_challenge(field, health, "30,5", "12.000")).status_code == 302
    challenge = Challenge.objects.get(title="Giảm thời gian chờ")
    indicator = challenge.indicators.get()
    assert (indicator.baseline_value, indicator.target_value) == (Decimal("30.5"), Decimal(12000))

    page = client.get(f"/challenges/{challenge.pk}/edit/").content.decode()
    assert 'type="text" name="ind-0-baseline_value" value="30,5" inputmode="decimal"' in page
    assert 'value="12000"' in page and 'type="number"' not in page
    english = client.get(f"/en/challenges/{challenge.pk}/edit/").content.decode()
    assert 'name="ind-0-baseline_value" value="30.5"' in english


@pytest.mark.django_db
def test_an_indicator_in_no_readable_notation_keeps_the_form_and_says_how_to_write_it(officer, health, field):
    response = client_for(officer).post("/challenges/new/", _new_challenge(field, health, "1,234.5", "60"))
    page = response.content.decode()
    assert response.status_code == 200 and not Challenge.objects.filter(title="Giảm thời gian chờ").exists()
    assert "Nhập một số, ví dụ 30,5 hoặc 12.000." in page and 'value="1,234.5"' in page
