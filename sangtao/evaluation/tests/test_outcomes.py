"""KPIs with derived status, measurements by form/CSV, and the outcome in public."""

import datetime
from decimal import Decimal

import pytest
from django.core.validators import URLValidator

from conftest import PROJECT_WORLD, client_for, module_world, project_world
from sangtao.challenges.models import Indicator
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.evaluation import services
from sangtao.evaluation.kpis import kpi_status
from sangtao.evaluation.models import Measurement

pytestmark = pytest.mark.django_db
# Every test here starts from the same project under way, built once for the module.
globals().update(module_world(project_world, PROJECT_WORLD))


def m(value, day):
    return Measurement(value=Decimal(value), measured_on=day)


@pytest.mark.parametrize(("values", "today", "expected"), [
    ([], datetime.date(2027, 1, 1), "no_data"),
    ([("100", datetime.date(2026, 6, 1)), ("55", datetime.date(2027, 6, 1))], datetime.date(2027, 6, 1), "met"),
    # Halfway in time, more than halfway down from 180 to 60 minutes.
    ([("110", datetime.date(2027, 1, 1))], datetime.date(2027, 1, 1), "on_track"),
    ([("170", datetime.date(2027, 1, 1))], datetime.date(2027, 1, 1), "off_track"),
])
def test_kpi_status_is_derived(values, today, expected):
    indicator = Indicator(name="Thời gian chờ", baseline_value=Decimal(180), target_value=Decimal(60),
                          baseline_date=datetime.date(2026, 1, 1), target_date=datetime.date(2028, 1, 1))
    assert kpi_status(indicator, [m(v, d) for v, d in values], today).code == expected


def test_rising_indicators_work_the_same_way():
    indicator = Indicator(name="Tỷ lệ", baseline_value=Decimal(12), target_value=Decimal(80),
                          baseline_date=datetime.date(2026, 1, 1), target_date=datetime.date(2027, 1, 1))
    assert kpi_status(indicator, [m("85", datetime.date(2026, 12, 1))], datetime.date(2026, 12, 1)).code == "met"


def test_an_indicator_without_a_target_date_is_judged_against_the_date_it_is_due_by_default():
    # An annual task's KPI with no date is due by its year's end: 12 -> 35 % of the way to 60 % in June
    # is on track then, off track in December (it was "on track" for any progress whatever the day).
    indicator = Indicator(name="Tỷ lệ hồ sơ trực tuyến", baseline_value=Decimal(12), target_value=Decimal(60),
                          baseline_date=datetime.date(2026, 1, 1))
    june = [m("35", datetime.date(2026, 6, 15))]
    year_end = datetime.date(2026, 12, 31)
    assert kpi_status(indicator, june, datetime.date(2026, 6, 15), year_end).code == "on_track"
    assert kpi_status(indicator, june, datetime.date(2026, 12, 2), year_end).code == "off_track"


def test_measurements_by_the_lead_the_owner_and_dost_only(project, solver, officer, dost, outsider):
    indicator = project.challenge.indicators.get()
    services.record_measurement(indicator, solver, "150", datetime.date(2026, 3, 1), "Báo cáo bệnh viện")
    services.record_measurement(indicator, officer, "120", datetime.date(2026, 6, 1), "Sở Y tế")
    with pytest.raises(NotAllowed):
        services.record_measurement(indicator, outsider, "1", datetime.date(2026, 6, 1), "x")
    with pytest.raises(InvalidInput):
        services.record_measurement(indicator, dost, "120", datetime.date(2026, 6, 1), "Sở Y tế")  # duplicate


def test_csv_import_is_all_or_nothing(project, officer):
    challenge = project.challenge
    good = "indicator,date,value,source\nThời gian chờ,2026-03-01,150,HIS\nThời gian chờ,01/06/2026,120,HIS\n"
    assert services.import_measurements(challenge, officer, good.encode()) == 2  # ISO or as the page writes days
    bad = "indicator,date,value,source\nThời gian chờ,2026-09-01,100,HIS\nKhông tồn tại,2026-09-01,1,HIS\n"
    with pytest.raises(InvalidInput, match="3"):
        services.import_measurements(challenge, officer, bad.encode())
    assert Measurement.objects.count() == 2


