"""The index checked against behaviour: beside each unit's score, what it actually does on the platform
(challenges owned and completed, annual tasks done, initiatives recognised, in the barometer's two
years), on the page and in the exports, and the rank correlation of each with the composite."""

import datetime

import pandas as pd
import pytest

from conftest import client_for
from sangtao.annual.models import AnnualPlan, AnnualTask, PlanStatus
from sangtao.capacity import benchmark
from sangtao.initiatives.models import Initiative, InitiativeStatus


def plan(unit, year, status, tasks, author):
    made = AnnualPlan.objects.create(unit=unit, year=year, title=f"Kế hoạch {year}", status=status, created_by=author)
    for position in range(tasks):
        AnnualTask.objects.create(plan=made, year=year, position=position, title=f"Nhiệm vụ {position}", problem="Vấn đề",
                                  public_service="Dịch vụ", facet="enhancement", person_in_charge="Cán bộ")


def initiative(unit, status, recognised_on, author):
    Initiative.objects.create(unit=unit, title="Sáng kiến", kind="management", description="Mô tả",
                              novelty="Điểm mới", status=status, recognised_on=recognised_on, created_by=author)


def test_each_unit_stands_beside_what_it_did_in_the_two_years_to_the_round(answered_round, units, dost):
    year = answered_round.year
    w1, w2, d1 = units["W1"], units["W2"], units["D1"]
    plan(w1, year, PlanStatus.DONE, 2, dost)
    plan(w1, year - 1, PlanStatus.DONE, 1, dost)
    plan(w1, year - 2, PlanStatus.DONE, 4, dost)  # before the window
    plan(w2, year, PlanStatus.IN_PROGRESS, 3, dost)  # not done
    initiative(w2, InitiativeStatus.RECOGNISED, datetime.date(year - 1, 5, 1), dost)
    initiative(w2, InitiativeStatus.CITY_RECOGNISED, datetime.date(year, 2, 1), dost)
    initiative(w2, InitiativeStatus.REFUSED, None, dost)
    initiative(d1, InitiativeStatus.RECOGNISED, datetime.date(year - 3, 5, 1), dost)  # before the window
    rows = {row.score.unit.code: row for row in benchmark.rows_for(answered_round)}
    assert rows["W1"].activity == {"challenges": 0, "challenges_completed": 0, "tasks_done": 3, "initiatives": 0}
    assert rows["W2"].activity == {"challenges": 0, "challenges_completed": 0, "tasks_done": 0, "initiatives": 2}
    assert rows["D1"].activity["initiatives"] == 0
    table = benchmark.table(answered_round, list(rows.values()))
    done, recognised = table[0].index("Nhiệm vụ năm hoàn thành"), table[0].index("Sáng kiến được công nhận")
    assert {line[0]: (line[done], line[recognised]) for line in table[1:]}[w2.name] == (0, 2)
    page = client_for(dost).get(f"/capacity/benchmark/?year={year}").content.decode()
    head = page.split("<thead>")[1].split("</thead>")[0]
    assert all(label in head for label in ("Bài toán đã hoàn thành", "Nhiệm vụ năm hoàn thành",
                                           "Sáng kiến được công nhận"))
    line = page.split(f">{w1.name}</a>")[1].split("</tr>")[0]
    assert line.count('<td class="num">') >= 4 and '<td class="num">3</td>' in line


def test_the_check_is_the_rank_correlation_of_each_activity_with_the_composite():
    composites = [2.0, 3.5, 5.0, 6.1, 7.4, 8.8, None]
    tasks = [0, 1, 1, 3, 2, 5, 9]
    rows = [benchmark.Ranked(i, i, c, f"u{i}", {"challenges": 0, "challenges_completed": 0, "tasks_done": t,
                                                "initiatives": i % 2}) for i, (c, t) in enumerate(zip(
                                                    composites, tasks, strict=True))]
    found = {c.key: c for c in benchmark.behaviour_check(rows)}
    assert set(found) == {"tasks_done", "initiatives"}  # no spread in challenges: left out
    scored = pd.DataFrame({"c": composites[:-1], "t": tasks[:-1], "i": [i % 2 for i in range(6)]})
    assert found["tasks_done"].rho == pytest.approx(scored.c.corr(scored.t, method="spearman"))
    assert found["initiatives"].rho == pytest.approx(scored.c.corr(scored.i, method="spearman"))
    assert found["tasks_done"].units == 6


def test_the_activity_columns_and_the_check_read_in_english(answered_round, dost):
    page = client_for(dost).get(f"/en/capacity/benchmark/?year={answered_round.year}").content.decode()
    assert all(label in page for label in ("Challenges completed", "Annual tasks done", "Recognised initiatives",
                                           "Checked against what units do"))
