"""The event study of the staggered estimate in months since go-live: with monthly waves it is the
event study by waves; with waves unevenly spaced, cells the same number of months from their
cohort's start are pooled and a planted effect that grows by the month is recovered; the impact page
shows it from real deployments."""

import numpy as np
import pytest

from conftest import client_for
from sangtao.capacity.staggered import NEVER, att_gt
from sangtao.capacity.tests.test_impact import staggered_survey  # noqa: F401 -- the fixture
from sangtao.projects import services as project_services
from sangtao.projects.models import Project
from sangtao.surveys.models import Survey


def test_with_monthly_waves_months_are_the_waves_since_go_live():
    rng = np.random.default_rng(3)
    cohort = np.repeat([2, 4, NEVER], 30)
    y = rng.normal(0.6, 0.05, (90, 7)) + np.where((cohort[:, None] != NEVER) & (np.arange(7) >= cohort[:, None]),
                                                   0.1, 0.0)
    result = att_gt(y, cohort, months=np.arange(24300, 24307))
    assert result.event_months.keys() == result.event_study.keys()
    for e, estimate in result.event_study.items():
        assert result.event_months[e].att == pytest.approx(estimate.att)
        assert result.event_months[e].se == pytest.approx(estimate.se)


def test_with_uneven_waves_a_planted_effect_growing_by_the_month_is_recovered():
    months = np.array([0, 1, 2, 4, 6, 9, 12, 18])  # monthly, then every two, three and six months
    rng = np.random.default_rng(11)
    cohort = np.repeat([2, 4, 5, NEVER], 200)
    since = months[None, :] - months[np.where(cohort == NEVER, 0, cohort)][:, None]
    treated = (cohort[:, None] != NEVER) & (np.arange(8)[None, :] >= cohort[:, None])
    effect = np.where(treated, 0.05 + 0.01 * since, 0.0)  # 5 points at go-live, one more each month
    y = rng.normal(0.6, 0.05, (800, 1)) + 0.005 * months[None, :] + effect + rng.normal(0, 0.02, (800, 8))
    result = att_gt(y, cohort, months=months)
    # every month offset a cohort reaches, before and after its start
    expected = {int(months[t] - months[g]) for g in (2, 4, 5) for t in range(1, 8)}
    assert set(result.event_months) == expected
    for m, estimate in result.event_months.items():
        truth = 0.05 + 0.01 * m if m >= 0 else 0.0
        assert estimate.low - 0.005 < truth < estimate.high + 0.005, (m, estimate, truth)
    assert result.event_months[16].att == pytest.approx(0.21, abs=0.01)  # only cohort 2: month 2 to month 18


def test_the_impact_page_shows_the_effect_by_months_since_go_live(staggered_survey, project, dost):  # noqa: F811
    survey, wards, periods, go_live = staggered_survey
    Survey.objects.filter(pk=survey.pk).update(challenge=project.challenge)
    Project.objects.filter(pk=project.pk).update(status="accepted")
    project.refresh_from_db()
    by_pk = {w.pk: w for w in wards}
    for unit_id, day in go_live.items():
        project_services.record_deployment(project, dost, by_pk[unit_id], "Đặt lịch khám", day)
    response = client_for(dost).get(f"/capacity/impact/{survey.pk}/")
    # quarters starting 1 Jan, 2 Apr, 2 Jul, 1 Oct and 31 Dec: cohorts from July and October
    assert [m for m, _estimate in response.context["months"]] == [-6, -3, 0, 2, 3, 5]
    page = response.content.decode()
    assert 'id="months"' in page and "Tháng 0 là đợt khảo sát đầu tiên" in page
