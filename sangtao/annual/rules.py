"""Named permission predicates for annual plans and their reports (django-rules)."""

import rules

from sangtao.orgs.models import Role
from sangtao.orgs.roles import units_with_role
from sangtao.orgs.rules import is_dost_coordinator, is_unit_staff


def _unit_of(obj) -> int | None:
    """The unit a plan, or a report's plan, belongs to."""
    if obj is None:
        return None
    plan = getattr(obj, "plan", obj)
    return plan.unit_id


@rules.predicate
def is_plan_officer(user, obj) -> bool:
    """An officer of the unit whose plan (or report) it is."""
    return _unit_of(obj) in units_with_role(user, Role.OFFICER)


@rules.predicate
def is_plan_leader(user, obj) -> bool:
    """A leader of the unit whose plan (or report) it is."""
    return _unit_of(obj) in units_with_role(user, Role.LEADER)


is_plan_staff = is_plan_officer | is_plan_leader


@rules.predicate
def is_unit_staff_of(user, unit) -> bool:
    """An officer or a leader of this unit."""
    return unit is not None and unit.pk in units_with_role(user, Role.OFFICER, Role.LEADER)


rules.add_perm("annual.view_rollup", is_dost_coordinator)
# The evidence register by external indicator: DoST for the city, unit staff for their own units' files.
rules.add_perm("annual.view_evidence", is_dost_coordinator | is_unit_staff)
rules.add_perm("annual.create_plan", is_unit_staff)
rules.add_perm("annual.edit_plan", is_plan_staff)  # in draft; the service checks the state
rules.add_perm("annual.report", is_plan_staff)
rules.add_perm("annual.import", is_dost_coordinator)
rules.add_perm("annual.city_report", is_dost_coordinator)
# A unit's working group: its staff keep it (the object is the unit); DoST reads every unit's.
rules.add_perm("annual.edit_working_group", is_unit_staff_of)
rules.add_perm("annual.view_working_group", is_unit_staff_of | is_dost_coordinator)
# Expert advice sessions (Inno-Coffee): the unit's staff ask for one (the object is the unit); who reads
# which is access.visible_sessions, who answers is the move table (annual/workflow.py).
rules.add_perm("annual.request_advice", is_unit_staff_of)
