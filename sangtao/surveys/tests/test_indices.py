"""Indices from incrementally kept statistics, checked against an independent pandas computation;
recomputation gives the same numbers; suppression; impact around a deployment."""

import datetime

import numpy as np
import pandas as pd
import pytest

from conftest import SURVEY_WORLD, module_world, survey_world
from sangtao.surveys.indices import OVERALL, index_cells
from sangtao.surveys.ingest import RESPONDENT_STATS, Incoming, ingest, recompute, scale_items
from sangtao.surveys.models import Aggregate, Measure, RespondentAggregate, Response, Source
from sangtao.surveys.stats import wilson

pytestmark = pytest.mark.django_db
# Every test here starts from the same survey, built once for the module.
globals().update(module_world(survey_world, SURVEY_WORLD))
STAT_FIELDS = ("n", "total", "total_sq", "satisfied", "w_sum", "w_satisfied", "w2_sum", "w2_satisfied")


def fill(survey, rng, per_cell=40, p_by_unit=None, weights=False):
    """Random responses for every unit and period; returns the rows as a DataFrame of answers."""
    items = list(survey.version.items.filter(measure=Measure.SATISFACTION))
    rows, incoming = [], []
    for unit in survey.units.all():
        for period in survey.periods.all():
            for n in range(per_cell):
                p = (p_by_unit or {}).get(unit.pk, 0.75)
                values = {item.pk: int(rng.choice([4, 5]) if rng.random() < p else rng.choice([1, 2, 3]))
                          for item in items}
                weight = float(rng.choice([0.5, 1.0, 2.0])) if weights else 1.0
                incoming.append(Incoming(unit.pk, period.pk, values, external_id=f"{unit.pk}-{period.pk}-{n}",
                                         weight=weight))
                rows += [(f"{unit.pk}-{period.pk}-{n}", unit.pk, period.pk, item.element, value, weight)
                         for item_id, value in values.items() for item in items if item.pk == item_id]
    for start in range(0, len(incoming), 97):  # several batches, as imports and the API send them
        ingest(survey, incoming[start:start + 97], Source.IMPORT)
    return pd.DataFrame(rows, columns=["response", "unit", "period", "element", "value", "weight"])


def test_indices_match_an_independent_pandas_computation(survey):
    frame = fill(survey, np.random.default_rng(1), per_cell=35)
    cells = index_cells(survey)
    frame["ok"] = frame["value"] >= 4
    expected = frame.groupby(["unit", "period", "element"]).agg(n=("ok", "size"), k=("ok", "sum"),
                                                                 mean=("value", "mean"))
    for (unit, period, element), row in expected.iterrows():
        cell = cells[(unit, period, element)]
        reference = wilson(int(row.k), int(row.n))
        assert (cell.n, cell.satisfied) == (row.n, row.k)
        assert cell.share.estimate == pytest.approx(row.k / row.n)
        assert (cell.share.low, cell.share.high) == (pytest.approx(reference.low), pytest.approx(reference.high))
        assert cell.mean.estimate == pytest.approx(row["mean"])
    overall = frame.groupby(["unit", "period"]).agg(n=("ok", "size"), k=("ok", "sum"))
    for (unit, period), row in overall.iterrows():
        assert cells[(unit, period, OVERALL)].satisfied == row.k


def clustered_reference(group: pd.DataFrame, weighted: bool) -> tuple[float, float, float]:
    """The overall share and its interval with respondents as clusters, from the raw answers
    (linearised ratio variance; Wilson at the effective n when unweighted)."""
    z = 1.959963984540054
    people = group.groupby("response").agg(m=("ok", "size"), k=("ok", "sum"), w=("weight", "first"))
    m, k, w = people["m"].to_numpy(float), people["k"].to_numpy(float), people["w"].to_numpy(float)
    p = (w * k).sum() / (w * m).sum()
    variance = (w**2 * (k - p * m) ** 2).sum() / (w * m).sum() ** 2
    if weighted:
        return p, max(0, p - z * np.sqrt(variance)), min(1, p + z * np.sqrt(variance))
    n = p * (1 - p) / variance
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return p, centre - half, centre + half


