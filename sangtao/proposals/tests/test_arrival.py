"""The deadline judges the time a request arrived at the server, not when its transaction got through."""

import datetime

import pytest
from django.utils import timezone

from conftest import ApiClient, client_for, proposal_data
from sangtao.challenges import services as challenge_services
from sangtao.challenges.models import Challenge, Status
from sangtao.notifications.models import Notification
from sangtao.proposals import services
from sangtao.proposals.models import ProposalStatus, ProposalVersion
from sangtao.proposals.services import CallClosed

pytestmark = pytest.mark.django_db
MOMENT = datetime.timedelta(milliseconds=1)


@pytest.fixture
def challenge(make_challenge):
    return make_challenge(Status.PUBLISHED)


@pytest.fixture
def draft(challenge, solver, solver_org):
    return services.start_proposal(challenge, solver, solver_org, proposal_data(challenge))


def _deadline_passes(challenge) -> datetime.datetime:
    """Move the deadline into the past and let the close job close the call."""
    deadline = timezone.now() - datetime.timedelta(seconds=1)
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=deadline)
    assert challenge_services.close_expired_calls() == 1
    return deadline


def test_a_submission_that_arrived_before_the_deadline_is_accepted_after_the_close(draft, solver, challenge):
    deadline = _deadline_passes(challenge)
    version = services.submit(draft, solver, arrived_at=deadline - MOMENT)
    assert version.submitted_at == deadline - MOMENT, "the receipt carries the arrival time"
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.SUBMITTED


def test_a_submission_arriving_at_the_deadline_is_refused(draft, solver, challenge):
    deadline = _deadline_passes(challenge)
    with pytest.raises(CallClosed):
        services.submit(draft, solver, arrived_at=deadline)
    assert not ProposalVersion.objects.exists()


def test_a_call_closed_early_by_dost_refuses_what_arrived_after_the_close(draft, solver, challenge, dost):
    challenge_services.close(challenge, dost, "dừng sớm")
    with pytest.raises(CallClosed):
        services.submit(draft, solver, arrived_at=timezone.now())
    assert not ProposalVersion.objects.exists()


def _deadline_passes_while_waiting_for_the_lock(monkeypatch, challenge):
    """The deadline passes after the request arrived, while it waits for the challenge's lock."""
    share_lock = services._share_lock

    def slow_lock(challenge_pk):
        Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=timezone.now())
        return share_lock(challenge_pk)

    monkeypatch.setattr(services, "_share_lock", slow_lock)


def test_the_page_judges_a_submission_by_when_its_request_arrived(draft, solver, challenge, monkeypatch):
    _deadline_passes_while_waiting_for_the_lock(monkeypatch, challenge)
    response = client_for(solver).post(f"/proposals/{draft.pk}/submit/")
    assert response.status_code == 302
    version = ProposalVersion.objects.get(proposal=draft)
    assert version.submitted_at < Challenge.objects.get(pk=challenge.pk).call_closes_at


def test_the_api_judges_a_submission_by_when_its_request_arrived(draft, solver, challenge, monkeypatch):
    _deadline_passes_while_waiting_for_the_lock(monkeypatch, challenge)
    response = ApiClient(solver).post(f"/proposals/{draft.pk}/submit")
    assert response.status_code == 201, response.content
    assert ProposalVersion.objects.filter(proposal=draft).exists()


def test_the_member_who_withdraws_is_told_too(draft, solver, challenge):
    services.submit(draft, solver)
    services.withdraw(draft, solver, "đổi kế hoạch")
    note = Notification.objects.get(recipient=solver, title__contains="đã được rút")
    assert "không được xét" in note.body and "đổi kế hoạch" in note.body


def test_a_withdrawal_the_deadline_overtook_says_the_proposal_will_not_be_considered(draft, solver, challenge,
                                                                                      monkeypatch):
    services.submit(draft, solver)
    _deadline_passes_while_waiting_for_the_lock(monkeypatch, challenge)
    response = client_for(solver).post(f"/proposals/{draft.pk}/withdraw/", {"reason": "đổi kế hoạch"}, follow=True)
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.WITHDRAWN
    assert "sẽ không được xét" in response.content.decode()


def test_resubmitting_a_withdrawn_proposal_after_the_deadline_says_it_stays_withdrawn(draft, solver, challenge):
    services.submit(draft, solver)
    services.withdraw(draft, solver)
    _deadline_passes(challenge)
    with pytest.raises(CallClosed) as refused:
        services.submit(draft, solver)
    assert "đã được rút" in str(refused.value.message)
