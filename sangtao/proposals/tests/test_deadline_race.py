"""Many organisations submit and withdraw at once around the deadline (PostgreSQL: real row locks).

The deadline judges the server time at which each request arrived (what the arrival
middleware stamps), not the moment its transaction gets through: every submission that
arrived before the deadline is accepted, even one processed after the close job ran;
none that arrived at or after it is; nothing accepted is lost.
"""

import datetime
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from conftest import proposal_data
from sangtao.accounts.models import User
from sangtao.challenges.models import Challenge, Status
from sangtao.challenges.services import close_expired_calls
from sangtao.core.audit import broken_links
from sangtao.notifications.models import Notification
from sangtao.orgs.models import Membership, OrgUnit, Role, UnitKind
from sangtao.privacy.defaults import third_party_purpose
from sangtao.privacy.models import Purpose
from sangtao.proposals import services
from sangtao.proposals.models import Proposal, ProposalStatus, ProposalTransition, ProposalVersion
from sangtao.proposals.services import CallClosed

pytestmark = [pytest.mark.django_db(transaction=True)]
SUBMISSIONS = 200
WITHDRAWALS = 40
# Database connections open at once: PostgreSQL allows 100 in all, shared with other test runs.
CONNECTIONS = 40
SPREAD = datetime.timedelta(seconds=1)  # arrivals from half a second before the deadline to half after


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL; SQLite serialises every writer")


def _entrants(challenge, count: int, prefix: str) -> list[tuple[Proposal, User]]:
    """Organisations with one member and a complete draft each, written in bulk to keep the test quick."""
    content = services.clean_content(proposal_data(challenge), challenge)
    orgs = OrgUnit.objects.bulk_create(
        OrgUnit(kind=UnitKind.SOLVER, code=f"0{prefix}{n:07d}", name=f"Tổ chức {prefix} {n}") for n in range(count))
    members = User.objects.bulk_create(User(username=f"{prefix}{n}", email=f"{prefix}{n}@example.vn")
                                       for n in range(count))
    Membership.objects.bulk_create(Membership(user=member, unit=org, role=Role.SOLVER)
                                   for org, member in zip(orgs, members, strict=True))
    proposals = Proposal.objects.bulk_create(
        Proposal(challenge=challenge, organisation=org, created_by=member, **content)
        for org, member in zip(orgs, members, strict=True))
    return list(zip(proposals, members, strict=True))


def _arrivals(deadline: datetime.datetime, count: int) -> list[datetime.datetime]:
    """Arrival times spread evenly across SPREAD around the deadline."""
    return [deadline - SPREAD / 2 + SPREAD * index / (count - 1) for index in range(count)]


def _sleep_until(moment: datetime.datetime) -> None:
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()))


def _race(challenge, attempts, deadline: datetime.datetime) -> tuple[list, datetime.datetime]:
    """Run the attempts on their own connections while the close job closes the call at the deadline.

    Returns the outcomes and when the close job closed the call. Attempts marked `held` arrived before the
    deadline but reach the service only once the call is closed (a request held up in a
    worker's queue or by a slow network).
    """
    closed = threading.Event()

    def close_job():
        try:
            _sleep_until(deadline)
            while not close_expired_calls():
                time.sleep(0.01)
            closed.set()
        finally:
            connections.close_all()

    def run(attempt):
        arrived_at, held, action = attempt
        try:
            _sleep_until(arrived_at)
            if held:
                closed.wait(30)
            return action(arrived_at)
        except CallClosed as refused:
            return refused
        finally:
            connections.close_all()

    closer = threading.Thread(target=close_job)
    closer.start()
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        outcomes = list(pool.map(run, attempts, timeout=60))
    closer.join(60)
    assert closed.is_set(), "the close job closed the call"
    return outcomes, Challenge.objects.get(pk=challenge.pk).transitions.get(to_status=Status.CLOSED).at


