"""Named permission predicates for proposals (django-rules)."""

import rules

from sangtao.orgs.models import Role
from sangtao.orgs.roles import units_with_role
from sangtao.orgs.rules import is_dost_coordinator, is_solver_member


@rules.predicate
def is_applicant_member(user, proposal) -> bool:
    """The user belongs to the organisation that applies."""
    return proposal is not None and proposal.organisation_id in units_with_role(user, Role.SOLVER)


rules.add_perm("proposals.edit_proposal", is_applicant_member)
rules.add_perm("proposals.screen_proposal", is_dost_coordinator)
rules.add_perm("proposals.view_applications", is_dost_coordinator)
rules.add_perm("proposals.apply", is_solver_member)
