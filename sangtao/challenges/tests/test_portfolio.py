import pytest

from conftest import client_for
from sangtao.challenges.models import Status


@pytest.mark.django_db
def test_dost_portfolio_counts_by_state_field_unit_and_facet(make_challenge, dost):
    make_challenge(Status.PUBLISHED)
    make_challenge(Status.DRAFT, facet="mission")
    make_challenge(Status.DRAFT, facet="mission")
    page = client_for(dost).get("/portfolio/")
    assert page.status_code == 200
    rows = {value: n for value, _label, n in page.context["status_rows"]}
    assert rows[Status.DRAFT] == 2 and rows[Status.PUBLISHED] == 1 and page.context["total"] == 3
    facets = {value: n for value, _label, n in page.context["facet_rows"]}
    assert facets["mission"] == 2 and facets["enhancement"] == 1
    assert [unit.n for unit in page.context["unit_rows"]] == [3]
    # Each counter is drawn as a chart with its data table, the numbers of the counts above.
    html = page.content.decode()
    assert page.context["breakdowns"] and html.count("<svg") >= len(page.context["breakdowns"])
    drawn = {counter.key: {label: int(n) for label, n in chart.rows} for counter, chart in page.context["breakdowns"]}
    for counter, chart in page.context["breakdowns"]:
        assert str(counter.label) in html and chart.summary in html
    assert drawn["portfolio.by_stage"]["Bản nháp"] == 2 and drawn["portfolio.by_stage"]["Đang công bố"] == 1
    assert drawn["portfolio.by_facet"]["Định hướng sứ mệnh"] == 2 and drawn["portfolio.by_unit"] == {"Sở Y tế": 3}


@pytest.mark.django_db
def test_my_challenges_lists_the_units_work(make_challenge, officer, ward_officer):
    challenge = make_challenge(Status.DRAFT)
    assert challenge.title in client_for(officer).get("/challenges/mine/").content.decode()
    assert challenge.title not in client_for(ward_officer).get("/challenges/mine/").content.decode()
