"""What awaits people in the applications: a solver's drafts before the deadline, DoST's screenings."""

from typing import Any

from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Status
from sangtao.core.workitems import WorkItem, one_or_list, provider, span
from sangtao.orgs.models import Role
from sangtao.orgs.roles import is_dost, units_with_role
from sangtao.proposals.models import Proposal, ProposalStatus

GROUP = _("Tuyển chọn")


@provider("proposals.work")
def proposal_work(user) -> list[WorkItem]:
    dost = is_dost(user)
    organisations = units_with_role(user, Role.SOLVER)
    if not (dost or organisations):
        return []
    now = timezone.now()
    # Only the counts of the roles the user holds (an empty "IN ()" would empty the other aggregates).
    drafts = Q(organisation_id__in=organisations, status=ProposalStatus.DRAFT, challenge__call_closes_at__gt=now)
    screening = Q(status=ProposalStatus.SUBMITTED, challenge__status=Status.CLOSED)
    wanted: dict[str, Any] = {}
    if organisations:
        wanted.update(drafts=Count("pk", filter=drafts), draft_due=Min("challenge__call_closes_at", filter=drafts),
                      **span("drafts", "pk", drafts))
    if dost:
        wanted.update(screening=Count("pk", filter=screening), first=Min("challenge_id", filter=screening),
                      last=Max("challenge_id", filter=screening), **span("screen", "pk", screening))
    counts: dict[str, Any] = {"drafts": 0, "draft_due": None, "screening": 0, "first": None, "last": None}
    counts.update(Proposal.objects.aggregate(**wanted))
    if counts["screening"] and counts["first"] == counts["last"]:
        # One proposal: its screening; one challenge: its applications; else the closed calls.
        screen_url = one_or_list(counts, "screen", lambda pk: reverse("proposals:screen", args=[pk]),
                                 reverse("proposals:applications", args=[counts["first"]]))
    else:
        screen_url = f"{reverse('challenges:mine')}?status={Status.CLOSED}"
    return [
        WorkItem("proposals.drafts", _("Hồ sơ đăng ký chưa nộp (hạn nộp gần nhất)"), counts["drafts"],
                 one_or_list(counts, "drafts", lambda pk: reverse("proposals:detail", args=[pk]),
                             reverse("proposals:mine")),
                 due=counts["draft_due"], group=GROUP),
        WorkItem("proposals.screen", _("Hồ sơ chờ kiểm tra tính hợp lệ"), counts["screening"], screen_url,
                 group=GROUP),
    ]
