"""Role predicates shared by every context, each defined once (django-rules)."""

import rules

from sangtao.orgs.models import Role
from sangtao.orgs.roles import is_dost, staff_unit_ids, units_with_role


@rules.predicate
def is_dost_coordinator(user) -> bool:
    return is_dost(user)


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def is_unit_staff(user) -> bool:
    """An officer or a leader of some public unit."""
    return bool(staff_unit_ids(user))


@rules.predicate
def is_solver_member(user) -> bool:
    return bool(units_with_role(user, Role.SOLVER))


@rules.predicate
def is_staff_of(user, unit) -> bool:
    """An officer or a leader of this unit."""
    return unit is not None and unit.pk in staff_unit_ids(user)


@rules.predicate
def is_member_of_solver(user, unit) -> bool:
    """A member of this solver organisation."""
    return unit is not None and unit.pk in units_with_role(user, Role.SOLVER)


rules.add_perm("orgs.manage", is_dost_coordinator)
rules.add_perm("orgs.invite_member", is_member_of_solver | is_dost_coordinator)  # on the organisation


@rules.predicate
def holds_unit_role(user) -> bool:
    """Any role in a unit (DoST, officer, leader, solver member): what single sign-on and the
    second factor can be required for (settings SSO_REQUIRED_FOR_UNIT_ROLES, MFA_REQUIRED_FOR_DOST)."""
    return bool(getattr(user, "is_authenticated", False)) and user.memberships.filter(unit__isnull=False).exists()
