"""Who sees a proposal, through every surface: pages, API, attachments, exports (role x surface)."""

import pytest
from django.core.files.base import ContentFile

from conftest import SELECTION_WORLD, ApiClient, client_for, make_expert, module_world, selection_world
from sangtao.proposals import services
from sangtao.proposals.models import ProposalAttachment
from sangtao.review import services as review_services

pytestmark = pytest.mark.django_db
# Every test here starts from the same selection, built once for the module.
globals().update(module_world(selection_world, SELECTION_WORLD))

SEES = {"dost", "member", "cleared_reviewer"}
ROLES = ["dost", "member", "other_applicant", "cleared_reviewer", "undeclared_reviewer", "conflicted_reviewer",
         "unassigned_expert", "owner_officer", "outsider", "anonymous"]


@pytest.fixture
def cast(selection, dost, solver, officer, outsider):
    first = selection["proposals"][0]
    items = list(selection["council"].assignments.filter(proposal=first).select_related("expert__user"))
    cleared, undeclared, conflicted = items[0], items[1], items[2]
    review_services.declare(cleared, cleared.expert.user, has_conflict=False)
    review_services.declare(conflicted, conflicted.expert.user, has_conflict=True, note="từng tư vấn")
    attachment = ProposalAttachment(proposal=first, original_name="ho-so.pdf", kind="pdf", size=12, uploaded_by=solver)
    attachment.file.save("ho-so.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    attachment.save()
    users = {
        "dost": dost, "member": solver, "other_applicant": selection["other_member"],
        "cleared_reviewer": cleared.expert.user, "undeclared_reviewer": undeclared.expert.user,
        "conflicted_reviewer": conflicted.expert.user, "unassigned_expert": make_expert("lone", "Một mình").user,
        "owner_officer": officer, "outsider": outsider, "anonymous": None,
    }
    return {"proposal": first, "attachment": attachment, "users": users, "council": selection["council"]}


@pytest.mark.parametrize("role", ROLES)
def test_proposal_page_api_and_attachment_by_role(role, cast):
    proposal, user = cast["proposal"], cast["users"][role]
    client = client_for(user)
    page = client.get(f"/proposals/{proposal.pk}/")
    download = client.get(f"/proposals/{proposal.pk}/attachments/{cast['attachment'].pk}/")
    api = ApiClient(user).get(f"/proposals/{proposal.pk}")
    listed = ApiClient(user).get("/proposals")
    if role in SEES:
        assert page.status_code == 200 and proposal.title in page.content.decode()
        assert download.status_code == 200
        assert api.status_code == 200
        assert proposal.pk in [item["id"] for item in listed.json()["results"]]
    else:
        assert page.status_code in (404, 302)  # anonymous is sent to log in first
        assert download.status_code in (404, 302)
        assert api.status_code == 404
        assert listed.status_code == 200 and proposal.pk not in [p["id"] for p in listed.json()["results"]]


@pytest.mark.parametrize("role", ROLES)
def test_council_exports_and_results_are_dost_only(role, cast):
    user, council = cast["users"][role], cast["council"]
    client = client_for(user)
    allowed = role == "dost"
    for url in (f"/councils/{council.pk}/scores.xlsx", f"/councils/{council.pk}/minutes.pdf",
                f"/councils/{council.pk}/results/"):
        assert (client.get(url).status_code == 200) == allowed, url
    response = ApiClient(user).get(f"/councils/{council.pk}/results")
    assert (response.status_code == 200) == allowed


def test_drafts_are_seen_by_their_organisation_and_dost_only(make_challenge, solver, solver_org, dost, expert,
                                                             officer, outsider):
    from conftest import proposal_data
    from sangtao.challenges.models import Status

    challenge = make_challenge(Status.PUBLISHED)
    draft = services.start_proposal(challenge, solver, solver_org, proposal_data(challenge))
    for user, visible in ((solver, True), (dost, True), (expert, False), (officer, False), (outsider, False)):
        assert (client_for(user).get(f"/proposals/{draft.pk}/").status_code == 200) == visible


def test_blind_council_hides_the_applicant_from_reviewers(cast):
    council = cast["council"]
    type(council).objects.filter(pk=council.pk).update(blind=True)
    ProposalAttachment.objects.filter(pk=cast["attachment"].pk).update(identifying=True)
    reviewer = cast["users"]["cleared_reviewer"]
    proposal = cast["proposal"]
    page = client_for(reviewer).get(f"/proposals/{proposal.pk}/").content.decode()
    assert proposal.title in page
    assert proposal.organisation.name not in page and "Phạm Văn An" not in page
    assert client_for(reviewer).get(f"/proposals/{proposal.pk}/attachments/{cast['attachment'].pk}/").status_code == 404
    body = ApiClient(reviewer).get(f"/proposals/{proposal.pk}").json()
    assert body["organisation"] is None and all("name" not in m for m in body["team"])
    member_page = client_for(cast["users"]["member"]).get(f"/proposals/{proposal.pk}/").content.decode()
    assert proposal.organisation.name in member_page
