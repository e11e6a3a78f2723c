"""Who does what with capacity rounds (django-rules): DoST runs them and sees every unit; a unit's
staff see their own unit's numbers (and the published benchmark)."""

import rules

from sangtao.orgs.roles import staff_unit_ids
from sangtao.orgs.rules import is_dost_coordinator, is_signed_in, is_unit_staff


@rules.predicate
def is_unit_of_score(user, unit) -> bool:
    return unit is not None and unit.pk in staff_unit_ids(user)


rules.add_perm("capacity.run", is_dost_coordinator)
rules.add_perm("capacity.see_all", is_dost_coordinator)
rules.add_perm("capacity.see_benchmark", is_signed_in & (is_dost_coordinator | is_unit_staff))
rules.add_perm("capacity.see_unit", is_dost_coordinator | is_unit_of_score)
rules.add_perm("capacity.see_impact", is_signed_in & (is_dost_coordinator | is_unit_staff))
rules.add_perm("capacity.see_portfolio", is_dost_coordinator)
rules.add_perm("capacity.edit_rules", is_dost_coordinator)
