"""Named permission predicates for projects (django-rules)."""

import rules

from sangtao.orgs.models import Role
from sangtao.orgs.roles import staff_unit_ids, units_with_role
from sangtao.orgs.rules import is_dost_coordinator


@rules.predicate
def is_lead(user, project) -> bool:
    """A member of the lead organisation (a solver's member, or staff when a public unit leads)."""
    return project is not None and project.lead_organisation_id in (
        units_with_role(user, Role.SOLVER) | staff_unit_ids(user))


@rules.predicate
def is_owner_staff(user, project) -> bool:
    return project is not None and project.challenge.owner_unit_id in staff_unit_ids(user)


@rules.predicate
def is_partner_staff(user, project) -> bool:
    return project is not None and bool(
        set(project.partners.values_list("unit_id", flat=True)) & staff_unit_ids(user))


rules.add_perm("projects.manage", is_dost_coordinator | is_owner_staff)
rules.add_perm("projects.report", is_lead)
rules.add_perm("projects.work", is_dost_coordinator | is_owner_staff | is_lead | is_partner_staff)