@pytest.mark.parametrize("weights", [False, True])
def test_overall_index_counts_respondents_and_clusters_their_answers_like_pandas(survey, weights):
    frame = fill(survey, np.random.default_rng(7), per_cell=35, weights=weights)
    frame["ok"] = (frame["value"] >= 4).astype(float)
    cells = index_cells(survey)
    for (unit, period), group in frame.groupby(["unit", "period"]):
        cell = cells[(unit, period, OVERALL)]
        p, low, high = clustered_reference(group, weights)
        assert (cell.n, cell.answers) == (group["response"].nunique(), len(group))
        assert (cell.share.estimate, cell.share.low, cell.share.high) == (pytest.approx(p), pytest.approx(low),
                                                                          pytest.approx(high))


def test_weighted_indices_match_pandas(survey):
    frame = fill(survey, np.random.default_rng(2), per_cell=35, weights=True)
    frame["ok"] = (frame["value"] >= 4).astype(float)
    cells = index_cells(survey)
    for (unit, period, element), group in frame.groupby(["unit", "period", "element"]):
        w, y = group["weight"].to_numpy(), group["ok"].to_numpy()
        p = (w * y).sum() / w.sum()
        half = 1.959963984540054 * np.sqrt((w**2 * (y - p) ** 2).sum()) / w.sum()
        cell = cells[(unit, period, element)]
        assert cell.weighted
        assert (cell.share.estimate, cell.share.high) == (pytest.approx(p), pytest.approx(min(1, p + half)))


def test_recomputing_from_raw_answers_gives_identical_statistics(survey):
    fill(survey, np.random.default_rng(3), per_cell=12, weights=True)
    before = {(a.unit_id, a.period_id, a.item_id): tuple(getattr(a, f) for f in STAT_FIELDS)
              for a in Aggregate.objects.filter(survey=survey)}
    respondents_before = respondent_sums(survey)
    assert len(respondents_before) == 3 * 4 * 6  # units x periods x (five elements and all together)
    recompute(survey)
    after = {(a.unit_id, a.period_id, a.item_id): tuple(getattr(a, f) for f in STAT_FIELDS)
             for a in Aggregate.objects.filter(survey=survey)}
    assert before.keys() == after.keys()
    for key, stats in before.items():
        assert stats[:4] == after[key][:4]  # counts and sums: exactly equal
        assert stats[4:] == pytest.approx(after[key][4:], rel=1e-12)  # weighted sums: to rounding
    assert respondents_before.keys() == respondent_sums(survey).keys()
    for key, stats in respondent_sums(survey).items():
        assert stats == pytest.approx(respondents_before[key], rel=1e-12)


def respondent_sums(survey) -> dict[tuple, tuple]:
    return {(r.unit_id, r.period_id, r.element): tuple(getattr(r, f) for f in RESPONDENT_STATS)
            for r in RespondentAggregate.objects.filter(survey=survey)}


def test_cells_below_the_minimum_n_are_suppressed(survey):
    """The minimum counts people: ten respondents' fifty answers to the overall index stay hidden."""
    fill(survey, np.random.default_rng(4), per_cell=10)
    cells = index_cells(survey)
    assert all(cell.suppressed for cell in cells.values())
    assert {cell.answers for key, cell in cells.items() if key[2] == OVERALL} == {50}
    survey.rule.min_n = 5
    survey.rule.save()
    assert not any(cell.suppressed for cell in index_cells(survey).values())


def test_ingest_is_idempotent_by_response_id(survey):
    unit = survey.units.first()
    period = survey.periods.first()
    item = survey.version.items.filter(measure=Measure.SATISFACTION).first()
    batch = [Incoming(unit.pk, period.pk, {item.pk: 5}, external_id="A-1")]
    assert ingest(survey, batch, Source.API).added == 1
    again = ingest(survey, batch + batch, Source.API)
    assert (again.added, again.duplicates) == (0, 2)
    assert Response.objects.count() == 1 and Aggregate.objects.get(item=item).n == 1
    survey.refresh_from_db()
    assert survey.response_count == 1


