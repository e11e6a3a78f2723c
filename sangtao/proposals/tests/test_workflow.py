"""The proposal table: every role tries every move from every state."""

import pytest

from conftest import assert_move_matrix, move_table_test, proposal_data
from sangtao.challenges.models import Status
from sangtao.proposals import services
from sangtao.proposals.models import Proposal, ProposalStatus
from sangtao.proposals.workflow import MOVES

ALLOWED_ROLES = move_table_test("proposal", {
    "submit": {"solver"}, "withdraw": {"solver"},
    "mark_eligible": {"dost"}, "mark_ineligible": {"dost"}, "select": {"dost"}, "not_select": {"dost"},
})


@pytest.mark.django_db
def test_every_role_tries_every_move_from_every_state(roles, make_challenge, solver, solver_org):
    challenge = make_challenge(Status.PUBLISHED)
    proposal = services.start_proposal(challenge, solver, solver_org, proposal_data(challenge))
    for state in ProposalStatus.values:
        Proposal.objects.filter(pk=proposal.pk).update(status=state)  # the matrix starts from each state
        proposal.refresh_from_db()
        applied = assert_move_matrix(proposal, roles, ALLOWED_ROLES)
        assert applied == sum(len(ALLOWED_ROLES[name]) for name, move in MOVES.items() if state in move.sources)
