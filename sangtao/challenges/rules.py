"""Named permission predicates for challenges (django-rules)."""

import rules

from sangtao.challenges.models import PUBLIC_STATUSES, Status
from sangtao.orgs.models import Role
from sangtao.orgs.roles import staff_unit_ids, units_with_role
from sangtao.orgs.rules import is_dost_coordinator, is_signed_in, is_unit_staff


def _co_owner_ids(challenge) -> set[int]:
    cached = getattr(challenge, "_co_owner_ids", None)
    if cached is None:
        cached = set(challenge.co_owner_units.values_list("pk", flat=True))
        challenge._co_owner_ids = cached
    return cached


@rules.predicate
def is_owner_staff(user, challenge) -> bool:
    return challenge is not None and challenge.owner_unit_id in staff_unit_ids(user)


@rules.predicate
def is_owner_leader(user, challenge) -> bool:
    return challenge is not None and challenge.owner_unit_id in units_with_role(user, Role.LEADER)


@rules.predicate
def is_co_owner_staff(user, challenge) -> bool:
    return challenge is not None and bool(_co_owner_ids(challenge) & staff_unit_ids(user))


@rules.predicate
def is_question_moderator(user, question) -> bool:
    """DoST or the owning unit's staff approve, reject and answer the public's questions."""
    return question is not None and (is_dost_coordinator.test(user) or is_owner_staff.test(user, question.challenge))


@rules.predicate
def is_public_challenge(user, challenge) -> bool:
    return challenge is not None and challenge.status in PUBLIC_STATUSES


@rules.predicate
def is_editable(user, challenge) -> bool:
    return challenge is not None and challenge.status == Status.DRAFT


is_internal_viewer = is_dost_coordinator | is_owner_staff | is_co_owner_staff

rules.add_perm("challenges.view_challenge", is_public_challenge | is_internal_viewer)
rules.add_perm("challenges.view_internal", is_internal_viewer)
rules.add_perm("challenges.create_challenge", is_unit_staff | is_dost_coordinator)
rules.add_perm("challenges.view_worklist", is_unit_staff | is_dost_coordinator)
rules.add_perm("challenges.edit_challenge", is_editable & (is_owner_staff | is_dost_coordinator))
rules.add_perm("challenges.comment_challenge", is_internal_viewer)
rules.add_perm("challenges.moderate_questions", is_dost_coordinator | is_owner_staff)
rules.add_perm("challenges.ask_question", is_signed_in & is_public_challenge)
rules.add_perm("challenges.view_portfolio", is_dost_coordinator)
rules.add_perm("challenges.manage_fields", is_dost_coordinator)
