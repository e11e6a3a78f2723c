"""The capacity round form takes its dates as the other forms do: DD/MM/YYYY text boxes from
core/formats.py (no browser date picker, whose format follows the browser's locale)."""

import datetime

from conftest import client_for
from sangtao.capacity.models import Round


def test_the_round_form_has_dd_mm_yyyy_date_boxes(dost, units):
    page = client_for(dost).get("/capacity/").content.decode()
    form = page[page.index('name="opens_on"') - 300:page.index('name="closes_on"') + 300]
    assert 'type="date"' not in page
    assert form.count('placeholder="dd/mm/yyyy"') == 2 and form.count('inputmode="numeric"') == 2


def test_a_round_is_created_from_dates_typed_day_first(dost, units):
    response = client_for(dost).post("/capacity/", {
        "year": 2036, "name": "Đợt 2036", "opens_on": "05/03/2036", "closes_on": "20/04/2036",
        "managers_per_unit": 1, "staff_per_unit": 5, "units": [units["W1"].pk]})
    assert response.status_code == 302
    created = Round.objects.get(year=2036)
    assert (created.opens_on, created.closes_on) == (datetime.date(2036, 3, 5), datetime.date(2036, 4, 20))


def test_a_date_that_is_not_one_is_refused_with_a_message(dost, units):
    response = client_for(dost).post("/capacity/", {
        "year": 2037, "opens_on": "31/02/2037", "closes_on": "20/04/2037", "managers_per_unit": 1,
        "staff_per_unit": 5, "units": [units["W1"].pk]})
    assert response.status_code == 200 and not Round.objects.filter(year=2037).exists()
