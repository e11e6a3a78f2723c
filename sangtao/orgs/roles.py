"""What roles a user holds in which units, read once per request and cached on the user."""

from collections import defaultdict

from django.contrib.auth import get_user_model

from sangtao.orgs.models import Membership, Role


def roles_of(user) -> dict[str, set[int | None]]:
    """Map each role the user holds to the ids of the units it is held in."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_sangtao_roles", None)
    if cached is None:
        cached = defaultdict(set)
        for role, unit_id in Membership.objects.filter(user=user).values_list("role", "unit_id"):
            cached[role].add(unit_id)
        user._sangtao_roles = cached
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles after memberships change."""
    if hasattr(user, "_sangtao_roles"):
        del user._sangtao_roles


def is_dost(user) -> bool:
    return bool(roles_of(user).get(Role.DOST_COORDINATOR))


def units_with_role(user, *roles: str) -> set[int]:
    found: set[int] = set()
    for role in roles:
        found |= {unit_id for unit_id in roles_of(user).get(role, set()) if unit_id is not None}
    return found


def staff_unit_ids(user) -> set[int]:
    """Units in which the user is an officer or a leader."""
    return units_with_role(user, Role.OFFICER, Role.LEADER)


def unit_staff(unit_ids, roles=(Role.OFFICER, Role.LEADER)):
    """The people holding one of these roles in any of these units."""
    return get_user_model().objects.filter(
        memberships__unit_id__in=list(unit_ids), memberships__role__in=list(roles)).distinct()


def dost_coordinators():
    return get_user_model().objects.filter(memberships__role=Role.DOST_COORDINATOR).distinct()
