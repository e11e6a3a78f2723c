"""The council and scoresheet tables: every role tries every move from every state."""

import pytest

from conftest import SELECTION_WORLD, assert_move_matrix, module_world, move_table_test, selection_world
from sangtao.core.models import AuditEvent
from sangtao.review import services
from sangtao.review.models import Council, CouncilStatus, Scoresheet, SheetStatus

pytestmark = pytest.mark.django_db

globals().update(module_world(selection_world, SELECTION_WORLD))  # a council with its proposals, built once

COUNCIL_ALLOWED = move_table_test("council", {"release": {"dost"}, "decide": {"dost"}})
SHEET_ALLOWED = move_table_test("scoresheet", {"submit": {"reviewer"}, "reopen": {"secretary"}})


def test_every_role_tries_every_council_move_from_every_state(roles, selection):
    council = selection["council"]
    for state in CouncilStatus.values:
        Council.objects.filter(pk=council.pk).update(status=state)  # the matrix starts from each state
        council.refresh_from_db()
        applied = assert_move_matrix(council, roles, COUNCIL_ALLOWED)
        # Releasing is possible from forming; deciding waits for a decision on every challenge.
        assert applied == (1 if state == CouncilStatus.FORMING else 0)


def test_every_role_tries_every_scoresheet_move_from_every_state(roles, selection):
    experts = selection["experts"]
    item = selection["council"].assignments.filter(expert=experts[0]).first()
    reviewer, secretary = experts[0].user, experts[2].user  # the third seat is the scientific secretary
    services.declare(item, reviewer, has_conflict=False)
    leaves = {c.code: c.pk for c in item.council.rubric.leaves()}
    sheet = services.save_scores(item, reviewer, {leaves["1"]: 12, leaves["2"]: 40, leaves["3"]: 30},
                                 dict.fromkeys(leaves.values(), "nhận xét"))
    everyone = {**roles, "reviewer": reviewer, "secretary": secretary}
    for state in SheetStatus.values:
        Scoresheet.objects.filter(pk=sheet.pk).update(status=state)
        sheet.refresh_from_db()
        assert assert_move_matrix(sheet, everyone, SHEET_ALLOWED) == 1


def test_the_decision_on_the_last_challenge_moves_the_council_to_decided_with_its_transition(project, dost):
    council = Council.objects.get(pk=project.decision.council_id)
    assert council.status == CouncilStatus.DECIDED
    row = AuditEvent.objects.get(action="council.decide", object_type="review.council", object_id=str(council.pk))
    assert row.actor == dost
    assert (row.data["from_status"], row.data["to_status"]) == (CouncilStatus.REVIEWING, CouncilStatus.DECIDED)
