"""The initiative and council tables: every role tries every move from every state, by the service
and through the API; the pages offer exactly the moves the table allows."""

import pytest

from conftest import assert_move_matrix, client_for, make_user, move_table_test, moves_through_api
from sangtao.core.errors import NotAllowed
from sangtao.core.workflow import workflow_of
from sangtao.core.workitems import work_for
from sangtao.initiatives import services
from sangtao.initiatives.models import Council, CouncilStatus, Initiative, InitiativeStatus
from sangtao.initiatives.tests.conftest import initiative_data, seat_council
from sangtao.orgs.models import Role

pytestmark = pytest.mark.django_db

# The application is the officer's (with a colleague outside the platform), in the Department of Health.
UNIT = {"leader"}
INITIATIVE_ALLOWED = move_table_test("initiative", {
    "submit": {"officer"}, "withdraw": {"officer"}, "return": UNIT, "refuse": UNIT, "to_council": UNIT,
    "recognise": UNIT, "not_recognise": UNIT, "propose_city": UNIT, "decline_city": {"dost"},
    "city_review": {"dost"}, "city_recognise": {"dost"}, "city_refuse": {"dost"},
})
COUNCIL_ALLOWED = move_table_test("initiative_council", {"open_voting": UNIT, "decide": UNIT})


def test_every_role_tries_every_initiative_move_from_every_state(roles, draft):
    for state in InitiativeStatus.values:
        Initiative.objects.filter(pk=draft.pk).update(status=state)  # the matrix starts from each state
        draft.refresh_from_db()
        applied = assert_move_matrix(draft, roles, INITIATIVE_ALLOWED)
        expected = sum(len(roles_) for name, roles_ in INITIATIVE_ALLOWED.items()
                       if state in workflow_of(draft).moves[name].sources)
        assert applied == expected


def test_every_role_tries_every_council_move_from_every_state(roles, received, leader, panel):
    from sangtao.initiatives.tests.conftest import seat_council, vote_all

    council = seat_council(services.form_council(received, leader), leader, panel)
    vote_all(council, panel, in_favour=5)
    for state in CouncilStatus.values:
        Council.objects.filter(pk=council.pk).update(status=state)
        council.refresh_from_db()
        assert assert_move_matrix(council, roles, COUNCIL_ALLOWED) == (1 if state != CouncilStatus.DECIDED else 0)


API_MOVES = ("withdraw", "return", "refuse", "propose_city", "decline_city")


@pytest.mark.parametrize("state", InitiativeStatus.values)
def test_the_api_allows_exactly_the_moves_of_the_table(roles, draft, state):
    Initiative.objects.filter(pk=draft.pk).update(status=state)
    draft.refresh_from_db()
    allowed = {name: (who if name in API_MOVES else set()) for name, who in INITIATIVE_ALLOWED.items()}
    assert_move_matrix(draft, roles, allowed, apply=moves_through_api(
        lambda initiative, move: f"/initiatives/{initiative.pk}/moves/{move}", roles, offered=API_MOVES))


def test_the_page_offers_each_role_the_moves_it_may_make(roles, received):
    offered = {}
    for role, user in roles.items():
        response = client_for(user).get(received.get_absolute_url())
        offered[role] = response.status_code if response.status_code != 200 else {
            name for name in API_MOVES if f'id="move-{name}"' in response.content.decode()}
    assert offered["officer"] == {"withdraw"}
    assert offered["leader"] == {"return", "refuse"}
    assert offered["dost"] == set()
    for role in ("other_unit_officer", "expert", "solver", "outsider"):
        assert offered[role] == 404
    assert offered["anonymous"] == 302  # to the login page


def test_a_move_posted_by_a_page_is_the_tables_move(received, leader, officer):
    response = client_for(officer).post(f"/initiatives/{received.pk}/do/refuse/", {"reason": "x"})
    assert response.status_code == 302
    assert Initiative.objects.get(pk=received.pk).status == InitiativeStatus.RECEIVED
    client_for(leader).post(f"/initiatives/{received.pk}/do/refuse/", {"reason": "Trùng với sáng kiến số 03/2025."})
    refused = Initiative.objects.get(pk=received.pk)
    assert refused.status == InitiativeStatus.REFUSED and refused.refusal_reasons.startswith("Trùng")
    assert refused.transitions.last().move == "refuse"


@pytest.mark.parametrize("state", InitiativeStatus.values)
def test_in_every_state_the_page_offers_each_role_exactly_the_moves_it_may_make_now(roles, draft, state):
    from sangtao.core.workflow import unmet_preconditions

    Initiative.objects.filter(pk=draft.pk).update(status=state)
    draft.refresh_from_db()
    moves = workflow_of(draft).moves
    for role, user in roles.items():
        expected = {name for name in API_MOVES if state in moves[name].sources and role in INITIATIVE_ALLOWED[name]
                    and not unmet_preconditions(user, draft, moves[name])}
        response = client_for(user).get(draft.get_absolute_url())
        if response.status_code != 200:  # not theirs to see: nothing to offer either
            assert response.status_code in (302, 404) and expected == set(), (role, state)
            continue
        page = response.content.decode()
        assert {name for name in API_MOVES if f'id="move-{name}"' in page} == expected, (role, state)


def test_a_unit_head_who_is_an_author_neither_answers_the_application_nor_runs_its_council(leader, health, panel):
    deputy = make_user("phogiamdoc", Role.LEADER, health, full_name="Phó Giám đốc")
    own = services.submit(services.create_draft(leader, initiative_data(health, leader)), leader)
    assert [item for item in work_for(leader) if item.kind == "initiatives.answer"] == []
    from sangtao.notifications.models import Notification

    told = set(Notification.objects.filter(title__startswith="Đơn sáng kiến mới").values_list("recipient", flat=True))
    assert told == {deputy.pk}  # the leader who answers, not the author who leads the unit
    for name in ("return", "refuse"):
        with pytest.raises(NotAllowed):
            services.move(own, leader, name, reason="Tự trả lời đơn của mình.")
    with pytest.raises(NotAllowed):
        services.form_council(own, leader)
    assert [item.count for item in work_for(deputy) if item.kind == "initiatives.answer"] == [1]
    council = services.form_council(own, deputy)
    with pytest.raises(NotAllowed):
        seat_council(council, leader, panel)
    seat_council(council, deputy, panel)
    assert Council.objects.get(pk=council.pk).status == CouncilStatus.VOTING


def test_where_every_leader_of_the_unit_is_an_author_dost_answers_in_its_stead(leader, health, dost, officer):
    from sangtao.notifications.models import Notification

    authors = [{"user": leader, "name": leader.full_name, "share": 50}, {"user": officer, "share": 50}]
    own = services.submit(services.create_draft(officer, initiative_data(health, officer, authors=authors)), officer)
    told = set(Notification.objects.filter(title__startswith="Đơn sáng kiến mới").values_list("recipient", flat=True))
    assert told == {dost.pk}
    with pytest.raises(NotAllowed):
        services.move(own, leader, "return", reason="Tự trả lại.")
    returned = services.move(own, dost, "return", reason="Bổ sung minh chứng áp dụng.")
    assert returned.status == InitiativeStatus.DRAFT
