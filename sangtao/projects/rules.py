"""Named permission predicates for projects (django-rules)."""

import rules

from sangtao.challenges.rules import is_owner_staff as owns_challenge
from sangtao.orgs.models import Role
from sangtao.orgs.roles import staff_unit_ids, units_with_role
from sangtao.orgs.rules import is_dost_coordinator, is_unit_staff


@rules.predicate
def is_lead(user, project) -> bool:
    """A member of the lead organisation (a solver's member, or staff when a public unit leads)."""
    return project is not None and project.lead_organisation_id in (
        units_with_role(user, Role.SOLVER) | staff_unit_ids(user))


@rules.predicate
def is_project_owner_staff(user, project) -> bool:
    return project is not None and project.challenge.owner_unit_id in staff_unit_ids(user)


@rules.predicate
def is_partner_staff(user, project) -> bool:
    return project is not None and bool(
        set(project.partners.values_list("unit_id", flat=True)) & staff_unit_ids(user))


may_manage = is_dost_coordinator | is_project_owner_staff
may_work = is_dost_coordinator | is_project_owner_staff | is_lead | is_partner_staff


@rules.predicate
def manages_project_of(user, item) -> bool:
    """The user manages the project a task or a report belongs to."""
    return item is not None and may_manage.test(user, item.project)


@rules.predicate
def works_on_project_of(user, item) -> bool:
    return item is not None and may_work.test(user, item.project)


rules.add_perm("projects.create", is_dost_coordinator | owns_challenge)  # on the challenge
rules.add_perm("projects.view_portfolio", is_dost_coordinator | is_unit_staff)
rules.add_perm("projects.manage", may_manage)
rules.add_perm("projects.report", is_lead)
rules.add_perm("projects.work", may_work)
rules.add_perm("projects.accept", is_dost_coordinator)
