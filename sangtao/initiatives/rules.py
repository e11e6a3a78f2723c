"""Named permission predicates for initiatives (django-rules)."""

import rules

from sangtao.orgs.models import Role
from sangtao.orgs.roles import staff_unit_ids, unit_staff, units_with_role
from sangtao.orgs.rules import is_dost_coordinator, is_unit_staff


@rules.predicate
def is_author(user, initiative) -> bool:
    """The user is one of the authors (or wrote the application for them)."""
    if initiative is None or not getattr(user, "is_authenticated", False):
        return False
    return initiative.created_by_id == user.pk or any(a.user_id == user.pk for a in initiative.authors.all())


@rules.predicate
def leads_unit_of(user, initiative) -> bool:
    """A leader of the unit where the initiative was applied: the unit keeps the register and answers."""
    return initiative is not None and initiative.unit_id in units_with_role(user, Role.LEADER)


def leaders_who_answer(initiative) -> list:
    """The unit's leaders who are not authors of the application."""
    authors = {author.user_id for author in initiative.authors.all()} | {initiative.created_by_id}
    return [leader for leader in unit_staff([initiative.unit_id], [Role.LEADER]) if leader.pk not in authors]


@rules.predicate
def answers_for_unit(user, initiative) -> bool:
    """A leader of the unit who is not one of its authors: a unit head who is an author may not sit on
    its council (BRIEF §9), and so may neither answer the application nor form and close that council.
    Where every leader of the unit is an author, DoST answers in its stead: someone must, in time."""
    if initiative is None or is_author.test(user, initiative):
        return False
    if leads_unit_of.test(user, initiative):
        return True
    return is_dost_coordinator.test(user) and not leaders_who_answer(initiative)


@rules.predicate
def is_staff_of_unit_of(user, initiative) -> bool:
    return initiative is not None and initiative.unit_id in staff_unit_ids(user)


@rules.predicate
def is_unit_head_of(user, unit_id) -> bool:
    """The user leads this unit (a unit head who is an author may not sit on its council)."""
    return unit_id in units_with_role(user, Role.LEADER)


@rules.predicate
def manages_council(user, council) -> bool:
    """The unit's leader forms and closes a unit council; DoST the city's council on scope."""
    if council is None:
        return False
    if council.level == "city":
        return is_dost_coordinator.test(user)
    return answers_for_unit.test(user, council.initiative)


@rules.predicate
def sits_on(user, council) -> bool:
    return council is not None and getattr(user, "is_authenticated", False) and any(
        seat.user_id == user.pk for seat in council.seats.all())


rules.add_perm("initiatives.submit", is_unit_staff)
rules.add_perm("initiatives.edit", is_author)
rules.add_perm("initiatives.answer", answers_for_unit)  # return, refuse, form the council, propose city scope
rules.add_perm("initiatives.record_use", answers_for_unit | is_dost_coordinator)  # deployments, emulation titles
rules.add_perm("initiatives.see_register", is_dost_coordinator | is_unit_staff)
rules.add_perm("initiatives.manage_council", manages_council)
rules.add_perm("initiatives.vote", sits_on)
rules.add_perm("initiatives.city", is_dost_coordinator)