def test_ingest_refuses_what_is_not_a_scale_answer_and_writes_nothing(survey):
    unit, period = survey.units.first(), survey.periods.first()
    scale = survey.version.items.filter(measure=Measure.SATISFACTION).first()
    text = survey.version.items.get(measure=Measure.TEXT)
    for values in ({scale.pk: 7}, {scale.pk: 0}, {text.pk: 4}, {scale.pk: 5, 10**9: 3}):
        with pytest.raises(ValueError, match="scale item"):
            ingest(survey, [Incoming(unit.pk, period.pk, values)], Source.API)
    assert not Response.objects.exists() and not Aggregate.objects.exists()


def test_the_first_response_freezes_the_instrument_version(survey, dost):
    from sangtao.surveys.services import edit_item

    item = survey.version.items.first()
    edit_item(dost, item, "Câu hỏi đã sửa")  # not frozen yet: edited in place
    assert survey.version.items.get(pk=item.pk).text == "Câu hỏi đã sửa"
    ingest(survey, [Incoming(survey.units.first().pk, survey.periods.first().pk, {item.pk: 4})], Source.WEB)
    edited = edit_item(dost, item, "Câu hỏi phiên bản 2")
    assert edited.version.number == 2 and survey.version.items.get(pk=item.pk).text == "Câu hỏi đã sửa"
    # The stored answer still reads against the frozen version's scale order.
    slot = [scale.pk for scale in scale_items(survey.version_id)].index(item.pk)
    assert Response.objects.get().scores == "-" * slot + "4" + "-" * (len(scale_items(survey.version_id)) - slot - 1)


def test_impact_before_and_after_a_deployment_with_difference_in_differences(survey, project, officer):
    from sangtao.projects import services as project_services
    from sangtao.surveys.impact import impact

    units = list(survey.units.order_by("pk"))
    treated, *controls = units
    rng = np.random.default_rng(9)
    periods = list(survey.periods.all())
    items = list(survey.version.items.filter(measure=Measure.SATISFACTION))
    for period in periods:
        for unit in units:
            p = 0.9 if unit == treated and period.starts_on >= datetime.date(2026, 7, 1) else 0.6
            ingest(survey, [Incoming(unit.pk, period.pk, {i.pk: 5 if rng.random() < p else 2 for i in items},
                                     external_id=f"{unit.pk}-{period.pk}-{n}") for n in range(60)], Source.IMPORT)
    from sangtao.projects.models import Deployment, Project

    Project.objects.filter(pk=project.pk).update(status="accepted")
    project.refresh_from_db()
    project_services.record_deployment(project, officer, treated, "Đặt lịch khám", datetime.date(2026, 7, 1))
    result = impact(survey, Deployment.objects.filter(project=project))
    assert result.change.estimate > 0.2 and result.change.low > 0.1
    assert result.did.low < result.did.estimate < result.did.high
    assert result.did.estimate == pytest.approx(result.change.estimate - (
        result.control_after.share.estimate - result.control_before.share.estimate))
    # Drawn: four bars with whiskers, a summary naming both effects, and the same numbers as a table.
    from sangtao.core import formats
    from sangtao.surveys.charts import impact_chart

    chart = impact_chart(result)
    assert chart.svg.startswith("<svg") and chart.svg.count("<title>") >= 4 and len(chart.rows) == 4
    assert formats.number(100 * result.did.estimate, 1) in chart.summary
    assert formats.number(100 * result.change.estimate, 1) in chart.summary


def test_impact_pools_each_arm_and_phase_as_pandas_counts_them(survey, project, officer):
    """Treated and comparison units, before and after go-live: answers and satisfied answers as
    counted from the raw rows, flagged weighted, for the five elements together and for one."""
    from sangtao.projects import services as project_services
    from sangtao.projects.models import Deployment, Project
    from sangtao.surveys.impact import impact

    frame = fill(survey, np.random.default_rng(12), per_cell=8, weights=True)
    treated = survey.units.order_by("pk").first()
    Project.objects.filter(pk=project.pk).update(status="accepted")
    project.refresh_from_db()
    go_live = datetime.date(2026, 7, 1)
    project_services.record_deployment(project, officer, treated, "Đặt lịch khám", go_live)
    after = {p.pk: p.starts_on >= go_live for p in survey.periods.all()}
    one_element = int(frame.element.iloc[0])
    for element in (OVERALL, one_element):
        result = impact(survey, Deployment.objects.filter(project=project), element)
        rows = frame if element == OVERALL else frame[frame.element == element]
        for cell, in_treated, in_after in ((result.before, True, False), (result.after, True, True),
                                           (result.control_before, False, False), (result.control_after, False, True)):
            part = rows[((rows.unit == treated.pk) == in_treated) & (rows.period.map(after) == in_after)]
            assert (cell.answers, cell.satisfied) == (len(part), int((part.value >= 4).sum()))
            assert cell.weighted and cell.n == part.response.nunique()


