"""Named permission predicates for step 3 (django-rules)."""

import rules

from sangtao.orgs.rules import is_dost_coordinator


@rules.predicate
def is_the_expert(user, expert) -> bool:
    return expert is not None and expert.user_id == getattr(user, "pk", None)


@rules.predicate
def is_assigned_expert(user, assignment) -> bool:
    return assignment is not None and assignment.expert.user_id == getattr(user, "pk", None)


@rules.predicate
def is_council_secretary(user, council) -> bool:
    from sangtao.review.models import CouncilMember, CouncilRole

    return council is not None and getattr(user, "is_authenticated", False) and CouncilMember.objects.filter(
        council=council, expert__user=user, role=CouncilRole.SECRETARY
    ).exists()


@rules.predicate
def is_council_member(user, council) -> bool:
    return council is not None and getattr(user, "is_authenticated", False) and council.members.filter(
        expert__user=user
    ).exists()


@rules.predicate
def is_sheet_reviewer(user, sheet) -> bool:
    return sheet is not None and is_assigned_expert.test(user, sheet.assignment)


@rules.predicate
def is_sheet_secretary(user, sheet) -> bool:
    """The scientific secretary of the council the sheet was scored in."""
    return sheet is not None and is_council_secretary.test(user, sheet.assignment.council)


rules.add_perm("review.manage", is_dost_coordinator)
rules.add_perm("review.edit_expert", is_dost_coordinator | is_the_expert)
rules.add_perm("review.review_assignment", is_assigned_expert)
rules.add_perm("review.reopen_sheet", is_council_secretary)
rules.add_perm("review.view_council", is_dost_coordinator | is_council_member)
