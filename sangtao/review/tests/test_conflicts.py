"""Conflicts of interest found from the data, and council composition rules."""

import datetime

import pytest
from django.utils import timezone

from conftest import SELECTION_WORLD, make_expert, module_world, selection_world
from sangtao.core.errors import InvalidInput
from sangtao.review import services
from sangtao.review.conflicts import ExpertFacts, ProposalFacts, conflicts_between, find_conflicts
from sangtao.review.models import CouncilMember, CouncilRole, Expert, ExpertRelationship, RelationshipKind

pytestmark = pytest.mark.django_db
# Every test here starts from the same selection, built once for the module.
globals().update(module_world(selection_world, SELECTION_WORLD))


def codes(found, expert, proposal):
    return {code for code, _text in found.get((expert, proposal), [])}


def test_each_kind_of_conflict_is_found():
    proposals = [ProposalFacts(1, organisation_id=10, tax_code="0312345678-001", team_emails={"an@x.vn"},
                               team_names={"pham van an"})]
    experts = [
        ExpertFacts(1, organisation_id=10),
        ExpertFacts(2, tax_code="0312345678"),  # the parent of a dependent unit
        ExpertFacts(3, member_of={10}),
        ExpertFacts(4, related_orgs={10: "tư vấn"}),
        ExpertFacts(5, email="AN@x.vn"),
        ExpertFacts(6, name="Phạm Văn An"),
        ExpertFacts(7, organisation_id=11, tax_code="0399999999", email="b@y.vn", name="Người Khác"),
    ]
    found = find_conflicts(experts, proposals)
    assert codes(found, 1, 1) == {"same_org"}
    assert codes(found, 2, 1) == {"same_tax"}
    assert codes(found, 3, 1) == {"member"}
    assert codes(found, 4, 1) == {"relationship"}
    assert codes(found, 5, 1) == {"team"}
    assert codes(found, 6, 1) == {"team"}
    assert (7, 1) not in found


def test_relationships_older_than_three_years_no_longer_conflict(selection):
    first = selection["proposals"][0]
    expert = make_expert("old", "Chuyên gia Cũ")
    ExpertRelationship.objects.create(expert=expert, kind=RelationshipKind.EMPLOYER, organisation=first.organisation,
                                      ended_on=timezone.localdate() - datetime.timedelta(days=4 * 365))
    recent = make_expert("recent", "Chuyên gia Mới")
    ExpertRelationship.objects.create(expert=recent, kind=RelationshipKind.EMPLOYER, organisation=first.organisation,
                                      ended_on=timezone.localdate() - datetime.timedelta(days=365))
    found = conflicts_between(Expert.objects.filter(pk__in=[expert.pk, recent.pk]),
                              type(first).objects.filter(pk=first.pk), selection["council"].rules.relationship_years)
    assert (expert.pk, first.pk) not in found and codes(found, recent.pk, first.pk) == {"relationship"}
    # The period is data: five years makes the older tie count too.
    longer = conflicts_between(Expert.objects.filter(pk=expert.pk), type(first).objects.filter(pk=first.pk), 5)
    assert codes(longer, expert.pk, first.pk) == {"relationship"}


def test_a_detected_conflict_cannot_be_declared_away(selection):
    first = selection["proposals"][0]
    item = selection["council"].assignments.filter(proposal=first).select_related("expert__user").first()
    ExpertRelationship.objects.create(expert=item.expert, kind=RelationshipKind.ADVISOR,
                                      organisation=first.organisation)
    declaration = services.declare(item, item.expert.user, has_conflict=False)
    assert declaration.has_conflict and declaration.detected


def test_manual_assignment_of_a_conflicted_pair_is_refused(selection, dost):
    council = selection["council"]
    type(council).objects.filter(pk=council.pk).update(assignments_released_at=None)
    first = selection["proposals"][0]
    member = council.members.first()
    member.expert.organisation = first.organisation
    member.expert.save()
    council.assignments.filter(expert=member.expert, proposal=first).delete()
    with pytest.raises(InvalidInput, match="Xung đột"):
        services.add_assignment(dost, council, member.expert, first)


# --- composition ------------------------------------------------------------------------------

def test_the_seeded_default_council_is_valid(selection):
    assert services.composition_problems(selection["council"]) == []


def test_size_and_roles_are_checked_with_clear_messages(selection):
    council = selection["council"]
    council.members.filter(role=CouncilRole.REVIEWER).first().delete()
    problems = services.composition_problems(council)
    assert any("6 thành viên" in p for p in problems)
    assert any("Ủy viên phản biện" in p and "hiện có 1" in p for p in problems)


def test_a_council_without_a_vice_chair_is_not_composed(selection):
    council = selection["council"]
    council.members.filter(role=CouncilRole.VICE_CHAIR).update(role=CouncilRole.MEMBER)
    assert services.composition_problems(council) == ["Cần đúng 1 «Phó Chủ tịch»; hiện có 0."]


def test_an_applicant_may_not_sit_on_the_council(selection):
    council = selection["council"]
    member = council.members.filter(role=CouncilRole.MEMBER).first()
    from sangtao.orgs.models import Membership, Role

    Membership.objects.create(user=member.expert.user, role=Role.SOLVER, unit=selection["proposals"][0].organisation)
    assert any("không được ngồi hội đồng" in p for p in services.composition_problems(council))


def test_one_ordinary_member_from_an_applicant_is_allowed_but_not_two_nor_as_chair(selection):
    council = selection["council"]
    org = selection["proposals"][0].organisation
    ordinary = list(council.members.filter(role=CouncilRole.MEMBER))
    Expert.objects.filter(pk=ordinary[0].expert_id).update(organisation=org)
    assert services.composition_problems(council) == []
    Expert.objects.filter(pk=ordinary[1].expert_id).update(organisation=org)
    assert any("tối đa 1" in p for p in services.composition_problems(council))
    Expert.objects.filter(pk=ordinary[1].expert_id).update(organisation=None)
    chair = council.members.get(role=CouncilRole.CHAIR)
    Expert.objects.filter(pk=chair.expert_id).update(organisation=org)
    assert any("chỉ được là ủy viên" in p for p in services.composition_problems(council))


def test_release_is_refused_while_composition_is_wrong(make_challenge, dost, field):
    from sangtao.challenges.models import Status
    from sangtao.review.models import Council, CouncilRules, Rubric

    challenge = make_challenge(Status.PUBLISHED)
    council = services.save_council(dost, Council(name="Thiếu người", rules=CouncilRules.objects.get(is_default=True),
                                                  rubric=Rubric.objects.get(is_default=True)), [challenge])
    services.add_member(dost, council, make_expert("a1"), CouncilRole.CHAIR)
    with pytest.raises(InvalidInput, match="1 thành viên"):
        services.release_assignments(dost, council)
    assert CouncilMember.objects.filter(council=council).count() == 1
