"""The one way to fetch challenges: only those the user may see; 404 for the rest."""

from django.db.models import Q, QuerySet
from django.http import Http404

from sangtao.challenges.models import PUBLIC_STATUSES, Challenge, Indicator
from sangtao.core.lookup import pk_or_404
from sangtao.orgs.models import OrgUnit
from sangtao.orgs.roles import is_dost, staff_unit_ids

# Only the search SQL reads these long derived columns; lists need not load them.
SEARCH_COLUMNS = ("search_exact", "search_folded")


def visible_challenges(user) -> QuerySet[Challenge]:
    queryset = Challenge.objects.select_related("field", "owner_unit").defer(*SEARCH_COLUMNS)
    if is_dost(user):
        return queryset
    units = staff_unit_ids(user)
    if not units:
        return queryset.filter(status__in=PUBLIC_STATUSES)
    co_owned = Challenge.co_owner_units.through.objects.filter(orgunit_id__in=units).values(
        "challenge_id"
    )
    return queryset.filter(
        Q(status__in=PUBLIC_STATUSES) | Q(owner_unit_id__in=units) | Q(pk__in=co_owned)
    )


def public_challenges() -> QuerySet[Challenge]:
    return (
        Challenge.objects.select_related("field", "owner_unit")
        .defer(*SEARCH_COLUMNS)
        .filter(status__in=PUBLIC_STATUSES)
    )


def get_challenge_for(user, pk, *, for_update: bool = False) -> Challenge:
    """The challenge if the user may see it; Http404 otherwise, whether or not it exists."""
    pk = pk_or_404(pk)
    queryset = visible_challenges(user)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    challenge = queryset.filter(pk=pk).first()
    if challenge is None:
        raise Http404
    return challenge


def worklist_challenges(user) -> QuerySet[Challenge]:
    """What a unit officer or leader works on: their units' and co-owned challenges; all for DoST."""
    queryset = visible_challenges(user)
    if is_dost(user):
        return queryset
    units = staff_unit_ids(user)
    return (queryset.filter(owner_unit_id__in=units) | queryset.filter(co_owner_units__in=units)).distinct()


def ownable_units(user, units: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    """Of these units, those the user may file a challenge for: any for DoST, their own for staff."""
    return units if is_dost(user) else units.filter(pk__in=staff_unit_ids(user))


def get_indicator_for(user, pk, *, challenge: Challenge | None = None) -> Indicator:
    """A success indicator of a challenge the user may see (of `challenge`, when given); Http404 otherwise."""
    indicator = Indicator.objects.filter(pk=pk_or_404(pk)).first()
    if indicator is None or (challenge is not None and indicator.challenge_id != challenge.pk):
        raise Http404
    indicator.challenge = challenge or get_challenge_for(user, indicator.challenge_id)
    return indicator
