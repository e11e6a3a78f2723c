"""DoST's portfolio: filters, counters with their definitions, and the same lines in the Excel export."""

import io

from openpyxl import load_workbook

from conftest import client_for
from sangtao.capacity import portfolio
from sangtao.challenges.models import Facet, Status


def test_counters_filters_and_export_agree(make_challenge, dost, officer):
    make_challenge(Status.PUBLISHED, facet=Facet.MISSION)
    make_challenge(Status.PUBLISHED, facet=Facet.ADAPTIVE)
    make_challenge(Status.DRAFT, facet=Facet.MISSION)  # not in the portfolio
    lines = portfolio.challenge_lines({})
    assert portfolio.counters(lines)["total"] == 2
    assert {f: n for f, _label, _place, n in portfolio.by_facet(lines)} == {
        "enhancement": 0, "mission": 1, "adaptive": 1, "anticipatory": 0}
    page = client_for(dost).get("/capacity/portfolio/?facet=mission").content.decode()
    assert "Bài toán lớn đã được phê duyệt trở đi" in page  # the counter's definition beside it
    workbook = load_workbook(io.BytesIO(client_for(dost).get("/capacity/portfolio.xlsx?facet=mission").content))
    assert workbook.active.max_row == 2  # header and the one mission-oriented challenge
    definitions = {row[0]: row[2] for row in workbook[workbook.sheetnames[1]].iter_rows(values_only=True)}
    assert definitions["Số việc trong danh mục"] == 1
    assert client_for(officer).get("/capacity/portfolio.xlsx").status_code == 404
