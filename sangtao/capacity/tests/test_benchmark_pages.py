"""The benchmark table comes a page at a time (a round of 3,400 units on one page took seconds to
draw): each unit on exactly one page, in rank order, the filters kept across pages, the same
number of queries on every page."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from sangtao.capacity import benchmark, views
from sangtao.capacity.models import UnitScore


def _names(page: str) -> list[str]:
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<a href="/capacity/units/\d+/">([^<]+)</a>', table)


def test_every_unit_is_on_one_page_in_rank_order(answered_round, dost, monkeypatch):
    monkeypatch.setattr(views, "BENCHMARK_PAGE", 2)
    ranked = [row.score.unit.name for row in benchmark.rows_for(answered_round)]
    assert len(ranked) == UnitScore.objects.filter(round=answered_round).count() > 2
    client = client_for(dost)
    seen, counts = [], set()
    for number in range(1, (len(ranked) + 1) // 2 + 1):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/capacity/benchmark/?year={answered_round.year}&page={number}").content.decode()
        counts.add(len(queries))
        names = _names(page)
        assert len(names) <= 2
        seen += names
    assert seen == ranked and len(counts) == 1
    first = client.get(f"/capacity/benchmark/?year={answered_round.year}").content.decode()
    nav = first.split('class="pagination"')[1].split("</nav>")[0]
    assert f"?year={answered_round.year}&amp;kind=&amp;size=&page=2" in nav
