"""The initiatives of the page crawl's world (sangtao/initiatives/world.py), which `make bench` builds at
ten times the demo: its councils grow with the register only as far as the rules allow."""

from sangtao.initiatives.models import Council, CouncilStatus, InitiativeRules
from sangtao.initiatives.world import build_initiatives


def test_a_register_larger_than_a_council_may_be_still_seats_its_councils_within_the_rules(officer, leader, dost,
                                                                                             ward):
    largest = InitiativeRules.current().council_max_members
    world = build_initiatives(largest, officer, leader, dost, ward)  # 5 + n people: more than a council may seat
    for council in Council.objects.filter(pk__in=[world["initiative_council"], world["voting_council"]]):
        assert council.seats.count() == largest
    assert Council.objects.get(pk=world["initiative_council"]).status == CouncilStatus.DECIDED
