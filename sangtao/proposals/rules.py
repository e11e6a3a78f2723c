"""Named permission predicates for proposals (django-rules)."""

import rules

from sangtao.orgs.models import Role
from sangtao.orgs.roles import units_with_role
from sangtao.orgs.rules import is_dost_coordinator, is_solver_member


@rules.predicate
def is_applicant_member(user, proposal) -> bool:
    """The user belongs to the organisation that applies."""
    return proposal is not None and proposal.organisation_id in units_with_role(user, Role.SOLVER)


@rules.predicate
def is_proposal_submitter(user, proposal) -> bool:
    """The user handed in a version of the proposal and is still a member of the organisation that applies."""
    return (is_applicant_member(user, proposal)
            and proposal.versions.filter(submitted_by_id=getattr(user, "pk", None)).exists())


rules.add_perm("proposals.edit_proposal", is_applicant_member)
# The notice to a team member named in the proposal (Law 91/2025/QH15) is sent again by the person who
# handed the proposal in, or by DoST, the controller of the data.
rules.add_perm("proposals.resend_team_notice", is_dost_coordinator | is_proposal_submitter)
rules.add_perm("proposals.screen_proposal", is_dost_coordinator)
rules.add_perm("proposals.view_applications", is_dost_coordinator)
rules.add_perm("proposals.apply", is_solver_member)
