"""Who records KPI measurements: DoST, the owning unit's staff, and the lead organisation."""

import rules

from sangtao.orgs.models import Role
from sangtao.orgs.roles import is_dost, staff_unit_ids, units_with_role


@rules.predicate
def may_measure(user, challenge) -> bool:
    if challenge is None or not getattr(user, "is_authenticated", False):
        return False
    if is_dost(user) or challenge.owner_unit_id in staff_unit_ids(user):
        return True
    decision = getattr(challenge, "decision", None)
    return decision is not None and decision.lead_organisation_id in (
        units_with_role(user, Role.SOLVER) | staff_unit_ids(user))


rules.add_perm("evaluation.measure", may_measure)
