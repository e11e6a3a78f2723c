"""What awaits a person in the challenge workflow, for "Việc của tôi" (one query whatever the items)."""

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge, QuestionStatus, Status, Transition
from sangtao.core.workitems import WorkItem, provider
from sangtao.orgs.models import Role
from sangtao.orgs.roles import is_dost, staff_unit_ids, units_with_role

GROUP = _("Bài toán")
RETURNS = ("unit_return", "request_changes")  # the moves that send a challenge back to its draft


def _worklist(status: str) -> str:
    return f"{reverse('challenges:mine')}?status={status}"


@provider("challenges.workflow")
def challenge_work(user) -> list[WorkItem]:
    dost = is_dost(user)
    staff = staff_unit_ids(user)
    leading = units_with_role(user, Role.LEADER)
    if not (dost or staff):
        return []
    # Only the counts of the roles the user holds are asked (an empty "IN ()" in one filtered aggregate
    # would empty the others); counted distinct, as the join with questions repeats a challenge.
    mine = Q(owner_unit_id__in=staff)
    wanted: dict[str, Any] = {}
    if staff:
        wanted["drafts"] = Count("pk", filter=mine & Q(status=Status.DRAFT, returned=False), distinct=True)
        wanted["returns"] = Count("pk", filter=mine & Q(status=Status.DRAFT, returned=True), distinct=True)
    if leading:
        wanted["approvals"] = Count("pk", filter=Q(owner_unit_id__in=leading, status=Status.UNIT_REVIEW),
                                    distinct=True)
    if dost:
        wanted["reviews"] = Count("pk", filter=Q(status=Status.DOST_REVIEW), distinct=True)
        wanted["to_publish"] = Count("pk", filter=Q(status=Status.APPROVED), distinct=True)
    wanted["questions"] = Count("questions", filter=Q(questions__status=QuestionStatus.PENDING)
                                & (Q() if dost else mine), distinct=True)
    returned = Exists(Transition.objects.filter(challenge=OuterRef("pk"), move__in=RETURNS))
    counts = dict.fromkeys(("drafts", "returns", "approvals", "reviews", "to_publish"), 0)
    counts.update(Challenge.objects.annotate(returned=returned).aggregate(**wanted))
    return [
        WorkItem("challenges.returns", _("Bài toán bị trả lại, cần sửa"), counts["returns"],
                 _worklist(Status.DRAFT), group=GROUP),
        WorkItem("challenges.drafts", _("Bản nháp cần hoàn thiện và trình"), counts["drafts"],
                 _worklist(Status.DRAFT), group=GROUP),
        WorkItem("challenges.approve", _("Bài toán chờ lãnh đạo đơn vị phê duyệt"), counts["approvals"],
                 _worklist(Status.UNIT_REVIEW), group=GROUP),
        WorkItem("challenges.review", _("Bài toán chờ Sở KH&CN thẩm định"), counts["reviews"],
                 _worklist(Status.DOST_REVIEW), group=GROUP),
        WorkItem("challenges.publish", _("Bài toán đã phê duyệt, chờ công bố"), counts["to_publish"],
                 _worklist(Status.APPROVED), group=GROUP),
        WorkItem("challenges.questions", _("Câu hỏi của công chúng chờ duyệt"), counts["questions"],
                 reverse("challenges:mine"), group=GROUP),
    ]

