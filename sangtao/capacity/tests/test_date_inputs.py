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


def _error_beside(page: str, name: str) -> str:
    """The text of the form box `name` is in, up to the next box."""
    start = page.index(f'name="{name}"')
    return page[start:page.index('class="field', start)]


def test_a_round_that_closes_before_it_opens_is_refused_beside_the_closing_date(dost, units):
    response = client_for(dost).post("/capacity/", {
        "year": 2038, "opens_on": "01/12/2038", "closes_on": "15/11/2038", "managers_per_unit": 1,
        "staff_per_unit": 5, "units": [units["W1"].pk]})
    page = response.content.decode()
    assert response.status_code == 200 and not Round.objects.filter(year=2038).exists()
    assert "Ngày đóng phải sau ngày mở." in _error_beside(page, "closes_on")
    assert 'value="15/11/2038"' in page  # what was typed is kept


def test_a_year_that_has_a_round_is_refused_beside_the_year(dost, units):
    data = {"year": 2039, "opens_on": "01/03/2039", "closes_on": "30/04/2039", "managers_per_unit": 1,
            "staff_per_unit": 5, "units": [units["W1"].pk]}
    assert client_for(dost).post("/capacity/", data).status_code == 302
    page = client_for(dost).post("/capacity/", data).content.decode()
    assert "Năm này đã có đợt khảo sát." in _error_beside(page, "year") and Round.objects.filter(year=2039).count() == 1


def test_the_units_to_survey_are_a_group_of_boxes_named_by_its_legend(dost, units):
    page = client_for(dost).get("/capacity/").content.decode()
    group = page[page.rindex("<fieldset", 0, page.index('name="units"')):page.index('name="units"')]
    assert "<legend>Đơn vị tham gia" in group and 'for=""' not in page


def test_a_group_of_boxes_left_empty_is_linked_from_the_error_summary_to_its_first_box(dost, units):
    page = client_for(dost).post("/capacity/", {"year": 2040, "opens_on": "01/03/2040", "closes_on": "30/04/2040",
                                                "managers_per_unit": 1, "staff_per_unit": 5}).content.decode()
    summary = page[page.index('class="error-summary"'):page.index("</div>", page.index('class="error-summary"'))]
    assert 'href="#id_units_0"' in summary and 'id="id_units_0"' in page
