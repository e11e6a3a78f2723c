"""What awaits a person in the challenge workflow, for "Việc của tôi" (one query whatever the items)."""

from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sangtao.challenges import deadlines
from sangtao.challenges.models import Challenge, QuestionStatus, Status, Transition
from sangtao.core.workitems import WorkItem, one_or_list, provider, span
from sangtao.orgs.models import Role
from sangtao.orgs.roles import is_dost, staff_unit_ids, units_with_role

GROUP = _("Bài toán")
RETURNS = ("unit_return", "request_changes")  # the moves that send a challenge back to its draft


def _worklist(status: str) -> str:
    return f"{reverse('challenges:mine')}?status={status}"


def _by(deadline: deadlines.Deadline | None) -> dict[str, Any]:
    """The earliest deadline of a line's challenges, as the work item's due date."""
    return {"due": deadline.due, "overdue": deadline.overdue} if deadline else {}


@provider("challenges.workflow")
def challenge_work(user) -> list[WorkItem]:
    dost = is_dost(user)
    staff = staff_unit_ids(user)
    leading = units_with_role(user, Role.LEADER)
    if not (dost or staff):
        return []
    # Only the counts of the roles the user holds are asked (an empty "IN ()" in one filtered aggregate
    # would empty the others); counted distinct, as the join with questions repeats a challenge.
    # Each line also asks the first and last challenge it counts: one challenge, and the line links to it.
    mine = Q(owner_unit_id__in=staff)
    lines: dict[str, Q] = {}
    if staff:
        lines["drafts"] = mine & Q(status=Status.DRAFT, returned=False)
        lines["returns"] = mine & Q(status=Status.DRAFT, returned=True)
    if leading:
        lines["approvals"] = Q(owner_unit_id__in=leading, status=Status.UNIT_REVIEW)
    if dost:
        lines["reviews"] = Q(status=Status.DOST_REVIEW)
        lines["to_publish"] = Q(status=Status.APPROVED)
    wanted: dict[str, Any] = {}
    for name, condition in lines.items():
        wanted.update({name: Count("pk", filter=condition, distinct=True), **span(name, "pk", condition)})
    pending = Q(questions__status=QuestionStatus.PENDING) & (Q() if dost else mine)
    wanted.update(**span("asked", "pk", pending), asked=Count("questions", filter=pending, distinct=True))
    if dost:  # the earliest arrival at each step with a national deadline (challenges/deadlines.py)
        wanted.update(reviews_since=Min("arrived", filter=Q(status=Status.DOST_REVIEW)),
                      to_publish_since=Min("arrived", filter=Q(status=Status.APPROVED)))
    returned = Exists(Transition.objects.filter(challenge=OuterRef("pk"), move__in=RETURNS))
    counts: dict[str, Any] = dict.fromkeys(("drafts", "returns", "approvals", "reviews", "to_publish"), 0)
    counts.update(Challenge.objects.annotate(returned=returned, arrived=deadlines.arrival()).aggregate(**wanted))
    rules = deadlines.current_rules() if dost and (counts["reviews"] or counts["to_publish"]) else None
    due = {name: deadlines.deadline(status, counts.get(f"{name}_since"), rules) if rules else None
           for name, status in (("reviews", Status.DOST_REVIEW), ("to_publish", Status.APPROVED))}

    def link(name: str, status: str, anchor: str = "") -> str:
        return one_or_list(counts, name, lambda pk: reverse("challenges:detail", args=[pk]) + anchor,
                           _worklist(status) if status else reverse("challenges:mine") + "?questions=pending")

    return [
        WorkItem("challenges.returns", _("Bài toán bị trả lại, cần sửa"), counts["returns"],
                 link("returns", Status.DRAFT), group=GROUP),
        WorkItem("challenges.drafts", _("Bản nháp cần hoàn thiện và trình"), counts["drafts"],
                 link("drafts", Status.DRAFT), group=GROUP),
        WorkItem("challenges.approve", _("Bài toán chờ lãnh đạo đơn vị phê duyệt"), counts["approvals"],
                 link("approvals", Status.UNIT_REVIEW), group=GROUP),
        WorkItem("challenges.review", _("Bài toán chờ Sở KH&CN thẩm định"), counts["reviews"],
                 link("reviews", Status.DOST_REVIEW), group=GROUP, **_by(due["reviews"])),
        WorkItem("challenges.publish", _("Bài toán đã phê duyệt, chờ công bố"), counts["to_publish"],
                 link("to_publish", Status.APPROVED), group=GROUP, **_by(due["to_publish"])),
        WorkItem("challenges.questions", _("Câu hỏi của công chúng chờ duyệt"), counts["asked"],
                 link("asked", "", "#hoi-dap"), group=GROUP),
    ]