def test_a_file_that_is_not_the_measurements_csv_or_has_no_rows_is_refused_not_counted_as_none(project, officer):
    other = "Ngày,Số liệu\n01/03/2026,150\n".encode()  # another table, or a file whose bytes happen to read as text
    for content, message in ((other, "Tệp thiếu cột: indicator, date, value, source."),
                             ("indicator,date,value,source\nThời gian chờ,2026-03-01,5,{}\n".format("n" * 301).encode(),
                              "Nguồn số liệu dài quá: tối đa 300 ký tự."),
                             (b"indicator,date,value\n", "Tệp thiếu cột: source."),
                             (b"indicator,date,value,source\n", "Tệp không có dòng số đo nào."),
                             ("indicator,date,value,source\nThời gian chờ,0001-01-01,5,HIS\n".encode(),
                              "Dòng lỗi \\(chỉ số, ngày, giá trị hoặc nguồn\\): 2.")):
        with pytest.raises(InvalidInput, match=message):
            services.import_measurements(project.challenge, officer, content)
    assert not Measurement.objects.exists()


def test_the_public_page_shows_the_outcome_with_a_chart_and_its_data(project, officer):
    challenge = project.challenge
    indicator = challenge.indicators.get()
    services.record_measurement(indicator, officer, "150", datetime.date(2026, 3, 1), "HIS")
    page = client_for(None).get(challenge.get_absolute_url()).content.decode()
    assert "Kết quả đo được" in page and "<svg" in page and "150" in page
    data = client_for(None).get(f"/challenges/{challenge.pk}/outcome.csv").content.decode("utf-8-sig")
    assert "kpi,Thời gian chờ,2026-03-01,150" in data
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(client_for(None).get(f"/challenges/{challenge.pk}/outcome.xlsx").content))
    assert list(workbook.active.iter_rows(values_only=True))[1][:4] == ("kpi", "Thời gian chờ", "2026-03-01", 150)
    report = client_for(None).get(f"/challenges/{challenge.pk}/outcome-report.pdf")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")


def test_outcomes_dashboard(project):
    response = client_for(None).get("/outcomes/")
    assert response.status_code == 200 and "Đang triển khai" in response.content.decode()


def test_outcomes_dashboard_makes_the_same_queries_however_many_challenges_it_lists(project, survey, officer,
                                                                                     make_challenge):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sangtao.challenges.models import Challenge, Status
    from sangtao.projects import services as project_services
    from sangtao.projects.models import Project
    from sangtao.surveys.ingest import Incoming, ingest
    from sangtao.surveys.models import Measure, Source, Survey

    first = project.challenge
    Survey.objects.filter(pk=survey.pk).update(challenge=first)  # the first challenge's survey, with answers
    items = list(survey.version.items.filter(measure=Measure.SATISFACTION))
    ingest(survey, [Incoming(unit.pk, period.pk, {item.pk: 4 + n % 2 for item in items},
                             external_id=f"{unit.pk}-{period.pk}-{n}")
                    for unit in survey.units.all() for period in survey.periods.all() for n in range(3)], Source.IMPORT)
    Project.objects.filter(pk=project.pk).update(status="accepted")
    project.refresh_from_db()
    project_services.record_deployment(project, officer, survey.units.first(), "Đặt lịch khám", datetime.date(2026, 7, 1))
    services.record_measurement(first.indicators.get(), officer, "150", datetime.date(2026, 3, 1), "HIS")

    def queries(finished):
        Challenge.objects.filter(pk__in=[c.pk for c in finished]).update(status=Status.EVALUATING)
        with CaptureQueriesContext(connection) as captured:
            page = client_for(None).get("/outcomes/").content.decode()
        assert all(c.title in page for c in finished)
        return len(captured)

    others = [make_challenge(Status.PUBLISHED, title=f"Bài toán thứ {n}") for n in range(3)]
    assert queries([first]) == queries([first, *others])


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://example.vn/a"])
def test_a_measurement_sent_to_the_api_with_an_evidence_link_that_is_not_http_is_refused(project, solver, url):
    from conftest import ApiClient

    indicator = project.challenge.indicators.get()
    refused = ApiClient(solver).post(f"/indicators/{indicator.pk}/measurements", {
        "value": 5, "measured_on": "2026-03-05", "source": "Sổ theo dõi", "evidence_url": url})
    assert refused.status_code == 422 and not indicator.measurements.exists()


def test_measurements_through_the_api(project, solver, outsider):
    from conftest import ApiClient

    indicator = project.challenge.indicators.get()
    created = ApiClient(solver).post(f"/indicators/{indicator.pk}/measurements",
                                     {"value": "140", "measured_on": "2026-04-01", "source": "HIS"})
    assert created.status_code == 201
    assert ApiClient(outsider).post(f"/indicators/{indicator.pk}/measurements",
                                    {"value": "1", "measured_on": "2026-04-01", "source": "x"}).status_code == 403
    listed = ApiClient().get(f"/challenges/{project.challenge_id}/kpis").json()
    assert listed[0]["latest"] in ("140", "140.0000", 140) and listed[0]["status"] in ("on_track", "off_track", "met")


