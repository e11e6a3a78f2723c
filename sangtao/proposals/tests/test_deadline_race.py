"""Many organisations submit at once around the deadline (PostgreSQL: real row locks).

Every submission that commits is before the deadline; every refusal says the call
closed; nothing that succeeded is lost; and a late one never slips in.
"""

import datetime
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from conftest import make_solver_org, proposal_data
from sangtao.challenges.models import Challenge, Status
from sangtao.proposals import services
from sangtao.proposals.models import ProposalVersion
from sangtao.proposals.services import CallClosed

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_rules")]
SUBMITTERS = 24


def test_concurrent_submissions_around_the_deadline(make_challenge):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL; SQLite serialises every writer")
    challenge = make_challenge(Status.PUBLISHED)
    entrants = []
    for n in range(SUBMITTERS):
        org, member = make_solver_org(f"Tổ chức {n}", f"03000000{n:02d}", f"racer{n}")
        entrants.append((services.start_proposal(challenge, member, org, proposal_data(challenge)), member))
    deadline = timezone.now() + datetime.timedelta(seconds=1.5)
    Challenge.objects.filter(pk=challenge.pk).update(call_closes_at=deadline)
    start_gate = threading.Barrier(SUBMITTERS)
    outcomes: dict[int, object] = {}

    def attempt(index: int, proposal, member) -> None:
        try:
            start_gate.wait()
            # Spread the attempts from 0.7 s before to 0.7 s after the deadline.
            target = deadline + datetime.timedelta(seconds=-0.7 + 1.4 * index / (SUBMITTERS - 1))
            time.sleep(max(0.0, (target - timezone.now()).total_seconds()))
            version = services.submit(proposal, member)
            outcomes[proposal.pk] = version.submitted_at
        except CallClosed as refused:
            outcomes[proposal.pk] = refused
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i, p, m)) for i, (p, m) in enumerate(entrants)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(outcomes) == SUBMITTERS, "every attempt ended with a receipt or a clear refusal"
    accepted = {pk: at for pk, at in outcomes.items() if isinstance(at, datetime.datetime)}
    refused = {pk: error for pk, error in outcomes.items() if isinstance(error, CallClosed)}
    assert accepted and refused, "the attempts straddle the deadline"
    assert all(at < deadline for at in accepted.values())
    stored = dict(ProposalVersion.objects.values_list("proposal_id", "submitted_at"))
    assert stored == accepted, "every accepted submission is stored, and nothing else"
    assert all("hết hạn" in str(error.message) for error in refused.values())
