"""The index checked against behaviour: beside each unit's score, what it actually does on the platform
(challenges owned and completed, annual tasks done, initiatives recognised, in the barometer's two
years), on the page and in the exports, and the rank correlation of each with the composite."""

import csv
import datetime
import io

import pandas as pd
import pytest

from conftest import client_for
from sangtao.annual.models import AnnualPlan, AnnualTask, PlanStatus
from sangtao.capacity import benchmark
from sangtao.capacity.tests.conftest import exported
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
                                           "Checked against what units do", "Challenges that met their targets",
                                           "Change in satisfaction (points)"))


def _deployed_survey(challenge, dost, health, wards, rng):
    """A SIPAS survey of the challenge at two wards over four quarters of 2026, the solution live at the
    first ward from July, and the answers given as raw rows (one dict per respondent)."""
    from sangtao.projects.models import Deployment, Project, ProjectRules
    from sangtao.review.models import Decision
    from sangtao.surveys import services as survey_services
    from sangtao.surveys.ingest import Incoming, ingest
    from sangtao.surveys.models import Measure, Source

    instrument = survey_services.create_sipas_instrument(dost, "SIPAS")
    survey = survey_services.create_survey(
        dost, name="Hài lòng", version=instrument.versions.get(), service="Khám bệnh", units=wards,
        challenge=challenge, periods=[(f"Quý {q}/2026", datetime.date(2026, 3 * q - 2, 1),
                                       datetime.date(2026, 3 * q, 28)) for q in (1, 2, 3, 4)])
    decision = Decision.objects.create(challenge=challenge, mode="direct", lead_organisation=health, rationale="Thử",
                                       decided_on=datetime.date(2026, 1, 5), decided_by=dost)
    project = Project.objects.create(challenge=challenge, decision=decision, lead_organisation=health,
                                     rules=ProjectRules.objects.get(is_default=True), created_by=dost,
                                     starts_on=datetime.date(2026, 1, 10), ends_on=datetime.date(2026, 12, 31))
    Deployment.objects.create(project=project, unit=wards[0], service="Khám bệnh", go_live_on=datetime.date(2026, 7, 1),
                              recorded_by=dost)
    items = [i.pk for i in survey.version.items.filter(measure=Measure.SATISFACTION)]
    rows, batch = [], []
    for period in survey.periods.all():
        for unit in wards:
            p = 0.85 if unit == wards[0] and period.starts_on.month >= 7 else 0.55
            for n in range(16):
                values = {pk: 5 if rng.random() < p else 2 for pk in items}
                rows += [{"unit": unit.pk, "after": period.starts_on.month >= 7, "satisfied": v >= 4}
                         for v in values.values()]
                batch.append(Incoming(unit.pk, period.pk, values, external_id=f"{unit.pk}-{period.pk}-{n}"))
    ingest(survey, batch, Source.IMPORT)
    return pd.DataFrame(rows)


def test_each_unit_stands_beside_the_outcomes_of_the_challenges_it_owns(answered_round, make_challenge, health, units,
                                                                         dost, officer):
    """KPI status counts and the satisfaction change with its interval, per unit, on the page and in the
    export, against a computation from the raw measurements and answers; the page's queries do not grow
    with the challenges."""
    import numpy as np
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sangtao.capacity import scores
    from sangtao.challenges.models import Status
    from sangtao.evaluation.models import Measurement

    answered_round.units.add(health)
    scores.refresh(answered_round)
    latest = {"met": "55", "off": "190", "on": "150"}  # Thời gian chờ: baseline 180 minutes, target 60
    owned = {key: make_challenge(Status.PUBLISHED, title=f"Bài toán {key}") for key in (*latest, "survey")}
    make_challenge(Status.DRAFT, title="Bản nháp")  # not the unit's work yet
    for key, value in latest.items():
        indicator = owned[key].indicators.get()
        Measurement.objects.create(indicator=indicator, value="170", measured_on=datetime.date(2026, 2, 1),
                                   source="HIS", recorded_by=officer)
        Measurement.objects.create(indicator=indicator, value=value, measured_on=datetime.date(2026, 6, 1),
                                   source="HIS", recorded_by=officer)
    answers = _deployed_survey(owned["survey"], dost, health, [units["W1"], units["W2"]], np.random.default_rng(5))

    # Independently: each indicator's latest value against its target (no target date: any progress is
    # on track), and the treated ward's share of satisfied answers after go-live minus before.
    raw = pd.DataFrame(list(Measurement.objects.values("indicator__challenge_id", "measured_on", "value")))
    last = raw.sort_values("measured_on").groupby("indicator__challenge_id")["value"].last().astype(float)
    progress = (last - 180) / (60 - 180)
    expected = {"kpi_met": int((progress >= 1).sum()), "kpi_off_track": int((progress <= 0).sum()),
                "kpi_on_track": int(((progress > 0) & (progress < 1)).sum())}
    treated = answers[answers.unit == units["W1"].pk]
    change = treated[treated.after].satisfied.mean() - treated[~treated.after].satisfied.mean()
    assert expected == {"kpi_met": 1, "kpi_off_track": 1, "kpi_on_track": 1}

    row = {r.score.unit.code: r for r in benchmark.rows_for(answered_round)}["SOYTE"]
    assert {key: row.outcomes[key] for key in expected} == expected
    [measured] = [o for o in row.owned if o.change is not None]
    assert measured.challenge == owned["survey"] and measured.kpi_status == "no_data"
    assert measured.change.estimate == pytest.approx(change)
    assert measured.change.low < change < measured.change.high
    text = benchmark.change_text(measured.change)
    assert row.outcomes["satisfaction"] == f"Bài toán survey: {text}"

    # The page and the export give the same values under the same headings, with the definitions.
    client = client_for(dost)
    with CaptureQueriesContext(connection) as before:
        page = client.get(f"/capacity/benchmark/?year={answered_round.year}").content.decode()
    line = page.split(f">{health.name}</a>")[1].split("</tr>")[0]
    assert text in line and "Bài toán survey" in line
    assert all(str(label) in page and str(definition) in page for _k, label, definition in benchmark.OUTCOMES)
    table = exported(client, f"/capacity/benchmark.csv?year={answered_round.year}").decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(table)))
    mine = next(line for line in lines if line[0] == health.name)
    assert [mine[header.index(str(label))] for key, label, _d in benchmark.OUTCOMES] == [
        str(row.outcomes[key]) for key, _l, _d in benchmark.OUTCOMES]
    unit_page = client.get(f"/capacity/units/{health.pk}/").content.decode()
    assert text in unit_page and all(o.challenge.title in unit_page for o in row.owned)

    # Another owned challenge with a measured KPI: the same number of queries.
    more = make_challenge(Status.PUBLISHED, title="Bài toán thêm")
    Measurement.objects.create(indicator=more.indicators.get(), value="55", measured_on=datetime.date(2026, 6, 1),
                               source="HIS", recorded_by=officer)
    with CaptureQueriesContext(connection) as after:
        client.get(f"/capacity/benchmark/?year={answered_round.year}")
    assert len(after) == len(before)
