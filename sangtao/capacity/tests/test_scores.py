"""Capacity numbers against an independent computation from the raw answers and weights."""

import math

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command

from conftest import module_world
from sangtao.capacity import scores
from sangtao.capacity.models import SizeBand, StratumPopulation, UnitProfile, UnitScore
from sangtao.capacity.tests.conftest import ANSWERED_ROUND_WORLD, PLAN, answered_round_world
from sangtao.surveys.ingest import decode_scores, scale_items
from sangtao.surveys.models import Item, Response

Z = 1.959963984540054

globals().update(module_world(answered_round_world, ANSWERED_ROUND_WORLD))  # answered once for the module


def raw(survey) -> pd.DataFrame:
    """One row per respondent, one column per item code, from the stored responses."""
    items = scale_items(survey.version_id)
    codes = dict(Item.objects.filter(version_id=survey.version_id).values_list("pk", "code"))
    rows = []
    for unit_id, stored in Response.objects.filter(survey=survey).values_list("unit_id", "scores"):
        answers = decode_scores(stored, items)
        rows.append({"unit": unit_id, **{codes[pk]: value for pk, value in answers.items()}})
    return pd.DataFrame(rows)


def clustered(frame: pd.DataFrame, columns: list[str]) -> tuple[float, float]:
    k = (frame[columns] >= 4).sum(axis=1).to_numpy(float)
    m = frame[columns].notna().sum(axis=1).to_numpy(float)
    p = k.sum() / m.sum()
    return 100 * p, 100 * math.sqrt(((k - p * m) ** 2).sum()) / m.sum()


def test_climate_score_and_interval_equal_a_computation_from_raw_answers(answered_round):
    frame = raw(answered_round.climate)
    stored = {s.unit.code: s for s in UnitScore.objects.filter(round=answered_round).select_related("unit")}
    for code, (_k, _b, _bar, climate_n, _det) in PLAN.items():
        score = stored[code]
        mine = frame[frame.unit == score.unit_id]
        assert score.climate_n == len(mine) == climate_n
        if climate_n < 5:
            assert score.climate is None and score.climate_low is None
            continue
        expected = np.mean([(mine[c] >= 4).mean() * 100 for c in ("C1", "C2", "C3")])
        _pooled, se = clustered(mine, ["C1", "C2", "C3"])
        assert score.climate == pytest.approx(expected, abs=1e-9)
        assert score.climate_low == pytest.approx(max(0, expected - Z * se), abs=1e-9)
        assert score.climate_high == pytest.approx(min(100, expected + Z * se), abs=1e-9)


def test_determinant_profile_and_barometer_activity_equal_raw_computations(answered_round):
    determinants, barometer = raw(answered_round.determinants), raw(answered_round.barometer)
    for score in UnitScore.objects.filter(round=answered_round):
        mine = determinants[determinants.unit == score.unit_id]
        if len(mine) < 5:
            assert score.determinants is None and score.profile == {}
        else:
            items = [c for c in mine.columns if c.startswith("D_")]
            value, se = clustered(mine, items)
            assert score.determinants == pytest.approx(value) and score.determinants_se == pytest.approx(se)
            purpose = clustered(mine, [c for c in items if c.startswith("D_PURPOSE")])[0]
            assert score.profile["1"] == pytest.approx(purpose, abs=1e-3)
        heads = barometer[barometer.unit == score.unit_id]
        if len(heads) < 5:
            assert score.barometer is None
        else:
            kinds = ["B_TYPE_SERVICE", "B_TYPE_PROCESS", "B_TYPE_ORG", "B_TYPE_COMM"]
            assert score.barometer == pytest.approx(clustered(heads, kinds)[0])


def test_composite_is_the_published_min_max_mean_and_ranks_overlap_where_intervals_do(answered_round):
    rows = list(UnitScore.objects.filter(round=answered_round))
    frame = pd.DataFrame([{c: getattr(s, c) for c in ("climate", "determinants", "barometer")} for s in rows],
                         dtype=float)
    scaled = (frame - frame.min()) / (frame.max() - frame.min())
    expected = 10 * scaled.mean(axis=1, skipna=True)
    for score, value in zip(rows, expected, strict=True):
        if math.isnan(value):
            assert score.composite is None
        else:
            assert score.composite == pytest.approx(value)
    ranked = [s for s in rows if s.composite is not None]
    for a in ranked:
        for b in ranked:
            if a.composite_low <= b.composite_high and b.composite_low <= a.composite_high:
                # Overlapping intervals: neither is ranked wholly ahead of the other.
                assert a.rank_best <= b.rank_worst and b.rank_best <= a.rank_worst


