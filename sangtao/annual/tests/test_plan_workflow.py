"""Annual plan moves: who may make each from each state (the whole matrix), and the path the issue names."""

import pytest

from conftest import assert_move_matrix, move_table_test, moves_through_api
from sangtao.annual import services
from sangtao.annual.models import AnnualPlan, PlanStatus
from sangtao.annual.tests.conftest import PLAN_PATH
from sangtao.core.errors import InvalidInput

ALLOWED = move_table_test("annual_plan", {
    "submit": {"officer"}, "approve": {"leader"}, "return": {"leader"}, "consolidate": {"dost"},
    "dost_return": {"dost"}, "start": {"officer", "leader"}, "amend": {"officer", "leader"},
    "complete": {"leader"}, "drop": {"leader"},
})


@pytest.mark.parametrize("state", list(PLAN_PATH))
def test_every_role_may_make_exactly_the_moves_the_table_gives_it_from_every_state(state, make_plan, plan_roles):
    plan = make_plan(state)
    assert assert_move_matrix(plan, plan_roles, ALLOWED) >= 0


def test_a_plan_without_tasks_cannot_be_submitted(make_plan, plan_roles):
    plan = make_plan(tasks=0)
    with pytest.raises(InvalidInput):
        services.submit_plan(plan, plan_roles["officer"])


def test_returns_need_a_reason_and_go_back_to_draft(make_plan, plan_roles):
    plan = make_plan(PlanStatus.SUBMITTED)
    with pytest.raises(InvalidInput):
        services.return_plan(plan, plan_roles["leader"], "")
    plan = services.return_plan(plan, plan_roles["leader"], "Bổ sung chỉ số mục tiêu")
    assert plan.status == PlanStatus.DRAFT
    assert plan.transitions.last().reason == "Bổ sung chỉ số mục tiêu"


def test_an_amendment_is_a_new_version_and_the_history_shows_what_changed(make_plan, plan_roles):
    from sangtao.annual.tests.conftest import task_data

    plan = make_plan(PlanStatus.IN_PROGRESS)
    plan = services.amend_plan(plan, plan_roles["officer"], "Bổ sung nhiệm vụ theo chỉ đạo của UBND")
    assert (plan.status, plan.version) == (PlanStatus.DRAFT, 2)
    services.save_task(plan, plan_roles["officer"], task_data("Trợ lý ảo trả lời thủ tục", budget_vnd=0,
                                                                 budget_source="none"))
    services.submit_plan(AnnualPlan.objects.get(pk=plan.pk), plan_roles["officer"])
    versions = services.history(plan)
    assert [v.number for v, _changes in versions] == [1, 2]
    assert versions[1][0].reason == "Bổ sung nhiệm vụ theo chỉ đạo của UBND"
    assert any("Trợ lý ảo trả lời thủ tục" in after for _what, _before, after in versions[1][1])


def test_dost_does_not_see_a_plan_before_the_unit_leader_approves_it(make_plan, plan_roles):
    from django.http import Http404

    from sangtao.annual.access import get_plan_for

    plan = make_plan(PlanStatus.SUBMITTED)
    with pytest.raises(Http404):
        get_plan_for(plan_roles["dost"], plan.pk)
    with pytest.raises(Http404):
        get_plan_for(plan_roles["other_unit_officer"], plan.pk)
    services.approve_plan(plan, plan_roles["leader"])
    assert get_plan_for(plan_roles["dost"], plan.pk) == plan


@pytest.mark.parametrize("state", list(PLAN_PATH))
def test_through_the_api_every_role_may_make_exactly_the_moves_the_table_gives_it(state, make_plan, plan_roles):
    assert_move_matrix(make_plan(state), plan_roles, ALLOWED,
                       apply=moves_through_api(lambda plan, move: f"/annual/plans/{plan.pk}/moves/{move}", plan_roles))


@pytest.mark.parametrize("state", list(PLAN_PATH))
def test_the_plan_page_offers_each_role_exactly_the_moves_it_may_make_now(state, make_plan, plan_roles):
    """A move is a link on the page when the table gives it to the role from this state and its
    preconditions are met; a role that may not see the plan gets 404."""
    from conftest import client_for
    from sangtao.core.workflow import unmet_preconditions, workflow_of

    plan = make_plan(state)
    moves = workflow_of(plan).moves.values()
    for role, user in plan_roles.items():
        expected = {move.name for move in moves if state in move.sources and role in ALLOWED[move.name]
                    and not unmet_preconditions(user, plan, move)}
        response = client_for(user).get(plan.get_absolute_url())
        if response.status_code != 200:  # not theirs to see: nothing to offer either
            assert response.status_code in (302, 404) and expected == set(), (role, state)
            continue
        page = response.content.decode()
        assert {move.name for move in moves if f'/move/{move.name}/"' in page} == expected, (role, state)
