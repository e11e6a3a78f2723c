"""The one way to fetch councils and assignments: 404 for what the user may not see."""

from django.http import Http404

from sangtao.core.lookup import pk_or_404
from sangtao.orgs.roles import is_dost
from sangtao.review.models import Assignment, Council


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