def test_every_submission_that_arrived_before_the_deadline_is_accepted_and_none_after(make_challenge):
    challenge = make_challenge(Status.PUBLISHED)
    entrants = _entrants(challenge, SUBMISSIONS, "s")
    deadline = timezone.now() + SPREAD
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=deadline)
    arrivals = _arrivals(deadline, SUBMISSIONS)

    def submitter(proposal, member):
        return lambda arrived_at: services.submit(proposal, member, arrived_at=arrived_at)

    attempts = [(at, index % 4 == 0 and at < deadline, submitter(*entrants[index]))
                for index, at in enumerate(arrivals)]
    outcomes, closed_at = _race(challenge, attempts, deadline)

    on_time = {entrants[i][0].pk: at for i, at in enumerate(arrivals) if at < deadline}
    accepted = {o.proposal_id: o.submitted_at for o in outcomes if isinstance(o, ProposalVersion)}
    refused = [o for o in outcomes if isinstance(o, CallClosed)]
    assert len(accepted) + len(refused) == SUBMISSIONS, "every attempt ended with a receipt or a clear refusal"
    assert accepted == on_time, "exactly the submissions that arrived before the deadline, stamped with that time"
    assert all("hết hạn" in str(error.message) for error in refused)
    stored = dict(ProposalVersion.objects.values_list("proposal_id", "submitted_at"))
    assert stored == accepted, "every accepted submission is stored, and nothing else"
    held = [entrants[i][0].pk for i, (at, is_held, _a) in enumerate(attempts) if is_held]
    assert ProposalTransition.objects.filter(proposal__in=held, move="submit", at__gt=closed_at).count() == len(held), \
        "the submissions held up until after the close were still accepted"


def test_a_withdrawal_racing_the_deadline_is_told_to_every_member(make_challenge):
    challenge = make_challenge(Status.PUBLISHED)
    entrants = _entrants(challenge, WITHDRAWALS, "w")
    for proposal, member in entrants:
        services.submit(proposal, member)
    deadline = timezone.now() + SPREAD
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=deadline)
    arrivals = _arrivals(deadline, WITHDRAWALS)

    def withdrawer(proposal, member):
        return lambda arrived_at: services.withdraw(proposal, member, "đổi kế hoạch", arrived_at=arrived_at)

    attempts = [(at, index % 4 == 0 and at < deadline, withdrawer(*entrants[index]))
                for index, at in enumerate(arrivals)]
    outcomes, _closed_at = _race(challenge, attempts, deadline)

    for (proposal, member), arrived_at, outcome in zip(entrants, arrivals, outcomes, strict=True):
        status = Proposal.objects.get(pk=proposal.pk).status
        told = Notification.objects.filter(recipient=member, title__contains="đã được rút")
        if arrived_at < deadline:
            assert isinstance(outcome, Proposal) and status == ProposalStatus.WITHDRAWN
            assert told.count() == 1, "the member who withdrew is told, not only the page"
        else:
            assert isinstance(outcome, CallClosed) and status == ProposalStatus.SUBMITTED
            assert not told.exists()


def test_a_submission_does_not_wait_for_another_submission_to_the_same_call_to_commit(make_challenge):
    """The append-only rows a submission writes (its transition, version, audit and notice rows) chain
    per proposal, not per table: a second organisation's submission goes through while the first one's
    transaction, all its rows written, is still open."""
    challenge = make_challenge(Status.PUBLISHED)
    (first, first_member), (second, second_member) = _entrants(challenge, 2, "h")
    third_party_purpose(Purpose, "proposal_team")  # seeded by a migration; the flush between tests removed it
    written, release = threading.Event(), threading.Event()

    def hold_open() -> None:
        try:
            with transaction.atomic():
                services.submit(first, first_member)
                written.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_open)
    holder.start()
    try:
        assert written.wait(30), "the first submission wrote its rows"
        assert ProposalTransition.objects.filter(proposal=first).count() == 0, "and has not committed them"
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            receipt = services.submit(second, second_member)  # raised OperationalError (lock timeout) before
    finally:
        release.set()
        holder.join(30)
    assert receipt.receipt.endswith(f"-{second.pk}-01")
    assert set(Proposal.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        ProposalStatus.SUBMITTED}
    assert broken_links() == []
