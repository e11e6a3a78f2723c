"""Before submitting, the proposal page lists what the submit move still needs (from its move table),
each point linked to where it is filled in on the form, and the submit button says why it is off."""

import re

import pytest

from conftest import client_for, proposal_data
from sangtao.challenges.models import Status
from sangtao.core import workflow
from sangtao.proposals import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(make_challenge):
    return make_challenge(Status.PUBLISHED)


def test_the_submit_moves_preconditions_come_from_its_table_one_line_per_missing_part(challenge, solver, solver_org):
    proposal = services.start_proposal(challenge, solver, solver_org, {"title": "Bản đầu"})
    choice = workflow.choice_of(solver, proposal, services.MOVES["submit"])
    edit = f"/proposals/{proposal.pk}/edit/"
    links = {fix: why for why, fix in choice.unmet}
    assert {f"{edit}#id_summary", f"{edit}#team", f"{edit}#workplan", f"{edit}#budget-lines",
            f"{edit}#expected-results"} <= set(links)
    assert links[f"{edit}#team"] == "Cần ít nhất một thành viên nhóm thực hiện."


def test_the_proposal_page_shows_the_checklist_and_a_disabled_submit_button_until_complete(
        challenge, solver, solver_org):
    proposal = services.start_proposal(challenge, solver, solver_org, {"title": "Bản đầu"})
    client = client_for(solver)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'id="unmet-submit"' in page
    assert re.search(r'<button type="button" class="button" disabled aria-describedby="unmet-submit"', page)
    assert f'href="/proposals/{proposal.pk}/edit/#team"' in page
    assert f'href="/proposals/{proposal.pk}/submit/"' not in page
    # The form lists the same points, each a link to its own section on the page.
    form = client.get(f"/proposals/{proposal.pk}/edit/").content.decode()
    assert 'id="team"' in form and f'href="/proposals/{proposal.pk}/edit/#team"' in form

    services.save_proposal(proposal, solver, proposal_data(challenge), expected_revision=proposal.revision)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'id="unmet-submit"' not in page
    assert f'href="/proposals/{proposal.pk}/submit/"' in page


def test_the_checklist_is_in_english_under_en(challenge, solver, solver_org):
    proposal = services.start_proposal(challenge, solver, solver_org, {"title": "Bản đầu"})
    page = client_for(solver).get(f"/en/proposals/{proposal.pk}/").content.decode()
    assert "At least one team member is needed." in page
    assert f'href="/en/proposals/{proposal.pk}/edit/#team"' in page
