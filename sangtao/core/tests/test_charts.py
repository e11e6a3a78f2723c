"""Charts people can read: SVG drawn on the server with a text summary and the data table; the
survey's index per unit with whiskers and the suppressed units named; KPIs on a date axis with
baseline and target; the outcomes page's counters each with its definition, in the page and the CSV."""

import datetime

import pytest
from django.utils import translation

from conftest import client_for
from sangtao.challenges.models import Status
from sangtao.core import charts
from sangtao.surveys.ingest import Incoming, ingest
from sangtao.surveys.models import Measure, Source


def test_interval_bars_sort_show_whiskers_and_name_what_is_hidden():
    chart = charts.interval_bars("Chỉ số", [charts.Bar("Phường A", 0.62, 0.55, 0.69, 120),
                                           charts.Bar("Sở B", 0.81, 0.75, 0.86, 200),
                                           charts.Bar("Phường C", None, n=4, hidden="ẩn: n=4")])
    assert [row[0] for row in chart.rows] == ["Sở B", "Phường A", "Phường C"]
    assert chart.rows[0][1:] == ["81%", "75% – 86%", "200"]
    assert "Cao nhất: Sở B (81%)" in chart.summary and "1 mục không hiển thị" in chart.summary
    assert chart.svg.startswith("<svg") and "ẩn: n=4" in chart.svg and 'role="img"' in chart.svg


def test_a_kpi_chart_has_dated_axes_and_labelled_reference_lines_that_do_not_overlap():
    days = [datetime.date(2026, 1, 15), datetime.date(2026, 4, 15), datetime.date(2026, 7, 15)]
    with translation.override("en"):
        chart = charts.dated_line("Waiting time (minutes)", list(zip(days, [170, 120, 95], strict=True)),
                                  baseline=180, target=178, unit="minutes")
    assert "15/01/2026" in chart.svg and "2026-01-15" not in chart.svg
    assert "Baseline: 180" in chart.svg and "Target: 178" in chart.svg
    assert chart.rows[-1] == ["15/07/2026", "95.00"]
    assert "latest 95.00 minutes" in chart.summary
    ys = [float(part.split('y="')[1].split('"')[0]) for part in chart.svg.split("<text")[1:]
          if "Baseline" in part or "Target" in part]
    assert abs(ys[0] - ys[1]) >= 14


@pytest.mark.django_db
def test_the_survey_page_charts_the_index_per_unit_with_the_suppressed_units_named(survey, dost):
    items = list(survey.version.items.filter(measure=Measure.SATISFACTION))
    units = list(survey.units.order_by("sort_name"))
    q1 = survey.periods.order_by("starts_on").first()
    counts = {units[0].pk: survey.rule.min_n, units[1].pk: survey.rule.min_n + 5, units[2].pk: 2}
    ingest(survey, [Incoming(unit, q1.pk, {item.pk: 4 + (n % 2) if n % 3 else 2 for item in items},
                             external_id=f"{unit}-{n}") for unit, count in counts.items() for n in range(count)],
           Source.IMPORT)
    page = client_for(dost).get(f"/surveys/{survey.pk}/?period={q1.pk}").content.decode()
    assert page.count('<figure class="chart">') == 2  # index per unit, trend by period
    assert "ẩn: n=2, dưới ngưỡng" in page and "Bảng số liệu của biểu đồ" in page
    assert "2026-Q1" in page


@pytest.mark.django_db
def test_an_officer_is_not_linked_to_the_instrument_page_they_cannot_open(survey, officer):
    page = client_for(officer).get(f"/surveys/{survey.pk}/")
    if page.status_code == 200:
        assert f"/surveys/instruments/{survey.version_id}/" not in page.content.decode()


@pytest.mark.django_db
def test_the_outcomes_counters_have_one_definition_for_page_and_export(make_challenge):
    make_challenge(Status.PUBLISHED)
    make_challenge(Status.DRAFT)
    client = client_for(None)
    page = client.get("/outcomes/").content.decode()
    assert "Cách đếm" in page and page.count('<figure class="chart">') == 4
    assert "bản nháp, bài toán đang chờ duyệt" in page
    exported = client.get("/outcomes/counts.csv").content.decode("utf-8-sig")
    assert "bản nháp, bài toán đang chờ duyệt" in exported
    assert "Bài toán công khai theo giai đoạn" in exported
