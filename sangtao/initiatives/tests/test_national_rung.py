"""The national rung of the emulation ladder: it needs an initiative whose nationwide effect was
recognised (by a ministry-level decision, outside the platform), which DoST records on an initiative of
city scope; with that decision and two consecutive city titles the national title is granted, before
it (or for a year before the decision) it is refused."""

import datetime

import pytest
from django.utils import timezone

from conftest import client_for
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.initiatives import services
from sangtao.initiatives.models import EmulationTitle, EmulationUse, Initiative, InitiativeStatus
from sangtao.initiatives.tests.conftest import seat_council, vote_all
from sangtao.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_scope(voting, panel, leader, dost):
    vote_all(voting, panel, in_favour=5)
    initiative = Initiative.objects.get(pk=services.decide(voting, leader).initiative_id)
    initiative = services.move(initiative, leader, "propose_city", "Đã nhân rộng")
    vote_all(seat_council(services.form_council(initiative, dost), dost, panel), panel, in_favour=5)
    services.decide(initiative.councils.get(level="city"), dost)
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.CITY_RECOGNISED
    return initiative


def _two_city_titles(initiative, person, recorder, year):
    city_title = EmulationTitle.objects.get(code="cstd-thanh-pho")
    for earlier in (year - 2, year - 1):
        EmulationUse.objects.create(initiative=initiative, person=person, title=city_title, year=earlier,
                                    recorded_by=recorder)


def test_the_national_title_needs_the_recorded_nationwide_decision_then_is_granted(city_scope, officer, leader, dost):
    national = EmulationTitle.objects.get(code="cstd-toan-quoc")
    year = timezone.localdate().year
    _two_city_titles(city_scope, officer, leader, year)
    with pytest.raises(InvalidInput, match="toàn quốc"):
        services.record_emulation(city_scope, leader, officer, national, year)
    decided = timezone.localdate()
    initiative = services.record_national_scope(city_scope, dost, "1234/QĐ-BKHCN", decided)
    assert (initiative.national_decision, initiative.national_recognised_on) == ("1234/QĐ-BKHCN", decided)
    assert Notification.objects.filter(recipient=officer, title__contains="phạm vi ảnh hưởng toàn quốc").exists()
    with pytest.raises(InvalidInput, match="sau năm xét"):
        services.record_emulation(initiative, leader, officer, national, decided.year - 1)
    use = services.record_emulation(initiative, leader, officer, national, year)
    assert use.title == national and use.year == year


def test_the_ladder_below_still_applies_to_the_national_rung(city_scope, officer, leader, dost):
    national = EmulationTitle.objects.get(code="cstd-toan-quoc")
    initiative = services.record_national_scope(city_scope, dost, "88/QĐ-BNV", timezone.localdate())
    with pytest.raises(InvalidInput, match="2 năm liên tục"):
        services.record_emulation(initiative, leader, officer, national, timezone.localdate().year)


def test_only_dost_records_a_nationwide_decision_and_only_on_city_scope(city_scope, received, leader, dost):
    with pytest.raises(NotAllowed):
        services.record_national_scope(city_scope, leader, "1/QĐ-BKHCN", timezone.localdate())
    with pytest.raises(InvalidInput, match="cấp thành phố"):
        services.record_national_scope(received, dost, "1/QĐ-BKHCN", timezone.localdate())
    with pytest.raises(InvalidInput, match="sau hôm nay"):
        services.record_national_scope(city_scope, dost, "1/QĐ-BKHCN", timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(InvalidInput):
        services.record_national_scope(city_scope, dost, "  ", timezone.localdate())


def test_dost_records_it_on_the_page_with_a_typed_date(city_scope, dost, leader):
    url = city_scope.get_absolute_url()
    page = client_for(dost).get(url).content.decode()
    assert 'name="decided_on"' in page and 'type="date"' not in page.split('id="scope"')[1].split("</section>")[0]
    assert 'name="decided_on"' not in client_for(leader).get(url).content.decode()
    day = timezone.localdate()
    client_for(dost).post(url + "do/national/", {"decision": "1234/QĐ-BKHCN", "decided_on": day.strftime("%d/%m/%Y")})
    city_scope.refresh_from_db()
    assert city_scope.national_recognised_on == day
    assert "1234/QĐ-BKHCN" in client_for(leader).get(url).content.decode()


def test_a_recorded_nationwide_decision_is_the_scope_the_public_register_open_data_and_the_package_give(
        city_scope, dost):
    from sangtao.initiatives import papers
    from sangtao.initiatives.opendata import open_data_rows

    Initiative.objects.filter(pk=city_scope.pk).update(publish=True)
    initiative = services.record_national_scope(city_scope, dost, "1234/QĐ-BKHCN", timezone.localdate())
    assert initiative.scope == "national"
    assert [row["scope"] for row in open_data_rows() if row["id"] == initiative.pk] == ["national"]
    assert papers.package_json(initiative)["national_recognition"] == {
        "decision": "1234/QĐ-BKHCN", "decided_on": timezone.localdate().isoformat()}
    public = client_for(None).get(f"/initiatives/register/{initiative.pk}/")
    assert public.status_code == 200 and "Toàn quốc (quyết định 1234/QĐ-BKHCN" in public.content.decode()
    register = client_for(None).get("/initiatives/register/").content.decode()
    assert "Toàn quốc" in register


def test_an_authors_public_page_is_gone_once_they_erase_their_account_and_the_register_names_a_pseudonym(
        city_scope, officer):
    from sangtao.privacy.services import erase_account

    Initiative.objects.filter(pk=city_scope.pk).update(publish=True)
    assert client_for(None).get(f"/initiatives/people/{officer.pk}/").status_code == 200
    name = officer.full_name
    erase_account(officer, actor=officer)
    assert client_for(None).get(f"/initiatives/people/{officer.pk}/").status_code == 404
    register = client_for(None).get(f"/initiatives/register/{city_scope.pk}/").content.decode()
    assert name not in register and f'href="/initiatives/people/{officer.pk}/"' not in register
