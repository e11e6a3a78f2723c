"""The staggered estimate of a satisfaction survey, from the engine's sums, against the raw answers."""

import datetime

import numpy as np
import pytest

from conftest import client_for
from sangtao.capacity import impact
from sangtao.capacity.staggered import NEVER, att_gt
from sangtao.orgs.models import OrgUnit, UnitKind
from sangtao.surveys.ingest import Incoming, decode_scores, ingest, scale_items
from sangtao.surveys.models import Measure, Response, Source

PERIODS = 5
START = datetime.date(2025, 1, 1)


@pytest.fixture
def staggered_survey(dost, city, survey):
    """Twelve wards over five quarters: four deployed from the third quarter, four from the fourth
    (go-live inside the second and third), four never; one ward has a thin quarter (suppressed)."""
    wards = [OrgUnit.objects.create(kind=UnitKind.WARD, code=f"9{n:03d}", name=f"Phường {n}", parent=city)
             for n in range(12)]
    survey.units.set(wards)
    survey.periods.all().delete()
    periods = [survey.periods.create(label=f"Q{q + 1}", starts_on=START + datetime.timedelta(days=91 * q),
                                     ends_on=START + datetime.timedelta(days=91 * q + 90)) for q in range(PERIODS)]
    survey.rule.min_n = 5
    survey.rule.save()
    go_live = {w.pk: periods[2].starts_on - datetime.timedelta(days=20) for w in wards[:4]}
    go_live |= {w.pk: periods[3].starts_on - datetime.timedelta(days=1) for w in wards[4:8]}
    items = list(survey.version.items.filter(measure=Measure.SATISFACTION))
    rng = np.random.default_rng(5)
    batch = []
    for i, ward in enumerate(wards):
        for q, period in enumerate(periods):
            treated = ward.pk in go_live and period.starts_on >= go_live[ward.pk]
            p = 0.55 + 0.02 * q + 0.03 * (i % 3) + (0.2 if treated else 0.0)
            for _ in range(3 if (i == 11 and q == 1) else 8):
                batch.append(Incoming(ward.pk, period.pk, {it.pk: int(rng.choice([4, 5])) if rng.random() < p
                                                           else int(rng.choice([1, 2, 3])) for it in items}))
    ingest(survey, batch, Source.WEB)
    return survey, wards, periods, go_live


def test_the_panel_and_its_estimate_equal_a_computation_from_raw_answers(staggered_survey, monkeypatch):
    survey, wards, periods, go_live = staggered_survey
    monkeypatch.setattr(impact, "deployments_of", lambda s: go_live)
    items = scale_items(survey.version_id)
    satisfaction = {i.pk for i in items if i.measure == Measure.SATISFACTION}
    # Raw: per ward and quarter, positive satisfaction answers over all satisfaction answers.
    k = np.zeros((len(wards), PERIODS))
    m = np.zeros((len(wards), PERIODS))
    n = np.zeros((len(wards), PERIODS))
    row = {w.pk: i for i, w in enumerate(wards)}
    column = {p.pk: j for j, p in enumerate(periods)}
    for unit_id, period_id, stored in Response.objects.filter(survey=survey).values_list("unit_id", "period_id",
                                                                                         "scores"):
        answers = [v for pk, v in decode_scores(stored, items).items() if pk in satisfaction]
        i, j = row[unit_id], column[period_id]
        k[i, j] += sum(v >= 4 for v in answers)
        m[i, j] += len(answers)
        n[i, j] += 1
    outcome = np.where(n >= 5, 100 * k / np.maximum(m, 1), np.nan)
    cohort = np.array([NEVER if w.pk not in go_live else next(j for j, p in enumerate(periods)
                                                              if p.starts_on >= go_live[w.pk]) for w in wards])
    expected = att_gt(outcome, cohort)
    found = impact.staggered_impact(survey)
    assert list(found.panel.cohort) == list(cohort) == [2] * 4 + [3] * 4 + [NEVER] * 4
    assert found.result.units == 11  # the ward with a thin quarter is left out
    assert found.result.overall.att == pytest.approx(expected.overall.att, abs=1e-9)
    assert found.result.overall.se == pytest.approx(expected.overall.se, abs=1e-9)
    assert found.result.overall.low > 0  # the planted rise of 20 points is seen
    assert found.result.pretrend_df == 1  # few units: the pre-trend test is on the average pre-period effect


def test_the_impact_page_states_assumptions_and_refuses_without_enough_untreated_units(
        staggered_survey, monkeypatch, dost, api_client):
    survey, wards, _periods, go_live = staggered_survey
    monkeypatch.setattr(impact, "deployments_of", lambda s: go_live)
    page = client_for(dost).get(f"/capacity/impact/{survey.pk}/").content.decode()
    assert "Xu hướng song song" in page and "Kiểm tra xu hướng trước khi áp dụng" in page
    body = api_client(dost).get(f"/surveys/{survey.pk}/staggered-impact").json()
    assert body["estimable"] and body["overall_low"] > 0
    everyone = {w.pk: _periods[2].starts_on for w in wards}
    monkeypatch.setattr(impact, "deployments_of", lambda s: everyone)
    page = client_for(dost).get(f"/capacity/impact/{survey.pk}/").content.decode()
    assert "Quá ít đơn vị chưa áp dụng" in page


def test_people_outside_the_survey_get_not_found(staggered_survey, outsider, expert, api_client):
    survey = staggered_survey[0]
    assert client_for(expert).get(f"/capacity/impact/{survey.pk}/").status_code == 404
    assert api_client(outsider).get(f"/surveys/{survey.pk}/staggered-impact").status_code == 404


def test_each_deployment_shows_its_own_before_and_after_beside_the_estimate(staggered_survey, monkeypatch, dost):
    """The simple view the issue keeps: the unit's last period before go-live against its latest since,
    from the same panel the estimate uses (itself checked against the raw answers above)."""
    survey, wards, periods, go_live = staggered_survey
    monkeypatch.setattr(impact, "deployments_of", lambda s: go_live)
    data = impact.panel(survey)
    rows = {row.unit: row for row in impact.before_after(data)}
    assert len(rows) == 8  # every deployed ward, none of the four never deployed
    early, late = rows[wards[0].name], rows[wards[4].name]
    first = data.outcome[data.unit_ids.index(wards[0].pk)]
    assert (early.before_period, early.after_period) == ("Q2", "Q5")  # went live inside Q2: Q2 counts as before
    assert early.before == pytest.approx(first[1]) and early.after == pytest.approx(first[4])
    assert early.change == pytest.approx(first[4] - first[1])
    assert late.before_period == "Q3" and late.go_live == go_live[wards[4].pk]
    page = client_for(dost).get(f"/capacity/impact/{survey.pk}/").content.decode()
    section = page.split('id="before-after"', 1)[1].split("</table>", 1)[0]
    assert wards[0].name in section and f"{early.change:.1f}".replace(".", ",") in section