def test_barometer_shares_are_weighted_for_non_response_by_stratum(answered_round):
    frame = raw(answered_round.barometer)
    band = dict(UnitProfile.objects.values_list("unit_id", "size_band"))
    kind = {s.unit_id: s.kind for s in UnitScore.objects.filter(round=answered_round)}
    population = {(k, b): n for k, b, n in StratumPopulation.objects.values_list("kind", "size_band", "population")}
    units = frame.groupby("unit")["B_TYPE_SERVICE"].apply(lambda v: (v >= 4).mean()).rename("y").reset_index()
    units["h"] = [(kind[u], band[u]) for u in units.unit]
    r = units.groupby("h")["y"].transform("size")
    units["w"] = [population[h] for h in units.h] / r
    expected = 100 * (units.w * units.y).sum() / units.w.sum()
    share = next(s for s in scores.barometer_shares(answered_round) if s.code == "B_TYPE_SERVICE")
    assert share.units == len(units)
    assert share.estimate == pytest.approx(expected)
    # A group below the minimum number of responding workplaces is suppressed.
    departments = scores.barometer_shares(answered_round, kind="department")
    assert all(s.estimate is None and s.units == 1 for s in departments)


def test_the_recompute_command_rebuilds_the_maintained_numbers_identically(answered_round):
    fields = ["climate", "climate_low", "climate_high", "determinants", "determinants_se", "profile", "barometer",
              "composite", "composite_low", "composite_high", "rank_best", "rank_worst", "climate_n"]
    before = {s.unit_id: [getattr(s, f) for f in fields] for s in UnitScore.objects.filter(round=answered_round)}
    UnitScore.objects.update(climate=None, composite=None)
    call_command("recompute_capacity")
    after = {s.unit_id: [getattr(s, f) for f in fields] for s in UnitScore.objects.filter(round=answered_round)}
    assert after == before


def test_a_higher_minimum_n_set_in_the_admin_is_a_recompute_job_its_editor_follows_and_reruns_after_a_failure(
        answered_round, dost, officer, process_tasks, monkeypatch):
    from django.test import Client

    from conftest import client_for
    from sangtao.accounts.models import User
    from sangtao.core.models import JobRun
    from sangtao.core.workitems import work_for

    User.objects.filter(pk=dost.pk).update(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(User.objects.get(pk=dost.pk))
    rule = answered_round.rule
    real_refresh = scores.refresh

    def broken(round_, *args):
        raise OSError("the database went away")

    monkeypatch.setattr(scores, "refresh", broken)
    response = client.post(f"/admin/capacity/capacityrule/{rule.pk}/change/", {
        "name": rule.name, "min_n": 7, "positive_min": rule.positive_min, "is_default": "on"}, follow=True)
    run = JobRun.objects.get()
    assert (run.state, run.total, run.created_by) == ("queued", 4, dost)
    assert run.get_absolute_url() in response.content.decode()
    process_tasks()
    run.refresh_from_db()
    assert run.state == "failed" and 0 < run.done < 4 and "the database went away" in run.message
    [item] = [i for i in work_for(dost) if i.kind.startswith("core.job")]
    assert (item.kind, item.url, item.action_needed) == ("core.job_failed", run.get_absolute_url(), True)
    assert client_for(officer).get(run.get_absolute_url()).status_code == 404  # only its starter sees it
    monkeypatch.setattr(scores, "refresh", real_refresh)
    client.post(f"/jobs/{run.pk}/retry/")
    process_tasks()
    again = JobRun.objects.exclude(pk=run.pk).get()
    assert (again.state, again.done, again.total, again.created_by) == ("done", 4, 4, dost)
    w1 = UnitScore.objects.get(round=answered_round, unit__code="W1")  # six climate answers
    assert w1.climate_n == 6 and w1.climate is None
    assert UnitScore.objects.get(round=answered_round, unit__code="D1").climate is not None  # eight


def test_the_benchmark_sets_each_unit_beside_the_challenges_it_owns(answered_round, make_challenge, health):
    from sangtao.capacity import benchmark
    from sangtao.challenges.models import Status

    make_challenge(Status.PUBLISHED)
    make_challenge(Status.DRAFT)  # not counted
    answered_round.units.add(health)
    scores.refresh(answered_round)
    rows = benchmark.rows_for(answered_round)
    assert {row.score.unit.code: row.challenges for row in rows}["SOYTE"] == 1
    table = benchmark.table(answered_round, rows)
    column = table[0].index("Bài toán chủ trì")
    assert [line[column] for line in table[1:] if line[0] == health.name] == [1]
    assert benchmark.behaviour_check(rows) == []  # no unit with a score owns a challenge: no spread
    size = table[0].index("Quy mô")  # the band in words, as the page names it
    assert {line[size] for line in table[1:]} <= {str(label) for label in SizeBand.labels}
