"""The one way to fetch proposals: only those the user may see; 404 for the rest.

Who sees a proposal: its organisation's members, DoST coordinators, and council
members assigned to it once the assignment is released and they have signed a
no-conflict declaration for it. Nobody else, through any page, API or export.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from sangtao.core.lookup import pk_or_404
from sangtao.orgs.models import OrgUnit, Role
from sangtao.orgs.roles import is_dost, units_with_role
from sangtao.proposals.models import HANDED_IN, Proposal


def cleared_reviews(user) -> QuerySet:
    """The (council, proposal) pairs the user reviews and has declared no conflict on."""
    from sangtao.review.models import Assignment, ConflictDeclaration

    declared_clear = ConflictDeclaration.objects.filter(
        council=OuterRef("council"), expert=OuterRef("expert"), proposal=OuterRef("proposal"), has_conflict=False,
    )
    return Assignment.objects.filter(
        expert__user=user, expert__active=True, council__assignments_released_at__isnull=False,
        proposal__status__in=HANDED_IN,
    ).filter(Exists(declared_clear))


def visible_proposals(user) -> QuerySet[Proposal]:
    queryset = Proposal.objects.select_related("challenge", "organisation", "organisation__solver_profile")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if is_dost(user):
        return queryset
    condition = Q(organisation_id__in=units_with_role(user, Role.SOLVER))
    if hasattr(user, "expert"):
        condition |= Q(pk__in=cleared_reviews(user).values("proposal_id"))
    return queryset.filter(condition)


def get_proposal_for(user, pk, *, for_update: bool = False) -> Proposal:
    """The proposal if the user may see it; Http404 otherwise, whether or not it exists."""
    pk = pk_or_404(pk)
    queryset = visible_proposals(user)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    proposal = queryset.filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


def is_applicant_view(user, proposal: Proposal) -> bool:
    """Members and DoST see everything; a reviewer may see a blinded view."""
    return is_dost(user) or proposal.organisation_id in units_with_role(user, Role.SOLVER)


def blind_proposal_ids(user) -> set[int]:
    """Ids of the proposals the user reviews in a blind council (shown blind unless the user applied)."""
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "expert"):
        return set()
    return set(cleared_reviews(user).filter(council__blind=True).values_list("proposal_id", flat=True))


def is_blind_view(user, proposal: Proposal) -> bool:
    """A reviewer in a blind council sees the proposal without the applicant's identity."""
    if is_applicant_view(user, proposal):
        return False
    return cleared_reviews(user).filter(proposal=proposal, council__blind=True).exists()


def applicant_organisations(user) -> QuerySet[OrgUnit]:
    """The solver organisations the user is a member of, and so may apply for."""
    return OrgUnit.objects.filter(pk__in=units_with_role(user, Role.SOLVER))
