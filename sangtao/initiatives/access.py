"""The one way to fetch initiatives and their councils: only what the user may see; 404 for the rest.

Who sees an application in full (confidential parts included): its authors, the staff of the unit
that keeps the register (drafts only by their authors), the members of a council judging it, and
DoST. The public sees recognised initiatives the unit publishes, and only their published parts.
"""

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.http import Http404

from sangtao.core.lookup import pk_or_404
from sangtao.initiatives.models import RECOGNISED_STATES, Council, Initiative, InitiativeStatus, Seat
from sangtao.orgs.roles import is_dost, staff_unit_ids


def visible_initiatives(user) -> QuerySet[Initiative]:
    queryset = Initiative.objects.select_related("unit", "field")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if is_dost(user):
        return queryset.exclude(Q(status=InitiativeStatus.DRAFT) & ~Q(created_by=user) & ~Q(authors__user=user))
    mine = Q(created_by=user) | Q(authors__user=user)
    unit = Q(unit_id__in=staff_unit_ids(user)) & ~Q(status=InitiativeStatus.DRAFT)
    seat = Q(councils__seats__user=user)
    return queryset.filter(mine | unit | seat).distinct()


def get_initiative_for(user, pk) -> Initiative:
    initiative = visible_initiatives(user).filter(pk=pk_or_404(pk)).first()
    if initiative is None:
        raise Http404
    return initiative


def register_initiatives(user) -> QuerySet[Initiative]:
    """The registers the user keeps or oversees: their units' (DoST: every unit's), drafts excluded."""
    queryset = Initiative.objects.select_related("unit", "field").exclude(status=InitiativeStatus.DRAFT)
    if is_dost(user):
        return queryset
    return queryset.filter(unit_id__in=staff_unit_ids(user))


def public_initiatives() -> QuerySet[Initiative]:
    """Recognised initiatives the unit chose to publish: the public register, open data and the feed."""
    return Initiative.objects.select_related("unit", "field").filter(status__in=RECOGNISED_STATES, publish=True)


def with_withheld_authors(initiatives) -> list[Initiative]:
    """The initiatives (their authors prefetched), each author marked `withheld` where they restricted the
    processing of their data: the public sees their share, not their name (one query for the page)."""
    from sangtao.privacy.services import restricted_among, restricted_emails

    initiatives = list(initiatives)
    prefetch_related_objects(initiatives, "authors")  # each page's authors.all() then gives these marked ones
    authors = [author for initiative in initiatives for author in initiative.authors.all()]
    users = restricted_among(author.user_id for author in authors)
    emails = restricted_emails(author.email for author in authors if not author.user_id)
    for author in authors:
        author.withheld = author.user_id in users or (not author.user_id and author.email.lower() in emails)
    return initiatives


def get_public_initiative(pk) -> Initiative:
    initiative = public_initiatives().filter(pk=pk_or_404(pk)).first()
    if initiative is None:
        raise Http404
    return initiative


def visible_councils(user) -> QuerySet[Council]:
    queryset = Council.objects.select_related("initiative__unit", "rules")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if is_dost(user):
        return queryset
    # The seats by subquery, not a join: a join on the user's seat would leave only that seat to any
    # count of seats a page annotates (a member's list said one member of five).
    return queryset.filter(Q(initiative__unit_id__in=staff_unit_ids(user), level="unit")
                           | Q(pk__in=Seat.objects.filter(user=user).values("council_id")))


def get_council_for(user, pk) -> Council:
    council = visible_councils(user).filter(pk=pk_or_404(pk)).first()
    if council is None:
        raise Http404
    return council
