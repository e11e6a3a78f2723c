"""What initiatives ask of people, for their home page: applications to answer, councils to vote in,
scopes to judge. Each provider makes a fixed number of queries."""

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.core.workitems import WorkItem, one_or_list, provider, span
from sangtao.initiatives.models import OPEN_STATES, Council, CouncilStatus, Initiative, InitiativeStatus, Vote
from sangtao.orgs.rules import is_dost_coordinator

GROUP = _("Sáng kiến")


@provider("initiatives.answer")
def to_answer(user) -> list[WorkItem]:
    """Applications in the register of a unit the user leads, not yet answered, but for the user's own
    (another leader answers those): by the answer date."""
    from sangtao.orgs.models import Role
    from sangtao.orgs.roles import units_with_role

    units = units_with_role(user, Role.LEADER)
    if not units:
        return []
    found = Initiative.objects.filter(unit_id__in=units, status__in=OPEN_STATES).exclude(
        created_by=user).exclude(authors__user=user).aggregate(
        n=Count("id"), due=Min("answer_due_on"), **span("one", "pk", Q()))
    if not found["n"]:
        return []
    today = timezone.localdate()
    return [WorkItem("initiatives.answer", _("Đơn sáng kiến chờ trả lời"), found["n"],
                     one_or_list(found, "one", lambda pk: reverse("initiatives:detail", args=[pk]),
                                 reverse("initiatives:dashboard")), due=found["due"],
                     overdue=found["due"] is not None and found["due"] < today, group=GROUP)]


@provider("initiatives.vote")
def to_vote(user) -> list[WorkItem]:
    """Councils in their vote in which the user holds a seat and has not voted."""
    if not getattr(user, "is_authenticated", False):
        return []
    voted = Vote.objects.filter(council=OuterRef("pk"), seat__user=user)
    found = Council.objects.filter(status=CouncilStatus.VOTING, seats__user=user).exclude(Exists(voted)).aggregate(
        n=Count("pk", distinct=True), **span("one", "pk", Q()))
    return [WorkItem("initiatives.vote", _("Hội đồng sáng kiến cần bạn biểu quyết"), found["n"],
                     one_or_list(found, "one", lambda pk: reverse("initiatives:council", args=[pk]),
                                 reverse("initiatives:councils")), group=GROUP)] if found["n"] else []


@provider("initiatives.city")
def city_scope(user) -> list[WorkItem]:
    """For DoST: initiatives proposed for city scope, waiting for the city's council."""
    if not is_dost_coordinator.test(user):
        return []
    found = Initiative.objects.filter(status=InitiativeStatus.CITY_PROPOSED).aggregate(
        n=Count("pk"), **span("one", "pk", Q()))
    return [WorkItem("initiatives.city", _("Sáng kiến đề nghị công nhận phạm vi thành phố"), found["n"],
                     one_or_list(found, "one", lambda pk: reverse("initiatives:detail", args=[pk]),
                                 reverse("initiatives:dashboard") + "?status=city_proposed"),
                     group=GROUP)] if found["n"] else []

