"""A unit's page: its score over the years (chart and data table, oldest first) and its own barometer,
which asks the latest innovation's type as items of their own."""

import datetime
import importlib

import pytest
from django.apps import apps

from conftest import client_for
from sangtao.capacity.instruments import LATEST_TYPES, ensure_templates, latest_version
from sangtao.capacity.models import CapacityRule, Module, Round, SizeBand, UnitScore
from sangtao.capacity.tests.test_scores import raw
from sangtao.orgs.models import UnitKind


def test_the_trend_shows_each_years_score_in_order_as_a_chart_and_a_table(dost, ward):
    rule = CapacityRule.objects.get(is_default=True)
    years = {2024: (4.2, 3.1, 5.3), 2026: (7.9, 6.8, 9.0), 2025: (5.6, 4.4, 6.8)}  # made out of order
    for year, (composite, low, high) in years.items():
        round_ = Round.objects.create(year=year, name=f"Đợt {year}", opens_on=datetime.date(year, 3, 1),
                                      closes_on=datetime.date(year, 4, 1), rule=rule, created_by=dost,
                                      status=Round.Status.CLOSED)
        UnitScore.objects.create(round=round_, unit=ward, kind=UnitKind.WARD, size_band=SizeBand.SMALL,
                                 composite=composite, composite_low=low, composite_high=high, rank_best=1,
                                 rank_worst=1, climate_n=9, climate=50.0 + year % 10, climate_low=40.0,
                                 climate_high=60.0)
    page = client_for(dost).get(f"/capacity/units/{ward.pk}/").content.decode()
    trend = page.split("Xu hướng qua các năm")[1]
    chart = trend.split("<svg")[1].split("</svg>")[0]
    assert chart.index(">2024<") < chart.index(">2025<") < chart.index(">2026<")
    assert chart.count("<circle") == 3
    table = trend.split('<table id="trend">')[1].split("</table>")[0]
    cells = [line.split("</td>")[:2] for line in table.split("<tr>")[2:]]
    assert [(year.replace("<td>", ""), score.split("<small>")[0]) for year, score in cells] == [
        ("2024", '<td class="num">4,2 '), ("2025", '<td class="num">5,6 '), ("2026", '<td class="num">7,9 ')]
    assert "[6,8–9,0]" in cells[2][1]
    assert "Năm 2026" in page.split("Xu hướng qua các năm")[0]  # the latest year heads the page


def test_the_barometer_asks_the_latest_innovations_type_and_the_unit_page_shows_the_units_shares(answered_round,
                                                                                                  units, dost):
    codes = list(answered_round.barometer.version.items.values_list("code", flat=True))
    kinds = [code for code in codes if code.startswith("B_TYPE_")]
    assert codes[len(kinds):len(kinds) + 4] == list(LATEST_TYPES)  # asked right after the four kinds
    frame = raw(answered_round.barometer)
    w1 = frame[frame.unit == units["W1"].pk]
    page = client_for(dost).get(f"/capacity/units/{units['W1'].pk}/").content.decode()
    table = page.split('<table id="unit-barometer">')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert len(rows) == len(codes)
    for code, row in zip(codes, rows, strict=True):
        share = 100 * (w1[code] >= 4).mean()
        assert f'<td class="num">{share:.1f}'.replace(".", ",") in row, code
    assert "Dịch vụ mới hoặc thay đổi?" in rows[len(kinds)]
    w4 = client_for(dost).get(f"/capacity/units/{units['W4'].pk}/").content.decode()  # two managers answered
    suppressed = w4.split('<table id="unit-barometer">')[1].split("</table>")[0]
    assert suppressed.count('class="suppressed"') == len(codes) and "&lt;5" in suppressed
    english = client_for(dost).get(f"/en/capacity/units/{units['W1'].pk}/").content.decode()
    assert "Of what type was the latest innovation" in english


@pytest.mark.django_db
def test_a_barometer_template_written_before_gets_the_type_item_as_a_new_version(dost):
    """The data migration adds the items through the engine's versioning, once."""
    migration = importlib.import_module("sangtao.capacity.migrations.0004_barometer_latest_type")
    instrument = ensure_templates(dost)[Module.BAROMETER]
    first = latest_version(instrument)
    first.items.filter(code__in=LATEST_TYPES).delete()  # as the template was written before
    before = list(first.items.values_list("code", "text"))
    migration.add_latest_type(apps, None)
    migration.add_latest_type(apps, None)  # a second run adds nothing
    assert instrument.versions.count() == 2
    second = latest_version(instrument)
    assert second.number == 2 and list(first.items.values_list("code", "text")) == before
    codes = list(second.items.values_list("code", flat=True))
    assert codes == [*[c for c, _t in before[:4]], *LATEST_TYPES, *[c for c, _t in before[4:]]]
    assert list(second.items.values_list("position", flat=True)) == list(range(len(codes)))
    assert set(second.items.filter(code__in=LATEST_TYPES).values_list("measure", flat=True)) == {"perception"}