def _measure(client, challenge, indicator, **fields):
    data = {"indicator": indicator.pk, "value": "150", "measured_on": "05/03/2026", "source": "Sở Y tế", **fields}
    return client.post(f"/challenges/{challenge.pk}/measurements/", data, follow=True)


def test_a_measurement_typed_on_the_page_takes_a_day_first_or_iso_date_a_decimal_comma_and_an_http_link(
        make_challenge, dost):
    from sangtao.challenges.models import Status

    challenge = make_challenge(Status.PUBLISHED)
    indicator = challenge.indicators.get()
    client = client_for(dost)
    assert "Đã ghi số đo." in _measure(client, challenge, indicator, value="1,5").content.decode()
    _measure(client, challenge, indicator, measured_on="2026-03-06", evidence_url="https://so-y-te.example.vn/bc")
    assert list(indicator.measurements.values_list("value", "measured_on", "evidence_url")) == [
        (Decimal("1.5"), datetime.date(2026, 3, 5), ""),
        (Decimal("150"), datetime.date(2026, 3, 6), "https://so-y-te.example.vn/bc")]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "ftp://example.vn/a", "https://example.vn/" + "a" * 200])
def test_a_measurement_whose_evidence_link_is_not_an_http_link_is_refused_with_a_message_and_not_stored(
        make_challenge, dost, url):
    from sangtao.challenges.models import Status

    challenge = make_challenge(Status.PUBLISHED)
    indicator = challenge.indicators.get()
    response = _measure(client_for(dost), challenge, indicator, evidence_url=url)
    shown = [str(m) for m in response.context["messages"]]
    too_long = len(url) > 200  # the API's and the column's 200 characters: Django's own message
    assert response.status_code == 200 and len(shown) == 1
    assert (str(len(url)) in shown[0]) if too_long else (shown[0] == f"Đường dẫn minh chứng: {URLValidator.message}")
    assert not indicator.measurements.exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"measured_on": "31/02/2026"}, "Ngày đo không hợp lệ."),
    ({"measured_on": "01/01/0001"}, "Chọn một ngày từ 01/01/1900 đến 31/12/9998."),
    ({"value": "abc"}, "Giá trị phải là số."),
    ({"value": "1,23456"}, "4"),  # Django's own: no more than 4 decimal places, as the column and the API keep
    ({"source": "x" * 301}, "301"),  # Django's own: at most 300 characters (it has 301)
    ({"source": "  "}, "Nêu nguồn số liệu."),
])
def test_a_measurement_with_a_bad_date_number_or_source_is_refused_with_a_message_and_not_stored(
        make_challenge, dost, fields, message):
    from sangtao.challenges.models import Status

    challenge = make_challenge(Status.PUBLISHED)
    indicator = challenge.indicators.get()
    response = _measure(client_for(dost), challenge, indicator, **fields)
    shown = [str(m) for m in response.context["messages"]]
    assert response.status_code == 200 and len(shown) == 1 and message in shown[0]
    assert not indicator.measurements.exists()


def test_a_refused_measurement_opens_the_page_at_its_message(make_challenge, dost):
    from sangtao.challenges.models import Status

    challenge = make_challenge(Status.PUBLISHED)
    indicator = challenge.indicators.get()
    refused = client_for(dost).post(f"/challenges/{challenge.pk}/measurements/", {
        "indicator": indicator.pk, "value": "abc", "measured_on": "05/03/2026", "source": "HIS"})
    assert refused["Location"] == challenge.get_absolute_url()
    done = client_for(dost).post(f"/challenges/{challenge.pk}/measurements/", {
        "indicator": indicator.pk, "value": "5", "measured_on": "05/03/2026", "source": "HIS"})
    assert done["Location"] == challenge.get_absolute_url() + "#ket-qua-do"


def test_a_csv_value_is_read_as_written_and_one_that_reads_two_ways_is_refused(project, officer):
    from django.utils import translation

    rows = 'indicator,date,value,source\nThời gian chờ,2026-03-01,"1.234,5",HIS\nThời gian chờ,2026-04-01,2125.5,HIS\n'
    with translation.override("vi"):
        services.import_measurements(project.challenge, officer, rows.encode())
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [Decimal("1234.5"), Decimal("2125.5")]
    # One separator before exactly three digits reads two ways in a file: refused, the row named.
    for language, said in (("vi", "Dòng 3: giá trị như 2.125"), ("en", "Rows 3: a value such as 2.125")):
        with translation.override(language), pytest.raises(InvalidInput, match=said):
            services.import_measurements(project.challenge, officer,
                                         "indicator,date,value,source\nThời gian chờ,2026-05-01,7,HIS\n"
                                         "Thời gian chờ,2026-06-01,2.125,HIS\n".encode())
    assert Measurement.objects.count() == 2
