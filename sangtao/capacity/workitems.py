"""What awaits people in capacity rounds: their unanswered invitations, and DoST's rounds to launch."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sangtao.capacity.models import Round, RoundInvitation
from sangtao.core.workitems import WorkItem, provider
from sangtao.orgs.roles import is_dost

GROUP = _("Năng lực đổi mới")


@provider("capacity.answer")
def to_answer(user) -> list[WorkItem]:
    """One line per unanswered invitation of an open round (one query)."""
    rows = list(RoundInvitation.objects.filter(invitee=user, round__status=Round.Status.OPEN, token__used_at__isnull=True)
                .select_related("token", "round").order_by("round__closes_on")[:20])
    return [WorkItem("capacity.answer", _("Trả lời khảo sát: %(module)s") % {"module": row.get_module_display()}, 1,
                     reverse("capacity:answer", args=[row.token.token]), due=row.round.closes_on, group=GROUP)
            for row in rows]


@provider("capacity.launch")
def to_launch(user) -> list[WorkItem]:
    if not is_dost(user):
        return []
    drafts = list(Round.objects.filter(status=Round.Status.DRAFT).order_by("opens_on")[:5])
    return [WorkItem("capacity.launch", _("Phát động đợt khảo sát năng lực %(year)s") % {"year": r.year}, 1,
                     r.get_absolute_url(), due=r.opens_on, group=GROUP) for r in drafts]
