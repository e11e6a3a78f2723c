"""What awaits people in the selection: an expert's declarations and scoresheets, DoST's councils to
form, councils awaiting a decision, complaints to answer (a fixed number of queries)."""

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.challenges.models import Challenge, SelectionMode, Status
from sangtao.core.workitems import WorkItem, one_or_list, provider, span
from sangtao.orgs.roles import is_dost
from sangtao.proposals.models import Proposal, ProposalStatus
from sangtao.review.models import (
    Assignment,
    Complaint,
    ConflictDeclaration,
    Council,
    CouncilStatus,
    Scoresheet,
    SheetStatus,
)

GROUP = _("Tuyển chọn")


@provider("review.expert")
def expert_work(user) -> list[WorkItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    declared = ConflictDeclaration.objects.filter(council=OuterRef("council"), expert=OuterRef("expert"),
                                                  proposal=OuterRef("proposal"))
    submitted = Scoresheet.objects.filter(assignment=OuterRef("pk"), status=SheetStatus.SUBMITTED)
    open_pairs = Assignment.objects.filter(expert__user=user, council__assignments_released_at__isnull=False,
                                           council__status=CouncilStatus.REVIEWING)
    to_declare = Q(declared=False)
    to_score = Q(declared=True, clear=True, submitted=False)
    counts = open_pairs.annotate(
        declared=Exists(declared), clear=Exists(declared.filter(has_conflict=False)), submitted=Exists(submitted),
    ).aggregate(
        declare=Count("pk", filter=to_declare), declare_due=Min("council__session_date", filter=to_declare),
        score=Count("pk", filter=to_score), score_due=Min("council__session_date", filter=to_score),
        **span("declare", "pk", to_declare), **span("score", "pk", to_score),
    )
    today = timezone.localdate()
    url = reverse("review:my_reviews")
    return [
        WorkItem("review.declare", _("Cam kết về xung đột lợi ích cần ký"), counts["declare"],
                 one_or_list(counts, "declare", lambda pk: reverse("review:declare", args=[pk]), url),
                 due=counts["declare_due"], overdue=bool(counts["declare_due"] and counts["declare_due"] < today),
                 group=GROUP),
        WorkItem("review.score", _("Phiếu chấm cần hoàn thành và nộp"), counts["score"],
                 one_or_list(counts, "score", lambda pk: reverse("review:score", args=[pk]), url),
                 due=counts["score_due"], overdue=bool(counts["score_due"] and counts["score_due"] < today),
                 group=GROUP),
    ]


@provider("review.dost")
def dost_work(user) -> list[WorkItem]:
    if not is_dost(user):
        return []
    eligible = Exists(Proposal.objects.filter(challenge=OuterRef("pk"), status=ProposalStatus.ELIGIBLE))
    to_form = Challenge.objects.filter(status=Status.CLOSED, selection_mode=SelectionMode.OPEN, councils__isnull=True,
                                       decision__isnull=True).filter(eligible).aggregate(
        n=Count("pk"), **span("to_form", "pk", Q()))
    forming, deciding = Q(status=CouncilStatus.FORMING), Q(status=CouncilStatus.REVIEWING)
    councils = Council.objects.aggregate(
        forming=Count("pk", filter=forming), deciding=Count("pk", filter=deciding),
        **span("forming", "pk", forming), **span("deciding", "pk", deciding),
    )
    complaints = Complaint.objects.filter(answered_at__isnull=True).aggregate(n=Count("pk"), due=Min("filed_at"),
                                                                          **span("one", "pk", Q()))
    councils_url = reverse("review:councils")

    def council(pk) -> str:
        return reverse("review:council", args=[pk])

    return [
        WorkItem("review.complaints", _("Khiếu nại chờ trả lời"), complaints["n"],
                 one_or_list(complaints, "one", lambda pk: reverse("review:complaints") + f"#complaint-{pk}",
                             reverse("review:complaints")),
                 due=None, group=GROUP),
        WorkItem("review.to_form", _("Bài toán đã đóng, cần thành lập hội đồng"), to_form["n"],
                 one_or_list(to_form, "to_form", lambda pk: reverse("review:council_create") + f"?challenge={pk}",
                             f"{reverse('challenges:mine')}?status={Status.CLOSED}"), group=GROUP),
        WorkItem("review.forming", _("Hội đồng đang thành lập, chờ phân công và công bố"), councils["forming"],
                 one_or_list(councils, "forming", council, councils_url), group=GROUP),
        WorkItem("review.decide", _("Hội đồng đang chấm, chờ kết quả và quyết định lựa chọn"), councils["deciding"],
                 one_or_list(councils, "deciding", council, councils_url), group=GROUP),
    ]
