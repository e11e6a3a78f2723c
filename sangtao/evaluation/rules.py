"""Who records KPI measurements: DoST, the owning unit's staff, and the lead organisation."""

import rules

from sangtao.challenges.rules import is_owner_staff
from sangtao.orgs.models import Role
from sangtao.orgs.roles import staff_unit_ids, units_with_role
from sangtao.orgs.rules import is_dost_coordinator, is_signed_in


@rules.predicate
def is_lead_member(user, challenge) -> bool:
    """A member of the organisation the selection decision named to lead the challenge."""
    decision = getattr(challenge, "decision", None)
    return decision is not None and decision.lead_organisation_id in (
        units_with_role(user, Role.SOLVER) | staff_unit_ids(user))


may_measure = is_signed_in & (is_dost_coordinator | is_owner_staff | is_lead_member)

rules.add_perm("evaluation.measure", may_measure)
