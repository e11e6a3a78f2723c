"""What the knowledge context asks of people, for their home page ("Việc của tôi"): after-action
reviews their unit owes, cases to finish or to edit, adoption requests to answer or to plan. Each
provider makes at most one query."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sangtao.core.workitems import WorkItem, one_or_list, provider, span
from sangtao.knowledge.models import Adoption, AdoptionForm, AdoptionStatus, Case, CaseStatus
from sangtao.orgs.models import Role
from sangtao.orgs.roles import is_dost, staff_unit_ids, units_with_role

GROUP = _("Tri thức và nhân rộng")


@provider("knowledge.reviews")
def reviews(user) -> list[WorkItem]:
    """After-action reviews asked of the user's units and not yet answered (one counting query)."""
    if not staff_unit_ids(user):
        return []
    from sangtao.knowledge.services import owed_reviews

    count = owed_reviews(user).order_by().count()
    return [WorkItem("knowledge.reviews", _("Rút kinh nghiệm sau khi kết thúc công việc"), count,
                     reverse("knowledge:lessons") + "#owed", group=GROUP)] if count else []


@provider("knowledge.cases")
def cases(user) -> list[WorkItem]:
    units, dost = staff_unit_ids(user), is_dost(user)
    if not (units or dost):
        return []
    changes, submitted = Q(unit_id__in=units, status=CaseStatus.CHANGES_REQUESTED), Q(status=CaseStatus.SUBMITTED)
    found = Case.objects.aggregate(changes=Count("id", filter=changes), submitted=Count("id", filter=submitted),
                                   **span("changes", "pk", changes), **span("submitted", "pk", submitted))

    def case(pk) -> str:
        return reverse("knowledge:case", args=[pk])

    items = []
    if found["changes"]:
        items.append(WorkItem("knowledge.changes", _("Tình huống Sở KH&CN yêu cầu chỉnh sửa"), found["changes"],
                              one_or_list(found, "changes", case, reverse("knowledge:cases") + "#my-cases"),
                              group=GROUP))
    if dost and found["submitted"]:
        items.append(WorkItem("knowledge.edit", _("Tình huống chờ biên tập và công bố"), found["submitted"],
                              one_or_list(found, "submitted", case, reverse("knowledge:cases") + "#to-edit"),
                              group=GROUP))
    return items


@provider("knowledge.adoptions")
def adoptions(user) -> list[WorkItem]:
    """Requests to answer (leaders of the case's unit, DoST), accepted ones to plan (the adopting unit),
    and, for the information of the case's other staff, requests their unit received."""
    units, leading, dost = staff_unit_ids(user), units_with_role(user, Role.LEADER), is_dost(user)
    if not (units or dost):
        return []
    requested = Q(status=AdoptionStatus.REQUESTED)
    found = Adoption.objects.aggregate(
        answer=Count("id", filter=requested if dost else requested & Q(case__unit_id__in=leading)),
        plan=Count("id", filter=Q(unit_id__in=units, status=AdoptionStatus.ACCEPTED, form=AdoptionForm.ANNUAL_TASK,
                                  created_task__isnull=True)),
        seen=Count("id", filter=requested & Q(case__unit_id__in=units - leading)))
    url = reverse("knowledge:adoptions")
    items = []
    if found["answer"]:
        items.append(WorkItem("knowledge.answer_adoption", _("Đề nghị áp dụng tình huống chờ trả lời"),
                              found["answer"], url, group=GROUP))
    if found["plan"]:
        items.append(WorkItem("knowledge.plan_adoption", _("Tình huống được chấp nhận, cần đưa vào kế hoạch năm"),
                              found["plan"], url, group=GROUP))
    if found["seen"] and not dost:
        items.append(WorkItem("knowledge.adoption_seen", _("Đơn vị khác đề nghị áp dụng tình huống của đơn vị"),
                              found["seen"], url, action_needed=False, group=GROUP))
    return items
