"""From scores to DoST's decision: the challenge moves on, applicants are told, complaints are answered."""

import datetime

import pytest
from django.db import transaction

from conftest import SELECTION_WORLD, module_world, score_all, selection_world
from sangtao.challenges.models import Status, Transition
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.core.models import AuditEvent
from sangtao.core.workitems import work_for
from sangtao.notifications.models import Notification
from sangtao.proposals.models import ProposalStatus
from sangtao.review import services
from sangtao.review.models import CouncilStatus, Decision

pytestmark = pytest.mark.django_db
# Every test here starts from the same selection, built once for the module.
globals().update(module_world(selection_world, SELECTION_WORLD))

GOOD = {"1": 12, "2": 40, "3": 30}
WEAK = {"1": 10, "2": 30, "3": 20}


def test_decision_selects_the_passing_proposal_and_moves_the_challenge(selection, dost):
    first, second = selection["proposals"]
    score_all(selection["council"], {first.pk: GOOD, second.pk: WEAK})
    decision = services.record_decision(selection["challenge"], dost, proposal=first, rationale="Điểm cao nhất",
                                        decided_on=datetime.date(2026, 11, 20), decision_number="123/QĐ-SKHCN")
    challenge = selection["challenge"]
    challenge.refresh_from_db()
    assert challenge.status == Status.IMPLEMENTING
    assert Transition.objects.filter(challenge=challenge).last().move == "select_lead"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (ProposalStatus.SELECTED, ProposalStatus.NOT_SELECTED)
    assert decision.lead_organisation == first.organisation
    selection["council"].refresh_from_db()
    assert selection["council"].status == CouncilStatus.DECIDED
    assert Notification.objects.filter(recipient=selection["other_member"], title__contains="Kết quả").exists()


def test_a_failing_proposal_cannot_be_selected(selection, dost):
    first, second = selection["proposals"]
    score_all(selection["council"], {first.pk: GOOD, second.pk: WEAK})
    with pytest.raises(InvalidInput):
        services.record_decision(selection["challenge"], dost, proposal=second, rationale="x",
                                 decided_on=datetime.date(2026, 11, 20))
    assert not Decision.objects.exists()


def test_the_highest_scoring_passing_proposal_is_chosen_unless_withdrawn_or_dost_departs_and_says_why(selection, dost):
    from sangtao.proposals.models import Proposal

    first, second = selection["proposals"]
    score_all(selection["council"], {first.pk: GOOD, second.pk: {"1": 12, "2": 35, "3": 30}})  # 82 and 77: both pass
    with pytest.raises(InvalidInput, match=f"điểm cao nhất: «{first.title}»"):
        services.record_decision(selection["challenge"], dost, proposal=second, rationale="Chọn hồ sơ hạng 2",
                                 decided_on=datetime.date(2026, 11, 20))
    assert not Decision.objects.exists()
    Proposal.objects.filter(pk=first.pk).update(status=ProposalStatus.WITHDRAWN)  # the first stepped back
    with transaction.atomic():
        decision = services.record_decision(selection["challenge"], dost, proposal=second,
                                            rationale="Hồ sơ đứng đầu đã rút", decided_on=datetime.date(2026, 11, 20))
        assert decision.lead_organisation == second.organisation
        transaction.set_rollback(True)
    # Or DoST says it departs from the ranking (the first organisation declined after the call closed), and why.
    Proposal.objects.filter(pk=first.pk).update(status=ProposalStatus.ELIGIBLE)
    decision = services.record_decision(selection["challenge"], dost, proposal=second, departs_from_ranking=True,
                                        rationale="Tổ chức đứng đầu từ chối chủ trì", decided_on=datetime.date(2026, 11, 20))
    assert decision.proposal == second
    assert AuditEvent.objects.get(action="decision_recorded").data["departs_from_ranking"] is True


def test_only_dost_decides(selection, officer):
    first, _second = selection["proposals"]
    with pytest.raises(NotAllowed):
        services.record_decision(selection["challenge"], officer, proposal=first, rationale="x",
                                 decided_on=datetime.date(2026, 11, 20))


