"""The new-survey form: its periods carry their year (a label without the year of its dates, "Quý 4", or
with another year, is refused with how to write it), and it offers only challenges with a service to measure."""

import pytest

from conftest import client_for
from sangtao.surveys.forms import SurveyForm

pytestmark = pytest.mark.django_db


def periods_error(lines: str):
    form = SurveyForm(data={"name": "Khảo sát", "service": "Khám bệnh", "periods": lines})
    form.is_valid()
    return form.errors.get("periods")


def test_a_period_label_without_its_year_is_refused_with_an_example():
    errors = periods_error("Quý 1/2026; 01/01/2026; 31/03/2026\nQuý 4; 01/10/2026; 31/12/2026")
    assert errors and "Dòng 2" in errors[0] and "Quý 1/2026" in errors[0]
    assert periods_error("Quý 4/2025; 01/10/2026; 31/12/2026")  # another year than its dates'
    assert periods_error("Kỳ 12026; 01/10/2026; 31/12/2026")  # digits that are not a year


@pytest.mark.parametrize("line", ["Quý 4/2026; 01/10/2026; 31/12/2026", "2026-Q4; 01/10/2026; 31/12/2026",
                                  "Mùa khô 2026-2027; 01/12/2026; 30/04/2027", "Năm 2027; 01/12/2026; 30/04/2027"])
def test_a_label_with_the_year_of_its_dates_is_accepted(line):
    assert periods_error(line) is None


def test_the_refusal_is_in_english_under_en(dost):
    page = client_for(dost).post("/en/surveys/new/", {"name": "S", "service": "Clinic",
                                                      "periods": "Q4; 01/10/2026; 31/12/2026"}).content.decode()
    assert "needs the year of the period" in page


def test_every_way_of_making_a_survey_refuses_a_label_without_its_year_not_only_the_form(dost, health):
    import datetime

    from sangtao.core.errors import InvalidInput
    from sangtao.surveys import services
    from sangtao.surveys.models import Survey

    version = services.create_sipas_instrument(dost, "SIPAS").versions.get()
    with pytest.raises(InvalidInput) as refused:
        services.create_survey(dost, name="S", version=version, service="Khám bệnh", units=[health],
                               periods=[("Quý 4", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))])
    assert refused.value.field == "periods" and "Quý 1/2026" in str(refused.value.message)
    assert not Survey.objects.exists()
    services.create_survey(dost, name="S", version=version, service="Khám bệnh", units=[health],
                           periods=[("Quý 4/2026", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))])


@pytest.mark.django_db
def test_a_new_survey_offers_only_challenges_whose_service_there_is_to_measure(make_challenge):
    from sangtao.challenges.models import Status

    offered = {make_challenge(state).pk: state for state in (Status.DRAFT, Status.REJECTED, Status.APPROVED,
                                                              Status.PUBLISHED, Status.CANCELLED)}
    choices = set(SurveyForm().fields["challenge"].queryset.values_list("pk", flat=True))
    assert {offered[pk] for pk in choices & set(offered)} == {Status.APPROVED, Status.PUBLISHED}
