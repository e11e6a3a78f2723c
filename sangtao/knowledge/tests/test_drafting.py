"""A case drafted from the platform's records: the numbers are those of the outcome page."""

import pytest

from conftest import PROJECT_WORLD, module_world, project_world
from sangtao.evaluation.outcome import challenge_outcome
from sangtao.knowledge import services
from sangtao.knowledge.drafting import results_text
from sangtao.knowledge.models import SourceKind

globals().update(module_world(project_world, PROJECT_WORLD))  # a project under way, built once for the module


def test_a_case_drafted_from_an_accepted_challenge_holds_the_numbers_of_its_outcome(accepted, officer):
    challenge = accepted.challenge
    case = services.do_draft_case(actor=officer, source_kind=SourceKind.CHALLENGE, source_id=challenge.pk)
    kpis, surveys = challenge_outcome(challenge)  # what the outcome page shows
    assert [k["latest"] for k in case.figures["kpis"]] == [float(k.status.latest) for k in kpis] == [72.5]
    assert [(k["baseline"], k["target"], k["status"]) for k in case.figures["kpis"]] == [
        (float(k.indicator.baseline_value), float(k.indicator.target_value), k.status.code) for k in kpis]
    impact = surveys[0].impact
    assert impact is not None and impact.change is not None
    [satisfaction] = case.figures["satisfaction"]
    assert (satisfaction["change"], satisfaction["low"], satisfaction["high"]) == (
        impact.change.estimate, impact.change.low, impact.change.high)
    assert satisfaction["change"] > 0
    # The text says the same numbers, as the outcome page writes them.
    assert "72,5 phút" in case.results and "mục tiêu" in case.results
    points = f"{100 * impact.change.estimate:.1f}".replace(".", ",")
    assert f"thay đổi {points} điểm phần trăm" in case.results
    assert f"{100 * impact.change.low:.1f}".replace(".", ",") in case.results
    assert "72.5" in case.results_en and "percentage points" in case.results_en
    # The problem from the challenge, the innovation from the selected proposal and the project.
    assert challenge.problem_statement in case.problem
    assert challenge.decision.proposal.title in case.innovation
    assert "Sở Y tế" in case.results  # where it was deployed
    assert case.unit == challenge.owner_unit and case.source_kind == "challenge"


def test_only_the_unit_of_the_work_drafts_its_case_and_only_once_the_work_ended(accepted, project, ward_officer,
                                                                                 officer):
    from sangtao.core.errors import InvalidInput, NotAllowed

    with pytest.raises(NotAllowed):
        services.do_draft_case(actor=ward_officer, source_kind="challenge", source_id=accepted.challenge.pk)
    from sangtao.challenges.models import Challenge

    running = Challenge.objects.exclude(pk=accepted.challenge.pk).first()
    with pytest.raises(InvalidInput):
        services.do_draft_case(actor=officer, source_kind="challenge", source_id=running.pk)


def test_results_text_reads_the_figures_in_each_language():
    from django.utils import translation

    figures = {"kpis": [{"name": "Thời gian chờ", "unit": "phút", "baseline": 180.0, "target": 60.0, "latest": 1234.5,
                         "status": "off_track"}],
               "satisfaction": [{"service": "Khám bệnh", "change": 0.123, "low": 0.05, "high": 0.2}]}
    with translation.override("vi"):
        text = results_text(figures)
    assert "1.234,5 phút (Chưa đạt tiến độ)" in text and "thay đổi 12,3 điểm phần trăm" in text
    assert "5,0 đến 20,0" in text
    with translation.override("en"):
        assert "1,234.5" in results_text(figures)


def test_a_case_drafted_from_a_finished_annual_task_holds_its_kpi_results(finished_task, ward, ward_officer):
    from sangtao.annual.results import task_results

    task = finished_task
    case = services.do_draft_case(actor=ward_officer, source_kind=SourceKind.ANNUAL_TASK, source_id=task.pk)
    [result] = task_results([task])[task.pk].kpis  # what the plan's results show
    [figures] = case.figures["kpis"]
    assert figures["latest"] == float(result.status.latest) == 1.5
    assert (figures["baseline"], figures["target"], figures["status"]) == (5.0, 1.0, result.status.code)
    assert "1,5 ngày" in case.results and "1.5" in case.results_en
    assert case.problem == task.problem and "cổng dịch vụ công" in case.innovation
    assert case.unit == ward and case.source_kind == "annual_task"