def test_applicant_files_a_complaint_in_the_window_and_dost_answers(selection, dost):
    first, second = selection["proposals"]
    score_all(selection["council"], {first.pk: GOOD, second.pk: WEAK})
    services.record_decision(selection["challenge"], dost, proposal=first, rationale="Điểm cao nhất",
                             decided_on=datetime.date(2026, 11, 20))
    complaint = services.file_complaint(second, selection["other_member"], "Đề nghị xem lại điểm tiêu chí 2.")
    waiting = {item.kind: item for item in work_for(dost)}["review.complaints"]  # on DoST's home, linked
    assert waiting.count == 1 and waiting.url == f"/complaints/#complaint-{complaint.pk}" and waiting.action_needed
    answered = services.answer_complaint(complaint, dost, "Hội đồng đã rà soát, giữ nguyên kết quả.")
    assert answered.answered_by == dost and answered.answer
    assert "review.complaints" not in {item.kind for item in work_for(dost)}  # answered: off the home
    Decision.objects.update(complaints_close_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(InvalidInput):
        services.file_complaint(second, selection["other_member"], "Khiếu nại quá hạn nộp.")


def test_a_complaint_answer_longer_than_4000_characters_is_refused_with_a_message_and_not_stored(selection, dost):
    from conftest import client_for
    from sangtao.review.models import Complaint

    first, second = selection["proposals"]
    score_all(selection["council"], {first.pk: GOOD, second.pk: WEAK})
    services.record_decision(selection["challenge"], dost, proposal=first, rationale="Điểm cao nhất",
                             decided_on=datetime.date(2026, 11, 20))
    complaint = services.file_complaint(second, selection["other_member"], "Đề nghị xem lại điểm tiêu chí 2.")
    client = client_for(dost)
    response = client.post("/complaints/", {"complaint": complaint.pk, "answer": "ý" * 4001}, follow=True)
    assert response.status_code == 200 and any("4001" in str(m) for m in response.context["messages"])
    complaint.refresh_from_db()
    assert complaint.answer == "" and complaint.answered_at is None
    client.post("/complaints/", {"complaint": complaint.pk, "answer": "ý" * 4000})  # the longest taken
    assert Complaint.objects.get(pk=complaint.pk).answer == "ý" * 4000


def test_a_proposal_is_judged_only_once_two_thirds_of_its_assigned_members_have_scored(selection, dost):
    from sangtao.review import services as review_services
    from sangtao.review.results import council_results

    council, (first, _second) = selection["council"], selection["proposals"]
    leaves = {c.code: c.pk for c in council.rubric.leaves()}
    items = list(council.assignments.filter(proposal=first).select_related("expert__user"))
    needed = -(-2 * len(items) // 3)  # two thirds of those assigned, rounded up
    for count, item in enumerate(items, start=1):
        review_services.declare(item, item.expert.user, has_conflict=False)
        review_services.save_scores(item, item.expert.user, {leaves[code]: v for code, v in GOOD.items()},
                                    {leaves[code]: "nhận xét" for code in GOOD})
        review_services.submit_scoresheet(item, item.expert.user)
        result = council_results(council)[0][first.pk]
        assert result.passed is (count >= needed), count
        if count == 1:
            assert result.failed_because == ["no_quorum"]
            with pytest.raises(InvalidInput, match="không đạt"):
                services.record_decision(selection["challenge"], dost, proposal=first, rationale="Một phiếu",
                                         decided_on=datetime.date(2026, 11, 20))


def test_the_best_proposal_is_the_best_of_its_own_call_when_a_council_reviews_several(selection, dost,
                                                                                      make_challenge):
    from sangtao.proposals.models import Proposal

    first, second = selection["proposals"]
    score_all(selection["council"], {first.pk: GOOD, second.pk: {"1": 15, "2": 45, "3": 30}})  # 82 and 90
    other_call = make_challenge(Status.CLOSED, title="Bài toán khác cùng hội đồng")
    Proposal.objects.filter(pk=second.pk).update(challenge=other_call)
    decision = services.record_decision(selection["challenge"], dost, proposal=first, rationale="Cao nhất của bài toán",
                                        decided_on=datetime.date(2026, 11, 20))
    assert decision.proposal == first


def test_members_who_declared_a_conflict_are_not_counted_in_the_quorum(selection):
    from sangtao.review import services as review_services
    from sangtao.review.results import council_results

    council, (first, _second) = selection["council"], selection["proposals"]
    leaves = {c.code: c.pk for c in council.rubric.leaves()}
    items = list(council.assignments.filter(proposal=first).select_related("expert__user"))
    conflicted, scoring = items[:len(items) // 2], items[len(items) // 2:]
    for item in conflicted:
        review_services.declare(item, item.expert.user, has_conflict=True, note="Tôi từng làm việc cho tổ chức này")
    for item in scoring:
        review_services.declare(item, item.expert.user, has_conflict=False)
        review_services.save_scores(item, item.expert.user, {leaves[code]: v for code, v in GOOD.items()},
                                    {leaves[code]: "nhận xét" for code in GOOD})
        review_services.submit_scoresheet(item, item.expert.user)
    assert len(scoring) < -(-2 * len(items) // 3)  # fewer than two thirds of all those assigned
    result = council_results(council)[0][first.pk]
    assert result.passed and result.failed_because == [] and result.sheets == len(scoring)


def test_the_decision_page_offers_to_depart_from_the_ranking_and_says_why_it_refuses(selection, dost):
    from conftest import client_for

    first, second = selection["proposals"]
    score_all(selection["council"], {first.pk: GOOD, second.pk: {"1": 12, "2": 35, "3": 30}})
    url = f"/challenges/{selection['challenge'].pk}/decision/"
    data = {"proposal": second.pk, "decided_on": "20/11/2026", "rationale": "Tổ chức đứng đầu từ chối",
            "decision_number": "", "legal_basis": ""}
    page = client_for(dost).post(url, data).content.decode()
    assert 'name="departs_from_ranking"' in page and "điểm cao nhất" in page and not Decision.objects.exists()
    assert '<div class="scroll-x" tabindex="0"><table>' in page  # the ranking scrolls on a phone, words whole
    client_for(dost).post(url, {**data, "departs_from_ranking": "on"})
    assert Decision.objects.get().proposal == second
