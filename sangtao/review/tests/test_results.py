"""The pass rule as a table, ranking with reported ties, and the results page."""

from decimal import Decimal

import pytest

from conftest import client_for, score_all
from sangtao.review.models import Rubric
from sangtao.review.results import evaluate

pytestmark = pytest.mark.django_db


def sheets(*rows):
    """Each row is (urgency, feasibility, effectiveness) points of one scoresheet."""
    return rows


@pytest.fixture
def rubric():
    return Rubric.objects.prefetch_related("criteria").get(is_default=True)


def as_points(rubric, rows):
    ids = [c.pk for c in rubric.leaves()]
    return [{cid: Decimal(str(v)) for cid, v in zip(ids, row, strict=True)} for row in rows]


PASS_TABLE = [
    # (scoresheets, passes, why it fails)
    (sheets((10, 35, 25), (10, 35, 25), (10, 35, 25)), True, []),  # exactly 70
    (sheets((10, 35, 25), (10, 35, 25), (10, 35, 24)), False, ["mean_below_threshold"]),  # 69.67
    (sheets((0, 45, 30), (15, 45, 30), (15, 45, 30)), True, []),  # one zero of three = one third: allowed
    (sheets((0, 50, 35), (0, 50, 35), (15, 50, 35)), False, ["zeros:1"]),  # two zeros of three: too many
    (sheets((0, 50, 35), (15, 50, 35), (15, 50, 35), (15, 50, 35)), True, []),  # one of four
    (sheets((0, 50, 35), (0, 50, 35), (15, 50, 35), (15, 50, 35)), False, ["zeros:1"]),  # half
    (sheets(), False, ["no_scores", "mean_below_threshold"]),
    (sheets((10, 35, 24.99), (10, 35, 25)), False, ["mean_below_threshold"]),  # 69.995: shown 70.00, not 70
]


@pytest.mark.parametrize(("rows", "passes", "reasons"), PASS_TABLE)
def test_pass_rule_table(rubric, rows, passes, reasons):
    result = evaluate(rubric, {1: as_points(rubric, rows)})[1]
    assert result.passed is passes, result.mean_total
    assert result.failed_because == reasons


def test_pass_rule_reads_the_rubric_data(rubric):
    rubric.pass_mean_total = Decimal("80")
    rubric.save()
    assert not evaluate(rubric, {1: as_points(rubric, [(15, 40, 24)])})[1].passed
    assert evaluate(rubric, {1: as_points(rubric, [(15, 40, 25)])})[1].passed


def test_ties_are_reported_not_broken(rubric):
    results = evaluate(rubric, {
        1: as_points(rubric, [(15, 45, 30)]), 2: as_points(rubric, [(15, 45, 30)]),
        3: as_points(rubric, [(10, 40, 25)]), 4: as_points(rubric, [(5, 20, 10)]),
    })
    assert (results[1].rank, results[2].rank, results[3].rank, results[4].rank) == (1, 1, 3, None)
    assert results[1].tied_with == [2] and results[3].tied_with == []


def test_means_per_criterion_and_zero_counts(rubric):
    result = evaluate(rubric, {1: as_points(rubric, [(0, 40, 30), (15, 44, 31)])})[1]
    top = rubric.top_level()
    assert [result.criterion_means[c.pk] for c in top] == [Decimal("7.50"), Decimal("42.00"), Decimal("30.50")]
    assert [result.zero_counts[c.pk] for c in top] == [1, 0, 0]
    assert result.mean_total == Decimal("80.00")


def test_results_page_shows_raw_rule_and_calibrated_view(selection, dost):
    first, second = selection["proposals"]
    score_all(selection["council"], {first.pk: {"1": 12, "2": 40, "3": 30}, second.pk: {"1": 8, "2": 30, "3": 20}})
    page = client_for(dost).get(f"/councils/{selection['council'].pk}/results/").content.decode()
    assert "82,00" in page and "58,00" in page
    assert "điểm thô theo quy định" in page and "Krippendorff" in page
    assert "từ 70 trở lên" in page and "(/15)" in page
    Rubric.objects.filter(pk=selection["council"].rubric_id).update(pass_mean_total=Decimal("70.50"))
    page = client_for(dost).get(f"/councils/{selection['council'].pk}/results/").content.decode()
    assert "từ 70,5 trở lên" in page  # the rule as it was set, not rounded to 71


def test_dost_edits_the_rubric_and_rules_in_the_admin(dost):
    from sangtao.review.models import CouncilRules

    dost.is_staff = dost.is_superuser = True
    dost.save()
    client = client_for(dost)
    rubric = Rubric.objects.get(is_default=True)
    assert "Tính khả thi" in client.get(f"/admin/review/rubric/{rubric.pk}/change/").content.decode()
    rules = CouncilRules.objects.get(is_default=True)
    assert client.get(f"/admin/review/councilrules/{rules.pk}/change/").status_code == 200
    assert client.get("/admin/proposals/eligibilitycriterion/").status_code == 200