def test_the_recompute_command_rebuilds_every_survey(survey):
    from io import StringIO

    from django.core.management import call_command

    fill(survey, np.random.default_rng(6), per_cell=3)
    Aggregate.objects.all().delete()
    out = StringIO()
    call_command("recompute_indices", stdout=out)
    assert Aggregate.objects.filter(survey=survey).count() == 3 * 4 * 5 and "cells" in out.getvalue()


def test_the_instrument_builder_edits_in_place_until_frozen_then_versions(survey, dost):
    from conftest import client_for

    client = client_for(dost)
    version = survey.version
    client.post(f"/surveys/instruments/{version.pk}/", {"code": "E1X", "element": "1", "measure": "satisfaction",
                                                        "text": "Câu hỏi mới"})
    assert version.items.filter(code="E1X").exists()
    item = version.items.get(code="E1X")
    ingest(survey, [Incoming(survey.units.first().pk, survey.periods.first().pk, {item.pk: 5})], Source.WEB)
    response = client.post(f"/surveys/instruments/{version.pk}/", {"item": item.pk, "text": "Đã sửa"})
    version.refresh_from_db()
    assert version.items.get(code="E1X").text == "Câu hỏi mới"
    assert version.instrument.versions.get(number=2).items.get(code="E1X").text == "Đã sửa"
    assert response.url.endswith(f"/surveys/instruments/{version.instrument.versions.get(number=2).pk}/")


def test_an_instrument_question_longer_than_its_column_is_refused_with_a_message_and_nothing_is_stored(survey, dost):
    from conftest import client_for

    client, version = client_for(dost), survey.version
    url = f"/surveys/instruments/{version.pk}/"
    new = {"code": "E1X", "element": "1", "measure": "satisfaction", "text": "Câu hỏi mới"}
    for too_long, limit in (({"text": "ý" * 501}, "(hiện có 501)"), ({"text_en": "y" * 501}, "(hiện có 501)"),
                            ({"code": "E" * 21}, "(hiện có 21)")):  # Django's own: at most N characters (it has M)
        page = client.post(url, {**new, **too_long})
        assert page.status_code == 200 and limit in page.content.decode(), too_long
        assert not version.items.filter(text="Câu hỏi mới").exists() and not version.items.filter(
            text__startswith="ýý").exists()
    item = version.items.first()
    for refused, message in (({"text": "ý" * 501}, "500"), ({"text": "  "}, "Cần nội dung câu hỏi.")):
        page = client.post(url, {"item": item.pk, "text_en": "", **refused})
        assert page.status_code == 200 and message in page.content.decode()
        assert version.items.get(pk=item.pk).text == item.text
    client.post(url, {**new, "text": "ý" * 500})
    assert version.items.get(code="E1X").text == "ý" * 500


@pytest.mark.parametrize("posted", [{"element": "9"}, {"element": "abc"}, {"element": "1" * 30},
                                    {"measure": "x" * 100}, {"element": "", "measure": "satisfaction"}])
def test_an_instrument_question_with_an_unknown_element_or_measure_is_refused_with_a_message(survey, dost, posted):
    from conftest import client_for

    new = {"code": "E1X", "element": "1", "measure": "satisfaction", "text": "Câu hỏi mới", **posted}
    page = client_for(dost).post(f"/surveys/instruments/{survey.version.pk}/", new)
    assert page.status_code == 200 and "Chọn yếu tố và cách đo." in page.content.decode()
    assert not survey.version.items.filter(code="E1X").exists()


def test_a_free_text_question_needs_no_element(survey, dost):
    from conftest import client_for

    client_for(dost).post(f"/surveys/instruments/{survey.version.pk}/", {
        "code": "y2", "element": "", "measure": "text", "text": "Góp ý khác"})
    item = survey.version.items.get(code="Y2")
    assert item.element is None and item.measure == Measure.TEXT
