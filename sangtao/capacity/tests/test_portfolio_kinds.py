"""DoST's portfolio crosses grand challenges with the units' annual tasks and recognised initiatives:
each kind counted by its written definition, filtered by kind, facet and year, compared year over
year on the page (with charts and their data tables) and in the export alike."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from conftest import client_for, make_user
from sangtao.annual import services as annual
from sangtao.annual.models import KpiMeasurement, PlanStatus
from sangtao.annual.tests.conftest import PLAN_PATH, task_data
from sangtao.capacity import portfolio
from sangtao.capacity.tests.conftest import exported
from sangtao.challenges.models import Facet, Status
from sangtao.initiatives.models import Initiative, InitiativeStatus, InitiativeType
from sangtao.orgs.models import Role

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def world(make_challenge, ward, ward_officer, dost, officer, health):
    make_challenge(Status.PUBLISHED, facet=Facet.MISSION)
    roles = {"officer": ward_officer, "leader": make_user("ld.phuong", Role.LEADER, ward), "dost": dost}
    plans = {}
    for year, facets in ((THIS_YEAR - 1, ["enhancement"]), (THIS_YEAR, ["adaptive", "enhancement"])):
        plan = annual.create_plan(ward_officer, ward, year, f"Kế hoạch ĐMST {year}")
        for number, facet in enumerate(facets):
            annual.save_task(plan, ward_officer, task_data(f"Nhiệm vụ {year}.{number}", facet=facet))
        for move, role in PLAN_PATH[PlanStatus.IN_PROGRESS]:
            plan = annual.move_plan(plan, roles[role], move)
        plans[year] = plan
    kpi = plans[THIS_YEAR].tasks.get(facet="adaptive").kpis.get()  # 5 days down to a target of 1: met
    KpiMeasurement.objects.create(kpi=kpi, value=1, measured_on=datetime.date(THIS_YEAR, 1, 15), source="Phần mềm",
                                  recorded_by=ward_officer)
    Initiative.objects.create(unit=health, title="Phân luồng người bệnh bằng mã QR", kind=InitiativeType.MANAGEMENT,
                              description="Mô tả", novelty="Điểm mới", status=InitiativeStatus.CITY_RECOGNISED,
                              recognised_on=datetime.date(THIS_YEAR, 2, 1), created_by=officer)
    Initiative.objects.create(unit=health, title="Chưa công nhận", kind=InitiativeType.TECHNICAL, description="Mô tả",
                              novelty="Điểm mới", status=InitiativeStatus.UNDER_REVIEW, created_by=officer)
    return plans


def test_each_kind_is_counted_by_its_definition(world):
    counts = portfolio.counters(portfolio.portfolio_lines({}))
    assert {key: counts[key] for key in ("total", "challenges", "annual_tasks", "initiatives", "measured", "kpi_met",
                                         "implementing", "city_scope")} == {
        "total": 5, "challenges": 1, "annual_tasks": 3, "initiatives": 1, "measured": 1, "kpi_met": 1,
        "implementing": 3, "city_scope": 1}
    assert [line.kind for line in portfolio.portfolio_lines({"facet": Facet.MISSION})] == ["challenge"]
    assert {f: n for f, _l, _p, n in portfolio.by_facet(portfolio.portfolio_lines({}))} == {
        "enhancement": 2, "mission": 1, "adaptive": 1, "anticipatory": 0, "": 1}
    assert len(portfolio.portfolio_lines({"kind": "annual_task", "year": THIS_YEAR})) == 2


def test_year_over_year_counts_each_year_and_the_change(world):
    years = portfolio.by_year(portfolio.portfolio_lines({}))
    assert [(row["year"], row["challenges"], row["annual_tasks"], row["initiatives"], row["total"], row["change"])
            for row in years] == [(THIS_YEAR, 1, 2, 1, 4, 3), (THIS_YEAR - 1, 0, 1, 0, 1, None)]


def test_the_page_and_the_export_show_the_kinds_charts_and_years(world, dost):
    page = client_for(dost).get(f"/capacity/portfolio/?year={THIS_YEAR}").content.decode()
    for text in ("Nhiệm vụ trong kế hoạch đổi mới sáng tạo năm", "Phân luồng người bệnh bằng mã QR",
                 f"Nhiệm vụ {THIS_YEAR}.0", "So sánh qua các năm", "Việc theo loại đổi mới (OPSI)",
                 "Việc trong danh mục theo năm", "Bảng số liệu của biểu đồ"):
        assert text in page
    assert f"Nhiệm vụ {THIS_YEAR - 1}.0" not in page  # another year: in the comparison, not the list
    assert page.count('class="chart"') == 2
    book = load_workbook(io.BytesIO(exported(client_for(dost), f"/capacity/portfolio.xlsx?year={THIS_YEAR}")))
    listed = list(book.active.iter_rows(min_row=2, values_only=True))
    assert sorted(row[0] for row in listed) == ["Bài toán lớn", "Nhiệm vụ đổi mới sáng tạo hằng năm",
                                                "Nhiệm vụ đổi mới sáng tạo hằng năm", "Sáng kiến"]
    definitions = {row[0]: row[2] for row in book[book.sheetnames[1]].iter_rows(values_only=True)}
    assert definitions["Nhiệm vụ năm"] == 2 and definitions["Sáng kiến được công nhận"] == 1
    by_year = list(book["Theo năm"].iter_rows(values_only=True))
    assert by_year[1][0] == THIS_YEAR and by_year[1][-2:] == (4, 3) and by_year[2][0] == THIS_YEAR - 1


def test_an_empty_portfolio_has_no_years_and_its_page_opens(dost):
    assert portfolio.by_year([]) == []
    assert client_for(dost).get("/capacity/portfolio/").status_code == 200
