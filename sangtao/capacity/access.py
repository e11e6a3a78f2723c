"""The ways to fetch capacity rounds and invitations: rounds for DoST, a unit's numbers for DoST and
the unit's staff, an invitation by its token (the token is the respondent's key)."""

from django.http import Http404

from sangtao.capacity.models import Round, RoundInvitation
from sangtao.core.lookup import pk_or_404
from sangtao.orgs.models import OrgUnit


def visible_rounds(user):
    if not user.has_perm("capacity.see_benchmark"):
        return Round.objects.none()
    return Round.objects.all()


def get_round_for(user, pk) -> Round:
    """DoST manages rounds; others see only the benchmark (Http404 here)."""
    found = Round.objects.filter(pk=pk_or_404(pk)).first() if user.has_perm("capacity.run") else None
    if found is None:
        raise Http404
    return found


def capacity_unit_for(user, pk) -> OrgUnit:
    """A unit whose capacity numbers the user may see (the unit itself is public registry data, so
    this is not the registry's helper); Http404 otherwise."""
    unit = OrgUnit.objects.filter(pk=pk_or_404(pk)).first()
    if unit is None or not user.has_perm("capacity.see_unit", unit):
        raise Http404
    return unit


def get_invitation(token: str) -> RoundInvitation:
    found = RoundInvitation.objects.select_related("round", "token__survey__version", "unit").filter(
        token__token=str(token)[:64]).first()
    if found is None:
        raise Http404
    return found
