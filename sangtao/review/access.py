"""The one way to fetch experts, councils, assignments and complaints: 404 for what the user may not see."""

from django.db.models import QuerySet
from django.http import Http404

from sangtao.core.lookup import pk_or_404
from sangtao.orgs.models import Role
from sangtao.orgs.roles import is_dost, units_with_role
from sangtao.review.models import Assignment, Complaint, Council, Expert


def visible_experts(user) -> QuerySet[Expert]:
    """DoST sees the whole registry; an expert sees their own profile."""
    queryset = Expert.objects.select_related("user")
    if is_dost(user):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(user=user)


def get_expert_for(user, pk) -> Expert:
    expert = visible_experts(user).filter(pk=pk_or_404(pk)).first()
    if expert is None:
        raise Http404
    return expert


def visible_complaints(user) -> QuerySet[Complaint]:
    """DoST answers every complaint; a solver organisation's members see their organisation's."""
    queryset = Complaint.objects.select_related("proposal__organisation", "decision__challenge")
    if is_dost(user):
        return queryset
    return queryset.filter(proposal__organisation_id__in=units_with_role(user, Role.SOLVER))


def get_complaint_for(user, pk) -> Complaint:
    complaint = visible_complaints(user).filter(pk=pk_or_404(pk)).first()
    if complaint is None:
        raise Http404
    return complaint


def get_council_for(user, pk) -> Council:
    """DoST sees every council; a member sees their own."""
    queryset = Council.objects.select_related("rules", "rubric")
    if not is_dost(user):
        queryset = queryset.filter(members__expert__user=user)
    council = queryset.filter(pk=pk_or_404(pk)).first()
    if council is None:
        raise Http404
    return council


def my_assignments(user):
    """The pairs a member reviews, once DoST has released them."""
    return Assignment.objects.filter(expert__user=user, council__assignments_released_at__isnull=False).select_related(
        "council__rubric", "proposal__challenge", "expert__user")


def get_assignment_for(user, pk) -> Assignment:
    assignment = my_assignments(user).filter(pk=pk_or_404(pk)).first()
    if assignment is None:
        raise Http404
    return assignment
